package io.toolgate.store;

/** No such turn. */
public class TurnNotFoundException extends StoreException {

	/**
	 * Creates the exception.
	 * @param message the message
	 */
	public TurnNotFoundException(String message) {
		super(message, null);
	}

	/**
	 * Creates the exception.
	 * @param message the message
	 * @param cause the cause
	 */
	public TurnNotFoundException(String message, Throwable cause) {
		super(message, cause);
	}

}
