package io.toolgate.dispatcher.tool;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads the tool registry YAML file into {@link ToolSpec}s, applying the file's {@code defaults} to each tool and
 * checking every rule: name pattern and uniqueness, schema validity, executor target, positive bounds. All problems
 * are collected and reported together, each naming its tool. Blocking (file I/O): call at start-up only.
 *
 * <pre>
 * defaults: { timeout: 5s, max-concurrency: 64, retry: { max-attempts: 3, initial-backoff: 100ms, max-backoff: 2s, jitter: 0.5 }, risk-tier: low }
 * tools:
 *   - name: get_weather
 *     description: Current weather for a city
 *     input-schema: { type: object, properties: { city: { type: string } }, required: [city] }
 *     executor: { type: http, url: http://weather-worker:8080/invoke }   # or { type: builtin, name: weather }
 *     timeout: 2s
 *     retry: { max-attempts: 2 }
 *     max-concurrency: 16
 *     risk-tier: low
 * </pre>
 */
public final class ToolRegistryLoader {

	/** The built-in registry used when no file is configured. */
	public static final String DEFAULT_REGISTRY = "classpath:tools/demo-tools.yaml";

	private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

	private static final Set<String> TOP_LEVEL_KEYS = Set.of("defaults", "tools");

	private static final Set<String> DEFAULTS_KEYS = Set.of("timeout", "max-concurrency", "retry", "risk-tier");

	private static final Set<String> TOOL_KEYS = Set.of("name", "description", "input-schema", "executor", "timeout",
			"max-concurrency", "retry", "risk-tier");

	private static final Set<String> RETRY_KEYS = Set.of("max-attempts", "initial-backoff", "max-backoff", "jitter");

	private final JsonMapper json;

	private final YAMLMapper yaml = new YAMLMapper();

	private final Set<String> builtinNames;

	/**
	 * Creates a loader.
	 * @param json the mapper tool schemas are compiled with
	 * @param builtinNames the names of the built-in tools a {@code builtin} executor may reference
	 */
	public ToolRegistryLoader(JsonMapper json, Set<String> builtinNames) {
		this.json = json;
		this.builtinNames = Set.copyOf(builtinNames);
	}

	/**
	 * Reads and checks a registry. Blocking.
	 * @param location a file path, a {@code classpath:} resource, or {@code null} for {@link #DEFAULT_REGISTRY}
	 * @return the tools in file order
	 * @throws InvalidToolRegistryException if the file cannot be read or declares anything invalid
	 */
	public List<ToolSpec> load(@Nullable String location) {
		String source = (location != null && !location.isBlank()) ? location : DEFAULT_REGISTRY;
		return parse(read(source), source);
	}

	/**
	 * Checks a registry document.
	 * @param document the YAML text
	 * @param source where it came from, for messages
	 * @return the tools in document order
	 * @throws InvalidToolRegistryException if it declares anything invalid
	 */
	public List<ToolSpec> parse(String document, String source) {
		JsonNode root;
		try {
			root = this.yaml.readTree(document);
		}
		catch (JacksonException ex) {
			throw new InvalidToolRegistryException(source, List.of("not valid YAML: " + ex.getOriginalMessage()), ex);
		}
		Problems problems = new Problems();
		List<ToolSpec> specs = parse(root, problems);
		if (!problems.isEmpty()) {
			throw new InvalidToolRegistryException(source, problems.list);
		}
		return specs;
	}

	private List<ToolSpec> parse(@Nullable JsonNode root, Problems problems) {
		if (root == null || !root.isObject()) {
			problems.add("registry", "must be a mapping with a 'tools' list");
			return List.of();
		}
		problems.unknownKeys("registry", root, TOP_LEVEL_KEYS);
		Defaults defaults = readDefaults(root.path("defaults"), problems);
		JsonNode tools = root.path("tools");
		if (!tools.isArray()) {
			problems.add("registry", "'tools' must be a list");
			return List.of();
		}
		List<ToolSpec> specs = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (int i = 0; i < tools.size(); i++) {
			ToolSpec spec = readTool(tools.get(i), i + 1, defaults, problems);
			if (spec != null && !names.add(spec.name())) {
				problems.add("tool '" + spec.name() + "'", "duplicate tool name");
			}
			else if (spec != null) {
				specs.add(spec);
			}
		}
		return specs;
	}

	private Defaults readDefaults(JsonNode node, Problems problems) {
		Defaults builtIn = new Defaults(Duration.ofSeconds(5), 64, ToolRetryPolicy.ofDefaults(), RiskTier.LOW);
		if (node.isMissingNode() || node.isNull()) {
			return builtIn;
		}
		if (!node.isObject()) {
			problems.add("defaults", "must be a mapping");
			return builtIn;
		}
		problems.unknownKeys("defaults", node, DEFAULTS_KEYS);
		Fields fields = new Fields("defaults", node, problems);
		Defaults defaults = new Defaults(fields.duration("timeout", builtIn.timeout()),
				fields.integer("max-concurrency", builtIn.maxConcurrency()),
				readRetry(node.path("retry"), builtIn.retry(), "defaults", problems),
				fields.riskTier(builtIn.riskTier()));
		fields.check(defaults.timeout().isPositive(), "timeout must be positive");
		fields.check(defaults.maxConcurrency() >= 1, "max-concurrency must be at least 1");
		return defaults;
	}

	private @Nullable ToolSpec readTool(JsonNode node, int position, Defaults defaults, Problems problems) {
		if (!node.isObject()) {
			problems.add("tool #" + position, "must be a mapping");
			return null;
		}
		String name = node.path("name").isString() ? node.path("name").stringValue() : null;
		String subject = (name != null) ? "tool '" + name + "'" : "tool #" + position;
		int before = problems.list.size();
		problems.unknownKeys(subject, node, TOOL_KEYS);
		Fields fields = new Fields(subject, node, problems);
		fields.check(name != null, "name is required");
		fields.check(name == null || NAME.matcher(name).matches(), "name must match " + NAME.pattern());
		String description = fields.string("description");
		fields.check(description == null || !description.isBlank(), "description must not be blank");
		JsonNode schema = readSchema(node.path("input-schema"), fields);
		ExecutorSpec executor = readExecutor(node.path("executor"), fields);
		Duration timeout = fields.duration("timeout", defaults.timeout());
		fields.check(timeout.isPositive(), "timeout must be positive");
		int maxConcurrency = fields.integer("max-concurrency", defaults.maxConcurrency());
		fields.check(maxConcurrency >= 1, "max-concurrency must be at least 1");
		ToolRetryPolicy retry = readRetry(node.path("retry"), defaults.retry(), subject, problems);
		RiskTier riskTier = fields.riskTier(defaults.riskTier());
		if (problems.list.size() > before || name == null || description == null || schema == null
				|| executor == null) {
			return null;
		}
		return new ToolSpec(name, description, schema, executor, timeout, retry, maxConcurrency, riskTier);
	}

	private @Nullable JsonNode readSchema(JsonNode node, Fields fields) {
		if (node.isMissingNode() || node.isNull()) {
			fields.check(false, "input-schema is required");
			return null;
		}
		try {
			ToolArgumentsValidator.compile(node, this.json);
			return node;
		}
		catch (IllegalArgumentException ex) {
			fields.check(false, ex.getMessage());
			return null;
		}
	}

	private @Nullable ExecutorSpec readExecutor(JsonNode node, Fields tool) {
		if (!node.isObject()) {
			tool.check(false, "executor is required and must be a mapping with a 'type'");
			return null;
		}
		Fields fields = tool.nested("executor", node);
		String type = fields.string("type");
		if ("http".equals(type)) {
			fields.unknownKeys(Set.of("type", "url"));
			return readHttp(fields.string("url"), fields);
		}
		if ("builtin".equals(type)) {
			fields.unknownKeys(Set.of("type", "name"));
			String name = fields.string("name");
			fields.check(name != null, "executor.name is required for a builtin executor");
			fields.check(name == null || this.builtinNames.contains(name), "executor.name '" + name
					+ "' is not a built-in tool (known: " + String.join(", ", this.builtinNames.stream().sorted().toList()) + ")");
			return (name != null && this.builtinNames.contains(name)) ? new ExecutorSpec.Builtin(name) : null;
		}
		fields.check(false, "executor.type must be 'http' or 'builtin'");
		return null;
	}

	private @Nullable ExecutorSpec readHttp(@Nullable String url, Fields fields) {
		if (url == null) {
			fields.check(false, "executor.url is required for an http executor");
			return null;
		}
		try {
			URI uri = new URI(url);
			boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
			if (uri.isAbsolute() && http && uri.getHost() != null) {
				return new ExecutorSpec.Http(uri);
			}
		}
		catch (java.net.URISyntaxException ex) {
			// reported below
		}
		fields.check(false, "executor.url must be an absolute http(s) URL, got '" + url + "'");
		return null;
	}

	private ToolRetryPolicy readRetry(JsonNode node, ToolRetryPolicy base, String subject, Problems problems) {
		if (node.isMissingNode() || node.isNull()) {
			return base;
		}
		if (!node.isObject()) {
			problems.add(subject, "retry must be a mapping");
			return base;
		}
		Fields fields = new Fields(subject, node, problems).nested("retry", node);
		fields.unknownKeys(RETRY_KEYS);
		int maxAttempts = fields.integer("max-attempts", base.maxAttempts());
		Duration initial = fields.duration("initial-backoff", base.initialBackoff());
		Duration max = fields.duration("max-backoff", base.maxBackoff());
		double jitter = fields.number("jitter", base.jitter());
		try {
			return new ToolRetryPolicy(maxAttempts, initial, max, jitter);
		}
		catch (IllegalArgumentException ex) {
			problems.add(subject, ex.getMessage());
			return base;
		}
	}

	private static String read(String source) {
		try {
			if (source.startsWith("classpath:")) {
				String resource = source.substring("classpath:".length()).replaceFirst("^/", "");
				try (InputStream in = ToolRegistryLoader.class.getClassLoader().getResourceAsStream(resource)) {
					if (in == null) {
						throw new InvalidToolRegistryException(source, List.of("no such classpath resource"));
					}
					return new String(in.readAllBytes(), StandardCharsets.UTF_8);
				}
			}
			return Files.readString(Path.of(source));
		}
		catch (IOException ex) {
			throw new InvalidToolRegistryException(source, List.of("cannot read the file: " + ex), ex);
		}
	}

	private record Defaults(Duration timeout, int maxConcurrency, ToolRetryPolicy retry, RiskTier riskTier) {
	}

	private static final class Problems {

		final List<String> list = new ArrayList<>();

		void add(String subject, String problem) {
			this.list.add(subject + ": " + problem);
		}

		void unknownKeys(String subject, JsonNode node, Set<String> known) {
			for (String key : node.propertyNames()) {
				if (!known.contains(key)) {
					add(subject, "unknown property '" + key + "'");
				}
			}
		}

		boolean isEmpty() {
			return this.list.isEmpty();
		}

	}

	/** Typed reads of one mapping's fields, reporting problems under the mapping's subject and key prefix. */
	private static final class Fields {

		private final String subject;

		private final String prefix;

		private final JsonNode node;

		private final Problems problems;

		Fields(String subject, JsonNode node, Problems problems) {
			this(subject, "", node, problems);
		}

		private Fields(String subject, String prefix, JsonNode node, Problems problems) {
			this.subject = subject;
			this.prefix = prefix;
			this.node = node;
			this.problems = problems;
		}

		Fields nested(String key, JsonNode child) {
			return new Fields(this.subject, this.prefix + key + ".", child, this.problems);
		}

		void check(boolean ok, String problem) {
			if (!ok) {
				this.problems.add(this.subject, problem);
			}
		}

		void unknownKeys(Set<String> known) {
			for (String key : this.node.propertyNames()) {
				check(known.contains(key), "unknown property '" + this.prefix + key + "'");
			}
		}

		@Nullable String string(String key) {
			JsonNode value = this.node.path(key);
			if (value.isMissingNode() || value.isNull()) {
				return null;
			}
			check(value.isString(), this.prefix + key + " must be a string");
			return value.isString() ? value.stringValue() : null;
		}

		Duration duration(String key, Duration fallback) {
			JsonNode value = this.node.path(key);
			if (value.isMissingNode() || value.isNull()) {
				return fallback;
			}
			try {
				return DurationStyle.detectAndParse(value.asString());
			}
			catch (IllegalArgumentException ex) {
				check(false, this.prefix + key + " must be a duration such as 500ms, 5s or PT5S, got '"
						+ value.asString() + "'");
				return fallback;
			}
		}

		int integer(String key, int fallback) {
			JsonNode value = this.node.path(key);
			if (value.isMissingNode() || value.isNull()) {
				return fallback;
			}
			check(value.isIntegralNumber() && value.canConvertToInt(), this.prefix + key + " must be an integer");
			return value.isIntegralNumber() && value.canConvertToInt() ? value.intValue() : fallback;
		}

		double number(String key, double fallback) {
			JsonNode value = this.node.path(key);
			if (value.isMissingNode() || value.isNull()) {
				return fallback;
			}
			check(value.isNumber(), this.prefix + key + " must be a number");
			return value.isNumber() ? value.doubleValue() : fallback;
		}

		RiskTier riskTier(RiskTier fallback) {
			String value = string("risk-tier");
			if (value == null) {
				return fallback;
			}
			try {
				return RiskTier.of(value);
			}
			catch (IllegalArgumentException ex) {
				check(false, ex.getMessage() + ", got '" + value + "'");
				return fallback;
			}
		}

	}

}
