package io.toolgate.dispatcher.error;

/**
 * A failed tool call as the tool channel describes it: the type the model sees and a
 * message safe to show. Lets {@link PublicErrors} map a tool failure without this package
 * depending on the tool package.
 */
public interface ToolFailure {

	/** The failure type, e.g. {@code timeout} or {@code worker_error}. */
	String errorType();

	/** A description safe to show to the model and the client. */
	String getMessage();

}
