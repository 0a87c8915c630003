package io.toolgate.dispatcher.approval;

import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.support.ApprovalScripts;
import io.toolgate.dispatcher.support.ApprovalScripts.Reply;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.test.Closeables;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

import static io.toolgate.dispatcher.support.ApprovalScripts.all;
import static io.toolgate.dispatcher.support.ApprovalScripts.decide;
import static io.toolgate.dispatcher.support.ApprovalScripts.first;
import static io.toolgate.dispatcher.support.ApprovalScripts.startTurn;
import static io.toolgate.dispatcher.support.ApprovalScripts.untilEnd;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Approval gates on the embedded default (in-memory store): a held call does not run
 * while the other calls of its message do, the turn suspends with
 * {@code approval.required} and continues after approve, reject or edit, on the same open
 * stream; decisions are tenant-scoped, idempotent and validated; an approval nobody
 * decides expires, its call denied and the turn ended by the sweep.
 */
@Timeout(120)
class ApprovalIntegrationTests {

	private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
		.build();

	private static ScriptedUpstream upstream;

	private static ToolWorker worker;

	private static GatewayApp app;

	private static GatewayApp expiring;

	private static WebClient acme;

	private static WebClient globex;

	@BeforeAll
	static void start() {
		upstream = ScriptedUpstream.start(ApprovalScripts::script);
		worker = ToolWorker.start(1);
		Map<String, Object> properties = Map.of("toolgate.upstream.base-url", upstream.baseUrl(),
				"toolgate.tools.registry", ApprovalScripts.registry(worker.uri("/echo").toString()).toString(),
				"toolgate.chat.approval-hold", "3s", "toolgate.sse.heartbeat-interval", "500ms");
		app = GatewayApp.start(properties);
		expiring = GatewayApp.start(Map.of("toolgate.upstream.base-url", upstream.baseUrl(), "toolgate.tools.registry",
				ApprovalScripts.registry(worker.uri("/echo").toString()).toString(), "toolgate.approvals.timeout", "1s",
				"toolgate.approvals.sweep-interval", "200ms"));
		acme = app.client(GatewayApp.ACME_KEY);
		globex = app.client(GatewayApp.GLOBEX_KEY);
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(expiring, app, worker, upstream);
	}

	@Test
	void heldCallWaitsWhileTheOthersRunAndRunsOnceApproved() {
		Flux<ServerSentEvent<String>> events = startTurn(acme, "approve-1", "#email");
		JsonNode required = first(events, "approval.required");
		assertThat(required.path("callId").asString()).isEqualTo("call_e");
		assertThat(required.path("name").asString()).isEqualTo("send_email");
		assertThat(required.path("arguments").asString()).isEqualTo("{\"to\":\"bob@example.com\",\"subject\":\"hi\"}");
		assertThat(required.path("argumentsHash").asString()).startsWith("sha256:").hasSize(7 + 64);
		assertThat(required.path("reason").asString()).isEqualTo("the tool's risk tier is high");
		assertThat(required.path("decisions").toString()).isEqualTo("[\"approve\",\"reject\",\"edit\"]");
		assertThat(required.path("expiresAt").asString()).isNotEmpty();
		List<ServerSentEvent<String>> beforeDecision = events
			.takeUntil(event -> "approval.required".equals(event.event()))
			.collectList()
			.block(ApprovalScripts.WAIT);
		assertThat(all(beforeDecision, "tool.result")).singleElement()
			.satisfies(result -> assertThat(result.path("name").asString()).isEqualTo("calculator"));
		String id = required.path("approvalId").asString();

		Reply pending = ApprovalScripts.get(acme, "/v1/approvals?status=pending");
		assertThat(pending.status()).isEqualTo(200);
		assertThat(pending.body().path("data").findValuesAsString("id")).contains(id);
		assertThat(ApprovalScripts.get(globex, "/v1/approvals?status=pending")
			.body()
			.path("data")
			.findValuesAsString("id")).doesNotContain(id);

		Reply approved = decide(acme, id, "{\"decision\":\"approve\",\"reason\":\"looks right\"}");
		assertThat(approved.status()).isEqualTo(200);
		assertThat(approved.body().path("status").asString()).isEqualTo("approved");
		assertThat(approved.body().path("decision").path("reason").asString()).isEqualTo("looks right");

		List<ServerSentEvent<String>> all = untilEnd(events);
		assertThat(all(all, "approval.resolved")).singleElement()
			.satisfies(resolved -> assertThat(resolved.path("decision").asString()).isEqualTo("approved"));
		List<JsonNode> results = all(all, "tool.result");
		assertThat(results).extracting(result -> result.path("name").asString())
			.containsExactly("calculator", "send_email");
		assertThat(results.get(1).path("status").asString()).isEqualTo("ok");
		JsonNode completed = all(all, "turn.completed").getFirst();
		assertThat(completed.path("reason").asString()).isEqualTo("stop");
		assertThat(completed.path("content").asString()).contains("\"recorded\":true").contains("5");

		Reply again = decide(acme, id, "{\"decision\":\"approve\"}");
		assertThat(again.status()).as("the same decision again answers as the first did").isEqualTo(200);
		assertThat(again.body().path("decision").path("reason").asString()).isEqualTo("looks right");
		Reply other = decide(acme, id, "{\"decision\":\"reject\"}");
		assertThat(other.status()).isEqualTo(409);
		assertThat(other.body().path("error").path("code").asString()).isEqualTo("approval_already_decided");
		assertThat(all(all, "approval.required")).hasSize(1);
	}

