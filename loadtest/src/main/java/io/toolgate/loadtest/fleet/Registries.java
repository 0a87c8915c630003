package io.toolgate.loadtest.fleet;

/**
 * Tool registries (the YAML of {@code toolgate.tools.registry}) for load runs.
 */
public final class Registries {

	private Registries() {
	}

	/**
	 * Returns a registry with no tools: turns are pure model calls, as for measuring the
	 * gateway's overhead.
	 */
	public static String empty() {
		return "tools: []\n";
	}

	/**
	 * Returns three tools served by a tool worker, described like the demo tools so the
	 * simulated model picks them from prompts such as "What is the weather in Paris and
	 * multiply 12 by 7 and what time is it in Tokyo?".
	 * @param workerUrl the worker's {@code /tool} URL
	 * @param maxConcurrency each tool's bulkhead
	 * @return the YAML
	 */
	public static String workerTools(String workerUrl, int maxConcurrency) {
		return """
				defaults:
				  timeout: 5s
				  max-concurrency: %d
				  retry: { max-attempts: 2, initial-backoff: 50ms, max-backoff: 500ms, jitter: 0.5 }
				tools:
				  - name: weather
				    description: Get the current weather (temperature, conditions, wind) for a city.
				    input-schema:
				      type: object
				      properties: { city: { type: string, minLength: 1, maxLength: 100 } }
				      required: [city]
				    executor: { type: http, url: %s/weather }
				  - name: calculator
				    description: Calculate with two numbers - add, subtract, multiply or divide them (sum, difference, product, quotient).
				    input-schema:
				      type: object
				      properties:
				        a: { type: number }
				        b: { type: number }
				        op: { type: string, enum: [add, subtract, multiply, divide] }
				      required: [a, b, op]
				    executor: { type: http, url: %s/calculator }
				  - name: clock
				    description: Get the current time and date (clock) in a time zone, for example "what time is it in Tokyo".
				    input-schema:
				      type: object
				      properties: { timezone: { type: string, minLength: 1 } }
				    executor: { type: http, url: %s/clock }
				"""
			.formatted(maxConcurrency, workerUrl, workerUrl, workerUrl);
	}

	/**
	 * Returns one tool served by a tool worker, for fan-out measurements where the model
	 * calls it many times at once.
	 * @param workerUrl the worker's {@code /tool} URL
	 * @param maxConcurrency the tool's bulkhead
	 * @return the YAML
	 */
	public static String singleWorkerTool(String workerUrl, int maxConcurrency) {
		return topicTools(maxConcurrency, topicTool("work", "Do a unit of work on a topic.", workerUrl));
	}

	/**
	 * Returns two tools served by a tool worker, {@code work} and {@code review}, so a
	 * model told to make 2 calls calls each once.
	 * @param workerUrl the worker's {@code /tool} URL
	 * @param maxConcurrency each tool's bulkhead
	 * @return the YAML
	 */
	public static String workAndReviewTools(String workerUrl, int maxConcurrency) {
		return topicTools(maxConcurrency, topicTool("work", "Do a unit of work on a topic.", workerUrl)
				+ topicTool("review", "Review a unit of work on a topic.", workerUrl));
	}

	/** Tools that take a topic, tried once each with a 5 s timeout. */
	private static String topicTools(int maxConcurrency, String tools) {
		return """
				defaults:
				  timeout: 5s
				  max-concurrency: %d
				  retry: { max-attempts: 1 }
				tools:
				""".formatted(maxConcurrency) + tools;
	}

	private static String topicTool(String name, String description, String workerUrl) {
		return """
				  - name: %s
				    description: %s
				    input-schema:
				      type: object
				      properties: { topic: { type: string } }
				    executor: { type: http, url: %s/%s }
				""".formatted(name, description, workerUrl, name);
	}

}
