package io.toolgate.dispatcher.tool.builtin;

import java.util.Locale;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code lookup}: a small fixed knowledge base. Arguments {@code {key}}; a known key
 * (case-insensitive) gives its fact, any other gives {@code found: false}. Deterministic,
 * for demos and tests.
 */
public final class LookupTool implements BuiltinTool {

	private static final Map<String, String> FACTS = Map.of("toolgate",
			"Toolgate is a reactive gateway that streams model output and runs the tools the model calls, in parallel and with bounds.",
			"redis",
			"Redis is an in-memory data store; Toolgate keeps conversations, turn event logs and rate-limit buckets in it.",
			"reactor",
			"Project Reactor is a reactive library for the JVM built around Mono (0..1) and Flux (0..n) publishers.",
			"webflux", "Spring WebFlux is Spring's non-blocking web framework, running on Reactor Netty by default.",
			"sse",
			"Server-Sent Events stream text events over one HTTP response; each event can carry an id for resumption.",
			"bulkhead",
			"A bulkhead bounds how many calls to one dependency may run at once, so one slow tool cannot take all capacity.");

	private final JsonMapper json;

	/**
	 * Creates the tool.
	 * @param json the mapper building outputs
	 */
	public LookupTool(JsonMapper json) {
		this.json = json;
	}

	@Override
	public String name() {
		return "lookup";
	}

	@Override
	public Mono<JsonNode> invoke(JsonNode arguments) {
		String key = arguments.path("key").asString("").trim();
		String fact = FACTS.get(key.toLowerCase(Locale.ROOT));
		ObjectNode output = this.json.createObjectNode();
		output.put("key", key);
		output.put("found", fact != null);
		output.put("fact", (fact != null) ? fact : "No entry for '" + key + "'.");
		return Mono.just(output);
	}

}
