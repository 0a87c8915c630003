package io.toolgate.dispatcher.tool.builtin;

import java.util.List;
import java.util.Locale;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code weather}: fake current weather for a city, derived from a hash of its name, so
 * the same city always gets the same answer. Arguments {@code {city}}.
 */
public final class WeatherTool implements BuiltinTool {

	private static final List<String> CONDITIONS = List.of("sunny", "partly cloudy", "cloudy", "light rain", "rain",
			"windy", "foggy", "snow");

	private final JsonMapper json;

	/**
	 * Creates the tool.
	 * @param json the mapper building outputs
	 */
	public WeatherTool(JsonMapper json) {
		this.json = json;
	}

	@Override
	public String name() {
		return "weather";
	}

	@Override
	public Mono<JsonNode> invoke(JsonNode arguments) {
		String city = arguments.path("city").asString("").trim();
		int hash = city.toLowerCase(Locale.ROOT).hashCode() & 0x7fffffff;
		String condition = CONDITIONS.get(hash % CONDITIONS.size());
		int celsius = (condition.equals("snow") ? -8 : 0) + (hash / 7) % 31 - 2;
		ObjectNode output = this.json.createObjectNode();
		output.put("city", city);
		output.put("condition", condition);
		output.put("temperature_c", celsius);
		output.put("humidity_pct", 30 + (hash / 13) % 60);
		output.put("wind_kph", (hash / 17) % 40);
		return Mono.just(output);
	}

}
