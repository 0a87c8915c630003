package io.toolgate.store;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link ApprovalStore} implementation must have: tenant-scoped
 * approvals, one decision each, the step settled exactly once, and the expiry listing.
 */
public abstract class AbstractApprovalStoreContractTests extends AbstractExpiringStoreContractTests {

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	private ApprovalStore store;

	private String tenant;

	/**
	 * Creates the implementation under test; called before each test.
	 * @return a store (state shared with earlier tests is tolerated: every test uses a
	 * new tenant)
	 */
	protected abstract ApprovalStore createStore();

	@BeforeEach
	void createStoreAndTenant() {
		this.store = createStore();
		this.tenant = "tenant-" + UUID.randomUUID();
	}

	@Test
	void heldApprovalIsFoundByItsTenantOnly() {
		Approval held = approval("a1", "call_1", 1, NOW.plusSeconds(60));
		this.store.hold(List.of(held), LONG_TTL).block(TIMEOUT);
		assertThat(this.store.find(this.tenant, "a1").block(TIMEOUT)).isEqualTo(held);
		assertThat(this.store.find("other-" + this.tenant, "a1").blockOptional(TIMEOUT)).isEmpty();
		assertThat(this.store.find(this.tenant, "nope").blockOptional(TIMEOUT)).isEmpty();
	}

	@Test
	void listsPendingApprovalsExpiringFirstFirst() {
		Approval late = approval("late", "call_1", 1, NOW.plusSeconds(120));
		Approval early = approval("early", "call_2", 1, NOW.plusSeconds(60));
		this.store.hold(List.of(late, early), LONG_TTL).block(TIMEOUT);
		assertThat(this.store.pending(this.tenant, 10).collectList().block(TIMEOUT)).extracting(Approval::id)
			.containsExactly("early", "late");
		assertThat(this.store.pending(this.tenant, 1).collectList().block(TIMEOUT)).extracting(Approval::id)
			.containsExactly("early");
		decide("early", ApprovalStatus.REJECTED);
		assertThat(this.store.pending(this.tenant, 10).collectList().block(TIMEOUT)).extracting(Approval::id)
			.containsExactly("late");
		assertThat(this.store.pending("other-" + this.tenant, 10).collectList().block(TIMEOUT)).isEmpty();
	}

	@Test
	void firstDecisionIsTakenAndLaterOnesGetIt() {
		this.store.hold(List.of(approval("a1", "call_1", 1, NOW.plusSeconds(60))), LONG_TTL).block(TIMEOUT);
		ApprovalVerdict edit = new ApprovalVerdict(ApprovalStatus.EDITED, "{\"to\":\"x\"}", "typo", NOW);
		ApprovalDecision first = this.store.decide(this.tenant, "a1", edit).block(TIMEOUT);
		assertThat(first.first()).isTrue();
		assertThat(first.approval().status()).isEqualTo(ApprovalStatus.EDITED);
		assertThat(first.approval().verdict()).isEqualTo(edit);
		assertThat(first.settledStep()).extracting(Approval::id).containsExactly("a1");
		ApprovalDecision again = decide("a1", ApprovalStatus.REJECTED);
		assertThat(again.first()).isFalse();
		assertThat(again.approval().verdict()).isEqualTo(edit);
		assertThat(again.settledStep()).isEmpty();
		assertThat(this.store.find(this.tenant, "a1").block(TIMEOUT).verdict()).isEqualTo(edit);
	}

	@Test
	void decisionOfAnUnknownOrOtherTenantsApprovalIsEmpty() {
		this.store.hold(List.of(approval("a1", "call_1", 1, NOW.plusSeconds(60))), LONG_TTL).block(TIMEOUT);
		ApprovalVerdict approve = new ApprovalVerdict(ApprovalStatus.APPROVED, null, null, NOW);
		assertThat(this.store.decide("other-" + this.tenant, "a1", approve).blockOptional(TIMEOUT)).isEmpty();
		assertThat(this.store.decide(this.tenant, "nope", approve).blockOptional(TIMEOUT)).isEmpty();
		assertThat(this.store.find(this.tenant, "a1").block(TIMEOUT).status()).isEqualTo(ApprovalStatus.PENDING);
	}

	@Test
	void stepIsSettledByItsLastDecisionOnly() {
		Approval first = approval("a1", "call_1", 2, NOW.plusSeconds(60));
		Approval second = approval("a2", "call_2", 2, NOW.plusSeconds(60));
		Approval otherStep = approval("a3", "call_3", 3, NOW.plusSeconds(60));
		this.store.hold(List.of(first, second), LONG_TTL).block(TIMEOUT);
		this.store.hold(List.of(otherStep), LONG_TTL).block(TIMEOUT);
		assertThat(decide("a1", ApprovalStatus.APPROVED).settledStep()).isEmpty();
		ApprovalDecision last = decide("a2", ApprovalStatus.REJECTED);
		assertThat(last.settledStep()).extracting(Approval::id).containsExactlyInAnyOrder("a1", "a2");
		assertThat(last.settledStep()).extracting(Approval::status)
			.containsExactlyInAnyOrder(ApprovalStatus.APPROVED, ApprovalStatus.REJECTED);
		assertThat(decide("a2", ApprovalStatus.REJECTED).settledStep()).isEmpty();
	}

