package io.toolgate.dispatcher.tool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.store.IdempotencyClaim;
import io.toolgate.store.IdempotencyStore;
import io.toolgate.streaming.TurnEvent;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a tool call at most once per idempotency key: the first call with a key runs and its result is stored;
 * a repeat with the same tool and arguments gets the stored result (waiting for it while the first still runs);
 * a repeat with other arguments is refused. Direct invocations use a key derived from the tenant and the client's
 * {@code Idempotency-Key} ({@link IdempotencyKeys}); calls
 * of a turn use a key made of tenant, conversation, turn, model call and call id
 * ({@link IdempotencyKeys#forTurnCall}), so a turn taken over by another replica never runs a side-effecting tool
 * twice ({@link #dispatchResumed}).
 */
public class IdempotentDispatch {

	/** The error type of a call that a turn's replica stopped during, which is not run again. */
	public static final String INTERRUPTED = "interrupted";

	private final ToolDispatcher dispatcher;

	private final IdempotencyStore store;

	private final Duration ttl;

	private final Duration awaitTimeout;

	private final JsonMapper jsonMapper;

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
		this.dispatcher = dispatcher;
		this.store = store;
		this.ttl = ttl;
		this.awaitTimeout = awaitTimeout;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Runs a call once per key; a call without a key just runs.
	 * @param invocation the call, with its idempotency key
	 * @param scope what the key is unique within, e.g. {@code invocation:<tenant>}
	 * @return the result, fresh or replayed; errors with a 422 {@link ToolgateException} when the key was used
	 * for another request, a 409 one when the first request is still running after the wait, or the store's
	 * failures
	 */
	public Mono<Outcome> dispatch(ToolInvocation invocation, String scope) {
		String key = invocation.idempotencyKey();
		if (key == null || key.isBlank()) {
			return this.dispatcher.dispatch(invocation).map(result -> new Outcome(result, false));
		}
		String fingerprint = fingerprint(invocation);
		return this.store.await(scope, key, fingerprint, this.ttl, this.awaitTimeout)
			.flatMap(claim -> switch (claim) {
				case IdempotencyClaim.Claimed claimed -> runAndStore(invocation, claimed);
				case IdempotencyClaim.Completed completed -> Mono.just(new Outcome(
						this.jsonMapper.readValue(completed.resultJson(), TurnEvent.ToolResult.class), true));
				case IdempotencyClaim.InProgress inProgress -> Mono.error(new ToolgateException(ErrorType.CONFLICT,
						"idempotency_in_progress",
						"A request with this Idempotency-Key is still running; retry later", Duration.ofSeconds(1),
						Map.of()));
				case IdempotencyClaim.Mismatch mismatch -> Mono.error(new ToolgateException(ErrorType.UNPROCESSABLE,
						"idempotency_key_reused",
						"This Idempotency-Key was used with another tool or other arguments", null, Map.of()));
			});
	}

	/**
	 * Runs a call of a turn taken over from another replica: a call the first replica completed gets its stored
	 * result, a call it never claimed runs, and a call still claimed without a result after {@code wait} (its
	 * replica stopped while it ran, or still runs it) is not run again: it gets an {@code error} result of type
	 * {@value #INTERRUPTED} that the model sees.
	 * @param invocation the call, with its idempotency key
	 * @param scope what the key is unique within
	 * @param wait how long to wait for a claimed call's result
	 * @return the result; errors only with the store's failures
	 */
	public Mono<Outcome> dispatchResumed(ToolInvocation invocation, String scope, Duration wait) {
		String key = invocation.idempotencyKey();
		if (key == null || key.isBlank()) {
			return dispatch(invocation, scope);
		}
		return this.store.await(scope, key, fingerprint(invocation), this.ttl, wait)
			.flatMap(claim -> switch (claim) {
				case IdempotencyClaim.Claimed claimed -> runAndStore(invocation, claimed);
				case IdempotencyClaim.Completed completed -> Mono.just(new Outcome(
						this.jsonMapper.readValue(completed.resultJson(), TurnEvent.ToolResult.class), true));
				case IdempotencyClaim.InProgress inProgress -> Mono.just(new Outcome(interrupted(invocation,
						"The call was still running when the replica running its turn stopped; it was not run again"),
						false));
				case IdempotencyClaim.Mismatch mismatch -> Mono.just(new Outcome(interrupted(invocation,
						"A call with this id and other arguments ran before the turn was taken over; it was not run"),
						false));
			});
	}

	private static TurnEvent.ToolResult interrupted(ToolInvocation invocation, String message) {
		return new TurnEvent.ToolResult(invocation.callId(), invocation.toolName(), "error", null,
				new TurnEvent.ToolError(INTERRUPTED, message, false), 0, 0);
	}

	private Mono<Outcome> runAndStore(ToolInvocation invocation, IdempotencyClaim.Claimed claimed) {
		return this.dispatcher.dispatch(invocation)
			.flatMap(result -> this.store.complete(claimed, this.jsonMapper.writeValueAsString(result))
				.thenReturn(new Outcome(result, false)))
			.doOnCancel(() -> releaseDetached(claimed));
	}

	/**
	 * Gives up the claim of a call its caller cancelled, so that a retry can run it. Fire and forget, bounded by
	 * its own timeout; if it fails, the claim expires with its time to live.
	 */
	private void releaseDetached(IdempotencyClaim.Claimed claimed) {
		this.store.release(claimed).timeout(Duration.ofSeconds(5)).onErrorResume(ex -> Mono.empty()).subscribe();
	}

	/** Identifies a request by its tool and its arguments, independent of key order and whitespace. */
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

	/**
	 * A call's result.
	 *
	 * @param result the result
	 * @param replayed whether it was stored by an earlier call with the same key
	 */
	public record Outcome(TurnEvent.ToolResult result, boolean replayed) {
	}

}
