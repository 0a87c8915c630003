package io.toolgate.dispatcher.tool.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.toolgate.dispatcher.tool.ExecutorSpec;
import io.toolgate.dispatcher.tool.RiskTier;
import io.toolgate.dispatcher.tool.ToolApprovalPolicy;
import io.toolgate.dispatcher.tool.ToolCircuitBreakerPolicy;
import io.toolgate.dispatcher.tool.ToolResultFraming;
import io.toolgate.dispatcher.tool.ToolRetryPolicy;
import io.toolgate.dispatcher.tool.ToolSpec;
import io.toolgate.dispatcher.tool.support.TestTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.io.ApplicationResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** {@link ToolRegistryLoader}: defaults, overrides and every start-up check. */
class ToolRegistryLoaderTests {

	private static final String VALID = """
			defaults: { timeout: 5s, max-concurrency: 64, retry: { max-attempts: 3, initial-backoff: 100ms, max-backoff: 2s, jitter: 0.5 }, risk-tier: low }
			tools:
			  - name: get_weather
			    description: Current weather for a city
			    input-schema: { type: object, properties: { city: { type: string, minLength: 1 } }, required: [city], additionalProperties: false }
			    executor: { type: http, url: http://weather-worker:8080/invoke }
			    timeout: 2s
			    retry: { max-attempts: 2 }
			    max-concurrency: 16
			    risk-tier: medium
			  - name: add
			    description: Add numbers
			    input-schema: { type: object }
			    executor: { type: builtin, name: calculator }
			""";

	private final ToolRegistryLoader loader = new ToolRegistryLoader(TestTools.JSON, Set.of("calculator", "clock"),
			ApplicationResourceLoader.get());

	@Test
	void appliesDefaultsAndPerToolOverrides() {
		List<ToolSpec> specs = this.loader.parse(VALID, "test.yaml");
		assertThat(specs).extracting(ToolSpec::name).containsExactly("get_weather", "add");
		ToolSpec weather = specs.get(0);
		assertThat(weather.timeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(weather.maxConcurrency()).isEqualTo(16);
		assertThat(weather.riskTier()).isEqualTo(RiskTier.MEDIUM);
		assertThat(weather.retry())
			.isEqualTo(new ToolRetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(2), 0.5));
		assertThat(weather.executor())
			.isEqualTo(new ExecutorSpec.Http(java.net.URI.create("http://weather-worker:8080/invoke")));
		ToolSpec add = specs.get(1);
		assertThat(add.timeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(add.maxConcurrency()).isEqualTo(64);
		assertThat(add.retry().maxAttempts()).isEqualTo(3);
		assertThat(add.riskTier()).isEqualTo(RiskTier.LOW);
		assertThat(add.executor()).isEqualTo(new ExecutorSpec.Builtin("calculator"));
		assertThat(weather.circuitBreaker()).isEqualTo(ToolCircuitBreakerPolicy.ofDefaults(Duration.ofSeconds(2)));
		assertThat(add.circuitBreaker()).isEqualTo(
				new ToolCircuitBreakerPolicy(true, 50, 100, Duration.ofSeconds(5), 20, 10, Duration.ofSeconds(30), 3));
	}

	@Test
	void appliesCircuitBreakerDefaultsFieldByField() {
		String yaml = """
				defaults: { timeout: 4s, circuit-breaker: { failure-rate-threshold: 25, wait-in-open: 10s } }
				tools:
				  - name: a
				    description: d
				    input-schema: { type: object }
				    executor: { type: builtin, name: clock }
				    circuit-breaker: { sliding-window-size: 40, minimum-calls: 5, slow-call-duration: 1s, slow-call-rate-threshold: 80.5, half-open-calls: 1 }
				  - { name: b, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, timeout: 2s }
				  - { name: c, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, circuit-breaker: { enabled: false } }
				""";
		List<ToolSpec> specs = this.loader.parse(yaml, "r.yaml");
		assertThat(specs.get(0).circuitBreaker()).isEqualTo(
				new ToolCircuitBreakerPolicy(true, 25, 80.5f, Duration.ofSeconds(1), 40, 5, Duration.ofSeconds(10), 1));
		assertThat(specs.get(1).circuitBreaker()).as("slow calls are those longer than the tool's own timeout")
			.isEqualTo(new ToolCircuitBreakerPolicy(true, 25, 100, Duration.ofSeconds(2), 20, 10,
					Duration.ofSeconds(10), 3));
		assertThat(specs.get(2).circuitBreaker().enabled()).isFalse();
		assertThat(specs.get(2).circuitBreaker().failureRateThreshold()).isEqualTo(25);
	}

	@Test
	void appliesTheResultSizeCapDefaultAndOverrides() {
		String yaml = """
				tools:
				  - { name: a, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock } }
				  - { name: b, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, max-result-chars: 1000 }
				""";
		assertThat(this.loader.parse(yaml, "r.yaml")).extracting(ToolSpec::maxResultChars)
			.containsExactly(ToolResultFraming.DEFAULT_MAX_RESULT_CHARS, 1000);
		String withDefault = "defaults: { max-result-chars: 2048 }\n" + yaml;
		assertThat(this.loader.parse(withDefault, "r.yaml")).extracting(ToolSpec::maxResultChars)
			.containsExactly(2048, 1000);
	}

	@Test
	void rejectsAResultSizeCapTooSmallForAnErrorMessage() {
		String yaml = """
				defaults: { max-result-chars: 10 }
				tools:
				  - { name: a, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, max-result-chars: 255 }
				""";
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse(yaml, "r.yaml"))
			.satisfies(
					ex -> assertThat(ex.problems()).containsExactly("defaults: max-result-chars must be at least 256",
							"tool 'a': max-result-chars must be at least 256"));
	}

