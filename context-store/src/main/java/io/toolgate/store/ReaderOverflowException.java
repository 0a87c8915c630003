package io.toolgate.store;

/**
 * A reader of a turn's event log fell too far behind the live events and was cut off.
 * Every event before the error was delivered in order, so the reader resumes without gap
 * by reading again after the last id it received.
 */
public class ReaderOverflowException extends StoreException {

	/**
	 * Creates the exception.
	 * @param message the message
	 */
	public ReaderOverflowException(String message) {
		super(message, null);
	}

}