	@Test
	void rejectedCallIsAnErrorResultTheModelSees() {
		Flux<ServerSentEvent<String>> events = startTurn(acme, "reject-1", "#email");
		String id = first(events, "approval.required").path("approvalId").asString();

		Reply rejected = decide(acme, id, "{\"decision\":\"reject\",\"reason\":\"wrong address\"}");
		assertThat(rejected.status()).isEqualTo(200);
		assertThat(rejected.body().path("status").asString()).isEqualTo("rejected");

		List<ServerSentEvent<String>> all = untilEnd(events);
		JsonNode denied = all(all, "tool.result").stream()
			.filter(result -> "send_email".equals(result.path("name").asString()))
			.findFirst()
			.orElseThrow();
		assertThat(denied.path("status").asString()).isEqualTo("error");
		assertThat(denied.path("attempts").asInt()).isZero();
		assertThat(denied.path("error").path("type").asString()).isEqualTo("approval_rejected");
		assertThat(denied.path("error").path("message").asString())
			.isEqualTo("not executed: rejected by a reviewer: wrong address");
		assertThat(all(all, "turn.completed").getFirst().path("content").asString())
			.contains("not executed: rejected by a reviewer: wrong address");
	}

	@Test
	void editedArgumentsAreValidatedAndTheCallRunsWithThem() {
		Flux<ServerSentEvent<String>> events = startTurn(acme, "edit-1", "#email");
		String id = first(events, "approval.required").path("approvalId").asString();

		Reply invalid = decide(acme, id, "{\"decision\":\"edit\",\"arguments\":{\"to\":\"carol@example.com\"}}");
		assertThat(invalid.status()).isEqualTo(422);
		assertThat(invalid.body().path("error").path("message").asString()).contains("subject");
		Reply notObject = decide(acme, id, "{\"decision\":\"edit\",\"arguments\":\"x\"}");
		assertThat(notObject.status()).isEqualTo(400);

		Reply edited = decide(acme, id,
				"{\"decision\":\"edit\",\"arguments\":{\"to\":\"carol@example.com\",\"subject\":\"hello\"}}");
		assertThat(edited.status()).isEqualTo(200);
		assertThat(edited.body().path("status").asString()).isEqualTo("edited");

		List<ServerSentEvent<String>> all = untilEnd(events);
		assertThat(all(all, "approval.resolved").getFirst().path("arguments").asString()).contains("carol@example.com");
		JsonNode result = all(all, "tool.result").stream()
			.filter(r -> "send_email".equals(r.path("name").asString()))
			.findFirst()
			.orElseThrow();
		assertThat(result.path("output").path("to").asString()).isEqualTo("carol@example.com");
		assertThat(result.path("output").path("subject").asString()).isEqualTo("hello");
	}

