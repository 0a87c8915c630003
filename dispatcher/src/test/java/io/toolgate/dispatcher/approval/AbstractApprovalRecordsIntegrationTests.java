package io.toolgate.dispatcher.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.toolgate.dispatcher.audit.AuditTrail;
import io.toolgate.dispatcher.auth.ApiKeyResolver;
import io.toolgate.dispatcher.support.ApprovalScripts;
import io.toolgate.dispatcher.support.ApprovalScripts.Reply;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.store.ApprovalDecision;
import io.toolgate.store.ApprovalStatus;
import io.toolgate.store.ApprovalStore;
import io.toolgate.store.ApprovalVerdict;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

import static io.toolgate.dispatcher.support.ApprovalScripts.decide;
import static io.toolgate.dispatcher.support.ApprovalScripts.first;
import static io.toolgate.dispatcher.support.ApprovalScripts.startTurn;
import static io.toolgate.dispatcher.support.ApprovalScripts.untilEnd;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A turn whose settling decision was taken by a replica that stopped before continuing it
 * is continued by a replica's sweep, once, after the continuation grace. Approval
 * decisions in the audit trail: each decision taken is an {@code approval_decision}
 * record (decision, approval id, call id, tool, the reviewer's key id, the arguments'
 * hash, the reason or its hash as configured), readable as soon as the decision is
 * answered; a repeated or refused decision adds none; another tenant sees none.
 */
abstract class AbstractApprovalRecordsIntegrationTests {

	/**
	 * The gateway under test, with the approval scripts' registry and model.
	 * @return the gateway
	 */
	abstract GatewayApp app();

	/**
	 * The replicas whose sweeps may rescue a turn: {@link #app()} and any other on its
	 * store.
	 * @return the replicas
	 */
	List<GatewayApp> replicas() {
		return List.of(app());
	}

	/**
	 * The tool worker behind the approval scripts' {@code wire}.
	 * @return the worker
	 */
	abstract ToolWorker worker();

	/**
	 * Whether the gateway records arguments (and so reasons) themselves.
	 * @return {@code toolgate.audit.record-arguments}
	 */
	abstract boolean recordsArguments();

	@Test
	void eachDecisionTakenIsRecordedBeforeItIsAnswered() {
		WebClient acme = app().client(GatewayApp.ACME_KEY);
		String conversation = "audit-approve-" + UUID.randomUUID();
		Flux<ServerSentEvent<String>> events = startTurn(acme, conversation, "#email");
		JsonNode required = first(events, "approval.required");
		String id = required.path("approvalId").asString();

		Reply approved = decide(acme, id, "{\"decision\":\"approve\",\"reason\":\"looks right\"}");
		assertThat(approved.status()).isEqualTo(200);
		// Read at once: the record was written before the answer.
		List<JsonNode> records = decisions(acme, id);

		assertThat(records).hasSize(1);
		JsonNode record = records.get(0);
		assertThat(record.path("decision").asString()).isEqualTo("approved");
		assertThat(record.path("outcome").asString()).isEqualTo("decided");
		assertThat(record.path("call_id").asString()).isEqualTo("call_e");
		assertThat(record.path("tool").asString()).isEqualTo("send_email");
		assertThat(record.path("conversation_id").asString()).isEqualTo(conversation);
		assertThat(record.path("turn_id").asString())
			.isEqualTo(first(events, "turn.started").path("turnId").asString());
		assertThat(record.path("key_id").asString()).isEqualTo(ApiKeyResolver.keyId(GatewayApp.ACME_KEY));
		assertThat(record.path("arguments_hash").asString()).isEqualTo(required.path("argumentsHash").asString());
		assertReason(record.path("details"), "looks right");
		assertThat(untilEnd(events)).isNotEmpty();

		assertThat(decide(acme, id, "{\"decision\":\"approve\"}").status()).isEqualTo(200);
		assertThat(decide(acme, id, "{\"decision\":\"reject\"}").status()).isEqualTo(409);
		assertThat(decisions(acme, id)).as("a repeated or refused decision adds no record").hasSize(1);
		assertThat(decisions(app().client(GatewayApp.GLOBEX_KEY), id)).as("another tenant's trail").isEmpty();
	}

