package io.toolgate.dispatcher.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration processor's output: every {@code toolgate.*} property has IDE
 * metadata with a description taken from its record's Javadoc.
 */
class ConfigurationMetadataTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	@Test
	void describesEveryToolgateProperty() throws IOException {
		JsonNode metadata = read();
		List<String> names = new ArrayList<>();
		List<String> undocumented = new ArrayList<>();
		for (JsonNode property : metadata.path("properties")) {
			String name = property.path("name").asString();
			names.add(name);
			if (name.startsWith("toolgate.") && property.path("description").asString("").isBlank()) {
				undocumented.add(name);
			}
		}
		assertThat(names).contains("toolgate.admission.max-concurrent-turns", "toolgate.store.max-events-per-turn",
				"toolgate.tools.registry", "toolgate.upstream.simulated.time-to-first-token",
				"toolgate.ratelimit.token-estimate.chars-per-token", "toolgate.drain.timeout",
				"toolgate.admission.retry-after", "toolgate.sse.heartbeat-interval", "toolgate.auth.api-keys",
				"toolgate.api-keys");
		assertThat(undocumented).isEmpty();
	}

	@Test
	void recordsDefaultValues() throws IOException {
		JsonNode maxTurns = property(read(), "toolgate.admission.max-concurrent-turns");
		assertThat(maxTurns.path("type").asString()).isEqualTo("java.lang.Integer");
		assertThat(maxTurns.path("defaultValue").asInt()).isEqualTo(512);
		assertThat(maxTurns.path("description").asString()).startsWith("per-replica bound on running turns");
	}

	@Test
	void marksTheEarlierNamesDeprecatedWithTheirReplacements() throws IOException {
		JsonNode metadata = read();
		for (Map.Entry<String, String> renamed : DeprecatedPropertyNames.DEPRECATED.entrySet()) {
			JsonNode deprecation = property(metadata, renamed.getKey()).path("deprecation");
			assertThat(deprecation.path("level").asString()).as(renamed.getKey()).isEqualTo("warning");
			assertThat(deprecation.path("replacement").asString()).as(renamed.getKey()).isEqualTo(renamed.getValue());
			assertThat(names(metadata)).as(renamed.getKey()).contains(renamed.getValue());
		}
	}

	private static List<String> names(JsonNode metadata) {
		List<String> names = new ArrayList<>();
		for (JsonNode property : metadata.path("properties")) {
			names.add(property.path("name").asString());
		}
		return names;
	}

	private static JsonNode property(JsonNode metadata, String name) {
		for (JsonNode property : metadata.path("properties")) {
			if (name.equals(property.path("name").asString())) {
				return property;
			}
		}
		throw new AssertionError("no metadata for " + name);
	}

	private static JsonNode read() throws IOException {
		try (InputStream in = ConfigurationMetadataTests.class.getClassLoader().getResourceAsStream(METADATA)) {
			assertThat(in).as(METADATA + " on the class path").isNotNull();
			return JsonMapper.shared().readTree(in);
		}
	}

}
