package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.toolgate.dispatcher.admission.AdmissionController;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.store.Approval;
import io.toolgate.store.Conversation;
import io.toolgate.store.ConversationStore;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnConflictException;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLease;
import io.toolgate.store.TurnLeases;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Takes over a turn whose replica stopped before the turn ended: takes an admission slot
 * and the conversation's lease for the same turn id (so at most one replica continues a
 * turn), claims the turn's event log (so the replica that lost the turn can no longer add
 * to it), reads where the turn stopped from the stored conversation and the log, and has
 * the coordinator run the rest, its events appended after the last stored one.
 */
final class TurnTakeover {

	private static final Logger logger = LoggerFactory.getLogger(TurnTakeover.class);

	private final AdmissionController admission;

	private final TurnLeases leases;

	private final TurnEventLog eventLog;

	private final ConversationStore store;

	private final Duration leaseTtl;

	private final JsonMapper jsonMapper;

	private final Launcher launcher;

	TurnTakeover(AdmissionController admission, TurnLeases leases, TurnEventLog eventLog, ConversationStore store,
			Duration leaseTtl, JsonMapper jsonMapper, Launcher launcher) {
		this.admission = admission;
		this.leases = leases;
		this.eventLog = eventLog;
		this.store = store;
		this.leaseTtl = leaseTtl;
		this.jsonMapper = jsonMapper;
		this.launcher = launcher;
	}

	/**
	 * Tries to take a turn over; for a reader that found the turn's lease gone.
	 * @param key the turn
	 * @return what became of the turn; {@link Outcome#FAILED} when the store failed
	 * before anything changed
	 */
	Mono<Outcome> attempt(TurnKey key) {
		return attempt(key, List.of());
	}

	/**
	 * Tries to take a turn over, continuing a suspended one with decisions on its held
	 * calls.
	 * @param key the turn
	 * @param decided decided approvals of the turn's pending step; empty for a plain
	 * takeover
	 * @return what became of the turn; {@link Outcome#SUSPENDED} when it still waits for
	 * a decision
	 */
	Mono<Outcome> attempt(TurnKey key, List<Approval> decided) {
		return Mono.defer(() -> {
			if (this.admission.isDraining()) {
				return Mono.just(Outcome.DRAINING);
			}
			AdmissionController.Permit permit;
			try {
				permit = this.admission.admit();
			}
			catch (ToolgateException saturated) {
				return Mono.just(Outcome.SATURATED);
			}
			return this.leases.acquire(key.conversation(), key.turnId(), this.leaseTtl)
				.flatMap(lease -> claimAndContinue(key, permit, lease, decided))
				.onErrorResume(TurnConflictException.class, ex -> holder(key))
				.onErrorResume(ex -> {
					logger.debug("Could not take over turn {} now: {}", key.turnId(), ex.toString());
					return Mono.just(Outcome.FAILED);
				})
				.doOnNext(outcome -> {
					if (outcome != Outcome.STARTED) {
						permit.tryRelease();
					}
				})
				.doOnCancel(permit::tryRelease);
		});
	}

	/**
	 * Another replica took the turn, or another turn of the conversation holds its lease.
	 */
	private Mono<Outcome> holder(TurnKey key) {
		return this.leases.isHeld(key.conversation(), key.turnId())
			.map(held -> held ? Outcome.ELSEWHERE : Outcome.ORPHANED);
	}

	private Mono<Outcome> claimAndContinue(TurnKey key, AdmissionController.Permit permit, TurnLease lease,
			List<Approval> decided) {
		return this.eventLog.claim(key, lease.fence())
			.flatMap(claimed -> claimed ? continueTurn(key, permit, lease, decided)
					: release(lease).thenReturn(Outcome.ENDED))
			.onErrorResume(ex -> close(key, lease, ex));
	}

	/**
	 * Ends a turn this replica took but cannot continue with {@code turn_abandoned}, and
	 * frees its lease.
	 */
	private Mono<Outcome> close(TurnKey key, TurnLease lease, Throwable cause) {
		logger.warn("Could not take over turn {}; it ends as {}: {}", key.turnId(), DetachedTurns.TURN_ABANDONED,
				cause.toString());
		return this.eventLog.appendAll(key, List.of(TurnEventWriter.draft(this.jsonMapper, abandoned())), lease.fence())
			.then(Mono.just(Outcome.CLOSED))
			.onErrorReturn(Outcome.FAILED)
			.flatMap(outcome -> release(lease).thenReturn(outcome));
	}