	@Test
	void anotherTenantCannotSeeOrDecideAnApproval() {
		Flux<ServerSentEvent<String>> events = startTurn(acme, "tenant-1", "#email");
		String id = first(events, "approval.required").path("approvalId").asString();

		Reply foreign = decide(globex, id, "{\"decision\":\"approve\"}");
		assertThat(foreign.status()).isEqualTo(404);
		assertThat(foreign.body().path("error").path("type").asString()).isEqualTo("not_found_error");
		assertThat(ApprovalScripts.get(globex, "/v1/approvals/" + id).status()).isEqualTo(404);
		assertThat(ApprovalScripts.get(acme, "/v1/approvals/" + id).body().path("status").asString())
			.isEqualTo("pending");

		assertThat(decide(acme, id, "{\"decision\":\"reject\"}").status()).isEqualTo(200);
		assertThat(untilEnd(events)).isNotEmpty();
	}

	@Test
	void badDecisionBodiesAreJsonErrors() {
		Flux<ServerSentEvent<String>> events = startTurn(acme, "bad-1", "#email");
		String id = first(events, "approval.required").path("approvalId").asString();

		for (String body : List.of("{\"decision\":", "[1]", "{}", "{\"decision\":\"maybe\"}", "{\"decision\":5}",
				"{\"decision\":\"approve\",\"arguments\":{}}")) {
			Reply reply = decide(acme, id, body);
			assertThat(reply.status()).as(body).isEqualTo(400);
			assertThat(reply.body().path("error").path("type").asString()).as(body).isEqualTo("invalid_request_error");
		}
		assertThat(decide(acme, "apr_nope", "{\"decision\":\"approve\"}").status()).isEqualTo(404);
		assertThat(ApprovalScripts.get(acme, "/v1/approvals?status=done").status()).isEqualTo(400);
		assertThat(ApprovalScripts.get(acme, "/v1/approvals/" + id).body().path("status").asString())
			.isEqualTo("pending");

		assertThat(decide(acme, id, "{\"decision\":\"reject\"}").status()).isEqualTo(200);
		assertThat(untilEnd(events)).isNotEmpty();
	}

	@Test
	void conditionHoldsOnlyTheCallsItNames() {
		int before = worker.requests();
		List<ServerSentEvent<String>> small = untilEnd(startTurn(acme, "wire-small", "#wire 50"));
		assertThat(all(small, "approval.required")).isEmpty();
		assertThat(all(small, "tool.result").getFirst().path("status").asString()).isEqualTo("ok");
		assertThat(worker.requests()).isEqualTo(before + 1);

		Flux<ServerSentEvent<String>> events = startTurn(acme, "wire-large", "#wire 500");
		JsonNode required = first(events, "approval.required");
		assertThat(required.path("reason").asString())
			.isEqualTo("the tool needs approval for every call and /amount is above 100");
		assertThat(worker.requests()).as("a held call does not reach its worker").isEqualTo(before + 1);
		assertThat(decide(acme, required.path("approvalId").asString(), "{\"decision\":\"approve\"}").status())
			.isEqualTo(200);
		assertThat(all(untilEnd(events), "tool.result").getFirst().path("status").asString()).isEqualTo("ok");
		assertThat(worker.requests()).isEqualTo(before + 2);
	}

	@Test
	void turnSuspendedWhileTheConversationMovedOnIsClosedWithoutRunningTheCall() {
		int before = worker.requests();
		Flux<ServerSentEvent<String>> events = startTurn(acme, "moved-on", "#wire 500");
		String id = first(events, "approval.required").path("approvalId").asString();
		List<ServerSentEvent<String>> next = untilEnd(startTurn(acme, "moved-on", "hello"));
		assertThat(all(next, "turn.completed").getFirst().path("content").asString()).isEqualTo("plain answer");

		assertThat(decide(acme, id, "{\"decision\":\"approve\"}").status()).isEqualTo(200);

		List<ServerSentEvent<String>> all = untilEnd(events);
		assertThat(all(all, "turn.error")).singleElement()
			.satisfies(error -> assertThat(error.path("code").asString()).isEqualTo("turn_abandoned"));
		assertThat(all(all, "tool.result")).isEmpty();
		assertThat(worker.requests()).isEqualTo(before);
	}

