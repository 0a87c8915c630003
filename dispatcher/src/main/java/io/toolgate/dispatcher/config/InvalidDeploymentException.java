package io.toolgate.dispatcher.config;

import java.util.List;

/**
 * A configuration Toolgate refuses to start with. Each problem is one line that names
 * what is wrong and the property (and environment variable) that fixes it; start-up
 * reports them without a stack trace.
 */
public class InvalidDeploymentException extends RuntimeException {

	private final List<String> problems;

	private final String action;

	/**
	 * Creates the exception.
	 * @param problems one line per problem, naming the setting that fixes it
	 * @param action what to do about them as a whole
	 */
	public InvalidDeploymentException(List<String> problems, String action) {
		super(String.join("\n", problems), null, false, false);
		this.problems = List.copyOf(problems);
		this.action = action;
	}

	/** The problems, one line each. */
	public List<String> problems() {
		return this.problems;
	}

	/** What to do about them as a whole. */
	public String action() {
		return this.action;
	}

}
