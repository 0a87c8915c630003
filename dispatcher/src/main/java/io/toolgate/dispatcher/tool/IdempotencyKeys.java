package io.toolgate.dispatcher.tool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

/**
 * The {@code Idempotency-Key} a tool worker sees for a direct invocation. Clients choose their keys, so two tenants
 * may send the same one; a worker that deduplicates by key alone would then hand one tenant's result to the other.
 * Workers therefore get the lowercase hex SHA-256 of the tenant id, a NUL byte and the client's key, never the raw
 * key: unique per tenant, stable across retries, and free of whatever the client put in it.
 */
public final class IdempotencyKeys {

	private IdempotencyKeys() {
	}

	/**
	 * Derives the worker's key.
	 * @param tenant the tenant id
	 * @param clientKey the client's {@code Idempotency-Key}, or {@code null}
	 * @return {@code hex(sha256(tenant + "\0" + clientKey))}, or {@code null} when the client sent no key or a
	 * blank one (the call is then not deduplicated)
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
