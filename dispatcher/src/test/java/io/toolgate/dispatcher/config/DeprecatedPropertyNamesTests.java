package io.toolgate.dispatcher.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.toolgate.dispatcher.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The earlier names of moved properties keep working for a release: their values reach
 * the new records, each one set is logged at WARN, and a new name set alongside wins.
 */
class DeprecatedPropertyNamesTests {

	private final DeprecatedPropertyNames processor = new DeprecatedPropertyNames(supplier -> supplier.get());

	@Test
	void carriesEarlierNamesOverToTheirReplacementsWithAWarning() {
		StandardEnvironment environment = environment(Map.of("toolgate.turn.max-concurrent-turns", "7",
				"toolgate.turn.retry-after", "3s", "toolgate.turn.heartbeat-interval", "2s"));
		try (LogCapture log = LogCapture.of(DeprecatedPropertyNames.class, Level.WARN)) {
			this.processor.postProcessEnvironment(environment, new SpringApplication());
			assertThat(log.events()).extracting(ILoggingEvent::getFormattedMessage)
				.containsExactlyInAnyOrder(
						"toolgate.turn.max-concurrent-turns is deprecated and will be removed in the next release; "
								+ "use toolgate.admission.max-concurrent-turns",
						"toolgate.turn.retry-after is deprecated and will be removed in the next release; "
								+ "use toolgate.admission.retry-after",
						"toolgate.turn.heartbeat-interval is deprecated and will be removed in the next release; "
								+ "use toolgate.sse.heartbeat-interval");
		}
		Binder binder = Binder.get(environment);
		assertThat(binder.bindOrCreate("toolgate.admission", AdmissionProperties.class))
			.isEqualTo(new AdmissionProperties(7, Duration.ofSeconds(3)));
		assertThat(binder.bindOrCreate("toolgate.sse", SseProperties.class))
			.isEqualTo(new SseProperties(Duration.ofSeconds(2)));
	}

	@Test
	void readsEarlierNamesFromEnvironmentVariables() {
		StandardEnvironment environment = environment(Map.of());
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("TOOLGATE_TURN_MAXCONCURRENTTURNS", "9", "TOOLGATE_API_KEYS", "acme:k1")));
		this.processor.postProcessEnvironment(environment, new SpringApplication());
		Binder binder = Binder.get(environment);
		assertThat(binder.bindOrCreate("toolgate.admission", AdmissionProperties.class).maxConcurrentTurns())
			.isEqualTo(9);
		assertThat(binder.bindOrCreate("toolgate.auth", AuthProperties.class).apiKeys()).isEqualTo("acme:k1");
	}

	@Test
	void keepsANewNameSetAlongsideAnEarlierOne() {
		StandardEnvironment environment = environment(
				Map.of("toolgate.turn.max-concurrent-turns", "7", "toolgate.admission.max-concurrent-turns", "5"));
		try (LogCapture log = LogCapture.of(DeprecatedPropertyNames.class, Level.WARN)) {
			this.processor.postProcessEnvironment(environment, new SpringApplication());
			assertThat(log.events()).singleElement()
				.extracting(ILoggingEvent::getFormattedMessage)
				.asString()
				.contains("toolgate.turn.max-concurrent-turns is ignored")
				.contains("toolgate.admission.max-concurrent-turns is set too");
		}
		assertThat(Binder.get(environment)
			.bindOrCreate("toolgate.admission", AdmissionProperties.class)
			.maxConcurrentTurns()).isEqualTo(5);
	}

	@Test
	void carriesTheApiKeysOverWithoutAWarningAndChangesNothingWhenNoEarlierNameIsSet() {
		StandardEnvironment keys = environment(Map.of("toolgate.api-keys", "acme:k1,globex:k2"));
		StandardEnvironment none = environment(Map.of("toolgate.admission.retry-after", "2s"));
		try (LogCapture log = LogCapture.of(DeprecatedPropertyNames.class, Level.DEBUG)) {
			this.processor.postProcessEnvironment(keys, new SpringApplication());
			this.processor.postProcessEnvironment(none, new SpringApplication());
			assertThat(log.events()).isEmpty();
		}
		assertThat(Binder.get(keys).bindOrCreate("toolgate.auth", AuthProperties.class).apiKeys())
			.isEqualTo("acme:k1,globex:k2");
		assertThat(none.getPropertySources().contains(DeprecatedPropertyNames.SOURCE_NAME)).isFalse();
		assertThat(List.copyOf(DeprecatedPropertyNames.DEPRECATED.values()))
			.allSatisfy(name -> assertThat(name).startsWith("toolgate."));
	}

	private static StandardEnvironment environment(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		return environment;
	}

}
