package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnKey;
import io.toolgate.store.memory.InMemoryTurnEventLog;
import io.toolgate.store.redis.RedisStoreSettings;
import io.toolgate.store.redis.RedisStores;
import io.toolgate.store.support.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link CompletionStreams} on a log in this process (written once, at the end) and on a
 * real Redis (written in batches as payloads come): the client gets every payload with
 * its id, a reader resuming on this replica mid-stream gets the rest with no gap and no
 * duplicate, a client that leaves does not stop the completion, and the log ends up
 * holding every payload under the ids readers got.
 */
class CompletionStreamsTests {

	private static final TurnSettings SETTINGS = new TurnSettings(5, 3, Duration.ofSeconds(30), 4, 10_000,
			Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofMillis(20), true);

	abstract static class Contract {

		private final TurnKey key = CompletionStreams.key("acme", "chatcmpl-" + System.nanoTime());

		abstract TurnEventLog eventLog();

		abstract boolean shared();

		private CompletionStreams streams() {
			return new CompletionStreams(eventLog(), SETTINGS, shared());
		}

		@Test
		void theClientGetsEveryPayloadWithItsIdAndTheLogHoldsThemAll() {
			CompletionStreams streams = streams();
			List<CompletionStreams.Payload> payloads = payloads(150);

			List<StoredEvent> received = streams.start(this.key, Flux.fromIterable(payloads).map(List::of))
				.flatMapMany(live -> live)
				.flatMapIterable(group -> group)
				.collectList()
				.block(Duration.ofSeconds(10));

			assertThat(received).extracting(StoredEvent::id)
				.containsExactlyElementsOf(IntStream.rangeClosed(1, 150).mapToObj(Long::valueOf).toList());
			assertThat(received.getLast().terminal()).isTrue();
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(eventLog().readStored(this.key, 0).collectList().block())
					.containsExactlyElementsOf(received));
		}

		@Test
		void aReaderOnThisReplicaResumesMidStreamWithNoGapAndNoDuplicate() {
			CompletionStreams streams = streams();
			Sinks.Many<CompletionStreams.Payload> source = Sinks.many().unicast().onBackpressureBuffer();
			Flux<List<StoredEvent>> live = streams.start(this.key, source.asFlux().map(List::of))
				.block(Duration.ofSeconds(5));
			List<StoredEvent> client = new java.util.concurrent.CopyOnWriteArrayList<>();
			live.subscribe(client::addAll);
			for (int i = 1; i <= 5; i++) {
				source.tryEmitNext(new CompletionStreams.Payload("{\"n\":" + i + "}", false));
			}

			StepVerifier.create(streams.events(this.key, 3))
				.assertNext(event -> assertThat(event.id()).isEqualTo(4))
				.assertNext(event -> assertThat(event.id()).isEqualTo(5))
				.then(() -> {
					source.tryEmitNext(new CompletionStreams.Payload("{\"n\":6}", false));
					source.tryEmitNext(new CompletionStreams.Payload("[DONE]", true));
					source.tryEmitComplete();
				})
				.assertNext(event -> assertThat(event.id()).isEqualTo(6))
				.assertNext(event -> assertThat(event.terminal()).isTrue())
				.expectComplete()
				.verify(Duration.ofSeconds(5));
			assertThat(client).extracting(StoredEvent::id).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
		}

		@Test
		void aClientThatLeavesDoesNotStopTheCompletionAndAReaderGetsTheRestFromTheLog() {
			CompletionStreams streams = streams();
			Sinks.Many<CompletionStreams.Payload> source = Sinks.many().unicast().onBackpressureBuffer();
			Flux<List<StoredEvent>> live = streams.start(this.key, source.asFlux().map(List::of))
				.block(Duration.ofSeconds(5));
			List<StoredEvent> client = new java.util.concurrent.CopyOnWriteArrayList<>();
			Disposable subscription = live.subscribe(client::addAll);
			source.tryEmitNext(new CompletionStreams.Payload("{\"n\":1}", false));
			subscription.dispose();

			for (int i = 2; i <= 4; i++) {
				source.tryEmitNext(new CompletionStreams.Payload("{\"n\":" + i + "}", false));
			}
			source.tryEmitNext(new CompletionStreams.Payload("[DONE]", true));
			source.tryEmitComplete();

			assertThat(client).extracting(StoredEvent::id).containsExactly(1L);
			StepVerifier.create(streams.events(this.key, 1).map(StoredEvent::data))
				.expectNext("{\"n\":2}", "{\"n\":3}", "{\"n\":4}", "[DONE]")
				.expectComplete()
				.verify(Duration.ofSeconds(10));
		}

