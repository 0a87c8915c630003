package io.toolgate.dispatcher.tool.builtin;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import io.toolgate.dispatcher.tool.ToolExecutionException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code clock}: the current date and time in an IANA time zone. Arguments
 * {@code {timezone}}, default UTC.
 */
public final class ClockTool implements BuiltinTool {

	private final JsonMapper json;

	private final Map<String, String> zonesByCity;

	/**
	 * Creates the tool. Loads the time-zone rules now (a file read) so that calls never
	 * touch the disk.
	 * @param json the mapper building outputs
	 */
	public ClockTool(JsonMapper json) {
		this.json = json;
		ZoneId.of("Europe/Paris").getRules();
		Map<String, String> byCity = new HashMap<>();
		for (String id : ZoneId.getAvailableZoneIds()) {
			int slash = id.lastIndexOf('/');
			if (slash > 0) {
				byCity.putIfAbsent(id.substring(slash + 1).toLowerCase(Locale.ROOT), id);
			}
		}
		this.zonesByCity = Map.copyOf(byCity);
	}

	@Override
	public String name() {
		return "clock";
	}

	@Override
	public Mono<JsonNode> invoke(JsonNode arguments) {
		String zone = arguments.path("timezone").asString("UTC");
		ZoneId zoneId;
		try {
			// Models often name a city ("Tokyo") rather than a zone id ("Asia/Tokyo").
			String city = this.zonesByCity.get(zone.trim().replace(' ', '_').toLowerCase(Locale.ROOT));
			zoneId = ZoneId.of(city != null ? city : zone);
		}
		catch (DateTimeException ex) {
			return Mono.error(ToolExecutionException.toolError("Unknown time zone '" + zone + "'"));
		}
		ZonedDateTime now = ZonedDateTime.now(zoneId);
		ObjectNode output = this.json.createObjectNode();
		output.put("timezone", zoneId.getId());
		output.put("datetime", now.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
		output.put("time", now.format(DateTimeFormatter.ofPattern("HH:mm")));
		output.put("day_of_week", now.getDayOfWeek().toString());
		return Mono.just(output);
	}

}
