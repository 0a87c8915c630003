package io.toolgate.dispatcher.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.support.ApprovalScripts;
import io.toolgate.dispatcher.support.ApprovalScripts.Reply;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.GatewayProcess;
import io.toolgate.store.ApprovalDecision;
import io.toolgate.store.ApprovalStatus;
import io.toolgate.store.ApprovalVerdict;
import io.toolgate.store.redis.RedisStoreSettings;
import io.toolgate.store.redis.RedisStores;
import io.toolgate.store.support.RedisServerProcess;
import io.toolgate.test.Closeables;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

import static io.toolgate.dispatcher.support.ApprovalScripts.WAIT;
import static io.toolgate.dispatcher.support.ApprovalScripts.all;
import static io.toolgate.dispatcher.support.ApprovalScripts.decide;
import static io.toolgate.dispatcher.support.ApprovalScripts.first;
import static io.toolgate.dispatcher.support.ApprovalScripts.startTurn;
import static io.toolgate.dispatcher.support.ApprovalScripts.untilEnd;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Approval gates on two replicas sharing a private Redis: a suspended turn holds nothing
 * on the replica that ran it, so the decision can arrive at either replica and the turn
 * continues there; a decision delivered to both at once runs the tool once (counted at a
 * real HTTP tool worker); the replica that ran the turn can be killed while the turn
 * waits without losing anything; and a turn whose settling decision was taken by a
 * replica that stopped before continuing it is continued by one replica's sweep.
 */
@Timeout(300)
class ApprovalFleetIntegrationTests {

	private static RedisServerProcess redis;

	private static ScriptedUpstream upstream;

	private static ToolWorker worker;

	private static GatewayProcess first;

