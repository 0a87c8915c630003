package io.toolgate.store;

/** The conversation was written by someone else since it was read. */
public class VersionConflictException extends StoreException {

	/**
	 * Creates the exception.
	 * @param message the message
	 */
	public VersionConflictException(String message) {
		super(message, null);
	}

	/**
	 * Creates the exception.
	 * @param message the message
	 * @param cause the cause
	 */
	public VersionConflictException(String message, Throwable cause) {
		super(message, cause);
	}

}
