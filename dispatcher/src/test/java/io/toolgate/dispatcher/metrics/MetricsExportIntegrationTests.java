package io.toolgate.dispatcher.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.McpTestServers;
import io.toolgate.dispatcher.support.TestRegistry;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.ScriptGate;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that what the dashboards and alert rules query is true: the gateway runs with a
 * scripted upstream and a real tool worker, real traffic goes through it (a native turn
 * with tool calls that succeed, fail validation, time out, are retried and are unknown; a
 * resume; chat completions; rejected requests; a saturated replica; a client that
 * leaves), then
 * <ul>
 * <li>every metric name referenced by a dashboard panel or an alert rule must be in the
 * scrape,</li>
 * <li>no label carries a conversation, turn or call id,</li>
 * <li>{@code grafana/check-dashboards.sh} runs promtool on the rules and evaluates every
 * panel query with a real Prometheus scraping this application.</li>
 * </ul>
 */
@Timeout(240)
class MetricsExportIntegrationTests {

	/**
	 * Metrics whose producer is not wired into the application this test starts; a
	 * missing one is reported, a present one is checked like any other. Remove an entry
	 * once its producer is wired here.
	 */
	private static final Map<String, String> AWAITING_WIRING = Map.of("toolgate_ratelimit_backend_failures",
			"rate-limit backend failures: registered only when the limiter runs on Redis", "lettuce_command_",
			"Redis command latency: needs the application started against Redis with LettuceCommandMetrics applied");

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Path GRAFANA = Path.of("..", "grafana").toAbsolutePath().normalize();

	private static final ScriptGate gate = new ScriptGate();

	private static final Pattern ID_LIKE = Pattern.compile("(turn|call|chatcmpl)[_-][0-9a-f]{6,}|metrics-conv");

	private static ScriptedUpstream upstream;

	private static DisposableServer worker;

	private static GatewayApp app;

	private static String scrape;

	@BeforeAll
	static void startAndDriveTraffic() throws IOException {
		upstream = ScriptedUpstream.start(MetricsExportIntegrationTests::script);
		worker = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route(routes -> routes
				.post("/weather", (request, response) -> response.header("Content-Type", "application/json")
					.sendString(request.receive().aggregate().asString().map(body -> "{\"forecast\":\"sunny\"}")))
				.post("/flaky",
						(request, response) -> response.status(503)
							.sendString(request.receive().aggregate().asString().map(body -> "busy"))))
			.bindNow();
		// A price, so that spend is accounted and its panels have data.
		app = GatewayApp.start(Map.of("toolgate.upstream.base-url", upstream.baseUrl(), "toolgate.tools.registry",
				registry("http://127.0.0.1:" + worker.port()).toString(), "toolgate.turn.max-concurrent-turns", 1,
				"toolgate.spend.default-price.input-per-million", "2.50",
				"toolgate.spend.default-price.output-per-million", "10"));
		driveTraffic(app.client(GatewayApp.ACME_KEY));
		scrape = scrapeAfterAGcPause();
	}

	/**
	 * Scrapes once a GC pause has been recorded: jvm_gc_pause_seconds (a dashboard panel)
	 * exists only after the first pause since the application started, which a test JVM
	 * with a grown heap may not have had yet. The pause is reported asynchronously (a JMX
	 * notification), hence the bounded retry.
	 */
	private static String scrapeAfterAGcPause() {
		System.gc();
		long deadline = System.nanoTime() + WAIT.toNanos();
		String body;
		do {
			body = app.managementClient()
				.get()
				.uri("/actuator/prometheus")
				.retrieve()
				.bodyToMono(String.class)
				.block(WAIT);
		}
		while (!body.contains("jvm_gc_pause_seconds_count") && System.nanoTime() < deadline && pause());
		return body;
	}

