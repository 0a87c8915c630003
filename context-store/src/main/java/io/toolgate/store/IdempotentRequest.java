package io.toolgate.store;

import java.util.Objects;

/**
 * One request of a batch claimed with {@link IdempotencyStore#claimAll}.
 *
 * @param key the idempotency key
 * @param fingerprint identifies the request, e.g. a hash of its body; compared for
 * equality only
 */
public record IdempotentRequest(String key, String fingerprint) {

	public IdempotentRequest {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(fingerprint, "fingerprint");
	}

}
