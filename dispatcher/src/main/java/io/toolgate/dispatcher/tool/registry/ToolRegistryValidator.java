package io.toolgate.dispatcher.tool.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.toolgate.dispatcher.tool.ExecutorSpec;
import io.toolgate.dispatcher.tool.RiskTier;
import io.toolgate.dispatcher.tool.ToolApprovalPolicy;
import io.toolgate.dispatcher.tool.ToolArgumentsValidator;
import io.toolgate.dispatcher.tool.ToolCircuitBreakerPolicy;
import io.toolgate.dispatcher.tool.ToolRetryPolicy;
import io.toolgate.dispatcher.tool.ToolResultFraming;
import io.toolgate.dispatcher.tool.ToolSpec;
import io.toolgate.dispatcher.tool.mcp.McpServerSpec;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a bound {@link RegistryFile} into {@link ToolSpec}s: applies the file's
 * {@code defaults} (and the built-in ones under them) to each tool and checks every rule:
 * name pattern and uniqueness, a description, a valid input schema for an arguments
 * object, an executor target, positive bounds, a valid retry policy, risk tier, circuit
 * breaker policy, approval policy and tenants list. Every problem is collected, each
 * naming its tool. CPU only, but compiles schemas: call it at start-up.
 */
final class ToolRegistryValidator {

	private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

	private static final Pattern MCP_PREFIX = Pattern.compile("^[a-zA-Z0-9_-]{1,48}$");

	private static final Pattern TENANT = Pattern.compile("^\\S+$");

	private static final Pattern ENVIRONMENT_REFERENCE = Pattern.compile("^\\$\\{([A-Za-z_][A-Za-z0-9_]*)}$");

	private static final Resolved BUILT_IN_DEFAULTS = new Resolved(Duration.ofSeconds(5), 64,
			ToolRetryPolicy.ofDefaults(), RiskTier.LOW, null, ToolResultFraming.DEFAULT_MAX_RESULT_CHARS,
			ToolApprovalPolicy.Mode.BY_RISK);

	private final JsonMapper json;

	private final Set<String> builtinNames;

	private final Function<String, @Nullable String> environment;

	/**
	 * Creates a validator.
	 * @param json the mapper tool schemas are compiled with
	 * @param builtinNames the names of the built-in tools a {@code builtin} executor may
	 * reference
	 */
	ToolRegistryValidator(JsonMapper json, Set<String> builtinNames) {
		this(json, builtinNames, System::getenv);
	}

	/**
	 * Creates a validator that reads header references from the given environment.
	 * @param json the mapper tool schemas are compiled with
	 * @param builtinNames the names of the built-in tools
	 * @param environment the value of an environment variable, or {@code null}
	 */
	ToolRegistryValidator(JsonMapper json, Set<String> builtinNames, Function<String, @Nullable String> environment) {
		this.json = json;
		this.builtinNames = Set.copyOf(builtinNames);
		this.environment = environment;
	}

	/**
	 * Checks a registry.
	 * @param file the bound file
	 * @param source where it came from, for messages
	 * @return the tools and MCP servers in file order
	 * @throws InvalidToolRegistryException listing every problem found
	 */
	LoadedRegistry validate(RegistryFile file, String source) {
		List<String> problems = new ArrayList<>();
		Resolved defaults = defaults(file.defaults(), new Problems(problems, "defaults"));
		if (file.tools() == null) {
			problems.add("registry: 'tools' must be a list");
			throw new InvalidToolRegistryException(source, problems);
		}
		List<ToolSpec> specs = new ArrayList<>();
		List<McpServerSpec> servers = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (int i = 0; i < file.tools().size(); i++) {
			RegistryFile.Tool entry = file.tools().get(i);
			if (entry != null && entry.executor() != null && "mcp".equals(entry.executor().type())) {
				McpServerSpec server = mcpServer(entry, i + 1, defaults, problems);
				if (server != null && !names.add(server.name())) {
					problems.add("tool '" + server.name() + "': duplicate tool name");
				}
				else if (server != null) {
					servers.add(server);
				}
				continue;
			}
			ToolSpec spec = tool(entry, i + 1, defaults, problems);
			if (spec != null && !names.add(spec.name())) {
				problems.add("tool '" + spec.name() + "': duplicate tool name");
			}
			else if (spec != null) {
				specs.add(spec);
			}
		}
		if (!problems.isEmpty()) {
			throw new InvalidToolRegistryException(source, problems);
		}
		return new LoadedRegistry(specs, servers);
	}