	private static boolean pause() {
		try {
			Thread.sleep(200);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
		if (worker != null) {
			worker.disposeNow(Duration.ofSeconds(5));
		}
		if (upstream != null) {
			upstream.close();
		}
	}

	@Test
	void exportsEveryMetricTheDashboardsAndAlertRulesQuery() throws IOException {
		Set<String> exported = sampleNames(scrape);
		Set<String> referenced = referencedMetrics();
		List<String> missing = new ArrayList<>();
		for (String metric : referenced) {
			if (!exported.contains(metric) && awaitingWiring(metric) == null) {
				missing.add(metric);
			}
		}

		assertThat(referenced).contains("http_server_requests_seconds_bucket",
				"gen_ai_client_operation_time_to_first_chunk_seconds_bucket", "toolgate_tool_calls_seconds_count",
				"toolgate_turns_active", "toolgate_turns_limit", "toolgate_sse_streams_open");
		assertThat(missing).as("metrics queried by grafana/ but not exported after real traffic").isEmpty();
	}

	@Test
	void recordsTheOutcomesTheTrafficProduced() {
		assertPositive("toolgate_tool_calls_seconds_count", "tool=\"weather\"", "outcome=\"ok\"");
		assertPositive("toolgate_tool_calls_seconds_count", "tool=\"calculator\"", "outcome=\"invalid_arguments\"");
		assertPositive("toolgate_tool_calls_seconds_count", "tool=\"slow_echo\"", "outcome=\"timeout\"");
		assertPositive("toolgate_tool_calls_seconds_count", "tool=\"flaky\"", "outcome=\"worker_error\"");
		assertPositive("toolgate_tool_calls_seconds_count", "tool=\"unknown\"", "outcome=\"unknown_tool\"");
		assertThat(valueOf("toolgate_tool_retries_total", "tool=\"flaky\"")).isEqualTo(2);
		assertPositive("toolgate_admission_rejections_total");
		assertPositive("toolgate_sse_resumes_total", "api=\"conversations\"");
		assertPositive("toolgate_sse_disconnects_total", "api=\"conversations\"");
		assertPositive("toolgate_turns_completed_total", "reason=\"stop\"");
		assertPositive("gen_ai_client_operation_duration_seconds_count", "gen_ai_operation_name=\"chat\"",
				"gen_ai_provider_name=\"openai\"", "error_type=\"\"");
		assertPositive("gen_ai_client_operation_duration_seconds_count", "gen_ai_operation_name=\"execute_tool\"",
				"gen_ai_tool_name=\"slow_echo\"", "error_type=\"timeout\"");
		assertPositive("gen_ai_client_token_usage_sum", "gen_ai_token_type=\"input\"");
		assertPositive("http_server_requests_seconds_count", "status=\"503\"");
		assertPositive("mcp_client_operation_duration_seconds_count", "mcp_method_name=\"tools/call\"",
				"gen_ai_tool_name=\"echo\"", "error_type=\"\"");
		assertPositive("mcp_server_operation_duration_seconds_count", "mcp_method_name=\"tools/call\"",
				"gen_ai_tool_name=\"calculator\"", "error_type=\"\"");
		assertPositive("toolgate_tool_concurrency_limit", "tool=\"contract_echo\"");
	}

	@Test
	void labelsCarryNoIdsAndNoTenant() {
		List<String> offending = new ArrayList<>();
		Matcher labels = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher("");
		for (String line : scrape.split("\n")) {
			if (line.startsWith("#")) {
				continue;
			}
			labels.reset(line);
			while (labels.find()) {
				if (labels.group(1).equals("tenant") || ID_LIKE.matcher(labels.group(2)).find()) {
					offending.add(line);
				}
			}
		}

		assertThat(offending).isEmpty();
	}

	@Test
	void prometheusEvaluatesEveryDashboardQueryAndPromtoolPassesTheRules() throws Exception {
		List<String> command = new ArrayList<>(
				List.of("bash", GRAFANA.resolve("check-dashboards.sh").toString(), "--app", app.managementUrl()));
		Set<String> exported = sampleNames(scrape);
		for (String metric : referencedMetrics()) {
			if (!exported.contains(metric) && awaitingWiring(metric) != null) {
				command.add("--skip");
				command.add(metric);
			}
		}
		Path log = Files.createTempFile("check-dashboards", ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		boolean finished = process.waitFor(180, TimeUnit.SECONDS);
		if (!finished) {
			process.destroyForcibly();
		}
		String output = Files.readString(log);
		System.out.println(output);

		assertThat(finished).as("check-dashboards.sh finished").isTrue();
		assertThat(process.exitValue()).as("check-dashboards.sh exit code; output:%n%s", output).isZero();
		assertThat(output).contains("all dashboard queries return data");
	}

	private static void driveTraffic(WebClient acme) {
		List<ServerSentEvent<String>> turn = SseClient.startTurn(acme, "metrics-conv-1", "#tools please")
			.collectList()
			.block(WAIT);
		assertThat(turn).extracting(ServerSentEvent::event).contains("tool.result", "turn.completed");
		String turnId = JSON.readTree(turn.get(0).data()).path("turnId").asString();
		assertThat(SseClient.resume(acme, "metrics-conv-1", turnId, 1).collectList().block(WAIT)).isNotEmpty();

		chatCompletion(acme, true);
		chatCompletion(acme, false);
		mcpTraffic(acme);
		assertThat(status(app.anonymousClient().post().uri("/v1/chat/completions"))).isEqualTo(401);
		assertThat(status(acme.post()
			.uri("/v1/tools/calculator/invocations")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("arguments", Map.of("a", "x"))))).isEqualTo(422);

		// A client leaves a gated turn, which keeps the replica's only admission permit:
		// the next turn gets 503.
		ServerSentEvent<String> started = SseClient.startTurn(acme, "metrics-conv-2", "#gate").blockFirst(WAIT);
		String gatedTurn = JSON.readTree(started.data()).path("turnId").asString();
		assertThat(status(acme.post()
			.uri("/v1/conversations/{id}/turns", "metrics-conv-3")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("content", "hello")))).isEqualTo(503);
		gate.open();
		assertThat(SseClient.resume(acme, "metrics-conv-2", gatedTurn, 0).collectList().block(WAIT))
			.extracting(ServerSentEvent::event)
			.contains("turn.completed");
	}

