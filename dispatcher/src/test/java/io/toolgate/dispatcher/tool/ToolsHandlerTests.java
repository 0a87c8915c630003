package io.toolgate.dispatcher.tool;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.auth.Tenant;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.dispatcher.tool.builtin.BuiltinToolExecutor;
import io.toolgate.dispatcher.tool.registry.ToolRegistryLoader;
import io.toolgate.dispatcher.tool.support.TestTools;
import io.toolgate.dispatcher.tool.support.WorkerTools;
import io.toolgate.dispatcher.web.ToolsHandler;
import io.toolgate.store.memory.InMemoryIdempotencyStore;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@link ToolsHandler}: listing and direct invocation, with the status of each failure.
 */
class ToolsHandlerTests {

	@RegisterExtension
	private final WorkerTools tools = WorkerTools.start(1, DataSize.ofKilobytes(1));

	private final ToolWorker worker = this.tools.worker();

	private WebTestClient client;

	private ToolRegistry registry;

	private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();

	@BeforeEach
	void setUp() {
		BuiltinToolExecutor builtins = BuiltinToolExecutor.withDemoTools(TestTools.JSON);
		List<ToolSpec> specs = new java.util.ArrayList<>(
				new ToolRegistryLoader(TestTools.JSON, builtins.names(), ApplicationResourceLoader.get()).load(null));
		// A generous timeout: the first call of a cold JVM on a loaded machine can take
		// seconds, and no test here
		// is about the echo tool's timing.
		specs.add(TestTools.http("echo", this.worker.uri("/echo"), Duration.ofSeconds(10), 1, 4));
		specs.add(TestTools.http("slow", this.worker.uri("/delay?ms=10000"), Duration.ofMillis(100), 1, 4));
		specs.add(TestTools.http("broken", this.worker.uri("/status?code=503"), Duration.ofSeconds(2), 1, 4));
		this.registry = ToolRegistry.of(specs,
				executor -> (executor instanceof ExecutorSpec.Http) ? this.tools.executor() : builtins, 16,
				TestTools.JSON);
		this.client = client(Duration.ofSeconds(5));
	}

	private WebTestClient client(Duration idempotencyWait) {
		ToolsHandler handler = new ToolsHandler(this.registry,
				new IdempotentDispatch(WorkerTools.dispatcher(this.registry, Duration.ofSeconds(1)), this.store,
						Duration.ofMinutes(5), idempotencyWait, TestTools.JSON));
		RouterFunction<ServerResponse> routes = RouterFunctions.route()
			.GET("/v1/tools", handler::list)
			.POST("/v1/tools/{name}/invocations", handler::invoke)
			.filter((request, next) -> {
				request.exchange().getAttributes().put(Tenant.ATTRIBUTE, new Tenant("acme"));
				return next.handle(request);
			})
			.onError(ToolgateException.class,
					(ex, request) -> ServerResponse.status(((ToolgateException) ex).errorType().status())
						.bodyValue(Map.of("error",
								Map.of("code", ((ToolgateException) ex).code(), "message", ex.getMessage()))))
			.build();
		return WebTestClient.bindToRouterFunction(routes).build();
	}

	@Test
	void listsToolsWithoutWorkerUrls() {
		this.client.get()
			.uri("/v1/tools")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.object")
			.isEqualTo("list")
			.jsonPath("$.data[0].name")
			.isEqualTo("clock")
			.jsonPath("$.data[0].input_schema.type")
			.isEqualTo("object")
			.jsonPath("$.data[0].risk_tier")
			.isEqualTo("low")
			.jsonPath("$.data[0].timeout_ms")
			.isEqualTo(1000)
			.jsonPath("$.data[0].executor_type")
			.isEqualTo("builtin")
			.jsonPath("$.data[6].name")
			.isEqualTo("echo")
			.jsonPath("$.data[6].executor_type")
			.isEqualTo("http")
			.jsonPath("$.data[6].url")
			.doesNotExist();
	}

