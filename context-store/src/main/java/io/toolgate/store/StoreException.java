package io.toolgate.store;

import org.jspecify.annotations.Nullable;

/** Root of the store's failures. */
public abstract class StoreException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param message the message
	 * @param cause the cause, if any
	 */
	protected StoreException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