	/**
	 * A tool of an MCP server called directly (mcp.client.operation.duration), and
	 * {@code /mcp} listing and calling tools (mcp.server.operation.duration).
	 */
	private static void mcpTraffic(WebClient acme) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!acme.get().uri("/v1/tools").retrieve().bodyToMono(String.class).block(WAIT).contains("contract_echo")
				&& System.nanoTime() < deadline) {
			pause();
		}
		assertThat(status(acme.post()
			.uri("/v1/tools/contract_echo/invocations")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("arguments", Map.of("n", 1))))).isEqualTo(200);
		for (String message : List.of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
				"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"calculator\","
						+ "\"arguments\":{\"a\":1,\"b\":2,\"op\":\"add\"}}}")) {
			assertThat(status(acme.post()
				.uri("/mcp")
				.contentType(MediaType.APPLICATION_JSON)
				.header("Accept", "application/json, text/event-stream")
				.bodyValue(message))).isEqualTo(200);
		}
	}

	private static void chatCompletion(WebClient client, boolean stream) {
		String body = client.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("messages", List.of(Map.of("role", "user", "content", "hello")), "stream", stream))
			.retrieve()
			.bodyToMono(String.class)
			.block(WAIT);
		assertThat(body).contains("Echo");
	}

	private static int status(WebClient.RequestHeadersSpec<?> request) {
		return request.exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode()))
			.map(HttpStatusCode::value)
			.block(WAIT);
	}

	private static Flux<String> script(JsonNode request, int index) {
		JsonNode last = ChatScripts.lastMessage(request);
		String content = last.path("content").asString("");
		if ("tool".equals(last.path("role").asString())) {
			return ChatScripts.text("Done ", "with tools.");
		}
		if (content.startsWith("#tools")) {
			return ChatScripts.toolCalls(new String[] { "call_w", "weather", "{\"city\":\"Paris\"}" },
					new String[] { "call_c", "calculator", "{\"a\":\"x\",\"b\":1,\"op\":\"add\"}" },
					new String[] { "call_s", "slow_echo", "{\"ms\":5000,\"text\":\"late\"}" },
					new String[] { "call_f", "flaky", "{\"q\":\"x\"}" },
					new String[] { "call_n", "no_such_tool", "{}" });
		}
		if (content.startsWith("#gate")) {
			Flux<String> all = ChatScripts.text("Held ", "answer");
			return gate.hold(all, 2);
		}
		return ChatScripts.text("Echo: ", content);
	}

	private static Path registry(String workerBase) throws IOException {
		String yaml = """
				defaults:
				  timeout: 5s
				  max-concurrency: 8
				  retry: { max-attempts: 1, initial-backoff: 10ms, max-backoff: 20ms, jitter: 0.5 }
				tools:
				  - name: weather
				    description: Weather of a city
				    input-schema: { type: object, properties: { city: { type: string } }, required: [city] }
				    executor: { type: http, url: %1$s/weather }
				  - name: flaky
				    description: A worker that is always busy
				    input-schema: { type: object, properties: { q: { type: string } } }
				    executor: { type: http, url: %1$s/flaky }
				    retry: { max-attempts: 3, initial-backoff: 10ms, max-backoff: 20ms, jitter: 0.5 }
				  - name: calculator
				    description: Calculate with two numbers
				    input-schema:
				      type: object
				      properties:
				        a: { type: number }
				        b: { type: number }
				        op: { type: string, enum: [add, subtract, multiply, divide] }
				      required: [a, b, op]
				    executor: { type: builtin, name: calculator }
				  - name: slow_echo
				    description: Echo after a delay
				    input-schema:
				      type: object
				      properties: { ms: { type: integer }, text: { type: string } }
				      required: [ms, text]
				    executor: { type: builtin, name: slow_echo }
				    timeout: 200ms
				  - name: contract
				    executor: { type: mcp, command: %2$s }
				""".formatted(workerBase,
				McpTestServers.contractStdio().stream().map((word) -> "'" + word + "'").toList());
		return TestRegistry.write(yaml);
	}

	/**
	 * The metric names referenced by every panel query and alert rule expression under
	 * {@code grafana/}.
	 */
	static Set<String> referencedMetrics() throws IOException {
		Set<String> names = new TreeSet<>();
		for (String expr : queries()) {
			names.addAll(PromQlNames.of(expr));
		}
		return names;
	}

	private static List<String> queries() throws IOException {
		List<String> queries = new ArrayList<>();
		try (var files = Files.list(GRAFANA.resolve("dashboards"))) {
			for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
				collectTargets(JSON.readTree(Files.readString(file)).path("panels"), queries);
			}
		}
		JsonNode rules = YAMLMapper.builder()
			.build()
			.readTree(Files.readString(GRAFANA.resolve("alerts/toolgate-rules.yaml"), StandardCharsets.UTF_8));
		for (JsonNode group : rules.path("groups")) {
			for (JsonNode rule : group.path("rules")) {
				queries.add(rule.path("expr").asString());
			}
		}
		assertThat(queries).hasSizeGreaterThan(20);
		return queries;
	}

	private static void collectTargets(JsonNode panels, List<String> queries) {
		for (JsonNode panel : panels) {
			for (JsonNode target : panel.path("targets")) {
				queries.add(target.path("expr").asString());
			}
			collectTargets(panel.path("panels"), queries);
		}
	}

	private static String awaitingWiring(String metric) {
		return AWAITING_WIRING.entrySet()
			.stream()
			.filter(entry -> metric.startsWith(entry.getKey()))
			.map(Map.Entry::getValue)
			.findFirst()
			.orElse(null);
	}

	private static Set<String> sampleNames(String exposition) {
		Set<String> names = new TreeSet<>();
		for (String line : exposition.split("\n")) {
			if (!line.isBlank() && !line.startsWith("#")) {
				int end = line.indexOf('{');
				names.add(line.substring(0, (end >= 0) ? end : line.indexOf(' ')));
			}
		}
		return names;
	}

	private static void assertPositive(String name, String... labels) {
		String samples = scrape.lines().filter(line -> line.startsWith(name)).collect(Collectors.joining("\n"));
		assertThat(valueOf(name, labels)).as("%s with %s in%n%s", name, List.of(labels), samples).isPositive();
	}

	/**
	 * The sum of the samples of {@code name} whose labels contain all of {@code labels}.
	 */
	private static double valueOf(String name, String... labels) {
		double sum = 0;
		for (String line : scrape.split("\n")) {
			if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
				boolean matches = true;
				for (String label : labels) {
					matches &= line.contains(label);
				}
				if (matches) {
					sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
				}
			}
		}
		return sum;
	}

}
