package io.toolgate.store;

/** Another turn of the conversation is running. */
public class TurnConflictException extends StoreException {

	/**
	 * Creates the exception.
	 * @param message the message
	 */
	public TurnConflictException(String message) {
		super(message, null);
	}

	/**
	 * Creates the exception.
	 * @param message the message
	 * @param cause the cause
	 */
	public TurnConflictException(String message, Throwable cause) {
		super(message, cause);
	}

}
