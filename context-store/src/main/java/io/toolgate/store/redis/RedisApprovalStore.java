package io.toolgate.store.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.toolgate.store.Approval;
import io.toolgate.store.ApprovalDecision;
import io.toolgate.store.ApprovalStatus;
import io.toolgate.store.ApprovalStore;
import io.toolgate.store.ApprovalVerdict;
import io.toolgate.store.StoreUnavailableException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link ApprovalStore} on Redis: one hash per approval, a sorted set of each tenant's
 * pending approvals by expiry and a set per step of a turn, all under the tenant's hash
 * tag, so that a decision and the check that settles its step are one Lua script. A set
 * of tenants that held approvals lets the expiry sweep find them. Redis expires every
 * record after its retention. Every command is bounded by
 * {@link RedisStoreSettings#commandTimeout()} and errors with
 * {@link StoreUnavailableException} when Redis cannot be reached.
 */
public final class RedisApprovalStore implements ApprovalStore {

	/** Concurrent reads of approvals listed by a sorted set or a step set. */
	private static final int READ_CONCURRENCY = 16;

	private final RedisClusterReactiveCommands<String, String> commands;

	private final RedisKeys keys;

	private final Duration timeout;

	private final RedisScript hold;

	private final RedisScript decide;

	private final RedisScript claim;

	/**
	 * Creates the store.
	 * @param commands the shared reactive commands of a standalone or cluster connection
	 * @param keys the key builder
	 * @param settings the command timeout
	 */
	public RedisApprovalStore(RedisClusterReactiveCommands<String, String> commands, RedisKeys keys,
			RedisStoreSettings settings) {
		this.commands = Objects.requireNonNull(commands, "commands");
		this.keys = Objects.requireNonNull(keys, "keys");
		this.timeout = settings.commandTimeout();
		this.hold = new RedisScript(commands, RedisScripts.APPROVAL_HOLD);
		this.decide = new RedisScript(commands, RedisScripts.APPROVAL_DECIDE);
		this.claim = new RedisScript(commands, RedisScripts.APPROVAL_CLAIM);
	}

	@Override
	public Mono<Void> hold(List<Approval> step, Duration retention) {
		if (retention.toMillis() < 1) {
			throw new IllegalArgumentException("retention must be at least 1 ms");
		}
		if (step.isEmpty()) {
			return Mono.empty();
		}
		Approval first = step.get(0);
		String stepKey = this.keys.approvalStep(first.tenant(), first.conversationId(), first.turnId(),
				first.iteration());
		Instant latest = step.stream().map(Approval::expiresAt).max(Instant::compareTo).orElseThrow();
		long ttl = Math.max(1, Duration.between(Instant.now(), latest).plus(retention).toMillis());
		List<String> keyList = new ArrayList<>();
		keyList.add(this.keys.pendingApprovals(first.tenant()));
		keyList.add(stepKey);
		List<String> args = new ArrayList<>();
		args.add(Long.toString(ttl));
		for (Approval approval : step) {
			keyList.add(this.keys.approval(approval.tenant(), approval.id()));
			List<String> fields = fields(approval, stepKey);
			args.add(approval.id());
			args.add(Long.toString(approval.expiresAt().toEpochMilli()));
			args.add(Integer.toString(fields.size()));
			args.addAll(fields);
		}
		Mono<Void> stored = Mono
			.defer(() -> this.hold.run(this.commands, keyList.toArray(String[]::new), args.toArray(String[]::new)))
			.then();
		Mono<Void> tenant = Mono.defer(() -> this.commands.sadd(this.keys.approvalTenants(), first.tenant())).then();
		return stored.then(tenant).transform(RedisOperators.guard(this.timeout, "Holding approvals"));
	}

	@Override
	public Mono<Approval> find(String tenant, String id) {
		return read(this.keys.approval(tenant, id))
			.transform(RedisOperators.guard(this.timeout, "Reading an approval"));
	}

	@Override
	public Flux<Approval> pending(String tenant, int limit) {
		return Flux
			.defer(() -> this.commands.zrangebyscore(this.keys.pendingApprovals(tenant), Range.unbounded(),
					Limit.create(0, limit)))
			.flatMapSequential(id -> read(this.keys.approval(tenant, id)), READ_CONCURRENCY)
			.filter(approval -> approval.status() == ApprovalStatus.PENDING)
			.transform(RedisOperators.guardMany(this.timeout, "Listing pending approvals"));
	}

	@Override
	public Mono<ApprovalDecision> decide(String tenant, String id, ApprovalVerdict verdict) {
		String key = this.keys.approval(tenant, id);
		return Mono
			.defer(() -> this.decide.run(this.commands,
					new String[] { key, this.keys.pendingApprovals(tenant), this.keys.settledApprovalSteps(tenant) },
					id, verdict.status().wireName(), Objects.requireNonNullElse(verdict.arguments(), ""),
					Objects.requireNonNullElse(verdict.reason(), ""),
					Long.toString(verdict.decidedAt().toEpochMilli())))
			.filter(reply -> "decided".equals(reply.get(0)))
			.flatMap(reply -> {
				boolean first = ((Long) reply.get(1)) == 1L;
				boolean settled = ((Long) reply.get(2)) == 1L;
				Mono<Approval> approval = read(key);
				if (!settled) {
					return approval.map(found -> new ApprovalDecision(found, first, List.of()));
				}
				return approval.flatMap(found -> step(found).map(all -> new ApprovalDecision(found, first, all)));
			})
			.transform(RedisOperators.guard(this.timeout, "Deciding an approval"));
	}

	@Override
	public Flux<Approval> due(Instant now, int limit) {
		return Flux.defer(() -> this.commands.smembers(this.keys.approvalTenants()))
			.concatMap(tenant -> this.commands
				.zrangebyscore(this.keys.pendingApprovals(tenant), Range.create(0, now.toEpochMilli()),
						Limit.create(0, limit))
				.flatMapSequential(id -> read(this.keys.approval(tenant, id)), READ_CONCURRENCY))
			.filter(approval -> approval.status() == ApprovalStatus.PENDING)
			.take(limit)
			.transform(RedisOperators.guardMany(this.timeout, "Listing expired approvals"));
	}

	@Override
	public Mono<Long> countPending() {
		return Flux.defer(() -> this.commands.smembers(this.keys.approvalTenants()))
			.concatMap(tenant -> this.commands.zcard(this.keys.pendingApprovals(tenant)))
			.reduce(0L, Long::sum)
			.transform(RedisOperators.guard(this.timeout, "Counting pending approvals"));
	}

	@Override
	public Flux<List<Approval>> settledSteps(Instant settledBefore, int limit) {
		return Flux.defer(() -> this.commands.smembers(this.keys.approvalTenants()))
			.concatMap(tenant -> this.commands
				.zrangebyscore(this.keys.settledApprovalSteps(tenant), Range.create(0, settledBefore.toEpochMilli()),
						Limit.create(0, limit))
				.concatMap(stepKey -> stepApprovals(stepKey).flatMap(step -> step.isEmpty()
						// Its records expired after their retention.
						? this.commands.zrem(this.keys.settledApprovalSteps(tenant), stepKey).then(Mono.empty())
						: Mono.just(step))))
			.take(limit)
			.transform(RedisOperators.guardMany(this.timeout, "Listing settled approval steps"));
	}

	@Override
	public Mono<Boolean> claimContinuation(Approval ofStep, Duration ttl) {
		if (ttl.toMillis() < 1) {
			throw new IllegalArgumentException("ttl must be at least 1 ms");
		}
		String stepKey = stepKey(ofStep);
		return Mono
			.defer(() -> this.claim.run(this.commands,
					new String[] { this.keys.settledApprovalSteps(ofStep.tenant()),
							this.keys.approvalStepClaim(stepKey) },
					stepKey, Long.toString(ttl.toMillis())))
			.map(reply -> ((Long) reply.get(0)) == 1L)
			.transform(RedisOperators.guard(this.timeout, "Claiming a settled approval step"));
	}

	@Override
	public Mono<Void> continued(Approval ofStep) {
		return Mono.defer(() -> this.commands.zrem(this.keys.settledApprovalSteps(ofStep.tenant()), stepKey(ofStep)))
			.then()
			.transform(RedisOperators.guard(this.timeout, "Marking an approval step continued"));
	}

	private String stepKey(Approval approval) {
		return this.keys.approvalStep(approval.tenant(), approval.conversationId(), approval.turnId(),
				approval.iteration());
	}

	private Mono<List<Approval>> stepApprovals(String stepKey) {
		return this.commands.smembers(stepKey).flatMapSequential(this::read, READ_CONCURRENCY).collectList();
	}

	private Mono<List<Approval>> step(Approval approval) {
		return this.commands
			.smembers(this.keys.approvalStep(approval.tenant(), approval.conversationId(), approval.turnId(),
					approval.iteration()))
			.flatMapSequential(this::read, READ_CONCURRENCY)
			.collectList();
	}

	private Mono<Approval> read(String key) {
		return this.commands.hgetall(key)
			.collectMap(kv -> kv.getKey(), kv -> kv.getValue())
			.mapNotNull(RedisApprovalStore::approval);
	}

	private static List<String> fields(Approval approval, String stepKey) {
		return List.of("id", approval.id(), "tenant", approval.tenant(), "conv", approval.conversationId(), "turn",
				approval.turnId(), "iter", Integer.toString(approval.iteration()), "call", approval.callId(), "tool",
				approval.tool(), "args", approval.arguments(), "hash", approval.argumentsHash(), "reason",
				approval.reason(), "exp", Long.toString(approval.expiresAt().toEpochMilli()), "status",
				approval.status().wireName(), "step", stepKey);
	}

	private static @Nullable Approval approval(Map<String, String> fields) {
		if (fields.isEmpty() || !fields.containsKey("status")) {
			return null;
		}
		ApprovalStatus status = ApprovalStatus.of(fields.get("status"));
		ApprovalVerdict verdict = null;
		if (status != ApprovalStatus.PENDING) {
			String arguments = fields.get("vargs");
			String reason = fields.get("vreason");
			verdict = new ApprovalVerdict(status, (arguments == null || arguments.isEmpty()) ? null : arguments,
					(reason == null || reason.isEmpty()) ? null : reason,
					Instant.ofEpochMilli(Long.parseLong(fields.get("vat"))));
		}
		return new Approval(fields.get("id"), fields.get("tenant"), fields.get("conv"), fields.get("turn"),
				Integer.parseInt(fields.get("iter")), fields.get("call"), fields.get("tool"), fields.get("args"),
				fields.get("hash"), fields.get("reason"), Instant.ofEpochMilli(Long.parseLong(fields.get("exp"))),
				status, verdict);
	}

}