	@Test
	void pendingApprovalsAndDecisionsAreInTheScrape() throws InterruptedException {
		Flux<ServerSentEvent<String>> events = startTurn(acme, "metrics-1", "#email");
		String id = first(events, "approval.required").path("approvalId").asString();
		// The gauge is the store's count as of the last expiry sweep (every 5s by
		// default).
		long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
		double pending = 0;
		while (pending < 1 && System.nanoTime() < deadline) {
			pending = sample(scrape(), "toolgate_approvals_pending", "");
			Thread.sleep(200);
		}
		assertThat(pending).isGreaterThanOrEqualTo(1);
		double rejectedBefore = sample(scrape(), "toolgate_approval_decisions_total", "decision=\"rejected\"");

		assertThat(decide(acme, id, "{\"decision\":\"reject\"}").status()).isEqualTo(200);
		assertThat(untilEnd(events)).isNotEmpty();

		assertThat(sample(scrape(), "toolgate_approval_decisions_total", "decision=\"rejected\""))
			.isEqualTo(rejectedBefore + 1);
	}

	private static String scrape() {
		return app.managementClient()
			.get()
			.uri("/actuator/prometheus")
			.retrieve()
			.bodyToMono(String.class)
			.block(ApprovalScripts.WAIT);
	}

	private static double sample(String scrape, String name, String label) {
		return scrape.lines()
			.filter(line -> (line.startsWith(name + " ") || line.startsWith(name + "{")) && line.contains(label))
			.mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no sample " + name + " " + label));
	}

	@Test
	void streamedChatCompletionOfAConversationWaitsForADecisionTakenWithinItsHold() throws InterruptedException {
		java.util.concurrent.CompletableFuture<List<String>> stream = chatStream("chat-held-1").collectList()
			.toFuture();
		String id = awaitPending("chat-held-1");
		assertThat(decide(acme, id, "{\"decision\":\"approve\"}").status()).isEqualTo(200);

		List<String> payloads = stream.join();
		assertThat(payloads).last().isEqualTo("[DONE]");
		assertThat(String.join("\n", payloads)).contains("\\\"recorded\\\":true")
			.contains("\"finish_reason\":\"stop\"")
			.doesNotContain("awaiting_approval")
			.doesNotContain("\"finish_reason\":\"tool_calls\"");
	}

	@Test
	void streamedChatCompletionEndsOncePastItsHoldAndTheResultGoesToTheConversation() throws InterruptedException {
		List<ServerSentEvent<String>> events = chatEvents("chat-held-2").collectList().block(ApprovalScripts.WAIT);
		assertThat(events).filteredOn(event -> event.data() == null && event.comment() != null)
			.as("heartbeats while the approval is pending")
			.hasSizeGreaterThanOrEqualTo(3);
		List<String> payloads = events.stream().map(ServerSentEvent::data).filter(data -> data != null).toList();
		assertThat(payloads).last().isEqualTo("[DONE]");
		JsonNode awaiting = payloads.stream()
			.filter(payload -> payload.contains("awaiting_approval"))
			.map(payload -> JSON.readTree(payload).path("awaiting_approval"))
			.findFirst()
			.orElseThrow();
		assertThat(payloads).filteredOn(payload -> payload.contains("awaiting_approval")).hasSize(1);
		assertThat(payloads).filteredOn(payload -> payload.contains("\"finish_reason\":\"stop\"")).hasSize(1);
		assertThat(String.join("\n", payloads)).doesNotContain("\"finish_reason\":\"tool_calls\"");
		assertThat(awaiting.path("conversation_id").asString()).isEqualTo("chat-held-2");
		String id = awaiting.path("approval_id").asString();
		assertThat(id).startsWith("apr_");

		assertThat(decide(acme, id, "{\"decision\":\"approve\"}").status()).isEqualTo(200);
		List<ServerSentEvent<String>> rest = untilEnd(
				io.toolgate.test.SseClient.resume(acme, "chat-held-2", awaiting.path("turn_id").asString(), 0));
		assertThat(all(rest, "turn.completed").getFirst().path("content").asString()).contains("\"recorded\":true");
		Reply conversation = ApprovalScripts.get(acme, "/v1/conversations/chat-held-2");
		assertThat(conversation.body().toString()).contains("answer: ").contains("recorded");
	}

