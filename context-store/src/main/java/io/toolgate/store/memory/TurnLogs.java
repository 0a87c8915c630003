package io.toolgate.store.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;

import io.toolgate.store.ConversationKey;
import io.toolgate.store.StoreUnavailableException;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnNotFoundException;
import org.jspecify.annotations.Nullable;

/**
 * The bounded map of an {@link InMemoryTurnEventLog}'s turn logs: lookup with lazy
 * expiry, creation within {@link InMemoryTurnEventLog.Limits#maxTurns()}, and eviction of
 * expired and ended logs. A dropped log is closed, which ends its live readers with
 * {@link TurnNotFoundException}. Thread-safe; never blocks.
 */
final class TurnLogs {

	private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

	/** How many times a creation makes room before it gives up. */
	private static final int CREATE_ATTEMPTS = 3;

	private final ConcurrentMap<TurnKey, TurnLog> logs = new ConcurrentHashMap<>();

	/**
	 * The logs in the order they were created, for eviction; a log dropped from the map
	 * leaves with the next sweep or eviction that passes it.
	 */
	private final Queue<TurnLog> created = new ConcurrentLinkedQueue<>();

	private final InMemoryTurnEventLog.Limits limits;

	private volatile Instant nextSweep;

	TurnLogs(InMemoryTurnEventLog.Limits limits, Instant now) {
		this.limits = limits;
		this.nextSweep = now.plus(SWEEP_INTERVAL);
	}

	/**
	 * Creates a log unless an unexpired one exists, making room first if the map is full.
	 * Creations race each other for the room one eviction made: one that finds the map
	 * full again makes room again, a few times, before it gives up.
	 * @throws StoreUnavailableException if every log belongs to a running turn
	 */
	void create(TurnKey key, Duration ttl, Instant now) {
		sweepIfDue(now);
		for (int attempt = 1;; attempt++) {
			TurnLog current = this.logs.get(key);
			if (current != null && !current.isExpired(now)) {
				return;
			}
			makeRoomIfFull(now);
			if (tryCreate(key, ttl, now)) {
				return;
			}
			if (attempt == CREATE_ATTEMPTS) {
				throw new StoreUnavailableException(
						"The in-memory event log holds its limit of " + this.limits.maxTurns() + " turns");
			}
		}
	}

	private void makeRoomIfFull(Instant now) {
		if (this.logs.size() >= this.limits.maxTurns()) {
			removeExpired(now);
		}
		if (this.logs.size() >= this.limits.maxTurns()) {
			evictOldestEnded(Math.max(1, this.limits.maxTurns() / 10));
		}
	}

	/** Creates the log unless the map is full; returns whether it exists now. */
	private boolean tryCreate(TurnKey key, Duration ttl, Instant now) {
		List<TurnLog> replaced = new ArrayList<>(1);
		boolean[] full = { false };
		this.logs.compute(key, (k, existing) -> {
			if (existing != null && !existing.isExpired(now)) {
				return existing;
			}
			if (existing == null && this.logs.size() >= this.limits.maxTurns()) {
				full[0] = true;
				return null;
			}
			if (existing != null) {
				replaced.add(existing);
			}
			TurnLog log = new TurnLog(k, ttl, this.limits.maxEventsPerTurn(), this.limits.readerBufferSize(), now);
			this.created.add(log);
			return log;
		});
		replaced.forEach(TurnLog::close);
		return !full[0];
	}

	/**
	 * Returns the unexpired log of a turn, dropping it if it has expired.
	 * @throws TurnNotFoundException if there is none
	 */
	TurnLog live(TurnKey key, Instant now) {
		TurnLog log = this.logs.get(key);
		if (log == null) {
			throw TurnLog.notFound(key);
		}
		if (log.isExpired(now)) {
			if (this.logs.remove(key, log)) {
				log.close();
			}
			throw TurnLog.notFound(key);
		}
		return log;
	}

	/** Returns the unexpired log of a turn, or {@code null}; drops nothing. */
	@Nullable TurnLog find(TurnKey key, Instant now) {
		TurnLog log = this.logs.get(key);
		return (log == null || log.isExpired(now)) ? null : log;
	}

	/** Drops every expired log and returns how many were dropped. */
	int removeExpired(Instant now) {
		return removeWhere((log) -> log.isExpired(now));
	}

	/** Drops every turn log of a conversation and returns how many were dropped. */
	int removeConversation(ConversationKey conversation) {
		return removeWhere((log) -> log.key().conversation().equals(conversation));
	}

	/**
	 * Drops up to {@code count} logs of ended turns, the oldest first: a walk from the
	 * head of the creation order, which keeps the logs of running turns in it (at its
	 * tail) and forgets those already dropped. No sorting, so a full map costs each
	 * creation a few steps rather than a sort of every log.
	 */
	private void evictOldestEnded(int count) {
		List<TurnLog> running = new ArrayList<>();
		int evicted = 0;
		int walked = this.created.size();
		TurnLog log;
		while (evicted < count && walked-- > 0 && (log = this.created.poll()) != null) {
			if (this.logs.get(log.key()) != log) {
				continue;
			}
			if (!log.isEnded()) {
				running.add(log);
			}
			else if (this.logs.remove(log.key(), log)) {
				log.close();
				evicted++;
			}
		}
		this.created.addAll(running);
	}

	private int removeWhere(Predicate<TurnLog> condition) {
		int removed = 0;
		for (TurnLog log : this.logs.values()) {
			if (condition.test(log) && this.logs.remove(log.key(), log)) {
				log.close();
				removed++;
			}
		}
		if (removed > 0) {
			this.created.removeIf(log -> this.logs.get(log.key()) != log);
		}
		return removed;
	}

	private void sweepIfDue(Instant now) {
		if (!now.isBefore(this.nextSweep)) {
			this.nextSweep = now.plus(SWEEP_INTERVAL);
			removeExpired(now);
		}
	}

}