	/**
	 * Checks an entry of executor type {@code mcp}: a name (the prefix of its tools), a
	 * Streamable HTTP {@code url} with optional {@code headers} or a stdio
	 * {@code command}, no {@code input-schema} (the server declares its tools' schemas),
	 * and the same policy fields as any tool.
	 */
	private @Nullable McpServerSpec mcpServer(RegistryFile.Tool tool, int position, Resolved defaults,
			List<String> all) {
		String name = tool.name();
		Problems problems = new Problems(all, (name != null) ? "tool '" + name + "'" : "tool #" + position);
		problems.check(name != null, "name is required");
		problems.check(name == null || MCP_PREFIX.matcher(name).matches(),
				"name must match " + MCP_PREFIX.pattern() + " (it prefixes the server's tool names)");
		problems.check(tool.description() == null || !tool.description().isBlank(), "description must not be blank");
		problems.check(tool.inputSchema() == null,
				"input-schema is not allowed for an mcp executor (the server declares its tools' schemas)");
		RegistryFile.Executor executor = tool.executor();
		problems.check(executor.name() == null, "unknown property 'executor.name'");
		URI url = null;
		if (executor.url() != null) {
			ExecutorSpec http = http(executor.url(), problems);
			url = (http instanceof ExecutorSpec.Http h) ? h.url() : null;
		}
		List<String> command = (executor.command() != null) ? executor.command() : List.of();
		problems.check((executor.url() != null) != !command.isEmpty(),
				"an mcp executor needs exactly one of executor.url (Streamable HTTP) or executor.command (stdio)");
		problems.check(command.stream().allMatch((word) -> word != null && !word.isBlank()),
				"executor.command must be a list of non-blank strings");
		problems.check(executor.headers() == null || executor.url() != null,
				"executor.headers needs executor.url (a stdio server takes no headers)");
		Map<String, String> headers = headers(executor.headers(), problems);
		Duration timeout = or(tool.timeout(), defaults.timeout());
		problems.check(timeout.isPositive(), "timeout must be positive");
		int maxConcurrency = or(tool.maxConcurrency(), defaults.maxConcurrency());
		problems.check(maxConcurrency >= 1, "max-concurrency must be at least 1");
		ToolRetryPolicy retry = retry(tool.retry(), defaults.retry(), problems);
		RiskTier riskTier = riskTier(tool.riskTier(), defaults.riskTier(), problems);
		ToolCircuitBreakerPolicy circuitBreaker = timeout.isPositive()
				? circuitBreaker(tool.circuitBreaker(), defaults.circuitBreaker(), timeout, problems) : null;
		int maxResultChars = or(tool.maxResultChars(), defaults.maxResultChars());
		checkMaxResultChars(maxResultChars, problems);
		// approval-when points into arguments whose schema the server declares: it
		// applies to each discovered tool alike.
		ToolApprovalPolicy approval = approval(tool, defaults.approval(), problems);
		Set<String> tenants = tenants(tool.tenants(), problems);
		if (problems.found() || name == null || circuitBreaker == null || approval == null) {
			return null;
		}
		return new McpServerSpec(name, url, headers, command, timeout, retry, maxConcurrency, riskTier, circuitBreaker,
				maxResultChars, approval, tenants);
	}

	/**
	 * Resolves header values: {@code ${NAME}} is read from the environment (a missing
	 * variable is a problem naming it, never its value).
	 */
	private Map<String, String> headers(@Nullable Map<String, String> headers, Problems problems) {
		if (headers == null) {
			return Map.of();
		}
		Map<String, String> resolved = new LinkedHashMap<>();
		headers.forEach((header, value) -> {
			if (value == null) {
				problems.check(false, "executor.headers." + header + " must be a string");
				return;
			}
			var reference = ENVIRONMENT_REFERENCE.matcher(value);
			if (reference.matches()) {
				String fromEnvironment = this.environment.apply(reference.group(1));
				problems.check(fromEnvironment != null, "executor.headers." + header
						+ " reads the environment variable " + reference.group(1) + ", which is not set");
				if (fromEnvironment != null) {
					resolved.put(header, fromEnvironment);
				}
			}
			else {
				resolved.put(header, value);
			}
		});
		return resolved;
	}

