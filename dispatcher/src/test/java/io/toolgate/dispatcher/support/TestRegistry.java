package io.toolgate.dispatcher.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes tool registries for tests. */
public final class TestRegistry {

	private TestRegistry() {
	}

	/**
	 * Writes a registry with {@code weather} on an HTTP worker and the built-in
	 * {@code calculator} and {@code slow_echo}.
	 * @param weatherUrl the worker's URL
	 * @return the file
	 */
	public static Path withWeatherWorker(String weatherUrl) {
		String yaml = """
				defaults:
				  timeout: 5s
				  max-concurrency: 16
				  retry: { max-attempts: 2, initial-backoff: 20ms, max-backoff: 100ms, jitter: 0.5 }
				tools:
				  - name: weather
				    description: Get the current weather forecast for a city
				    input-schema:
				      type: object
				      properties:
				        city: { type: string, minLength: 1 }
				      required: [city]
				      additionalProperties: false
				    executor: { type: http, url: %s }
				  - name: calculator
				    description: Calculate with two numbers - add, subtract, multiply or divide them
				    input-schema:
				      type: object
				      properties:
				        a: { type: number }
				        b: { type: number }
				        op: { type: string, enum: [add, subtract, multiply, divide] }
				      required: [a, b, op]
				      additionalProperties: false
				    executor: { type: builtin, name: calculator }
				  - name: slow_echo
				    description: Echo a text back after a delay in milliseconds
				    input-schema:
				      type: object
				      properties:
				        ms: { type: integer, minimum: 0, maximum: 60000 }
				        text: { type: string }
				      required: [ms, text]
				      additionalProperties: false
				    executor: { type: builtin, name: slow_echo }
				    timeout: 30s
				""".formatted(weatherUrl);
		return write(yaml);
	}

	/**
	 * Writes a registry to a temporary file, deleted when the JVM exits.
	 * @param yaml the registry
	 * @return the file
	 */
	public static Path write(String yaml) {
		try {
			Path file = Files.createTempFile("toolgate-registry", ".yaml");
			file.toFile().deleteOnExit();
			Files.writeString(file, yaml);
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
