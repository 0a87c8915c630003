package io.toolgate.store.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.toolgate.store.Conversation;
import io.toolgate.store.ConversationKey;
import io.toolgate.store.ConversationStore;
import io.toolgate.store.StoreUnavailableException;
import io.toolgate.store.TurnLease;
import io.toolgate.store.VersionConflictException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * {@link ConversationStore} held in memory. Every operation is one atomic step on the
 * conversation's entry and completes on the subscribing thread without blocking.
 * <p>
 * Fenced writes are checked against the {@link InMemoryTurnLeases} given at construction,
 * and the lease cannot change while the write runs. {@link #delete} also drops the
 * conversation's lease there and its turn logs in the given {@link InMemoryTurnEventLog}.
 * <p>
 * A conversation expires {@link Limits#ttl()} after its last write; an expired
 * conversation reads as absent and can be created again with expected version 0. At most
 * {@link Limits#maxConversations()} conversations exist: creating one more first drops
 * the expired ones and, if none expired, errors with {@link StoreUnavailableException}.
 * Existing conversations are never evicted to make room. Under concurrent creation the
 * bound may be exceeded by the number of racing creators.
 */
public final class InMemoryConversationStore implements ConversationStore {

	private final ConcurrentMap<ConversationKey, Entry> conversations = new ConcurrentHashMap<>();

	private final InMemoryTurnLeases leases;

	private final InMemoryTurnEventLog eventLog;

	private final Limits limits;

	private final Clock clock;

	/**
	 * Creates an empty store.
	 * @param leases the leases that fence writes and are dropped on delete
	 * @param eventLog the turn logs dropped on delete
	 * @param limits the time to live and the bound
	 * @param clock the clock that stamps and expires conversations
	 */
	public InMemoryConversationStore(InMemoryTurnLeases leases, InMemoryTurnEventLog eventLog, Limits limits,
			Clock clock) {
		this.leases = Objects.requireNonNull(leases, "leases");
		this.eventLog = Objects.requireNonNull(eventLog, "eventLog");
		this.limits = Objects.requireNonNull(limits, "limits");
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	/**
	 * Creates an empty store with {@link Limits#ofDefaults() default limits} and the
	 * system clock.
	 * @param leases the leases that fence writes and are dropped on delete
	 * @param eventLog the turn logs dropped on delete
	 */
	public InMemoryConversationStore(InMemoryTurnLeases leases, InMemoryTurnEventLog eventLog) {
		this(leases, eventLog, Limits.ofDefaults(), Clock.systemUTC());
	}

	@Override
	public Mono<Conversation> find(ConversationKey key) {
		return Mono.fromSupplier(() -> {
			Entry entry = this.conversations.get(key);
			if (entry == null) {
				return null;
			}
			if (entry.isExpired(this.clock.instant())) {
				this.conversations.remove(key, entry);
				return null;
			}
			return entry.conversation();
		});
	}

	@Override
	public Mono<Conversation> append(ConversationKey key, long expectedVersion, List<String> messages,
			@Nullable TurnLease fence) {
		List<String> appended = List.copyOf(messages);
		return Mono.fromSupplier(() -> {
			if (fence == null) {
				return write(key, expectedVersion, appended);
			}
			return this.leases.whileHeld(key, fence, () -> write(key, expectedVersion, appended));
		});
	}

	@Override
	public Mono<Boolean> delete(ConversationKey key) {
		return Mono.fromSupplier(() -> {
			Entry removed = this.conversations.remove(key);
			this.leases.forget(key);
			this.eventLog.deleteConversation(key);
			return removed != null && !removed.isExpired(this.clock.instant());
		});
	}

	/**
	 * Drops every expired conversation. Expired conversations are also dropped lazily
	 * when read, overwritten, or when the store is full.
	 * @return how many conversations were dropped
	 */
	public int evictExpired() {
		Instant now = this.clock.instant();
		int removed = 0;
		for (var entry : this.conversations.entrySet()) {
			if (entry.getValue().isExpired(now) && this.conversations.remove(entry.getKey(), entry.getValue())) {
				removed++;
			}
		}
		return removed;
	}

	private Conversation write(ConversationKey key, long expectedVersion, List<String> messages) {
		Instant now = this.clock.instant();
		if (this.conversations.size() >= this.limits.maxConversations() && !this.conversations.containsKey(key)) {
			evictExpired();
		}
		Entry written = this.conversations.compute(key, (k, current) -> {
			Conversation live = (current == null || current.isExpired(now)) ? null : current.conversation();
			long version = (live != null) ? live.version() : 0;
			if (version != expectedVersion) {
				throw new VersionConflictException("Conversation " + key.conversationId() + " is at version " + version
						+ ", not " + expectedVersion);
			}
			if (current == null && this.conversations.size() >= this.limits.maxConversations()) {
				throw new StoreUnavailableException(
						"The in-memory store holds its limit of " + this.limits.maxConversations() + " conversations");
			}
			return new Entry(next(key, live, messages, now), now.plus(this.limits.ttl()));
		});
		return written.conversation();
	}

	private static Conversation next(ConversationKey key, @Nullable Conversation live, List<String> messages,
			Instant now) {
		if (live == null) {
			return new Conversation(key, messages, 1, now, now);
		}
		List<String> all = new ArrayList<>(live.messages().size() + messages.size());
		all.addAll(live.messages());
		all.addAll(messages);
		return new Conversation(key, all, live.version() + 1, live.createdAt(), now);
	}

	private record Entry(Conversation conversation, Instant expiresAt) {

		boolean isExpired(Instant now) {
			return !now.isBefore(this.expiresAt);
		}

	}

	/**
	 * Bounds of an in-memory conversation store.
	 *
	 * @param ttl how long a conversation is kept after its last write, positive
	 * @param maxConversations how many conversations may exist at once, at least 1
	 */
	public record Limits(Duration ttl, int maxConversations) {

		public Limits {
			if (ttl.isZero() || ttl.isNegative()) {
				throw new IllegalArgumentException("ttl must be positive");
			}
			if (maxConversations < 1) {
				throw new IllegalArgumentException("maxConversations must be at least 1");
			}
		}

		/** Returns a 24-hour time to live and 100,000 conversations. */
		public static Limits ofDefaults() {
			return new Limits(Duration.ofHours(24), 100_000);
		}

	}

}