	@Test
	void aRejectionAndAnEditAreRecordedWithTheirDecisionAndArguments() {
		WebClient acme = app().client(GatewayApp.ACME_KEY);
		Flux<ServerSentEvent<String>> rejectedTurn = startTurn(acme, "audit-reject-" + UUID.randomUUID(), "#email");
		String rejected = first(rejectedTurn, "approval.required").path("approvalId").asString();
		assertThat(decide(acme, rejected, "{\"decision\":\"reject\"}").status()).isEqualTo(200);
		JsonNode rejection = decisions(acme, rejected).getFirst();
		assertThat(rejection.path("decision").asString()).isEqualTo("rejected");
		assertThat(rejection.path("details").has("reason")).isFalse();
		assertThat(rejection.path("details").has("reason_hash")).isFalse();
		untilEnd(rejectedTurn);

		Flux<ServerSentEvent<String>> editedTurn = startTurn(acme, "audit-edit-" + UUID.randomUUID(), "#email");
		String edited = first(editedTurn, "approval.required").path("approvalId").asString();
		String arguments = "{\"to\":\"carol@example.com\",\"subject\":\"edited\"}";
		assertThat(decide(acme, edited,
				"{\"decision\":\"edit\",\"arguments\":" + arguments + ",\"reason\":\"wrong recipient\"}")
			.status()).isEqualTo(200);
		JsonNode edit = decisions(acme, edited).getFirst();
		assertThat(edit.path("decision").asString()).isEqualTo("edited");
		assertThat(edit.path("arguments_hash").asString()).isEqualTo(AuditTrail.hash(arguments));
		assertReason(edit.path("details"), "wrong recipient");
		untilEnd(editedTurn);
	}

	@Test
	void aTurnWhoseSettlingDecisionWasTakenButNeverContinuedIsRescuedOnceByASweep() {
		WebClient acme = app().client(GatewayApp.ACME_KEY);
		Flux<ServerSentEvent<String>> events = startTurn(acme, "rescue-" + UUID.randomUUID(), "#wire 500");
		JsonNode required = first(events, "approval.required");
		int before = worker().requests();
		// What a replica that stopped right after taking the decision leaves behind: the
		// decision in the store and no continuation.
		ApprovalStore store = app().context().getBean(ApprovalStore.class);
		ApprovalDecision decided = store
			.decide("acme", required.path("approvalId").asString(),
					new ApprovalVerdict(ApprovalStatus.APPROVED, null, "decided on a replica that stopped",
							Instant.now()))
			.block(ApprovalScripts.WAIT);
		assertThat(decided).isNotNull();
		assertThat(decided.settledStep()).hasSize(1);

		List<ServerSentEvent<String>> all = untilEnd(events);

		assertThat(ApprovalScripts.all(all, "turn.resumed")).hasSize(1);
		assertThat(ApprovalScripts.all(all, "approval.resolved")).singleElement()
			.satisfies(resolved -> assertThat(resolved.path("decision").asString()).isEqualTo("approved"));
		assertThat(ApprovalScripts.all(all, "tool.result")).singleElement()
			.satisfies(result -> assertThat(result.path("status").asString()).isEqualTo("ok"));
		JsonNode completed = ApprovalScripts.all(all, "turn.completed").getFirst();
		assertThat(completed.path("reason").asString()).isEqualTo("stop");
		assertThat(worker().requests()).as("the held call ran once").isEqualTo(before + 1);
		for (GatewayApp replica : replicas()) {
			assertThat(replica.context()
				.getBean(ApprovalStore.class)
				.claimContinuation(decided.approval(), Duration.ofMinutes(1))
				.block(ApprovalScripts.WAIT)).as("the continued step cannot be claimed again").isFalse();
		}
	}

	private void assertReason(JsonNode details, String reason) {
		if (recordsArguments()) {
			assertThat(details.path("reason").asString()).isEqualTo(reason);
			assertThat(details.has("reason_hash")).isFalse();
		}
		else {
			assertThat(details.path("reason_hash").asString()).isEqualTo(AuditTrail.hash(reason));
			assertThat(details.has("reason")).isFalse();
		}
	}

	private static List<JsonNode> decisions(WebClient client, String approvalId) {
		Reply audit = ApprovalScripts.get(client, "/v1/audit?tool=send_email&limit=100");
		assertThat(audit.status()).isEqualTo(200);
		return audit.body()
			.path("data")
			.valueStream()
			.filter(entry -> "approval_decision".equals(entry.path("kind").asString()))
			.filter(entry -> approvalId.equals(entry.path("details").path("approval_id").asString()))
			.toList();
	}

}
