package io.toolgate.loadtest.simulation;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a simulation's parameters from system properties ({@code -Dusers=50}), with
 * defaults for a smoke run.
 */
final class SimulationParameters {

	private SimulationParameters() {
	}

	static int integer(String name, int fallback) {
		return Integer.parseInt(System.getProperty(name, Integer.toString(fallback)));
	}

	static double decimal(String name, double fallback) {
		return Double.parseDouble(System.getProperty(name, Double.toString(fallback)));
	}

	static String text(String name, String fallback) {
		return System.getProperty(name, fallback);
	}

	static Duration seconds(String name, int fallback) {
		return Duration.ofSeconds(integer(name, fallback));
	}

	/**
	 * The base URLs, from {@code -DbaseUrls=a,b} or {@code -DbaseUrl=a}; default
	 * {@code http://localhost:8080}.
	 */
	static List<String> baseUrls() {
		String urls = System.getProperty("baseUrls", System.getProperty("baseUrl", "http://localhost:8080"));
		return Arrays.stream(urls.split(",")).map(String::trim).filter((url) -> !url.isEmpty()).toList();
	}

}
