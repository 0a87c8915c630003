package io.toolgate.dispatcher.auth;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The key of the start-up warm-up: issued when the warm-up starts, for the tenant
 * {@link #TENANT}, and revoked when it ends. Never logged nor configurable; a key
 * presented after the revocation (or before any issue) is unknown like any other.
 */
public final class WarmUpKey {

	/**
	 * The warm-up's tenant. No configured tenant can be named like it: tenant names come
	 * from configuration, and this one starts with a {@code ~}.
	 */
	public static final Tenant TENANT = new Tenant("~warm-up");

	private static final SecureRandom RANDOM = new SecureRandom();

	private volatile byte[] hash;

	/**
	 * Issues a new key, replacing any earlier one.
	 * @return the key
	 */
	public String issue() {
		byte[] secret = new byte[32];
		RANDOM.nextBytes(secret);
		String key = "tg-warm-up-" + HexFormat.of().formatHex(secret);
		this.hash = ApiKeyResolver.hash(key).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
		return key;
	}

	/** Revokes the key issued last. */
	public void revoke() {
		this.hash = null;
	}

	/**
	 * Resolves a presented key: the warm-up's tenant while the key is issued.
	 * @param key the bearer token
	 * @return the tenant, or empty
	 */
	Optional<Tenant> resolve(String key) {
		byte[] expected = this.hash;
		if (expected == null) {
			return Optional.empty();
		}
		byte[] presented = ApiKeyResolver.hash(key).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
		return MessageDigest.isEqual(presented, expected) ? Optional.of(TENANT) : Optional.empty();
	}

}
