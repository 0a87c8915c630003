package io.toolgate.store.redis;

import java.util.List;
import java.util.Objects;

import io.toolgate.store.EventDraft;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEnds;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLease;
import reactor.core.publisher.Flux;

/**
 * {@link TurnEnds} on Redis: the script that appends a batch to the turn log (as
 * {@link RedisTurnEventLog} does, fenced by the lease) releases the lease in the same
 * call, on the conversation's hash slot, in one round trip.
 */
public final class RedisTurnEnds implements TurnEnds {

	private final RedisTurnEventLog eventLog;

	RedisTurnEnds(RedisTurnEventLog eventLog) {
		this.eventLog = Objects.requireNonNull(eventLog, "eventLog");
	}

	@Override
	public Flux<StoredEvent> end(TurnKey key, List<EventDraft> events, TurnLease lease) {
		return this.eventLog.append(key, events, lease.fence(), lease);
	}

}
