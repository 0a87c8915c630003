package io.toolgate.store.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * {@link ApprovalStore} held in memory, for one replica. Every operation is one step
 * under the store's lock (short, CPU only) and completes on the subscribing thread. A
 * record is dropped once its retention past expiry has passed; at most {@code maxRecords}
 * exist, and holding more first drops those past retention and, if that is not enough,
 * errors with {@link StoreUnavailableException}.
 */
public final class InMemoryApprovalStore implements ApprovalStore {

	private final Map<String, Stored> records = new HashMap<>();

	/** The settled steps not marked continued, by step, under the records' lock. */
	private final Map<String, Settled> settled = new HashMap<>();

	private final int maxRecords;

	private final Clock clock;

	/**
	 * Creates an empty store.
	 * @param maxRecords how many approvals may exist at once, at least 1
	 * @param clock the clock that ends retention
	 */
	public InMemoryApprovalStore(int maxRecords, Clock clock) {
		if (maxRecords < 1) {
			throw new IllegalArgumentException("maxRecords must be at least 1");
		}
		this.maxRecords = maxRecords;
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	/** Creates an empty store of at most 100,000 approvals on the system clock. */
	public InMemoryApprovalStore() {
		this(100_000, Clock.systemUTC());
	}

	@Override
	public Mono<Void> hold(List<Approval> step, Duration retention) {
		if (!retention.isPositive()) {
			throw new IllegalArgumentException("retention must be positive");
		}
		List<Approval> approvals = List.copyOf(step);
		return Mono.fromRunnable(() -> {
			synchronized (this.records) {
				if (this.records.size() + approvals.size() > this.maxRecords) {
					Instant now = this.clock.instant();
					this.records.values().removeIf(stored -> stored.dropAt().isBefore(now));
				}
				if (this.records.size() + approvals.size() > this.maxRecords) {
					throw new StoreUnavailableException(
							"The in-memory approval store holds its limit of " + this.maxRecords + " approvals");
				}
				for (Approval approval : approvals) {
					this.records.put(key(approval.tenant(), approval.id()),
							new Stored(approval, approval.expiresAt().plus(retention)));
				}
			}
		});
	}

	@Override
	public Mono<Approval> find(String tenant, String id) {
		return Mono.fromSupplier(() -> {
			synchronized (this.records) {
				Stored stored = live(key(tenant, id));
				return (stored != null) ? stored.approval() : null;
			}
		});
	}

	@Override
	public Flux<Approval> pending(String tenant, int limit) {
		return Flux.defer(() -> {
			synchronized (this.records) {
				return Flux.fromIterable(this.records.values()
					.stream()
					.map(Stored::approval)
					.filter(approval -> approval.tenant().equals(tenant) && approval.status() == ApprovalStatus.PENDING)
					.sorted(Comparator.comparing(Approval::expiresAt))
					.limit(limit)
					.toList());
			}
		});
	}

	@Override
	public Mono<ApprovalDecision> decide(String tenant, String id, ApprovalVerdict verdict) {
		return Mono.fromSupplier(() -> {
			synchronized (this.records) {
				String key = key(tenant, id);
				Stored stored = live(key);
				if (stored == null) {
					return null;
				}
				if (stored.approval().status() != ApprovalStatus.PENDING) {
					return new ApprovalDecision(stored.approval(), false, List.of());
				}
				Approval decided = stored.approval().decided(verdict);
				this.records.put(key, new Stored(decided, stored.dropAt()));
				List<Approval> step = new ArrayList<>();
				for (Stored other : this.records.values()) {
					if (other.approval().sameStep(decided)) {
						if (other.approval().status() == ApprovalStatus.PENDING) {
							return new ApprovalDecision(decided, true, List.of());
						}
						step.add(other.approval());
					}
				}
				this.settled.put(stepKey(decided), new Settled(verdict.decidedAt(), Instant.MIN));
				return new ApprovalDecision(decided, true, step);
			}
		});
	}

	@Override
	public Flux<List<Approval>> settledSteps(Instant settledBefore, int limit) {
		return Flux.defer(() -> {
			List<List<Approval>> steps = new ArrayList<>();
			synchronized (this.records) {
				this.settled.entrySet().removeIf(entry -> {
					if (entry.getValue().at().isAfter(settledBefore) || steps.size() >= limit) {
						return false;
					}
					List<Approval> step = this.records.values()
						.stream()
						.map(Stored::approval)
						.filter(approval -> stepKey(approval).equals(entry.getKey()))
						.toList();
					if (step.isEmpty()) {
						// Its records were dropped after their retention.
						return true;
					}
					steps.add(step);
					return false;
				});
			}
			return Flux.fromIterable(steps);
		});
	}

	@Override
	public Mono<Boolean> claimContinuation(Approval ofStep, Duration ttl) {
		if (!ttl.isPositive()) {
			throw new IllegalArgumentException("ttl must be positive");
		}
		return Mono.fromSupplier(() -> {
			synchronized (this.records) {
				String key = stepKey(ofStep);
				Settled step = this.settled.get(key);
				Instant now = this.clock.instant();
				if (step == null || step.claimedUntil().isAfter(now)) {
					return false;
				}
				this.settled.put(key, new Settled(step.at(), now.plus(ttl)));
				return true;
			}
		});
	}

	@Override
	public Mono<Void> continued(Approval ofStep) {
		return Mono.fromRunnable(() -> {
			synchronized (this.records) {
				this.settled.remove(stepKey(ofStep));
			}
		});
	}

	@Override
	public Flux<Approval> due(Instant now, int limit) {
		return Flux.defer(() -> {
			synchronized (this.records) {
				return Flux.fromIterable(this.records.values()
					.stream()
					.map(Stored::approval)
					.filter(approval -> approval.status() == ApprovalStatus.PENDING
							&& !approval.expiresAt().isAfter(now))
					.limit(limit)
					.toList());
			}
		});
	}

	@Override
	public Mono<Long> countPending() {
		return Mono.fromSupplier(() -> {
			synchronized (this.records) {
				return this.records.values()
					.stream()
					.filter(stored -> stored.approval().status() == ApprovalStatus.PENDING)
					.count();
			}
		});
	}

	private @Nullable Stored live(String key) {
		Stored stored = this.records.get(key);
		if (stored != null && stored.dropAt().isBefore(this.clock.instant())) {
			this.records.remove(key);
			return null;
		}
		return stored;
	}

	private static String key(String tenant, String id) {
		return tenant + '\u0000' + id;
	}

	private static String stepKey(Approval approval) {
		return approval.tenant() + '\u0000' + approval.conversationId() + '\u0000' + approval.turnId() + '\u0000'
				+ approval.iteration();
	}

	private record Stored(Approval approval, Instant dropAt) {
	}

	private record Settled(Instant at, Instant claimedUntil) {
	}

}
