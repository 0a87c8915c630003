package io.toolgate.dispatcher.tool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.BiFunction;

import io.toolgate.store.AuditRecord;
import io.toolgate.store.AuditedCompletions;
import io.toolgate.store.IdempotencyClaim;
import io.toolgate.store.IdempotencyStore;
import io.toolgate.store.IdempotentRequest;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a tool call at most once per idempotency key: the first call with a key runs and
 * its result is stored; a repeat with the same tool and arguments gets the stored result
 * (waiting for it while the first still runs); a repeat with other arguments does not
 * run. What became of a call is a {@link DispatchOutcome}, never an error signal: its
 * caller decides what a key in the way means. Direct invocations use a key derived from
 * the tenant and the client's {@code Idempotency-Key} ({@link IdempotencyKeys}); calls of
 * a turn use a key made of tenant, conversation, turn, model call and call id
 * ({@link IdempotencyKeys#forTurnCall}), so a turn taken over by another replica never
 * runs a side-effecting tool twice ({@link ToolFanOut#dispatchResumed}).
 * <p>
 * The calls of a step are claimed together ({@link #dispatchAll}, one round trip with a
 * store that can), and with {@link AuditedCompletions} a call's result is stored with its
 * audit record in one write.
 */
public class IdempotentDispatch {

	private final ToolDispatcher dispatcher;

	private final IdempotencyStore store;

	private final Duration ttl;

	private final Duration awaitTimeout;

	private final JsonMapper jsonMapper;

	private final @Nullable AuditedCompletions audited;

	/**
	 * Creates the wrapper.
	 * @param dispatcher runs calls
	 * @param store where results are kept
	 * @param ttl how long a result is kept
	 * @param awaitTimeout how long a repeat waits for the first call to finish
	 * @param jsonMapper JSON of stored results
	 */
	public IdempotentDispatch(ToolDispatcher dispatcher, IdempotencyStore store, Duration ttl, Duration awaitTimeout,
			JsonMapper jsonMapper) {
		this(dispatcher, store, ttl, awaitTimeout, jsonMapper, null);
	}

	/**
	 * Creates the wrapper.
	 * @param dispatcher runs calls
	 * @param store where results are kept
	 * @param ttl how long a result is kept
	 * @param awaitTimeout how long a repeat waits for the first call to finish
	 * @param jsonMapper JSON of stored results
	 * @param audited stores a result with its call's audit record in one write (on the
	 * same backing store as {@code store}), or {@code null} to store each alone
	 */
	public IdempotentDispatch(ToolDispatcher dispatcher, IdempotencyStore store, Duration ttl, Duration awaitTimeout,
			JsonMapper jsonMapper, @Nullable AuditedCompletions audited) {
		this.dispatcher = dispatcher;
		this.store = store;
		this.ttl = ttl;
		this.awaitTimeout = awaitTimeout;
		this.jsonMapper = jsonMapper;
		this.audited = audited;
	}

	/**
	 * Runs a call once per key, a repeat waiting for the first call's result as long as
	 * configured; a call without a key just runs.
	 * @param invocation the call, with its idempotency key
	 * @param scope what the key is unique within, e.g. {@code invocation:<tenant>}
	 * @return what became of the call; errors only with the store's failures
	 */
	public Mono<DispatchOutcome> dispatch(ToolInvocation invocation, String scope) {
		return dispatch(invocation, scope, this.awaitTimeout);
	}

	/**
	 * Runs a call once per key; a call without a key just runs.
	 * @param invocation the call, with its idempotency key
	 * @param scope what the key is unique within, e.g. {@code invocation:<tenant>}
	 * @param wait how long a repeat waits for the result of a call with its key still
	 * running; after that its outcome is {@link DispatchOutcome.InProgress}
	 * @return what became of the call: {@link DispatchOutcome.Fresh} if it ran,
	 * {@link DispatchOutcome.Replayed} with the stored result of an earlier call with the
	 * same key, tool and arguments, {@link DispatchOutcome.InProgress} if that call was
	 * still running after {@code wait}, or {@link DispatchOutcome.Mismatch} if the key
	 * was used with another tool or other arguments; errors only with the store's
	 * failures
	 */
	public Mono<DispatchOutcome> dispatch(ToolInvocation invocation, String scope, Duration wait) {
		String key = invocation.idempotencyKey();
		if (key == null || key.isBlank()) {
			return this.dispatcher.dispatch(invocation).<DispatchOutcome>map(DispatchOutcome.Fresh::new);
		}
		return this.store.await(scope, key, fingerprint(invocation), this.ttl, wait)
			.flatMap(claim -> outcome(invocation, claim));
	}

	/**
	 * Runs the calls of a step as
	 * {@link #dispatchAll(List, String, Duration, int, BiFunction)} does, a call whose
	 * key a running call holds waiting as long as configured.
	 * @param <R> what each call becomes
	 * @param calls the calls
	 * @param scope what the keys are unique within
	 * @param maxParallel the bound of calls in flight, at least 1
	 * @param resultOf what a call and its outcome become
	 * @return one element per call, as each completes; errors only with the store's
	 * failures
	 */
	public <R> Flux<R> dispatchAll(List<ToolInvocation> calls, String scope, int maxParallel,
			BiFunction<ToolInvocation, DispatchOutcome, R> resultOf) {
		return dispatchAll(calls, scope, this.awaitTimeout, maxParallel, resultOf);
	}

	/**
	 * Runs the calls of a step, each as
	 * {@link #dispatch(ToolInvocation, String, Duration)} runs one, at most
	 * {@code maxParallel} at a time, their keys claimed together first (one round trip
	 * with a store that can) when all of them can run at once. With more calls than that,
	 * each is claimed when it starts, so that a call never started holds no claim a
	 * replica taking the turn over would wait for. A call whose key is claimed by a
	 * running call waits for it as long as {@code wait}. Lazy; cancelling cancels the
	 * calls in flight and gives up the claims of calls not started.
	 * @param <R> what each call becomes
	 * @param calls the calls
	 * @param scope what the keys are unique within
	 * @param wait how long a call whose key is held by a running call waits for its
	 * result
	 * @param maxParallel the bound of calls in flight, at least 1
	 * @param resultOf what a call and its outcome become
	 * @return one element per call, as each completes; errors only with the store's
	 * failures
	 */
	public <R> Flux<R> dispatchAll(List<ToolInvocation> calls, String scope, Duration wait, int maxParallel,
			BiFunction<ToolInvocation, DispatchOutcome, R> resultOf) {
		if (calls.size() > maxParallel) {
			return Flux.fromIterable(calls)
				.flatMap(call -> dispatch(call, scope, wait).map(outcome -> resultOf.apply(call, outcome)),
						maxParallel);
		}
		return Flux.defer(() -> {
			List<IdempotentRequest> requests = new ArrayList<>(calls.size());
			for (ToolInvocation call : calls) {
				if (isKeyed(call)) {
					requests.add(new IdempotentRequest(call.idempotencyKey(), fingerprint(call)));
				}
			}
			return this.store.claimAll(scope, requests, this.ttl)
				.flatMapMany(claims -> runClaimed(calls, claims, scope, wait, maxParallel, resultOf));
		});
	}

	private <R> Flux<R> runClaimed(List<ToolInvocation> calls, List<IdempotencyClaim> claims, String scope,
			Duration wait, int maxParallel, BiFunction<ToolInvocation, DispatchOutcome, R> resultOf) {
		@Nullable IdempotencyClaim[] byCall = new IdempotencyClaim[calls.size()];
		for (int i = 0, next = 0; i < calls.size(); i++) {
			byCall[i] = isKeyed(calls.get(i)) ? claims.get(next++) : null;
		}
		// 0: not started, 1: started, 2: given up. A call starts or is given up once.
		AtomicIntegerArray states = new AtomicIntegerArray(calls.size());
		return Flux.range(0, calls.size()).flatMap(i -> {
			if (!states.compareAndSet(i, 0, 1)) {
				return Mono.empty();
			}
			ToolInvocation call = calls.get(i);
			return claimedOutcome(call, byCall[i], scope, wait).map(outcome -> resultOf.apply(call, outcome));
		}, maxParallel).doFinally(signal -> {
			for (int i = 0; i < byCall.length; i++) {
				if (byCall[i] instanceof IdempotencyClaim.Claimed claimed && states.compareAndSet(i, 0, 2)) {
					releaseDetached(claimed);
				}
			}
		});
	}

	private Mono<DispatchOutcome> claimedOutcome(ToolInvocation call, @Nullable IdempotencyClaim claim, String scope,
			Duration wait) {
		if (claim == null) {
			return this.dispatcher.dispatch(call).map(DispatchOutcome.Fresh::new);
		}
		if (claim instanceof IdempotencyClaim.InProgress) {
			return this.store.await(scope, call.idempotencyKey(), fingerprint(call), this.ttl, wait)
				.flatMap(later -> outcome(call, later));
		}
		return outcome(call, claim);
	}

	private Mono<DispatchOutcome> outcome(ToolInvocation invocation, IdempotencyClaim claim) {
		return switch (claim) {
			case IdempotencyClaim.Claimed claimed -> runAndStore(invocation, claimed);
			case IdempotencyClaim.Completed completed -> Mono.just(new DispatchOutcome.Replayed(
					this.jsonMapper.readValue(completed.resultJson(), StoredToolResult.class).toResult()));
			case IdempotencyClaim.InProgress inProgress -> Mono.just(new DispatchOutcome.InProgress());
			case IdempotencyClaim.Mismatch mismatch -> Mono.just(new DispatchOutcome.Mismatch());
		};
	}

	private static boolean isKeyed(ToolInvocation call) {
		String key = call.idempotencyKey();
		return key != null && !key.isBlank();
	}

	private Mono<DispatchOutcome> runAndStore(ToolInvocation invocation, IdempotencyClaim.Claimed claimed) {
		return this.dispatcher.dispatch(invocation, new ClaimedResult(claimed))
			.<DispatchOutcome>map(DispatchOutcome.Fresh::new)
			.doOnCancel(() -> releaseDetached(claimed));
	}

	/** The result of a claimed call, kept in its idempotency record. */
	private final class ClaimedResult implements ToolResultStore {

		private final IdempotencyClaim.Claimed claim;

		ClaimedResult(IdempotencyClaim.Claimed claim) {
			this.claim = claim;
		}

		@Override
		public Mono<Void> store(ToolResult result) {
			return IdempotentDispatch.this.store.complete(this.claim, json(result));
		}

		@Override
		public boolean storesRecords() {
			return IdempotentDispatch.this.audited != null;
		}

		@Override
		public Mono<String> storeWith(ToolResult result, AuditRecord record) {
			AuditedCompletions completions = IdempotentDispatch.this.audited;
			if (completions == null) {
				return Mono.error(new IllegalStateException("No store keeps audit records with results"));
			}
			return Mono.defer(() -> completions.complete(this.claim, json(result), record));
		}

		private String json(ToolResult result) {
			return IdempotentDispatch.this.jsonMapper.writeValueAsString(StoredToolResult.of(result));
		}

	}

	/**
	 * Gives up the claim of a call its caller cancelled, so that a retry can run it. Fire
	 * and forget, bounded by its own timeout; if it fails, the claim expires with its
	 * time to live.
	 */
	private void releaseDetached(IdempotencyClaim.Claimed claimed) {
		this.store.release(claimed).timeout(Duration.ofSeconds(5)).onErrorResume(ex -> Mono.empty()).subscribe();
	}

	/**
	 * Identifies a request by its tool and its arguments, independent of key order and
	 * whitespace.
	 */
	String fingerprint(ToolInvocation invocation) {
		String arguments;
		try {
			arguments = canonical(this.jsonMapper.readTree(invocation.arguments()));
		}
		catch (RuntimeException ex) {
			arguments = invocation.arguments();
		}
		return sha256(invocation.toolName() + "\n" + arguments);
	}

	private String canonical(JsonNode node) {
		if (node.isObject()) {
			TreeMap<String, String> sorted = new TreeMap<>();
			for (Map.Entry<String, JsonNode> field : node.properties()) {
				sorted.put(field.getKey(), canonical(field.getValue()));
			}
			StringBuilder out = new StringBuilder("{");
			sorted.forEach((name, value) -> out.append(this.jsonMapper.writeValueAsString(name))
				.append(':')
				.append(value)
				.append(','));
			return out.append('}').toString();
		}
		if (node.isArray()) {
			StringBuilder out = new StringBuilder("[");
			node.forEach(element -> out.append(canonical(element)).append(','));
			return out.append(']').toString();
		}
		return node.toString();
	}

	private static String sha256(String value) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
