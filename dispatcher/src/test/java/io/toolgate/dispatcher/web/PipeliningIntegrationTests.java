package io.toolgate.dispatcher.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.RawHttp;
import io.toolgate.store.support.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/1.1 pipelining against the gateway in Redis mode (store, event log, idempotency
 * and rate limits in a private Redis): four requests written at once on one connection
 * get four answers, in order, and the connection stays open.
 */
@Timeout(120)
class PipeliningIntegrationTests {

	private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

	private static RedisServerProcess redis;

	private static GatewayApp app;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.start();
		app = GatewayApp.start(Map.of("toolgate.store.redis-url", redis.uri()));
	}

	@AfterAll
	static void stop() {
		app.close();
		redis.close();
	}

	private static String get(String path) {
		return "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + GatewayApp.ACME_KEY + "\r\n\r\n";
	}

	private static String post(String path, String body, String extraHeaders) {
		return "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + GatewayApp.ACME_KEY
				+ "\r\nContent-Type: application/json\r\n" + extraHeaders + "Content-Length: "
				+ body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
	}

	private static List<Integer> pipeline(String... requests) {
		String response = RawHttp.exchange(app.port(), String.join("", requests).getBytes(StandardCharsets.UTF_8),
				Duration.ofSeconds(3));
		assertThat(response.toLowerCase()).as("connection kept open").doesNotContain("connection: close");
		Matcher matcher = STATUS_LINE.matcher(response);
		List<Integer> statuses = new ArrayList<>();
		while (matcher.find()) {
			statuses.add(Integer.parseInt(matcher.group(1)));
		}
		return statuses;
	}

	@Test
	void answersFourPipelinedReadsInRedisMode() {
		assertThat(pipeline(get("/v1/models"), get("/v1/models"), get("/v1/models"), get("/v1/models")))
			.containsExactly(200, 200, 200, 200);
		assertThat(pipeline(get("/v1/tools"), get("/v1/conversations/pipelined-none"), get("/v1/models"),
				get("/v1/tools")))
			.containsExactly(200, 404, 200, 200);
	}

	@Test
	void answersFourPipelinedInvocationsInRedisMode() {
		String body = "{\"arguments\": {\"a\": 1, \"b\": 2, \"op\": \"add\"}}";
		String path = "/v1/tools/calculator/invocations";
		assertThat(pipeline(post(path, body, ""), post(path, body, "Idempotency-Key: pipelined-1\r\n"),
				post(path, body, "Idempotency-Key: pipelined-1\r\n"), post(path, body, "")))
			.containsExactly(200, 200, 200, 200);
	}

}
