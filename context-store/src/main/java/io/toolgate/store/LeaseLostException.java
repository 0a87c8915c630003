package io.toolgate.store;

/** The turn lease expired or was taken over; the write was refused. */
public class LeaseLostException extends StoreException {

	/**
	 * Creates the exception.
	 * @param message the message
	 */
	public LeaseLostException(String message) {
		super(message, null);
	}

	/**
	 * Creates the exception.
	 * @param message the message
	 * @param cause the cause
	 */
	public LeaseLostException(String message, Throwable cause) {
		super(message, cause);
	}

}
