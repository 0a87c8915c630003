package io.toolgate.store;

import java.util.Objects;

/**
 * The outcome of {@link IdempotencyStore#claim claiming} an idempotency key: what the
 * caller must do with its request.
 */
public sealed interface IdempotencyClaim {

	/**
	 * The caller owns the key: it runs the operation, then calls
	 * {@link IdempotencyStore#complete} with the result or
	 * {@link IdempotencyStore#release} if the operation failed and may be retried.
	 *
	 * @param scope the scope of the key
	 * @param key the idempotency key
	 * @param fingerprint the request fingerprint the key is bound to
	 * @param token identifies this claim; a completion or release with another token does
	 * nothing
	 */
	record Claimed(String scope, String key, String fingerprint, String token) implements IdempotencyClaim {

		public Claimed {
			Objects.requireNonNull(scope, "scope");
			Objects.requireNonNull(key, "key");
			Objects.requireNonNull(fingerprint, "fingerprint");
			Objects.requireNonNull(token, "token");
		}

	}

	/**
	 * The same request already ran to completion: answer with its stored result instead
	 * of running it again.
	 *
	 * @param resultJson the stored result, an opaque JSON document
	 */
	record Completed(String resultJson) implements IdempotencyClaim {

		public Completed {
			Objects.requireNonNull(resultJson, "resultJson");
		}

	}

	/**
	 * The same request is running elsewhere; {@link IdempotencyStore#await} waits for its
	 * result.
	 */
	record InProgress() implements IdempotencyClaim {
	}

	/** The key was used with a different request; the HTTP edge answers 422. */
	record Mismatch() implements IdempotencyClaim {
	}

}
