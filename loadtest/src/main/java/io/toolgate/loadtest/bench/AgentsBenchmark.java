package io.toolgate.loadtest.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.toolgate.loadtest.TurnCheck;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Agents: N concurrent agents, each running conversations of several turns over the
 * native SSE API with a think time between turns; every prompt asks for two or three
 * tools at once, and every turn's event stream is checked. A step passes when no turn
 * failed.
 */
final class AgentsBenchmark {

	private static final List<String> PROMPTS = List.of(
			"What is the weather in Paris and multiply 12 by 7 and what time is it in Tokyo?",
			"What is the weather in Berlin and what time is it in New York?",
			"Add 40 and 2, then what is the weather in Lisbon?",
			"What time is it in Sydney and divide 81 by 9 and what is the weather in Oslo?");

	private final LoadClient client;

	AgentsBenchmark(LoadClient client) {
		this.client = client;
	}

	/**
	 * @param agents agents running at once
	 * @param turns turns completed
	 * @param errors turns failed (non-200, broken sequence, fewer than two tool calls, or
	 * over 60 s)
	 * @param turnsPerSecond completed turns per second over the step
	 * @param latency turn latency
	 * @param firstError the first failure seen, or empty
	 */
	record Step(int agents, long turns, long errors, double turnsPerSecond, Latencies latency, String firstError) {
	}

	Step runNow(String gatewayUrl, String apiKey, int agents, Duration duration, Duration ramp, Duration think,
			int turnsPerConversation) {
		Latencies latency = new Latencies();
		AtomicLong errors = new AtomicLong();
		StringBuilder firstError = new StringBuilder();
		long start = System.nanoTime();
		long deadline = start + duration.toNanos();
		Flux.range(0, agents)
			.flatMap((agent) -> Mono.delay(Duration.ofNanos(ramp.toNanos() * agent / agents))
				.then(conversation(gatewayUrl, apiKey, agent, turnsPerConversation, think, deadline, latency, errors,
						firstError)
					.repeat(() -> System.nanoTime() < deadline)
					.then()), agents)
			.blockLast(duration.plusMinutes(3));
		double seconds = (System.nanoTime() - start) / 1e9;
		return new Step(agents, latency.count(), errors.get(), latency.count() / seconds, latency,
				firstError.toString());
	}

	private Mono<Void> conversation(String gatewayUrl, String apiKey, int agent, int turns, Duration think,
			long deadline, Latencies latency, AtomicLong errors, StringBuilder firstError) {
		return Mono.defer(() -> {
			String url = gatewayUrl + "/conversations/agent-" + agent + "-" + System.nanoTime() + "/turns";
			// No new turn starts after the deadline, so a step ends within one turn of
			// its duration.
			return Flux.range(0, turns)
				.filter((turn) -> System.nanoTime() < deadline)
				.concatMap((turn) -> this.client
					.turn(url, apiKey, PROMPTS.get((agent + turn) % PROMPTS.size()), (event) -> {
					})
					.timeout(Duration.ofSeconds(60))
					.doOnNext((result) -> record(result, latency, errors, firstError))
					.doOnError((ex) -> fail(errors, firstError, ex.toString()))
					.onErrorComplete()
					.then(Mono.delay(think)))
				.then();
		});
	}

	private static void record(LoadClient.Turn turn, Latencies latency, AtomicLong errors, StringBuilder firstError) {
		TurnCheck check = TurnCheck.of(turn.events());
		if (turn.status() != 200) {
			fail(errors, firstError, "status " + turn.status());
		}
		else if (!check.valid() || check.toolCalls() < 2) {
			fail(errors, firstError, check.problems() + " tool calls " + check.toolCalls());
		}
		else {
			latency.recordNanos(turn.endNanos() - turn.startNanos());
		}
	}

	private static void fail(AtomicLong errors, StringBuilder firstError, String problem) {
		errors.incrementAndGet();
		synchronized (firstError) {
			if (firstError.isEmpty()) {
				firstError.append(problem, 0, Math.min(problem.length(), 300));
			}
		}
	}

}