	private static Flux<String> chatStream(String conversation) {
		return chatEvents(conversation).filter(event -> event.data() != null).map(ServerSentEvent::data);
	}

	private static Flux<ServerSentEvent<String>> chatEvents(String conversation) {
		return acme.post()
			.uri("/v1/chat/completions")
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON)
			.bodyValue("{\"stream\":true,\"conversation_id\":\"" + conversation
					+ "\",\"messages\":[{\"role\":\"user\",\"content\":\"#email\"}]}")
			.retrieve()
			.bodyToFlux(io.toolgate.test.SseClient.EVENTS);
	}

	private static String awaitPending(String conversation) throws InterruptedException {
		long deadline = System.nanoTime() + ApprovalScripts.WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			for (JsonNode approval : ApprovalScripts.get(acme, "/v1/approvals?status=pending").body().path("data")) {
				if (conversation.equals(approval.path("conversation_id").asString())) {
					return approval.path("id").asString();
				}
			}
			Thread.sleep(50);
		}
		throw new AssertionError("no pending approval in " + conversation);
	}

	@Test
	void chatCompletionDeniesAHeldCallAndTheModelSeesWhy() {
		JsonNode completion = acme.post()
			.uri("/v1/chat/completions")
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON)
			.bodyValue("{\"messages\":[{\"role\":\"user\",\"content\":\"#email\"}]}")
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(ApprovalScripts.WAIT);
		String content = completion.path("choices").path(0).path("message").path("content").asString();
		assertThat(content).contains("approval_unavailable")
			.contains("not executed: the tool needs a reviewer's approval")
			.contains("\"result\":5");
	}

	@Test
	void directInvocationOfAHeldCallIsRefused() {
		int before = worker.requests();
		Reply refused = acme.post()
			.uri("/v1/tools/wire/invocations")
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON)
			.bodyValue("{\"arguments\":{\"amount\":500}}")
			.exchangeToMono(response -> response.bodyToMono(JsonNode.class)
				.map(body -> new Reply(response.statusCode().value(), body)))
			.block(ApprovalScripts.WAIT);
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.body().path("error").path("code").asString()).isEqualTo("approval_required");
		assertThat(worker.requests()).isEqualTo(before);
	}

	@Test
	void approvalNobodyDecidesExpiresAndTheCallIsDenied() {
		WebClient client = expiring.client(GatewayApp.ACME_KEY);
		Flux<ServerSentEvent<String>> events = startTurn(client, "expire-1", "#email");
		String id = first(events, "approval.required").path("approvalId").asString();

		List<ServerSentEvent<String>> all = untilEnd(events);
		assertThat(all(all, "approval.resolved").getFirst().path("decision").asString()).isEqualTo("expired");
		JsonNode denied = all(all, "tool.result").stream()
			.filter(result -> "send_email".equals(result.path("name").asString()))
			.findFirst()
			.orElseThrow();
		assertThat(denied.path("error").path("type").asString()).isEqualTo("approval_expired");
		assertThat(all(all, "turn.completed").getFirst().path("content").asString())
			.contains("not executed: the approval expired before a reviewer decided");

		Reply late = decide(client, id, "{\"decision\":\"approve\"}");
		assertThat(late.status()).isEqualTo(410);
		assertThat(late.body().path("error").path("code").asString()).isEqualTo("approval_expired");
	}

}
