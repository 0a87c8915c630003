package io.toolgate.dispatcher.tool.builtin;

import java.time.Duration;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code slow_echo}: replies with the text after a delay ({@link Mono#delay}, no thread
 * held). Arguments {@code {ms, text}}. For demos and tests of parallelism and timeouts.
 */
public final class SlowEchoTool implements BuiltinTool {

	private final JsonMapper json;

	/**
	 * Creates the tool.
	 * @param json the mapper building outputs
	 */
	public SlowEchoTool(JsonMapper json) {
		this.json = json;
	}

	@Override
	public String name() {
		return "slow_echo";
	}

	@Override
	public Mono<JsonNode> invoke(JsonNode arguments) {
		long ms = Math.max(0, arguments.path("ms").asLong(0));
		String text = arguments.path("text").asString("");
		return Mono.delay(Duration.ofMillis(ms)).map(tick -> {
			ObjectNode output = this.json.createObjectNode();
			output.put("text", text);
			output.put("slept_ms", ms);
			return output;
		});
	}

}