	@Test
	void reportsAnInvalidCircuitBreakerDefaultOnce() {
		String yaml = """
				defaults: { circuit-breaker: { half-open-calls: 0 } }
				tools:
				  - { name: a, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock } }
				  - { name: b, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock } }
				""";
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse(yaml, "r.yaml"))
			.satisfies(ex -> assertThat(ex.problems())
				.containsExactly("defaults: circuit-breaker.half-open-calls must be at least 1"));
	}

	@Test
	void reportsABadTimeoutWithoutACircuitBreakerProblem() {
		String yaml = """
				tools:
				  - { name: a, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, timeout: 0s }
				""";
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse(yaml, "r.yaml"))
			.satisfies(ex -> assertThat(ex.problems()).containsExactly("tool 'a': timeout must be positive"));
	}

	@Test
	void resolvesApprovalByRiskTierByDefaultAndAppliesOverridesAndConditions() {
		String yaml = """
				defaults: { approval: by-risk }
				tools:
				  - { name: low, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock } }
				  - { name: high, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, risk-tier: high }
				  - { name: off, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, risk-tier: high, approval: never }
				  - { name: pay, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, approval: always, approval-when: { pointer: /amount, above: 100 } }
				  - { name: to, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, approval: always, approval-when: { pointer: /to, equals: ceo@example.com } }
				""";
		List<ToolSpec> specs = this.loader.parse(yaml, "r.yaml");
		assertThat(specs.get(0).holdReason(TestTools.JSON.readTree("{}"))).isNull();
		assertThat(specs.get(1).holdReason(TestTools.JSON.readTree("{}"))).isEqualTo("the tool's risk tier is high");
		assertThat(specs.get(2).holdReason(TestTools.JSON.readTree("{}"))).isNull();
		ToolSpec pay = specs.get(3);
		assertThat(pay.approval().mode()).isEqualTo(ToolApprovalPolicy.Mode.ALWAYS);
		assertThat(pay.holdReason(TestTools.JSON.readTree("{\"amount\":100}"))).isNull();
		assertThat(pay.holdReason(TestTools.JSON.readTree("{\"amount\":100.5}")))
			.isEqualTo("the tool needs approval for every call and /amount is above 100");
		assertThat(pay.holdReason(TestTools.JSON.readTree("{\"amount\":\"lots\"}")))
			.as("an amount that cannot be read is held")
			.isNotNull();
		assertThat(specs.get(4).holdReason(TestTools.JSON.readTree("{\"to\":\"ceo@example.com\"}"))).isNotNull();
		assertThat(specs.get(4).holdReason(TestTools.JSON.readTree("{\"to\":\"bob@example.com\"}"))).isNull();
	}

	@Test
	void reportsInvalidApprovalSettings() {
		String yaml = """
				defaults: { approval: sometimes }
				tools:
				  - { name: a, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, approval: maybe }
				  - { name: b, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, approval: never, approval-when: { pointer: /x, above: 1 } }
				  - { name: c, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, approval: always, approval-when: { pointer: amount, above: 1 } }
				  - { name: e, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, approval: always, approval-when: { pointer: /x } }
				  - { name: f, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, approval: always, approval-when: { pointer: /x, above: 1, equals: 2 } }
				  - { name: g, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, approval: always, approval-when: { pointer: /x, equals: [1] } }
				""";
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse(yaml, "r.yaml"))
			.satisfies(ex -> assertThat(ex.problems()).containsExactly(
					"defaults: approval must be one of always, never, by-risk, got 'sometimes'",
					"tool 'a': approval must be one of always, never, by-risk, got 'maybe'",
					"tool 'b': approval-when needs approval 'always' or 'by-risk'",
					"tool 'c': approval-when.pointer is required and must be a JSON Pointer such as /amount",
					"tool 'e': approval-when needs exactly one of 'above' and 'equals'",
					"tool 'f': approval-when needs exactly one of 'above' and 'equals'",
					"tool 'g': approval-when.equals must be a string, number or boolean"));
	}

	@Test
	void keepsAToolForTheTenantsItNamesAndOffersTheOthersToEveryTenant() {
		String yaml = """
				tools:
				  - { name: open, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock } }
				  - { name: ledger, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, tenants: [acme, initech] }
				""";
		List<ToolSpec> specs = this.loader.parse(yaml, "r.yaml");
		assertThat(specs.get(0).tenants()).isEmpty();
		assertThat(specs.get(0).visibleTo("globex")).isTrue();
		assertThat(specs.get(1).tenants()).containsExactlyInAnyOrder("acme", "initech");
		assertThat(specs.get(1).visibleTo("acme")).isTrue();
		assertThat(specs.get(1).visibleTo("globex")).isFalse();
	}

	@Test
	void rejectsAnEmptyBlankRepeatedOrMistypedTenantsList() {
		String yaml = """
				tools:
				  - { name: a, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, tenants: [] }
				  - { name: b, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, tenants: [acme, ' '] }
				  - { name: c, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, tenants: [acme, acme] }
				  - { name: e, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, tenants: [null] }
				""";
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse(yaml, "r.yaml"))
			.satisfies(ex -> assertThat(ex.problems()).containsExactly(
					"tool 'a': tenants must name at least one tenant (leave it out for every tenant)",
					"tool 'b': tenants must be tenant ids without blanks, got ' '",
					"tool 'c': tenants names 'acme' twice",
					"tool 'e': tenants must be tenant ids without blanks, got 'null'"));
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse(
					"""
							tools:
							  - { name: a, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, tenants: acme }
							""",
					"r.yaml"))
			.satisfies(ex -> assertThat(ex.problems()).containsExactly("tool 'a': 'tenants' must be a list"));
	}

	@Test
	void rejectsAnApprovalThresholdThatIsNotANumber() {
		String yaml = """
				tools:
				  - { name: a, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, approval: always, approval-when: { pointer: /x, above: lots } }
				""";
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse(yaml, "r.yaml"))
			.satisfies(
					ex -> assertThat(ex.problems()).containsExactly("tool 'a': approval-when.above must be a number"));
	}

	@Test
	void loadsTheBuiltInDemoRegistryWhenNoneIsConfigured() {
		ToolRegistryLoader demo = new ToolRegistryLoader(TestTools.JSON,
				io.toolgate.dispatcher.tool.builtin.BuiltinToolExecutor.withDemoTools(TestTools.JSON).names(),
				ApplicationResourceLoader.get());
		assertThat(demo.load(null)).extracting(ToolSpec::name)
			.containsExactly("clock", "calculator", "lookup", "weather", "slow_echo", "send_email");
	}

	@Test
	void loadsAFile(@TempDir Path dir) throws Exception {
		Path file = Files.writeString(dir.resolve("tools.yaml"), VALID);
		assertThat(this.loader.load(file.toString())).hasSize(2);
	}

	@Test
	void reportsAMissingFile(@TempDir Path dir) {
		String missing = dir.resolve("nope.yaml").toString();
		assertThatExceptionOfType(InvalidToolRegistryException.class).isThrownBy(() -> this.loader.load(missing))
			.withMessageStartingWith("Invalid tool registry " + missing + ": cannot read the file");
	}

	@Test
	void loadsFileAndClasspathLocations(@TempDir Path dir) throws Exception {
		Path file = Files.writeString(dir.resolve("tools.yaml"), VALID);
		assertThat(this.loader.load(file.toUri().toString())).extracting(ToolSpec::name)
			.containsExactly("get_weather", "add");
		ToolRegistryLoader demo = new ToolRegistryLoader(TestTools.JSON,
				io.toolgate.dispatcher.tool.builtin.BuiltinToolExecutor.withDemoTools(TestTools.JSON).names(),
				ApplicationResourceLoader.get());
		assertThat(demo.load(ToolRegistryLoader.DEFAULT_REGISTRY)).hasSize(6);
	}

	@Test
	void reportsAMissingClasspathResource() {
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.load("classpath:tools/nope.yaml"))
			.withMessageStartingWith("Invalid tool registry classpath:tools/nope.yaml: cannot read the file");
	}

	@Test
	void readsDurationsAsSpringBootDoes() {
		String yaml = """
				defaults: { timeout: PT3S, retry: { initial-backoff: 250ms, max-backoff: 1m } }
				tools:
				  - { name: a, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock } }
				""";
		ToolSpec spec = this.loader.parse(yaml, "r.yaml").get(0);
		assertThat(spec.timeout()).isEqualTo(Duration.ofSeconds(3));
		assertThat(spec.retry().initialBackoff()).isEqualTo(Duration.ofMillis(250));
		assertThat(spec.retry().maxBackoff()).isEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void quotesAnUnreadableDuration() {
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse("defaults: { timeout: soon }\ntools: []", "r.yaml"))
			.withMessage(
					"Invalid tool registry r.yaml: defaults: timeout must be a duration such as 500ms, 5s or PT5S, "
							+ "got 'soon'");
	}

	@Test
	void rejectsUnknownTopLevelAndDefaultsProperties() {
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse("tool: []", "r.yaml"))
			.withMessage("Invalid tool registry r.yaml: registry: unknown property 'tool'");
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse("defaults: { timout: 1s }\ntools: []", "r.yaml"))
			.withMessage("Invalid tool registry r.yaml: defaults: unknown property 'timout'");
	}

	@Test
	void namesAToolWithoutANameByItsPosition() {
		String yaml = """
				tools:
				  - { name: a, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock } }
				  - { description: d, input-schema: { type: object }, executor: { type: builtin, name: clock }, timout: 1s }
				""";
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse(yaml, "r.yaml"))
			.withMessage("Invalid tool registry r.yaml: tool #2: unknown property 'timout'");
	}

	@Test
	void rejectsAToolWithoutDescription() {
		String yaml = """
				tools:
				  - { name: bare, input-schema: { type: object }, executor: { type: builtin, name: clock } }
				""";
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse(yaml, "r.yaml"))
			.satisfies(ex -> assertThat(ex.problems()).containsExactly("tool 'bare': description is required"));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			textBlock = """
					timeout: 0s                                       | tool 'get_weather': timeout must be positive
					timeout: -1s                                      | tool 'get_weather': timeout must be positive
					timeout: soon                                     | tool 'get_weather': timeout must be a duration
					max-concurrency: 0                                | tool 'get_weather': max-concurrency must be at least 1
					max-concurrency: many                             | tool 'get_weather': max-concurrency must be an integer
					retry: { max-attempts: 0 }                        | tool 'get_weather': retry.max-attempts must be at least 1
					retry: { jitter: 2 }                              | tool 'get_weather': retry.jitter must be between 0 and 1
					retry: { initial-backoff: 5s, max-backoff: 1s }   | tool 'get_weather': retry.max-backoff must not be less than
					retry: { attempts: 2 }                            | tool 'get_weather': unknown property 'retry.attempts'
					risk-tier: extreme                                | tool 'get_weather': risk-tier must be one of low, medium, high
					timout: 2s                                        | tool 'get_weather': unknown property 'timout'
					executor: { type: http, url: /invoke }            | tool 'get_weather': executor.url must be an absolute http(s) URL
					executor: { type: http, url: 'ftp://host/x' }     | tool 'get_weather': executor.url must be an absolute http(s) URL
					executor: { type: http }                          | tool 'get_weather': executor.url is required
					executor: { type: builtin, name: teleport }       | tool 'get_weather': executor.name 'teleport' is not a built-in tool
					executor: { type: grpc }                          | tool 'get_weather': executor.type must be 'http', 'builtin' or 'mcp'
					input-schema: { type: array }                     | tool 'get_weather': input-schema must have "type": "object"
					input-schema: { type: object, properties: { a: { minLength: -1 } } } | tool 'get_weather': input-schema is not a valid JSON Schema: schema/properties/a/minLength
					input-schema: { type: object, required: city }    | tool 'get_weather': input-schema is not a valid JSON Schema
					description: '  '                                 | tool 'get_weather': description must not be blank
					description: 5                                    | tool 'get_weather': description must be a string
					max-concurrency: 1.5                              | tool 'get_weather': max-concurrency must be an integer
					retry: { jitter: high }                           | tool 'get_weather': retry.jitter must be a number
					retry: 3                                          | tool 'get_weather': retry must be a mapping
					executor: http                                    | tool 'get_weather': executor is required and must be a mapping with a 'type'
					executor: { type: builtin, name: clock, url: 'http://w/x' } | tool 'get_weather': unknown property 'executor.url'
					executor: { type: http, url: 'http://w/x', name: clock }    | tool 'get_weather': unknown property 'executor.name'
					circuit-breaker: { failure-rate-threshold: 0 }    | tool 'get_weather': circuit-breaker.failure-rate-threshold must be a percentage above 0 and at most 100
					circuit-breaker: { slow-call-rate-threshold: 101 } | tool 'get_weather': circuit-breaker.slow-call-rate-threshold must be a percentage above 0 and at most 100
					circuit-breaker: { slow-call-duration: 0s }       | tool 'get_weather': circuit-breaker.slow-call-duration must be positive
					circuit-breaker: { sliding-window-size: 0 }       | tool 'get_weather': circuit-breaker.sliding-window-size must be at least 1
					circuit-breaker: { minimum-calls: 30 }            | tool 'get_weather': circuit-breaker.minimum-calls must be at least 1 and at most circuit-breaker.sliding-window-size
					circuit-breaker: { wait-in-open: 0s }             | tool 'get_weather': circuit-breaker.wait-in-open must be at least 1ms
					circuit-breaker: { half-open-calls: 0 }           | tool 'get_weather': circuit-breaker.half-open-calls must be at least 1
					circuit-breaker: { enabled: 'yes' }               | tool 'get_weather': circuit-breaker.enabled must be true or false
					circuit-breaker: { failure-rate-threshold: lots } | tool 'get_weather': circuit-breaker.failure-rate-threshold must be a number
					circuit-breaker: { wait-in-open: later }          | tool 'get_weather': circuit-breaker.wait-in-open must be a duration
					circuit-breaker: { failure-rate: 50 }             | tool 'get_weather': unknown property 'circuit-breaker.failure-rate'
					circuit-breaker: off                              | tool 'get_weather': circuit-breaker must be a mapping
					""")
	void rejectsAnInvalidToolNamingItAndTheProblem(String override, String expected) {
		String key = override.substring(0, override.indexOf(':'));
		String yaml = """
				tools:
				  - name: get_weather
				""" + (key.equals("description") ? "" : "    description: Weather\n")
				+ (key.equals("input-schema") ? "" : "    input-schema: { type: object }\n")
				+ (key.equals("executor") ? "" : "    executor: { type: http, url: 'http://w:8080/invoke' }\n") + "    "
				+ override + "\n";
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse(yaml, "/etc/tools.yaml"))
			.withMessageStartingWith("Invalid tool registry /etc/tools.yaml: ")
			.withMessageContaining(expected);
	}

	@Test
	void rejectsBadAndDuplicateNames() {
		String yaml = """
				tools:
				  - { name: 'get weather', description: d, input-schema: { type: object }, executor: { type: builtin, name: clock } }
				  - { name: clock, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock } }
				  - { name: clock, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock } }
				  - { description: d, input-schema: { type: object }, executor: { type: builtin, name: clock } }
				""";
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse(yaml, "r.yaml"))
			.satisfies(ex -> assertThat(ex.problems()).containsExactly(
					"tool 'get weather': name must match ^[a-zA-Z0-9_-]{1,64}$", "tool 'clock': duplicate tool name",
					"tool #4: name is required"));
	}

	@Test
	void rejectsMissingSchemaAndExecutor() {
		String yaml = """
				tools:
				  - { name: bare, description: d }
				""";
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse(yaml, "r.yaml"))
			.satisfies(ex -> assertThat(ex.problems()).containsExactly("tool 'bare': input-schema is required",
					"tool 'bare': executor is required and must be a mapping with a 'type'"));
	}

	@Test
	void rejectsInvalidDefaults() {
		String yaml = """
				defaults: { timeout: 0ms }
				tools: []
				""";
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse(yaml, "r.yaml"))
			.withMessage("Invalid tool registry r.yaml: defaults: timeout must be positive");
	}

	@Test
	void rejectsInvalidYamlAndMissingToolsList() {
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse("tools: [ {", "r.yaml"))
			.withMessageStartingWith("Invalid tool registry r.yaml: not valid YAML");
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> this.loader.parse("defaults: {}", "r.yaml"))
			.withMessage("Invalid tool registry r.yaml: registry: 'tools' must be a list");
	}

}
