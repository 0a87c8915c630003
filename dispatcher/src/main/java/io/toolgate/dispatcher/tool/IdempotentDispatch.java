package io.toolgate.dispatcher.tool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import io.toolgate.store.IdempotencyClaim;
import io.toolgate.store.IdempotencyStore;
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
 */
public class IdempotentDispatch {

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
		return this.store.await(scope, key, fingerprint(invocation), this.ttl, wait).flatMap(claim -> switch (claim) {
			case IdempotencyClaim.Claimed claimed -> runAndStore(invocation, claimed);
			case IdempotencyClaim.Completed completed -> Mono.just(new DispatchOutcome.Replayed(
					this.jsonMapper.readValue(completed.resultJson(), StoredToolResult.class).toResult()));
			case IdempotencyClaim.InProgress inProgress -> Mono.just(new DispatchOutcome.InProgress());
			case IdempotencyClaim.Mismatch mismatch -> Mono.just(new DispatchOutcome.Mismatch());
		});
	}

	private Mono<DispatchOutcome> runAndStore(ToolInvocation invocation, IdempotencyClaim.Claimed claimed) {
		return this.dispatcher.dispatch(invocation)
			.flatMap(result -> this.store
				.complete(claimed, this.jsonMapper.writeValueAsString(StoredToolResult.of(result)))
				.thenReturn((DispatchOutcome) new DispatchOutcome.Fresh(result)))
			.doOnCancel(() -> releaseDetached(claimed));
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
