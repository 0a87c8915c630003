package io.toolgate.dispatcher.approval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.toolgate.dispatcher.support.ApprovalScripts;
import io.toolgate.dispatcher.support.ApprovalScripts.Reply;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.store.support.RedisServerProcess;
import io.toolgate.test.Closeables;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.toolgate.dispatcher.support.ApprovalScripts.all;
import static io.toolgate.dispatcher.support.ApprovalScripts.decide;
import static io.toolgate.dispatcher.support.ApprovalScripts.untilEnd;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * On Redis, with a second replica whose sweep may rescue turns too: approval decisions in
 * the tenant's audit stream, with reasons kept as given
 * ({@code toolgate.audit.record-arguments}); and the approval hold of a streamed chat
 * completion of a conversation, whose turn, approvals and event log are Redis's: within
 * the hold the stream waits for the decision and ends with the answer; past it the stream
 * ends once with {@code awaiting_approval} and the result goes to the conversation.
 */
@Timeout(120)
class ApprovalRecordsRedisIntegrationTests extends AbstractApprovalRecordsIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static RedisServerProcess redis;

	private static ScriptedUpstream upstream;

	private static ToolWorker worker;

	private static GatewayApp app;

	private static GatewayApp other;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.start();
		upstream = ScriptedUpstream.start(ApprovalScripts::script);
		worker = ToolWorker.start(1);
		Map<String, Object> properties = new HashMap<>();
		properties.put("toolgate.store.redis-url", redis.uri());
		properties.put("toolgate.upstream.base-url", upstream.baseUrl());
		properties.put("toolgate.tools.registry", ApprovalScripts.registry(worker.uri("/echo").toString()).toString());
		properties.put("toolgate.audit.record-arguments", "true");
		properties.put("toolgate.chat.approval-hold", "3s");
		properties.put("toolgate.sse.heartbeat-interval", "500ms");
		properties.put("toolgate.approvals.sweep-interval", "300ms");
		properties.put("toolgate.approvals.continuation-grace", "1s");
		app = GatewayApp.start(properties);
		other = GatewayApp.start(properties);
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(app, other, worker, upstream, redis);
	}

	@Override
	GatewayApp app() {
		return app;
	}

	@Override
	List<GatewayApp> replicas() {
		return List.of(app, other);
	}

	@Override
	ToolWorker worker() {
		return worker;
	}

	@Override
	boolean recordsArguments() {
		return true;
	}

	@Test
	void streamedChatCompletionWaitsOnRedisForADecisionTakenWithinItsHold() throws InterruptedException {
		CompletableFuture<List<String>> stream = chatEvents("redis-chat-held-1").filter(event -> event.data() != null)
			.map(ServerSentEvent::data)
			.collectList()
			.toFuture();
		String id = awaitPending("redis-chat-held-1");
		assertThat(decide(app.client(GatewayApp.ACME_KEY), id, "{\"decision\":\"approve\"}").status()).isEqualTo(200);

		List<String> payloads = stream.join();
		assertThat(payloads).last().isEqualTo("[DONE]");
		assertThat(String.join("\n", payloads)).contains("\\\"recorded\\\":true")
			.contains("\"finish_reason\":\"stop\"")
			.doesNotContain("awaiting_approval")
			.doesNotContain("\"finish_reason\":\"tool_calls\"");
	}

	@Test
	void streamedChatCompletionEndsOnRedisOncePastItsHoldAndTheResultGoesToTheConversation() {
		List<ServerSentEvent<String>> events = chatEvents("redis-chat-held-2").collectList()
			.block(ApprovalScripts.WAIT);
		assertThat(events).isNotNull();
		assertThat(events).filteredOn(event -> event.data() == null && event.comment() != null)
			.as("heartbeats while the approval is pending")
			.hasSizeGreaterThanOrEqualTo(3);
		List<String> payloads = events.stream().map(ServerSentEvent::data).filter(data -> data != null).toList();
		assertThat(payloads).last().isEqualTo("[DONE]");
		assertThat(payloads).filteredOn(payload -> payload.contains("awaiting_approval")).hasSize(1);
		assertThat(payloads).filteredOn(payload -> payload.contains("\"finish_reason\":\"stop\"")).hasSize(1);
		assertThat(String.join("\n", payloads)).doesNotContain("\"finish_reason\":\"tool_calls\"");
		JsonNode awaiting = payloads.stream()
			.filter(payload -> payload.contains("awaiting_approval"))
			.map(payload -> JSON.readTree(payload).path("awaiting_approval"))
			.findFirst()
			.orElseThrow();
		assertThat(awaiting.path("conversation_id").asString()).isEqualTo("redis-chat-held-2");
		String id = awaiting.path("approval_id").asString();
		assertThat(id).startsWith("apr_");

		assertThat(decide(app.client(GatewayApp.ACME_KEY), id, "{\"decision\":\"approve\"}").status()).isEqualTo(200);
		List<ServerSentEvent<String>> rest = untilEnd(SseClient.resume(app.client(GatewayApp.ACME_KEY),
				"redis-chat-held-2", awaiting.path("turn_id").asString(), 0));
		assertThat(all(rest, "turn.completed").getFirst().path("content").asString()).contains("\"recorded\":true");
		Reply conversation = ApprovalScripts.get(app.client(GatewayApp.ACME_KEY),
				"/v1/conversations/redis-chat-held-2");
		assertThat(conversation.body().toString()).contains("answer: ").contains("recorded");
	}

	private static Flux<ServerSentEvent<String>> chatEvents(String conversation) {
		return app.client(GatewayApp.ACME_KEY)
			.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"stream\":true,\"conversation_id\":\"" + conversation
					+ "\",\"messages\":[{\"role\":\"user\",\"content\":\"#email\"}]}")
			.retrieve()
			.bodyToFlux(SseClient.EVENTS);
	}

	private static String awaitPending(String conversation) throws InterruptedException {
		long deadline = System.nanoTime() + ApprovalScripts.WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			for (JsonNode approval : ApprovalScripts
				.get(app.client(GatewayApp.ACME_KEY), "/v1/approvals?status=pending")
				.body()
				.path("data")) {
				if (conversation.equals(approval.path("conversation_id").asString())) {
					return approval.path("id").asString();
				}
			}
			Thread.sleep(50);
		}
		throw new AssertionError("no pending approval in " + conversation);
	}

}
