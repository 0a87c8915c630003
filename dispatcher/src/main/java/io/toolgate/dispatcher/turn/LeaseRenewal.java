package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.function.Function;

import io.toolgate.store.LeaseLostException;
import io.toolgate.store.TurnLease;
import io.toolgate.store.TurnLeases;
import io.toolgate.streaming.TurnEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The operator that renews a running turn's lease at a third of its time to live while
 * the turn's events run, and stops them with {@link LeaseLostException} once the lease is
 * found lost (expired, or taken by a replica that took the turn over). Apply it with
 * {@code transformDeferred}: each subscription renews on its own timer, which ends with
 * the events.
 */
final class LeaseRenewal implements Function<Flux<TurnEvent>, Flux<TurnEvent>> {

	private final TurnLeases leases;

	private final TurnLease lease;

	private final Duration ttl;

	LeaseRenewal(TurnLeases leases, TurnLease lease, Duration ttl) {
		this.leases = leases;
		this.lease = lease;
		this.ttl = ttl;
	}

	@Override
	public Flux<TurnEvent> apply(Flux<TurnEvent> events) {
		Flux<TurnEvent> renewals = Flux.interval(this.ttl.dividedBy(3))
			.onBackpressureDrop()
			// A renewal the store did not answer says nothing: the lease may still be
			// held, and fenced writes tell.
			.concatMap(tick -> this.leases.renew(this.lease, this.ttl).onErrorResume(ex -> Mono.just(true)))
			.concatMap(renewed -> renewed ? Mono.<TurnEvent>empty() : Mono
				.error(new LeaseLostException("Turn " + this.lease.turnId() + " lost its conversation lease")));
		return events.publish(shared -> Flux.merge(shared, renewals.takeUntilOther(shared.then())));
	}

}
