package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.toolgate.dispatcher.admission.AdmissionController;
import io.toolgate.store.Conversation;
import io.toolgate.store.ConversationKey;
import io.toolgate.store.ConversationStore;
import io.toolgate.store.LeaseLostException;
import io.toolgate.store.TurnLease;
import io.toolgate.store.TurnLeases;
import io.toolgate.store.TurnStarts;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Admits turns and takes conversation leases ({@link #prepare},
 * {@link #prepareStateless}), renews a running turn's lease ({@link #leaseRenewal}), runs
 * turns attached to their caller ({@link #runAttached}) and releases the slot and lease
 * when a turn ends ({@link #finish}). Detached turns run in {@link DetachedTurns}.
 */
public class TurnCoordinator {

	private static final Logger logger = LoggerFactory.getLogger(TurnCoordinator.class);

	private static final int PREPARING = 0;

	private static final int HANDED_OVER = 1;

	private static final int ABANDONED = 2;

	/** Longest wait for a lease release; an unreleased lease expires by itself. */
	private static final Duration LEASE_RELEASE_TIMEOUT = Duration.ofSeconds(5);

	private final TurnEngine engine;

	private final ConversationStore store;

	private final TurnLeases leases;

	private final TurnStarts starts;

	private final AdmissionController admission;

	private final TurnSettings settings;

	private final JsonMapper jsonMapper;

	/**
	 * Creates the coordinator.
	 * @param engine runs turns
	 * @param store conversations
	 * @param leases one running turn per conversation
	 * @param starts the start of a turn in the store: lease, conversation and event log
	 * @param admission the per-replica bound
	 * @param settings turn settings
	 * @param jsonMapper JSON of messages
	 */
	public TurnCoordinator(TurnEngine engine, ConversationStore store, TurnLeases leases, TurnStarts starts,
			AdmissionController admission, TurnSettings settings, JsonMapper jsonMapper) {
		this.engine = engine;
		this.store = store;
		this.leases = leases;
		this.starts = starts;
		this.admission = admission;
		this.settings = settings;
		this.jsonMapper = jsonMapper;
	}

	/** Returns a new turn id. */
	public static String newTurnId() {
		// Turn ids are scoped by tenant and conversation, so they need uniqueness, not
		// secrecy; ThreadLocalRandom avoids SecureRandom's blocking reads on event-loop
		// threads.
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return "turn_" + Long.toHexString(random.nextLong() | Long.MIN_VALUE)
				+ Long.toHexString(random.nextLong() | Long.MIN_VALUE);
	}

	/**
	 * Admits a stateless turn.
	 * @return the prepared turn; errors with 503 when saturated
	 */
	public Mono<PreparedTurn> prepareStateless() {
		return Mono.fromSupplier(() -> new PreparedTurn(newTurnId(), null, this.admission.admit(), null, List.of(),
				ConversationWriter.NONE));
	}

	/**
	 * Admits a turn of a stored conversation: takes its lease and loads it (absent means
	 * new), in one store operation ({@link TurnStarts}) that also creates the turn's
	 * event log when asked to.
	 * @param key the conversation
	 * @param eventLog whether to create the turn's event log (a turn run by
	 * {@link DetachedTurns})
	 * @return the prepared turn; errors with 503 when saturated,
	 * {@code TurnConflictException} when another turn runs, or the store's failures
	 */
	public Mono<PreparedTurn> prepare(ConversationKey key, boolean eventLog) {
		String turnId = newTurnId();
		return Mono.defer(() -> {
			// Who owns the lease and the permit: this method until the prepared turn is
			// handed over, its caller after. A cancel can arrive after the hand-over (a
			// caller that leaves while taking the turn); it must then release nothing.
			AtomicInteger owner = new AtomicInteger(PREPARING);
			return Mono.fromSupplier(this.admission::admit)
				.flatMap(permit -> start(key, turnId, eventLog, owner)
					.flatMap(started -> Mono
						.fromCallable(() -> prepared(key, turnId, permit, started.lease(), started.conversation()))
						.onErrorResume(ex -> this.leases.release(started.lease())
							.onErrorResume(releaseError -> Mono.empty())
							.then(Mono.error(ex))))
					.doOnError(ex -> permit.release())
					.doOnCancel(() -> {
						if (owner.get() != HANDED_OVER) {
							permit.release();
						}
					}));
		});
	}

	/**
	 * Starts the turn in the store. Whichever comes first decides: the started turn goes
	 * on to the caller, or the caller leaves and the lease is released as soon as it is
	 * granted (the command was already on its way), instead of refusing the
	 * conversation's next turns until its TTL.
	 */
	private Mono<TurnStarts.StartedTurn> start(ConversationKey key, String turnId, boolean eventLog,
			AtomicInteger owner) {
		return Mono.defer(() -> {
			CompletableFuture<TurnStarts.StartedTurn> started = this.starts
				.start(key, turnId, this.settings.leaseTtl(), eventLog ? this.settings.eventLogTtl() : null)
				.toFuture();
			return Mono.fromFuture(started, true)
				.filter(turn -> owner.compareAndSet(PREPARING, HANDED_OVER))
				.doOnCancel(() -> {
					if (owner.compareAndSet(PREPARING, ABANDONED)) {
						started.thenAccept(turn -> releaseLeaseOfAbandoned(turn.lease()));
					}
				});
		});
	}

	/**
	 * Releases the lease of a turn whose caller left before the turn was prepared.
	 * Fire-and-forget on purpose (no one waits for it), bounded by the same timeout as
	 * {@link #finish}; a failure only leaves the lease to expire.
	 */
	private void releaseLeaseOfAbandoned(TurnLease lease) {
		this.leases.release(lease).timeout(LEASE_RELEASE_TIMEOUT).onErrorResume(ex -> {
			logger.debug("Could not release the lease of turn {}; it expires by itself: {}", lease.turnId(),
					ex.toString());
			return Mono.empty();
		}).subscribe();
	}

	private PreparedTurn prepared(ConversationKey key, String turnId, AdmissionController.Permit permit,
			TurnLease lease, @Nullable Conversation conversation) {
		if (conversation == null) {
			return new PreparedTurn(turnId, key, permit, lease, List.of(),
					new StoredConversationWriter(this.store, key, lease, 0, this.jsonMapper));
		}
		List<ChatMessage> history = conversation.messages()
			.stream()
			.map(json -> this.jsonMapper.readValue(json, ChatMessage.class))
			.toList();
		return new PreparedTurn(turnId, key, permit, lease, history,
				new StoredConversationWriter(this.store, key, lease, conversation.version(), this.jsonMapper));
	}

	/**
	 * Releases a turn's permit and lease. Never errors.
	 * @param turn the turn
	 * @return completion
	 */
	public Mono<Void> finish(PreparedTurn turn) {
		// The permit's release is the turn's "finished" flag: only the first finish
		// releases the lease too.
		if (!turn.permit().tryRelease() || turn.lease() == null) {
			return Mono.empty();
		}
		return this.leases.release(turn.lease()).timeout(LEASE_RELEASE_TIMEOUT).onErrorResume(ex -> {
			logger.warn("Could not release the lease of turn {}; it expires by itself: {}", turn.turnId(),
					ex.toString());
			return Mono.empty();
		});
	}

	/**
	 * Finishes a turn whose lease the store released along with its terminal event
	 * ({@code TurnEnds}): releases its permit, and a later {@link #finish} does nothing.
	 * @param turn the turn
	 */
	void endedWithLease(PreparedTurn turn) {
		turn.permit().tryRelease();
	}

	/**
	 * Releases a turn whose exchange ended, however it ended; does nothing for a turn
	 * that finished already. The one place where that release is subscribed: the exchange
	 * is gone, and the lease must not wait for its TTL.
	 * @param turn the turn
	 */
	public void releaseAbandoned(PreparedTurn turn) {
		finish(turn).subscribe();
	}

	/**
	 * Runs a turn attached to its caller: cancelling the returned flux cancels the model
	 * call and tools, and the turn is finished (permit and lease released) however the
	 * flux ends.
	 * @param turn the prepared turn
	 * @param request the turn request
	 * @return the events; errors as {@link TurnEngine#run} does
	 */
	public Flux<TurnEvent> runAttached(PreparedTurn turn, TurnRequest request) {
		if (turn.lease() == null) {
			// Stateless: finishing releases the permit only, at once, so two peeks do
			// what usingWhen and a concatMap per event do for a leased turn.
			return this.engine.run(request).doOnNext(event -> {
				if (event.isTerminal()) {
					turn.permit().tryRelease();
				}
			}).doFinally(signal -> turn.permit().tryRelease());
		}
		return Flux.usingWhen(Mono.just(turn),
				t -> this.engine.run(request)
					.transformDeferred(leaseRenewal(t))
					.concatMap(event -> releasingAtEnd(t, event)),
				this::finish, (t, error) -> finish(t), this::finish);
	}

	/**
	 * Renews the turn's lease while the events it is applied to (with
	 * {@code transformDeferred}) run; a lease found lost stops them with
	 * {@link LeaseLostException}. A stateless turn has no lease: the events pass
	 * unchanged.
	 * @param turn the turn
	 * @return the operator
	 */
	public Function<Flux<TurnEvent>, Flux<TurnEvent>> leaseRenewal(PreparedTurn turn) {
		TurnLease lease = turn.lease();
		return (lease != null) ? new LeaseRenewal(this.leases, lease, this.settings.leaseTtl()) : Function.identity();
	}

	/**
	 * Frees the turn's slot and lease before its terminal event goes out, so that a
	 * client that sends its next turn as soon as it reads {@code turn.completed} is never
	 * refused with 409. Every message of the turn is stored by then; releasing again
	 * later does nothing.
	 * @param turn the turn
	 * @param event an event of the turn
	 * @return the event, once the turn is released if it is terminal
	 */
	private Mono<TurnEvent> releasingAtEnd(PreparedTurn turn, TurnEvent event) {
		return event.isTerminal() ? finish(turn).thenReturn(event) : Mono.just(event);
	}

}