	@Test
	void invokesAToolAndPassesATenantDerivedIdempotencyKey() throws Exception {
		this.client.post()
			.uri("/v1/tools/echo/invocations")
			.header("Idempotency-Key", "k-1")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"arguments\":{\"text\":\"hi\"}}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.value(id -> org.assertj.core.api.Assertions.assertThat((String) id).startsWith("inv_"))
			.jsonPath("$.tool")
			.isEqualTo("echo")
			.jsonPath("$.status")
			.isEqualTo("ok")
			.jsonPath("$.output.echo.text")
			.isEqualTo("hi")
			.jsonPath("$.attempts")
			.isEqualTo(1)
			.jsonPath("$.duration_ms")
			.exists();
		// The worker sees hex(sha256(tenant + NUL + client key)), never the client's key.
		String derived = java.util.HexFormat.of()
			.formatHex(java.security.MessageDigest.getInstance("SHA-256")
				.digest("acme\0k-1".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
		org.assertj.core.api.Assertions.assertThat(this.worker.headers().get(0))
			.containsEntry("idempotency-key", derived)
			.containsEntry("x-toolgate-tenant", "acme");
	}

	@Test
	void answersEachFailureWithItsStatus() {
		invoke("nope", "{\"arguments\":{}}").expectStatus().isNotFound();
		invoke("echo", "{}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error.message")
			.isEqualTo("'arguments' is required");
		invoke("echo", "{\"arguments\":{\"text\":1}}").expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.error.code")
			.isEqualTo("invalid_arguments");
		invoke("calculator", "{\"arguments\":{\"a\":1,\"b\":0,\"op\":\"divide\"}}").expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.error.code")
			.isEqualTo("tool_error");
		invoke("slow", "{\"arguments\":{}}").expectStatus()
			.isEqualTo(504)
			.expectBody()
			.jsonPath("$.error.code")
			.isEqualTo("tool_timeout");
		invoke("broken", "{\"arguments\":{}}").expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.error.code")
			.isEqualTo("tool_worker_error");
	}

	@Test
	void replaysTheStoredResultForARepeatedIdempotencyKey() {
		for (int i = 0; i < 3; i++) {
			this.client.post()
				.uri("/v1/tools/echo/invocations")
				.header("Idempotency-Key", "same-key")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(i == 1 ? "{\"arguments\": {\"text\" : \"once\"}}" : "{\"arguments\":{\"text\":\"once\"}}")
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals(ToolsHandler.REPLAYED_HEADER, Boolean.toString(i > 0))
				.expectBody()
				.jsonPath("$.output.echo.text")
				.isEqualTo("once");
		}
		org.assertj.core.api.Assertions.assertThat(this.worker.requests()).isEqualTo(1);
	}

	@Test
	void refusesAnIdempotencyKeyReusedWithOtherArguments() {
		this.client.post()
			.uri("/v1/tools/echo/invocations")
			.header("Idempotency-Key", "reused")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"arguments\":{\"text\":\"first\"}}")
			.exchange()
			.expectStatus()
			.isOk();
		this.client.post()
			.uri("/v1/tools/echo/invocations")
			.header("Idempotency-Key", "reused")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"arguments\":{\"text\":\"second\"}}")
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.error.code")
			.isEqualTo("idempotency_key_reused");
		org.assertj.core.api.Assertions.assertThat(this.worker.requests()).isEqualTo(1);
	}

	@Test
	void answers409WhileTheFirstRequestWithTheKeyStillRuns() {
		String key = IdempotencyKeys.forWorker("acme", "running");
		String fingerprint = new IdempotentDispatch(
				new ToolDispatcher(this.registry, Duration.ofSeconds(1), ToolCallObserver.NOOP), this.store,
				Duration.ofMinutes(5), Duration.ofSeconds(5), TestTools.JSON)
			.fingerprint(new ToolInvocation("inv_1", "echo", "{\"text\":\"first\"}", "acme", key));
		// The first request with the key claimed it and has not finished.
		this.store.claim("invocation:acme", key, fingerprint, Duration.ofMinutes(5)).block(Duration.ofSeconds(5));
		client(Duration.ofMillis(200)).post()
			.uri("/v1/tools/echo/invocations")
			.header("Idempotency-Key", "running")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"arguments\":{\"text\":\"first\"}}")
			.exchange()
			.expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.error.code")
			.isEqualTo("idempotency_in_progress");
		org.assertj.core.api.Assertions.assertThat(this.worker.requests()).isZero();
	}

	private WebTestClient.ResponseSpec invoke(String tool, String body) {
		return this.client.post()
			.uri("/v1/tools/" + tool + "/invocations")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

}
