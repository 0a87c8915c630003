package io.toolgate.loadtest;

import java.util.HashMap;
import java.util.Map;

/**
 * Command-line options of the form {@code --name=value} (a bare {@code --flag} means
 * {@code true}).
 */
public final class Options {

	private Options() {
	}

	/**
	 * Parses the options.
	 * @param args the arguments
	 * @return the values by name
	 * @throws IllegalArgumentException if an argument does not start with {@code --}
	 */
	public static Map<String, String> parse(String[] args) {
		Map<String, String> options = new HashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Options look like --name=value: " + arg);
			}
			int equals = arg.indexOf('=');
			if (equals < 0) {
				options.put(arg.substring(2), "true");
			}
			else {
				options.put(arg.substring(2, equals), arg.substring(equals + 1));
			}
		}
		return options;
	}

}
