package io.toolgate.store;

/** The backing store could not be reached. */
public class StoreUnavailableException extends StoreException {

	/**
	 * Creates the exception.
	 * @param message the message
	 */
	public StoreUnavailableException(String message) {
		super(message, null);
	}

	/**
	 * Creates the exception.
	 * @param message the message
	 * @param cause the cause
	 */
	public StoreUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
