package io.toolgate.dispatcher.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps API keys to tenants. Only SHA-256 hashes of keys are held; lookups hash the
 * presented key and compare in constant time per candidate.
 */
public final class ApiKeyResolver {

	private final Map<String, String> tenantsByHash;

	private ApiKeyResolver(Map<String, String> tenantsByHash) {
		this.tenantsByHash = Map.copyOf(tenantsByHash);
	}

	/** Returns a builder. */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Resolves a presented key.
	 * @param key the bearer token
	 * @return the tenant, or empty for an unknown key
	 */
	public Optional<Tenant> resolve(String key) {
		byte[] presented = HexFormat.of().formatHex(sha256(key)).getBytes(StandardCharsets.US_ASCII);
		String found = null;
		for (Map.Entry<String, String> entry : this.tenantsByHash.entrySet()) {
			if (MessageDigest.isEqual(presented, entry.getKey().getBytes(StandardCharsets.US_ASCII))) {
				found = entry.getValue();
			}
		}
		return Optional.ofNullable(found).map(Tenant::new);
	}

	/** The tenants some key acts for. */
	public Set<String> tenants() {
		return Set.copyOf(this.tenantsByHash.values());
	}

	/** Whether no key is configured. */
	public boolean isEmpty() {
		return this.tenantsByHash.isEmpty();
	}

	/**
	 * Returns the lowercase hex SHA-256 of a key, as configured in
	 * {@code toolgate.auth.keys[].sha256}.
	 */
	public static String hash(String key) {
		return HexFormat.of().formatHex(sha256(key));
	}

	/**
	 * Identifies a key without revealing it: the first 12 hex digits of its SHA-256, the
	 * start of its {@code toolgate.auth.keys[].sha256} value. Audit records carry it.
	 * @param key the key
	 * @return the key id
	 */
	public static String keyId(String key) {
		return hash(key).substring(0, 12);
	}

	private static byte[] sha256(String key) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	/** Collects keys. */
	public static final class Builder {

		private final Map<String, String> tenantsByHash = new HashMap<>();

		private Builder() {
		}

		/** Adds a key by its SHA-256 hex hash. */
		public Builder hashedKey(String tenant, String sha256Hex) {
			this.tenantsByHash.put(sha256Hex.toLowerCase(Locale.ROOT), tenant);
			return this;
		}

		/** Adds a plain key. */
		public Builder plainKey(String tenant, String key) {
			return hashedKey(tenant, hash(key));
		}

		/**
		 * Adds plain {@code tenant:key} pairs separated by commas.
		 * @throws IllegalArgumentException if a pair is not {@code tenant:key}
		 */
		public Builder plainPairs(String pairs) {
			for (String pair : pairs.split(",")) {
				String trimmed = pair.trim();
				if (trimmed.isEmpty()) {
					continue;
				}
				int colon = trimmed.indexOf(':');
				if (colon <= 0 || colon == trimmed.length() - 1) {
					throw new IllegalArgumentException(
							"TOOLGATE_API_KEYS entries must be tenant:key, separated by commas");
				}
				plainKey(trimmed.substring(0, colon), trimmed.substring(colon + 1));
			}
			return this;
		}

		/** Builds the resolver. */
		public ApiKeyResolver build() {
			return new ApiKeyResolver(this.tenantsByHash);
		}

	}

}