	private Resolved defaults(RegistryFile.@Nullable Defaults defaults, Problems problems) {
		if (defaults == null) {
			return BUILT_IN_DEFAULTS;
		}
		Resolved resolved = new Resolved(or(defaults.timeout(), BUILT_IN_DEFAULTS.timeout()),
				or(defaults.maxConcurrency(), BUILT_IN_DEFAULTS.maxConcurrency()),
				retry(defaults.retry(), BUILT_IN_DEFAULTS.retry(), problems),
				riskTier(defaults.riskTier(), BUILT_IN_DEFAULTS.riskTier(), problems), defaults.circuitBreaker(),
				or(defaults.maxResultChars(), BUILT_IN_DEFAULTS.maxResultChars()),
				approvalMode(defaults.approval(), BUILT_IN_DEFAULTS.approval(), problems));
		problems.check(resolved.timeout().isPositive(), "timeout must be positive");
		problems.check(resolved.maxConcurrency() >= 1, "max-concurrency must be at least 1");
		checkMaxResultChars(resolved.maxResultChars(), problems);
		// Checked once here, so a bad default is reported against the defaults; the tools
		// then start from the built-in policy rather than report it again.
		if (resolved.timeout().isPositive()
				&& circuitBreaker(null, resolved.circuitBreaker(), resolved.timeout(), problems) == null) {
			return new Resolved(resolved.timeout(), resolved.maxConcurrency(), resolved.retry(), resolved.riskTier(),
					null, resolved.maxResultChars(), resolved.approval());
		}
		return resolved;
	}

	private @Nullable ToolSpec tool(RegistryFile.@Nullable Tool tool, int position, Resolved defaults,
			List<String> all) {
		if (tool == null) {
			all.add("tool #" + position + ": must be a mapping");
			return null;
		}
		String name = tool.name();
		Problems problems = new Problems(all, (name != null) ? "tool '" + name + "'" : "tool #" + position);
		problems.check(name != null, "name is required");
		problems.check(name == null || NAME.matcher(name).matches(), "name must match " + NAME.pattern());
		String description = tool.description();
		problems.check(description != null, "description is required");
		problems.check(description == null || !description.isBlank(), "description must not be blank");
		JsonNode schema = schema(tool.inputSchema(), problems);
		ExecutorSpec executor = executor(tool.executor(), problems);
		Duration timeout = or(tool.timeout(), defaults.timeout());
		problems.check(timeout.isPositive(), "timeout must be positive");
		int maxConcurrency = or(tool.maxConcurrency(), defaults.maxConcurrency());
		problems.check(maxConcurrency >= 1, "max-concurrency must be at least 1");
		ToolRetryPolicy retry = retry(tool.retry(), defaults.retry(), problems);
		RiskTier riskTier = riskTier(tool.riskTier(), defaults.riskTier(), problems);
		int maxResultChars = or(tool.maxResultChars(), defaults.maxResultChars());
		checkMaxResultChars(maxResultChars, problems);
		// The slow-call bound defaults to the timeout; a bad timeout is reported above.
		ToolCircuitBreakerPolicy circuitBreaker = timeout.isPositive()
				? circuitBreaker(tool.circuitBreaker(), defaults.circuitBreaker(), timeout, problems) : null;
		ToolApprovalPolicy approval = approval(tool, defaults.approval(), problems);
		Set<String> tenants = tenants(tool.tenants(), problems);
		if (problems.found() || name == null || description == null || schema == null || executor == null
				|| circuitBreaker == null || approval == null) {
			return null;
		}
		return new ToolSpec(name, description, schema, executor, timeout, retry, maxConcurrency, riskTier,
				circuitBreaker, maxResultChars, approval, tenants);
	}

