package io.toolgate.loadtest.simulation;

import java.util.regex.Pattern;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The OpenAI-compatible API, streaming, at a fixed arrival rate (an open model: arrivals
 * do not wait for answers). Every response must carry content and end with
 * {@code data: [DONE]}.
 * <p>
 * Parameters: {@code -DbaseUrl}, {@code -DapiKey}, {@code -Drate} (requests per second),
 * {@code -Dduration} (seconds of arrivals), {@code -DmaxDuration} (seconds).
 */
public class ChatCompletionsSimulation extends Simulation {

	private static final Pattern DONE = Pattern.compile("data: ?\\[DONE\\]\\s*$");

	private static final String BODY = """
			{"model":"toolgate-sim","stream":true,"messages":[{"role":"user","content":"Explain back-pressure in one paragraph"}]}""";

	private final double rate = SimulationParameters.decimal("rate", 5);

	private final int seconds = SimulationParameters.integer("duration", 4);

	private final HttpProtocolBuilder protocol = http.baseUrls(SimulationParameters.baseUrls())
		.authorizationHeader("Bearer " + SimulationParameters.text("apiKey", "k1"))
		.contentTypeHeader("application/json");

	private final ScenarioBuilder chat = scenario("chat-completions")
		.exec(http("chat-completions-stream").post("/v1/chat/completions")
			.body(StringBody(BODY))
			.check(status().is(200), substring("\"content\""),
					bodyString().transform((body) -> DONE.matcher(body).find()).is(true)));

	{
		long expected = Math.round(this.rate * this.seconds);
		setUp(this.chat.injectOpen(constantUsersPerSec(this.rate).during(this.seconds))).protocols(this.protocol)
			.maxDuration(SimulationParameters.seconds("maxDuration", this.seconds + 30))
			.assertions(global().successfulRequests().count().is(expected), global().failedRequests().count().is(0L));
	}

}
