package io.toolgate.dispatcher.tool.registry;

import java.util.List;

/**
 * The tool registry file is unreadable or declares an invalid tool; start-up stops with
 * this.
 */
public class InvalidToolRegistryException extends RuntimeException {

	private final List<String> problems;

	/**
	 * Creates the exception.
	 * @param source the registry file, for the message
	 * @param problems each problem, naming its tool, e.g.
	 * {@code tool 'get_weather': timeout must be positive}
	 * @param cause the underlying failure, if any
	 */
	public InvalidToolRegistryException(String source, List<String> problems, Throwable cause) {
		super("Invalid tool registry " + source + ": " + String.join("; ", problems), cause);
		this.problems = List.copyOf(problems);
	}

	/**
	 * Creates the exception.
	 * @param source the registry file, for the message
	 * @param problems each problem, naming its tool
	 */
	public InvalidToolRegistryException(String source, List<String> problems) {
		super("Invalid tool registry " + source + ": " + String.join("; ", problems));
		this.problems = List.copyOf(problems);
	}

	/** The problems found, each naming its tool. */
	public List<String> problems() {
		return this.problems;
	}

}