	/**
	 * Checks a {@code tenants} list: absent is every tenant; present, it names at least
	 * one tenant, each once, each without blanks (a tenant id as API keys give it).
	 */
	private static Set<String> tenants(@Nullable List<@Nullable String> tenants, Problems problems) {
		if (tenants == null) {
			return Set.of();
		}
		problems.check(!tenants.isEmpty(), "tenants must name at least one tenant (leave it out for every tenant)");
		Set<String> named = new LinkedHashSet<>();
		for (String tenant : tenants) {
			if (tenant == null || !TENANT.matcher(tenant).matches()) {
				problems.check(false, "tenants must be tenant ids without blanks, got '" + tenant + "'");
			}
			else if (!named.add(tenant)) {
				problems.check(false, "tenants names '" + tenant + "' twice");
			}
		}
		return named;
	}

	private static void checkMaxResultChars(int maxResultChars, Problems problems) {
		problems.check(maxResultChars >= ToolResultFraming.MIN_MAX_RESULT_CHARS,
				"max-result-chars must be at least " + ToolResultFraming.MIN_MAX_RESULT_CHARS);
	}

	private @Nullable JsonNode schema(@Nullable JsonNode schema, Problems problems) {
		if (schema == null || schema.isNull() || schema.isMissingNode()) {
			problems.check(false, "input-schema is required");
			return null;
		}
		try {
			ToolArgumentsValidator.compile(schema, this.json);
			return schema;
		}
		catch (IllegalArgumentException ex) {
			problems.check(false, ex.getMessage());
			return null;
		}
	}

	private @Nullable ExecutorSpec executor(RegistryFile.@Nullable Executor executor, Problems problems) {
		if (executor == null) {
			problems.check(false, "executor is required and must be a mapping with a 'type'");
			return null;
		}
		problems.check(executor.command() == null, "unknown property 'executor.command'");
		problems.check(executor.headers() == null, "unknown property 'executor.headers'");
		if ("http".equals(executor.type())) {
			problems.check(executor.name() == null, "unknown property 'executor.name'");
			return http(executor.url(), problems);
		}
		if ("builtin".equals(executor.type())) {
			problems.check(executor.url() == null, "unknown property 'executor.url'");
			String name = executor.name();
			problems.check(name != null, "executor.name is required for a builtin executor");
			boolean known = name != null && this.builtinNames.contains(name);
			problems.check(name == null || known, "executor.name '" + name + "' is not a built-in tool (known: "
					+ String.join(", ", this.builtinNames.stream().sorted().toList()) + ")");
			return known ? new ExecutorSpec.Builtin(name) : null;
		}
		problems.check(false, "executor.type must be 'http', 'builtin' or 'mcp'");
		return null;
	}

	private static @Nullable ExecutorSpec http(@Nullable String url, Problems problems) {
		if (url == null) {
			problems.check(false, "executor.url is required for an http executor");
			return null;
		}
		try {
			URI uri = new URI(url);
			boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
			if (uri.isAbsolute() && http && uri.getHost() != null) {
				return new ExecutorSpec.Http(uri);
			}
		}
		catch (URISyntaxException ex) {
			// reported below, as any other unusable URL
		}
		problems.check(false, "executor.url must be an absolute http(s) URL, got '" + url + "'");
		return null;
	}

	private static ToolRetryPolicy retry(RegistryFile.@Nullable Retry retry, ToolRetryPolicy base, Problems problems) {
		if (retry == null) {
			return base;
		}
		try {
			return new ToolRetryPolicy(or(retry.maxAttempts(), base.maxAttempts()),
					or(retry.initialBackoff(), base.initialBackoff()), or(retry.maxBackoff(), base.maxBackoff()),
					or(retry.jitter(), base.jitter()));
		}
		catch (IllegalArgumentException ex) {
			problems.check(false, ex.getMessage());
			return base;
		}
	}