	@Test
	void concurrentDecisionsTakeOneAndSettleTheStepOnce() {
		this.store.hold(List.of(approval("a1", "call_1", 1, NOW.plusSeconds(60))), LONG_TTL).block(TIMEOUT);
		List<ApprovalDecision> decisions = Flux.range(0, 8)
			.flatMap(i -> Mono.defer(() -> this.store.decide(this.tenant, "a1",
					new ApprovalVerdict((i % 2 == 0) ? ApprovalStatus.APPROVED : ApprovalStatus.REJECTED, null, "r" + i,
							NOW)))
				.subscribeOn(Schedulers.parallel()))
			.collectList()
			.block(TIMEOUT);
		assertThat(decisions).hasSize(8);
		assertThat(decisions).filteredOn(ApprovalDecision::first).hasSize(1);
		assertThat(decisions).filteredOn(decision -> !decision.settledStep().isEmpty()).hasSize(1);
		assertThat(decisions).extracting(ApprovalDecision::approval).containsOnly(decisions.get(0).approval());
	}

	@Test
	void listsPendingApprovalsPastTheirExpiry() {
		Approval due = approval("due", "call_1", 1, NOW.minusSeconds(1));
		Approval notYet = approval("later", "call_2", 1, NOW.plusSeconds(60));
		this.store.hold(List.of(due, notYet), LONG_TTL).block(TIMEOUT);
		assertThat(this.store.due(NOW, 1000).collectList().block(TIMEOUT)).extracting(Approval::id)
			.contains("due")
			.doesNotContain("later");
		decide("due", ApprovalStatus.EXPIRED);
		assertThat(this.store.due(NOW, 1000).collectList().block(TIMEOUT)).extracting(Approval::id)
			.doesNotContain("due");
	}

	@Test
	void countsPendingApprovals() {
		long before = this.store.countPending().block(TIMEOUT);
		this.store
			.hold(List.of(approval("a1", "call_1", 1, NOW.plusSeconds(60)),
					approval("a2", "call_2", 1, NOW.plusSeconds(60))), LONG_TTL)
			.block(TIMEOUT);
		long held = this.store.countPending().block(TIMEOUT);
		assertThat(held).isGreaterThanOrEqualTo(before + 2);
		decide("a1", ApprovalStatus.APPROVED);
		decide("a2", ApprovalStatus.REJECTED);
		assertThat(this.store.countPending().block(TIMEOUT)).isEqualTo(held - 2);
	}

	@Test
	void settledStepIsListedUntilItsContinuationIsMarked() {
		this.store
			.hold(List.of(approval("a1", "call_1", 4, NOW.plusSeconds(60)),
					approval("a2", "call_2", 4, NOW.plusSeconds(60))), LONG_TTL)
			.block(TIMEOUT);
		decide("a1", ApprovalStatus.APPROVED);
		assertThat(settled(NOW.plusSeconds(1))).as("a step with a pending approval").isEmpty();
		decide("a2", ApprovalStatus.REJECTED);

		assertThat(settled(NOW.minusSeconds(1))).as("settled after the time asked for").isEmpty();
		List<List<Approval>> steps = settled(NOW.plusSeconds(1));
		assertThat(steps).singleElement()
			.satisfies(step -> assertThat(step).extracting(Approval::id).containsExactlyInAnyOrder("a1", "a2"));
		Approval ofStep = steps.get(0).get(0);

		this.store.continued(ofStep).block(TIMEOUT);
		assertThat(settled(NOW.plusSeconds(1))).isEmpty();
		assertThat(this.store.claimContinuation(ofStep, LONG_TTL).block(TIMEOUT))
			.as("a continued step cannot be claimed")
			.isFalse();
	}

	@Test
	void continuationIsClaimedOnceUntilTheClaimExpires() {
		Approval held = approval("a1", "call_1", 5, NOW.plusSeconds(60));
		this.store.hold(List.of(held), LONG_TTL).block(TIMEOUT);
		assertThat(this.store.claimContinuation(held, ttl()).block(TIMEOUT)).as("an unsettled step").isFalse();
		decide("a1", ApprovalStatus.APPROVED);

		List<Boolean> claims = Flux.range(0, 12)
			.flatMap(
					i -> Mono.defer(() -> this.store.claimContinuation(held, ttl())).subscribeOn(Schedulers.parallel()))
			.collectList()
			.block(TIMEOUT);
		assertThat(claims).hasSize(12);
		assertThat(claims).filteredOn(Boolean::booleanValue).hasSize(1);

		awaitExpiry(ttl());
		assertThat(this.store.claimContinuation(held, LONG_TTL).block(TIMEOUT)).as("after the claim expired").isTrue();
		assertThat(this.store.claimContinuation(held, LONG_TTL).block(TIMEOUT)).isFalse();
		assertThat(settled(NOW.plusSeconds(1))).as("claimed is still listed until marked continued").hasSize(1);
	}

	private List<List<Approval>> settled(Instant before) {
		return this.store.settledSteps(before, 1000)
			.filter(step -> step.get(0).tenant().equals(this.tenant))
			.collectList()
			.block(TIMEOUT);
	}

	@Test
	void approvalIsDroppedAfterItsRetention() {
		Approval held = approval("a1", "call_1", 1, Instant.now());
		this.store.hold(List.of(held), ttl()).block(TIMEOUT);
		assertThat(this.store.find(this.tenant, "a1").blockOptional(TIMEOUT)).isPresent();
		awaitExpiry(ttl());
		assertThat(this.store.find(this.tenant, "a1").blockOptional(TIMEOUT)).isEmpty();
	}

	private ApprovalDecision decide(String id, ApprovalStatus status) {
		return this.store.decide(this.tenant, id, new ApprovalVerdict(status, null, null, NOW)).block(TIMEOUT);
	}

	private Approval approval(String id, String callId, int iteration, Instant expiresAt) {
		return Approval.pending(id, this.tenant, "conv-1", "turn_1", iteration, callId, "send_email",
				"{\"to\":\"bob@example.com\"}", "sha256:abc", "the tool's risk tier is high", expiresAt);
	}

}