		@Test
		void aRunThatNeverEndsIsCutAfterTheDeadlineAndTheLeaseTime() {
			TurnSettings shortRun = new TurnSettings(5, 3, Duration.ofMillis(200), 4, 10_000, Duration.ofMinutes(5),
					Duration.ofMillis(100), Duration.ofMillis(20), true);
			CompletionStreams streams = new CompletionStreams(eventLog(), shortRun, shared());
			Flux<List<CompletionStreams.Payload>> stuck = Flux
				.concat(Flux.just(List.of(new CompletionStreams.Payload("{\"n\":1}", false))), Flux.never());

			StepVerifier
				.create(streams.start(this.key, stuck).flatMapMany(live -> live).flatMapIterable(group -> group))
				.assertNext(event -> assertThat(event.id()).isEqualTo(1))
				.expectError(TimeoutException.class)
				.verify(Duration.ofSeconds(5));
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(
						() -> assertThat(eventLog().readStored(this.key, 0).map(StoredEvent::id).collectList().block())
							.containsExactly(1L));
		}

		@Test
		void theEventsOfOneGroupArriveTogetherWithConsecutiveIdsAndEmptyGroupsAreSkipped() {
			CompletionStreams streams = streams();
			Flux<List<CompletionStreams.Payload>> groups = Flux.just(
					List.of(new CompletionStreams.Payload("{\"role\":1}", false)), List.of(),
					List.of(new CompletionStreams.Payload("{\"n\":2}", false)), List.of(),
					List.of(new CompletionStreams.Payload("{\"finish\":3}", false),
							new CompletionStreams.Payload("{\"usage\":4}", false),
							new CompletionStreams.Payload("[DONE]", true)));

			// One at a time: a skipped group must not leave the client without the next.
			StepVerifier.create(streams.start(this.key, groups).flatMapMany(live -> live), 1)
				.assertNext(group -> assertThat(group).extracting(StoredEvent::id).containsExactly(1L))
				.thenRequest(1)
				.assertNext(group -> assertThat(group).extracting(StoredEvent::id).containsExactly(2L))
				.thenRequest(1)
				.assertNext(group -> {
					assertThat(group).extracting(StoredEvent::id).containsExactly(3L, 4L, 5L);
					assertThat(group).extracting(StoredEvent::terminal).containsExactly(false, false, true);
				})
				.expectComplete()
				.verify(Duration.ofSeconds(5));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(
						eventLog().readStored(this.key, 0).map(StoredEvent::data).collectList().block())
					.containsExactly("{\"role\":1}", "{\"n\":2}", "{\"finish\":3}", "{\"usage\":4}", "[DONE]"));
		}

		private static List<CompletionStreams.Payload> payloads(int count) {
			return IntStream.rangeClosed(1, count)
				.mapToObj(i -> (i < count) ? new CompletionStreams.Payload("{\"n\":" + i + "}", false)
						: new CompletionStreams.Payload("[DONE]", true))
				.toList();
		}

	}

	@Nested
	class InThisProcess extends Contract {

		private final InMemoryTurnEventLog eventLog = new InMemoryTurnEventLog();

		@Override
		TurnEventLog eventLog() {
			return this.eventLog;
		}

		@Override
		boolean shared() {
			return false;
		}

	}

	@Nested
	class OnRedis extends Contract {

		private static RedisServerProcess server;

		private static RedisStores stores;

		@BeforeAll
		static void startRedis() {
			server = RedisServerProcess.start();
			// A generous command timeout: what is tested is the recording, not Redis
			// under a
			// loaded machine.
			stores = RedisStores.connect(server.uri(),
					RedisStoreSettings.ofDefaults().withCommandTimeout(Duration.ofSeconds(10)));
		}

		@AfterAll
		static void stopRedis() {
			stores.close();
			server.close();
		}

		@Override
		TurnEventLog eventLog() {
			return stores.eventLog();
		}

		@Override
		boolean shared() {
			return true;
		}

	}

}