	/**
	 * Resolves a circuit breaker policy field by field: the tool's value, else the
	 * defaults' value, else the built-in default (the slow-call bound: the tool's
	 * timeout).
	 */
	private static @Nullable ToolCircuitBreakerPolicy circuitBreaker(RegistryFile.@Nullable CircuitBreaker own,
			RegistryFile.@Nullable CircuitBreaker defaults, Duration timeout, Problems problems) {
		ToolCircuitBreakerPolicy base = ToolCircuitBreakerPolicy.ofDefaults(timeout);
		RegistryFile.CircuitBreaker tool = (own != null) ? own
				: new RegistryFile.CircuitBreaker(null, null, null, null, null, null, null, null);
		RegistryFile.CircuitBreaker shared = (defaults != null) ? defaults : tool;
		try {
			return new ToolCircuitBreakerPolicy(or(tool.enabled(), or(shared.enabled(), base.enabled())),
					(float) (double) or(tool.failureRateThreshold(),
							or(shared.failureRateThreshold(), (double) base.failureRateThreshold())),
					(float) (double) or(tool.slowCallRateThreshold(),
							or(shared.slowCallRateThreshold(), (double) base.slowCallRateThreshold())),
					or(tool.slowCallDuration(), or(shared.slowCallDuration(), base.slowCallDuration())),
					or(tool.slidingWindowSize(), or(shared.slidingWindowSize(), base.slidingWindowSize())),
					or(tool.minimumCalls(), or(shared.minimumCalls(), base.minimumCalls())),
					or(tool.waitInOpen(), or(shared.waitInOpen(), base.waitInOpen())),
					or(tool.halfOpenCalls(), or(shared.halfOpenCalls(), base.halfOpenCalls())));
		}
		catch (IllegalArgumentException ex) {
			problems.check(false, ex.getMessage());
			return null;
		}
	}

	/**
	 * Resolves a tool's approval policy: its mode (else the default's) and its optional
	 * {@code approval-when} condition, which needs a mode that can hold calls.
	 */
	private static @Nullable ToolApprovalPolicy approval(RegistryFile.Tool tool, ToolApprovalPolicy.Mode fallback,
			Problems problems) {
		ToolApprovalPolicy.Mode mode = approvalMode(tool.approval(), fallback, problems);
		RegistryFile.ApprovalWhen when = tool.approvalWhen();
		if (when == null) {
			return new ToolApprovalPolicy(mode, null);
		}
		problems.check(mode != ToolApprovalPolicy.Mode.NEVER, "approval-when needs approval 'always' or 'by-risk'");
		String pointer = when.pointer();
		problems.check(pointer != null && pointer.startsWith("/"),
				"approval-when.pointer is required and must be a JSON Pointer such as /amount");
		if (problems.found() || pointer == null) {
			return null;
		}
		try {
			return new ToolApprovalPolicy(mode,
					new ToolApprovalPolicy.Condition(JsonPointer.compile(pointer), when.above(), when.equals()));
		}
		catch (IllegalArgumentException ex) {
			problems.check(false, ex.getMessage());
			return null;
		}
	}

	private static ToolApprovalPolicy.Mode approvalMode(@Nullable String value, ToolApprovalPolicy.Mode fallback,
			Problems problems) {
		if (value == null) {
			return fallback;
		}
		try {
			return ToolApprovalPolicy.Mode.of(value);
		}
		catch (IllegalArgumentException ex) {
			problems.check(false, ex.getMessage() + ", got '" + value + "'");
			return fallback;
		}
	}

	private static RiskTier riskTier(@Nullable String value, RiskTier fallback, Problems problems) {
		if (value == null) {
			return fallback;
		}
		try {
			return RiskTier.of(value);
		}
		catch (IllegalArgumentException ex) {
			problems.check(false, ex.getMessage() + ", got '" + value + "'");
			return fallback;
		}
	}

	private static <T> T or(@Nullable T value, T fallback) {
		return (value != null) ? value : fallback;
	}

	/** The values a tool gets when it sets none. */
	private record Resolved(Duration timeout, int maxConcurrency, ToolRetryPolicy retry, RiskTier riskTier,
			RegistryFile.@Nullable CircuitBreaker circuitBreaker, int maxResultChars,
			ToolApprovalPolicy.Mode approval) {
	}

	/**
	 * Problems about one subject (a tool or the defaults), added to the registry's list.
	 */
	private static final class Problems {

		private final List<String> all;

		private final String subject;

		private boolean found;

		Problems(List<String> all, String subject) {
			this.all = all;
			this.subject = subject;
		}

		void check(boolean ok, String problem) {
			if (!ok) {
				this.all.add(this.subject + ": " + problem);
				this.found = true;
			}
		}

		boolean found() {
			return this.found;
		}

	}

}
