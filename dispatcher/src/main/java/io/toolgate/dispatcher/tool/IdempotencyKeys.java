package io.toolgate.dispatcher.tool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

/**
 * The {@code Idempotency-Key} a tool worker sees for a direct invocation. Clients choose
 * their keys, so two tenants may send the same one; a worker that deduplicates by key
 * alone would then hand one tenant's result to the other. Workers therefore get the
 * lowercase hex SHA-256 of the tenant id, a NUL byte and the client's key, never the raw
 * key: unique per tenant, stable across retries, and free of whatever the client put in
 * it.
 */
public final class IdempotencyKeys {

	private IdempotencyKeys() {
	}

	/**
	 * The key of a tool call a turn makes: the same on every replica for the same turn,
	 * model call and call id, so that a replica taking a turn over finds the calls the
	 * first one ran, and different for everything else (a model may reuse call ids in a
	 * later model call). It is what the idempotency store and the worker see:
	 * {@code tenant:conversation:turn:iteration:callId}, with {@code %} and {@code :} in
	 * the tenant, conversation and turn ids percent-encoded, so that the call id, last
	 * and chosen by the model, cannot make two keys collide.
	 * @param tenant the tenant id
	 * @param conversationId the conversation id, or {@code "-"} for a stateless turn
	 * @param turnId the turn id
	 * @param iteration the model call (1-based) that asked for the call
	 * @param callId the call id the model gave
	 * @return the key
	 */
	public static String forTurnCall(String tenant, String conversationId, String turnId, int iteration,
			String callId) {
		return escaped(tenant) + ":" + escaped(conversationId) + ":" + escaped(turnId) + ":" + iteration + ":" + callId;
	}

	private static String escaped(String part) {
		return part.replace("%", "%25").replace(":", "%3A");
	}

	/**
	 * Derives the worker's key.
	 * @param tenant the tenant id
	 * @param clientKey the client's {@code Idempotency-Key}, or {@code null}
	 * @return {@code hex(sha256(tenant + "\0" + clientKey))}, or {@code null} when the
	 * client sent no key or a blank one (the call is then not deduplicated)
	 */
	public static @Nullable String forWorker(String tenant, @Nullable String clientKey) {
		if (clientKey == null || clientKey.isBlank()) {
			return null;
		}
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(tenant.getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
			digest.update(clientKey.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
