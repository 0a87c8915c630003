package io.toolgate.store;

/**
 * A turn's event log holds as many events as it may; only the terminal event can still be
 * appended. The turn should end (with an error event) rather than retry.
 */
public class TurnLogFullException extends StoreException {

	/**
	 * Creates the exception.
	 * @param message the message
	 */
	public TurnLogFullException(String message) {
		super(message, null);
	}

}
