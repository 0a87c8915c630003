package io.toolgate.loadtest.simulation;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.toolgate.loadtest.TurnCheck;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * N concurrent agents, each running multi-turn conversations over the native SSE API.
 * Every prompt asks for two or three things at once, so the simulated model calls that
 * many tools in parallel; every turn's whole stream is checked ({@link TurnCheck}:
 * {@code turn.started} first, paired {@code tool.call}/{@code tool.result}, tokens,
 * {@code turn.completed} last, ids increasing) and must hold at least two tool calls.
 * <p>
 * Parameters: {@code -DbaseUrl} (or {@code -DbaseUrls=a,b}: agents spread over replicas),
 * {@code -DapiKey}, {@code -Dusers} (agents), {@code -Dconversations} (per agent),
 * {@code -Dturns} (per conversation), {@code -DrampSeconds}, {@code -DthinkMs} (pause
 * between turns), {@code -DmaxDuration} (seconds).
 */
public class AgentsSimulation extends Simulation {

	private static final List<String> PROMPTS = List.of(
			"What is the weather in Paris and multiply 12 by 7 and what time is it in Tokyo?",
			"What is the weather in Berlin and what time is it in New York?",
			"Add 40 and 2, then what is the weather in Lisbon?",
			"What time is it in Sydney and divide 81 by 9 and what is the weather in Oslo?");

	private final int agents = SimulationParameters.integer("users", 5);

	private final int conversations = SimulationParameters.integer("conversations", 2);

	private final int turns = SimulationParameters.integer("turns", 3);

	private final Duration think = Duration.ofMillis(SimulationParameters.integer("thinkMs", 0));

	private final HttpProtocolBuilder protocol = http.baseUrls(SimulationParameters.baseUrls())
		.authorizationHeader("Bearer " + SimulationParameters.text("apiKey", "k1"))
		.contentTypeHeader("application/json")
		.acceptHeader("text/event-stream");

	private final ScenarioBuilder agent = scenario("agents").repeat(this.conversations)
		.on(exec((session) -> session.set("conversationId", "agent-" + UUID.randomUUID())).repeat(this.turns, "turn")
			.on(exec(http("turn").post("/v1/conversations/#{conversationId}/turns")
				.body(StringBody(AgentsSimulation::turnBody))
				.check(status().is(200), bodyString().transform(AgentsSimulation::verdict).is("ok")))
				.pause(this.think)));

	{
		long expected = (long) this.agents * this.conversations * this.turns;
		setUp(this.agent.injectOpen(rampUsers(this.agents).during(SimulationParameters.seconds("rampSeconds", 1))))
			.protocols(this.protocol)
			.maxDuration(SimulationParameters.seconds("maxDuration", 60))
			.assertions(global().successfulRequests().count().is(expected), global().failedRequests().count().is(0L));
	}

	private static String turnBody(Session session) {
		int index = (int) ((session.userId() + session.getInt("turn")) % PROMPTS.size());
		return "{\"content\":\"" + PROMPTS.get(index) + "\"}";
	}

	private static String verdict(String body) {
		TurnCheck check = TurnCheck.of(body);
		if (!check.valid()) {
			return String.join("; ", check.problems());
		}
		return (check.toolCalls() >= 2) ? "ok" : "only " + check.toolCalls() + " tool calls";
	}

}