	private Mono<Outcome> continueTurn(TurnKey key, AdmissionController.Permit permit, TurnLease lease,
			List<Approval> decided) {
		Mono<List<StoredEvent>> stored = this.eventLog.readStored(key, 0).collectList();
		return Mono.zip(stored, this.store.find(key.conversation()))
			.switchIfEmpty(Mono.error(() -> new IllegalStateException("the conversation is gone")))
			.flatMap(found -> {
				Conversation conversation = found.getT2();
				List<ChatMessage> messages = conversation.messages()
					.stream()
					.map(json -> this.jsonMapper.readValue(json, ChatMessage.class))
					.toList();
				TurnResumption read = TurnResumption.read(decode(found.getT1()), messages);
				if (read == null) {
					throw new IllegalStateException("the stored conversation does not hold the turn's steps");
				}
				if (!decided.isEmpty() && !read.suspended()) {
					// Another turn ran on the conversation meanwhile: its messages are
					// not
					// this turn's steps, and the decided calls must not run on them.
					throw new IllegalStateException("the conversation moved on while the turn waited for approval");
				}
				TurnResumption from = decided.isEmpty() ? read : read.decided(decided);
				if (from.suspended()) {
					// Its held calls still wait for a reviewer: whoever decides the last
					// one continues it.
					return release(lease).thenReturn(Outcome.SUSPENDED);
				}
				PreparedTurn turn = new PreparedTurn(key.turnId(), key.conversation(), permit, lease, messages,
						new StoredConversationWriter(this.store, key.conversation(), lease, conversation.version(),
								this.jsonMapper));
				TurnRequest request = new TurnRequest(key.turnId(), key.conversation().tenant(),
						key.conversation().conversationId(), from.model(), messages, List.of(), List.of(), null,
						turn.writer(), true);
				logger.info("Taking over turn {} at model call {} after its event {}", key.turnId(), from.iteration(),
						found.getT1().isEmpty() ? 0 : found.getT1().getLast().id());
				this.launcher.launch(key, turn, request, from);
				return Mono.just(Outcome.STARTED);
			});
	}

	private List<TurnEvent> decode(List<StoredEvent> stored) {
		List<TurnEvent> decoded = new ArrayList<>(stored.size());
		for (StoredEvent event : stored) {
			Class<? extends TurnEvent> type = TurnEvent.classOf(event.type());
			if (type == null) {
				throw new IllegalArgumentException("Unknown turn event type");
			}
			decoded.add(this.jsonMapper.readValue(event.data(), type));
		}
		return decoded;
	}

	private Mono<Void> release(TurnLease lease) {
		return this.leases.release(lease).onErrorResume(ex -> Mono.empty());
	}

	static TurnEvent.Error abandoned() {
		return new TurnEvent.Error("unavailable_error", "The replica running this turn stopped before the turn ended",
				DetachedTurns.TURN_ABANDONED);
	}

	/** What became of a turn a reader found without its lease. */
	enum Outcome {

		/** This replica continues the turn. */
		STARTED,

		/** Another replica continues it. */
		ELSEWHERE,

		/** It waits for decisions on calls held for approval; nothing changed. */
		SUSPENDED,

		/** It had ended already. */
		ENDED,

		/**
		 * It could not be continued; this replica ended it with {@code turn_abandoned}.
		 */
		CLOSED,

		/** Nothing changed (the store failed); a later attempt may succeed. */
		FAILED,

		/** This replica is shutting down; replicas that stay take the turn. */
		DRAINING,

		/** This replica has no slot for it now. */
		SATURATED,

		/**
		 * Another turn of the conversation holds the lease: this one can never continue.
		 */
		ORPHANED

	}

	/**
	 * Runs a taken-over turn; the coordinator's one place where detached turns are
	 * subscribed.
	 */
	@FunctionalInterface
	interface Launcher {

		void launch(TurnKey key, PreparedTurn turn, TurnRequest request, TurnResumption from);

	}

}
