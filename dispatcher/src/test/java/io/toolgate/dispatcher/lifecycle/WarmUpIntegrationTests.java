package io.toolgate.dispatcher.lifecycle;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.GatewayProcess;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.Closeables;
import io.toolgate.test.ScriptedUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up warm-up on a real process with a configured upstream: it sends its
 * requests through the replica's own port and answers them from its loopback stand-in,
 * never from the real model, reports ready when done, and leaves the model name it used
 * an ordinary one; a warm-up whose requests fail still ends in readiness.
 */
@Timeout(180)
class WarmUpIntegrationTests {

	private static final Duration START = Duration.ofSeconds(120);

	private ScriptedUpstream upstream;

	private GatewayProcess replica;

	@BeforeEach
	void startUpstream() {
		this.upstream = ScriptedUpstream.start((request, index) -> ChatScripts.text("from", " the", " model"));
	}

	@AfterEach
	void stop() {
		Closeables.closeAll(this.replica, this.upstream);
	}

	@Test
	void warmsUpThroughItsOwnPortWithoutCallingTheModelThenReportsReady() {
		this.replica = GatewayProcess.start(warmUp(400), START);

		assertThat(this.replica.log()).contains("Warming up with 400 requests (8 at once")
			.contains("Warm-up: 400 requests in")
			.doesNotContain("of them failed");
		assertThat(this.upstream.requests()).isEmpty();
		JsonNode readiness = this.replica.anonymousClient()
			.get()
			.uri(this.replica.managementUrl() + "/actuator/health/readiness")
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(Duration.ofSeconds(10));
		assertThat(readiness.at("/components/warmUp/status").asString()).isEqualTo("UP");
		assertThat(readiness.at("/status").asString()).isEqualTo("UP");
	}

	@Test
	void afterTheWarmUpItsModelNameGoesToTheConfiguredModelLikeAnyOther() {
		this.replica = GatewayProcess.start(warmUp(50), START);

		String stream = this.replica.client(GatewayApp.ACME_KEY)
			.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("model", WarmUpModels.MODEL, "stream", true, "messages",
					List.of(Map.of("role", "user", "content", "hi"))))
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(20));

		assertThat(stream).contains("\"content\":\"from\"", "\"content\":\" model\"", "[DONE]");
		assertThat(this.upstream.requests()).singleElement()
			.satisfies(request -> assertThat(request.get("model").asString()).isEqualTo(WarmUpModels.MODEL));
	}

	@Test
	void aWarmUpWhoseRequestsFailStillEndsInReadiness() {
		Map<String, Object> properties = warmUp(200);
		// The warm-up's tenant gets the default plan: 5 requests a minute.
		properties.put("toolgate.ratelimit.plans.default.requests-per-minute", 5);
		this.replica = GatewayProcess.start(properties, START);

		assertThat(this.replica.log()).containsPattern("Warm-up: 200 requests in \\d+ s, 19[5-9] of them failed");
		assertThat(this.replica.managementStatus("/actuator/health/readiness")).isEqualTo(200);
		assertThat(this.upstream.requests()).isEmpty();
	}

	private Map<String, Object> warmUp(int requests) {
		Map<String, Object> properties = new HashMap<>();
		properties.put("toolgate.upstream.base-url", this.upstream.baseUrl());
		properties.put("toolgate.warm-up.enabled", true);
		properties.put("toolgate.warm-up.requests", requests);
		properties.put("toolgate.warm-up.concurrency", 8);
		return properties;
	}

}