	private static GatewayProcess second;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.start();
		upstream = ScriptedUpstream.start(ApprovalScripts::script);
		worker = ToolWorker.start(1);
		first = replica();
		second = replica();
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(second, first, worker, upstream, redis);
	}

	private static GatewayProcess replica() {
		Map<String, Object> properties = new HashMap<>();
		properties.put("toolgate.store.redis-url", redis.uri());
		properties.put("toolgate.upstream.base-url", upstream.baseUrl());
		properties.put("toolgate.tools.registry", ApprovalScripts.registry(worker.uri("/echo").toString()).toString());
		properties.put("toolgate.turn.lease-ttl", "3s");
		properties.put("toolgate.approvals.sweep-interval", "500ms");
		properties.put("toolgate.approvals.continuation-grace", "2s");
		return GatewayProcess.start(properties, Duration.ofSeconds(90));
	}

	@Test
	void aSettlingDecisionWhoseReplicaStoppedBeforeContinuingIsContinuedOnceByASweep() throws InterruptedException {
		int before = worker.requests();
		Flux<ServerSentEvent<String>> events = startTurn(first.client(GatewayApp.ACME_KEY), "fleet-4", "#wire 500");
		String id = first(events, "approval.required").path("approvalId").asString();
		// The decision as a replica that stopped right after taking it leaves it: in the
		// store, settling the step, and nobody continuing the turn.
		try (RedisStores stores = RedisStores.connect(redis.uri(), RedisStoreSettings.ofDefaults())) {
			ApprovalDecision decided = stores.approvals()
				.decide("acme", id, new ApprovalVerdict(ApprovalStatus.APPROVED, null, null, Instant.now()))
				.block(WAIT);
			assertThat(decided).isNotNull();
			assertThat(decided.first()).isTrue();
			assertThat(decided.settledStep()).hasSize(1);
		}

		List<ServerSentEvent<String>> all = untilEnd(events);
		assertThat(types(all)).containsSubsequence("approval.required", "turn.resumed", "approval.resolved",
				"tool.result", "turn.completed");
		assertThat(types(all).stream().filter("turn.resumed"::equals)).as("one replica continued it").hasSize(1);
		assertThat(all(all, "tool.result")).singleElement()
			.satisfies(result -> assertThat(result.path("status").asString()).isEqualTo("ok"));
		// Long enough for both replicas' sweeps to have run again.
		Thread.sleep(1_500);
		assertThat(worker.requests()).isEqualTo(before + 1);
	}

	@Test
	void decisionTakenOnAnotherReplicaContinuesTheTurnThere() throws InterruptedException {
		Flux<ServerSentEvent<String>> events = startTurn(first.client(GatewayApp.ACME_KEY), "fleet-1", "#email");
		String id = first(events, "approval.required").path("approvalId").asString();
		// Longer than two checks of the readers' watch (a third of the 3s lease each): a
		// suspended turn has no lease, and must be neither taken over nor closed.
		Thread.sleep(4_000);

		Reply pending = ApprovalScripts.get(second.client(GatewayApp.ACME_KEY), "/v1/approvals?status=pending");
		assertThat(pending.body().path("data").findValuesAsString("id")).contains(id);
		Reply approved = decide(second.client(GatewayApp.ACME_KEY), id, "{\"decision\":\"approve\"}");
		assertThat(approved.status()).isEqualTo(200);

		List<ServerSentEvent<String>> all = untilEnd(events);
		assertThat(types(all)).containsSubsequence("approval.required", "turn.resumed", "approval.resolved",
				"tool.result", "turn.completed");
		assertThat(types(all)).doesNotContain("turn.error");
		assertThat(types(all).stream().filter("turn.resumed"::equals)).hasSize(1);
		assertThat(all(all, "turn.completed").getFirst().path("content").asString()).contains("\"recorded\":true");
		assertThat(ApprovalScripts.get(first.client(GatewayApp.GLOBEX_KEY), "/v1/approvals/" + id).status())
			.isEqualTo(404);
	}

	@Test
	void decisionDeliveredToBothReplicasAtOnceRunsTheToolOnce() throws InterruptedException {
		int before = worker.requests();
		Flux<ServerSentEvent<String>> events = startTurn(first.client(GatewayApp.ACME_KEY), "fleet-2", "#wire 500");
		String id = first(events, "approval.required").path("approvalId").asString();

		List<Reply> replies = Flux.just(first, second, first, second)
			.flatMap(replica -> Mono
				.fromCallable(() -> decide(replica.client(GatewayApp.ACME_KEY), id, "{\"decision\":\"approve\"}"))
				.subscribeOn(Schedulers.boundedElastic()))
			.collectList()
			.block(WAIT);

		assertThat(replies).extracting(Reply::status).containsOnly(200);
		List<ServerSentEvent<String>> all = untilEnd(events);
		assertThat(all(all, "tool.result")).singleElement()
			.satisfies(result -> assertThat(result.path("status").asString()).isEqualTo("ok"));
		assertThat(all(all, "turn.completed")).hasSize(1);
		// Long enough for a second execution to have reached the worker.
		Thread.sleep(1_000);
		assertThat(worker.requests()).isEqualTo(before + 1);
	}

	@Test
	void replicaThatRanTheTurnCanDieWhileItWaits() {
		try (GatewayProcess doomed = replica()) {
			List<ServerSentEvent<String>> head = SseClient
				.startTurn(doomed.client(GatewayApp.ACME_KEY), "fleet-3", "#email")
				.takeUntil(event -> "approval.required".equals(event.event()))
				.collectList()
				.block(WAIT);
			JsonNode required = ApprovalScripts.all(head, "approval.required").getFirst();
			doomed.kill();

			Reply approved = decide(second.client(GatewayApp.ACME_KEY), required.path("approvalId").asString(),
					"{\"decision\":\"approve\"}");
			assertThat(approved.status()).isEqualTo(200);

			String turnId = ApprovalScripts.all(head, "turn.started").getFirst().path("turnId").asString();
			long lastId = Long.parseLong(head.getLast().id());
			List<ServerSentEvent<String>> tail = SseClient
				.resume(first.client(GatewayApp.ACME_KEY), "fleet-3", turnId, lastId)
				.takeUntil(event -> "turn.completed".equals(event.event()))
				.collectList()
				.block(WAIT);
			assertThat(types(tail)).startsWith("turn.resumed", "approval.resolved").endsWith("turn.completed");
			assertThat(Long.parseLong(tail.getFirst().id())).isEqualTo(lastId + 1);
			assertThat(all(tail, "tool.result")).singleElement()
				.satisfies(result -> assertThat(result.path("name").asString()).isEqualTo("send_email"));
		}
	}

	private static List<String> types(List<ServerSentEvent<String>> events) {
		return events.stream().map(ServerSentEvent::event).toList();
	}

}
