package io.toolgate.store.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import io.toolgate.store.Conversation;
import io.toolgate.store.ConversationKey;
import io.toolgate.store.EventDraft;
import io.toolgate.store.IdempotencyClaim;
import io.toolgate.store.LeaseLostException;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLease;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis-specific behaviour of the stores, run against standalone Redis and Redis Cluster.
 */
@Timeout(60)
@EachRedisTopology
class RedisStoresIntegrationTests {

	@RegisterExtension
	static final RedisFixtureExtension redis = new RedisFixtureExtension();

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final RedisKeys keys = new RedisKeys(RedisFixture.SETTINGS.keyPrefix());

	@Parameter
	RedisFixture.Topology topology;

	RedisFixture redis() {
		return redis.of(this.topology);
	}

	@Test
	void keysOfOneConversationLieInOneSlot() throws IOException {
		ConversationKey conversation = new ConversationKey("te:n{a}nt", "con}ver:sation");
		TurnKey turn = new TurnKey(conversation, "turn:{1}");
		List<String> all = List.of(this.keys.conversation(conversation), this.keys.messages(conversation),
				this.keys.lease(conversation), this.keys.turns(conversation), this.keys.turnMeta(turn),
				this.keys.turnEvents(turn));
		long slot = redis().slotOf(all.get(0));
		for (String key : all) {
			assertThat(redis().slotOf(key)).as("slot of %s", key).isEqualTo(slot);
		}
		assertThat(redis().stores().isCluster()).isEqualTo(this.topology == RedisFixture.Topology.CLUSTER);
	}

	@Test
	void everyWrittenKeyHasTimeToLive() throws IOException {
		ConversationKey conversation = newConversation();
		TurnKey turn = new TurnKey(conversation, "turn-1");
		RedisStores stores = redis().stores();
		TurnLease lease = stores.leases().acquire(conversation, "turn-1", Duration.ofMinutes(1)).block(TIMEOUT);
		stores.conversations().append(conversation, 0, List.of("{\"role\":\"user\"}"), lease).block(TIMEOUT);
		stores.eventLog().create(turn, Duration.ofMinutes(5)).block(TIMEOUT);
		append(stores.eventLog(), turn, "token", "{}", false).block(TIMEOUT);
		IdempotencyClaim.Claimed claim = (IdempotencyClaim.Claimed) stores.idempotency()
			.claim("scope", conversation.conversationId(), "fp", Duration.ofMinutes(1))
			.block(TIMEOUT);
		stores.idempotency().complete(claim, "{}").block(TIMEOUT);
		List<String> written = List.of(this.keys.conversation(conversation), this.keys.messages(conversation),
				this.keys.lease(conversation), this.keys.turns(conversation), this.keys.turnMeta(turn),
				this.keys.turnEvents(turn), this.keys.idempotency("scope", conversation.conversationId()));
		for (String key : written) {
			assertThat(Long.parseLong(redis().call(key, "PTTL", key))).as("PTTL of %s", key).isPositive();
		}
	}

	@Test
	void scriptsAreSentAgainAfterServerForgetsThem() throws IOException {
		ConversationKey conversation = newConversation();
		RedisStores stores = redis().stores();
		stores.conversations().append(conversation, 0, List.of("m1"), null).block(TIMEOUT);
		redis().call(this.keys.conversation(conversation), "SCRIPT", "FLUSH");
		Conversation next = stores.conversations().append(conversation, 1, List.of("m2"), null).block(TIMEOUT);
		assertThat(next.messages()).containsExactly("m1", "m2");
	}

	@Test
	void readerTailsEventsAppendedByAnotherReplica() {
		TurnKey turn = new TurnKey(newConversation(), "turn-1");
		try (RedisStores otherReplica = redis().connectAnother()) {
			otherReplica.eventLog().create(turn, Duration.ofMinutes(5)).block(TIMEOUT);
			append(otherReplica.eventLog(), turn, "turn.started", "{}", false).block(TIMEOUT);
			StepVerifier.create(redis().stores().eventLog().read(turn, 0).map(StoredEvent::id))
				.expectNext(1L)
				.then(() -> append(otherReplica.eventLog(), turn, "token", "{}", false).block(TIMEOUT))
				.expectNext(2L)
				.then(() -> append(otherReplica.eventLog(), turn, "turn.completed", "{}", true).block(TIMEOUT))
				.expectNext(3L)
				.expectComplete()
				.verify(TIMEOUT);
		}
	}

	@Test
	void readerStartedMidStreamGetsNoGapAndNoDuplicateWhileAnotherReplicaAppends() {
		TurnKey turn = new TurnKey(newConversation(), "turn-1");
		int events = 400;
		try (RedisStores otherReplica = redis().connectAnother()) {
			otherReplica.eventLog().create(turn, Duration.ofMinutes(5)).block(TIMEOUT);
			Mono<Void> writer = Flux.range(1, events)
				.concatMap((i) -> append(otherReplica.eventLog(), turn, "token", "{\"i\":" + i + "}", i == events))
				.then();
			Disposable writing = writer.subscribeOn(Schedulers.boundedElastic()).subscribe();
			try {
				long afterId = awaitAtLeast(turn, 50);
				List<Long> ids = redis().stores()
					.eventLog()
					.read(turn, afterId)
					.map(StoredEvent::id)
					.collectList()
					.block(TIMEOUT);
				assertThat(ids).containsExactlyElementsOf(LongStream.rangeClosed(afterId + 1, events).boxed().toList());
			}
			finally {
				writing.dispose();
			}
		}
	}

	@Test
	void staleLeaseHolderCannotWriteAfterRealExpiryAndTakeover() {
		ConversationKey conversation = newConversation();
		RedisStores stores = redis().stores();
		TurnLease crashed = stores.leases().acquire(conversation, "turn-1", Duration.ofMillis(300)).block(TIMEOUT);
		stores.conversations().append(conversation, 0, List.of("m1"), crashed).block(TIMEOUT);
		RedisFixture.sleep(Duration.ofMillis(400));
		TurnLease next = stores.leases().acquire(conversation, "turn-2", Duration.ofMinutes(1)).block(TIMEOUT);
		StepVerifier.create(stores.conversations().append(conversation, 1, List.of("late"), crashed))
			.expectError(LeaseLostException.class)
			.verify(TIMEOUT);
		assertThat(stores.conversations().append(conversation, 1, List.of("m2"), next).block(TIMEOUT).version())
			.isEqualTo(2);
	}

	/**
	 * Waits on the test thread until the log holds at least {@code count} events; returns
	 * the last id seen.
	 */
	private long awaitAtLeast(TurnKey turn, int count) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			List<StoredEvent> stored = redis().stores()
				.eventLog()
				.read(turn, 0)
				.take(count)
				.collectList()
				.block(TIMEOUT);
			if (stored != null && stored.size() == count) {
				return stored.get(count - 1).id();
			}
		}
		throw new IllegalStateException("The writer did not reach " + count + " events");
	}

	static ConversationKey newConversation() {
		String unique = UUID.randomUUID().toString();
		return new ConversationKey("tenant-" + unique, "conversation-" + unique);
	}

	/** Appends one event, as the turn coordinator's batches of one do. */
	private static Mono<StoredEvent> append(TurnEventLog log, TurnKey key, String type, String data, boolean terminal) {
		return log.appendAll(key, List.of(new EventDraft(type, data, terminal))).single();
	}

}
