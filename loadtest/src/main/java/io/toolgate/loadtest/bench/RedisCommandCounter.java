package io.toolgate.loadtest.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.toolgate.loadtest.TurnCheck;
import reactor.core.publisher.Mono;

/**
 * Redis round trips per turn: sequential turns of one kind against one Toolgate while
 * nothing else talks to Redis, between a {@code CONFIG RESETSTAT} and a read of
 * {@code INFO commandstats} (every command Redis executed, including those a Lua script
 * ran), with a {@code MONITOR} feed alongside that tells the commands clients sent (round
 * trips) from those run inside scripts. The same turns against a Toolgate without rate
 * limits give the limiter's share.
 */
final class RedisCommandCounter {

	private final LoadClient client;

	private final int redisPort;

	RedisCommandCounter(LoadClient client, int redisPort) {
		this.client = client;
		this.redisPort = redisPort;
	}

	/** One kind of request, how to send it and how to check it. */
	record Kind(String name, String description, Function<Integer, Mono<Boolean>> request) {
	}

	/**
	 * Commands per turn of one kind against one Toolgate.
	 *
	 * @param kind the kind's name
	 * @param limits whether the Toolgate checks rate limits
	 * @param turns turns measured
	 * @param failed turns that failed their check
	 * @param executed commands Redis executed per turn, by command
	 * ({@code INFO commandstats}, scripts' commands included)
	 * @param sent commands clients sent per turn (round trips), by command
	 * ({@code MONITOR}, outside scripts)
	 * @param sentByKey round trips per turn by command and key shape
	 * @param inScripts commands run inside Lua scripts per turn, by command
	 * @param seconds how long the turns took
	 */
	record Count(String kind, boolean limits, int turns, long failed, Map<String, Double> executed,
			Map<String, Double> sent, Map<String, Double> sentByKey, Map<String, Double> inScripts, double seconds) {

		double executedTotal() {
			return this.executed.values().stream().mapToDouble(Double::doubleValue).sum();
		}

		double sentTotal() {
			return this.sent.values().stream().mapToDouble(Double::doubleValue).sum();
		}

	}

	/**
	 * Runs {@code turns} requests of a kind one after another and counts Redis commands.
	 */
	Count countNow(Kind kind, boolean limits, int turns) {
		try (RespClient admin = RespClient.connect(this.redisPort);
				RespClient monitor = RespClient.connect(this.redisPort)) {
			List<String> lines = monitor.monitor();
			admin.command("CONFIG", "RESETSTAT");
			int firstLine = lines.size();
			long failed = 0;
			long start = System.nanoTime();
			for (int i = 0; i < turns; i++) {
				Boolean ok = kind.request().apply(i).onErrorReturn(false).block(Duration.ofSeconds(60));
				if (!Boolean.TRUE.equals(ok)) {
					failed++;
				}
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			Map<String, Long> calls = othersCalls(admin);
			calls.remove("monitor");
			// Let the monitor feed catch up with the last commands.
			sleep(300);
			List<String> fed = List.copyOf(lines.subList(firstLine, lines.size()));
			Map<String, Double> executed = new TreeMap<>();
			calls.forEach((name, count) -> executed.put(name, (double) count / turns));
			MonitorFeed.Tally tally = MonitorFeed.tally(fed, admin.localPort(), turns);
			return new Count(kind.name(), limits, turns, failed, executed, tally.sent(), tally.sentByKey(),
					tally.inScripts(), seconds);
		}
	}

	/**
	 * Counts Redis commands while no request is sent, to show the background traffic of
	 * the running replicas.
	 */
	Map<String, Double> idlePerSecondNow(Duration window) {
		try (RespClient admin = RespClient.connect(this.redisPort)) {
			admin.command("CONFIG", "RESETSTAT");
			sleep(window.toMillis());
			Map<String, Double> perSecond = new TreeMap<>();
			othersCalls(admin).forEach((name, count) -> perSecond.put(name, count / (window.toMillis() / 1000.0)));
			return perSecond;
		}
	}

	/**
	 * Returns the calls per command since the last reset, without the admin connection's
	 * own reset and read.
	 */
	private static Map<String, Long> othersCalls(RespClient admin) {
		Map<String, Long> calls = admin.commandCalls();
		calls.remove("info");
		calls.remove("config|resetstat");
		return calls;
	}

	/**
	 * Returns a native turn request: a new conversation per turn, or
	 * {@code perConversation} turns in each.
	 */
	Kind turns(String name, String description, String base, String apiKey, String prompt, int toolCalls,
			int perConversation) {
		long run = System.nanoTime();
		AtomicLong sequence = new AtomicLong();
		return new Kind(name, description, (i) -> this.client.turn(
				base + "/conversations/redis-" + run + "-" + (sequence.getAndIncrement() / perConversation) + "/turns",
				apiKey, prompt, (event) -> {
				})
			.map((turn) -> {
				TurnCheck check = TurnCheck.of(turn.events());
				return turn.status() == 200 && check.valid() && check.toolCalls() == toolCalls;
			}));
	}

	/** Returns a stateless non-streaming chat completion request. */
	Kind chat(String name, String description, String base, String apiKey, String prompt) {
		byte[] body = LoadClient.chatBody(prompt, false);
		return new Kind(name, description,
				(i) -> Mono
					.defer(() -> this.client.chat(base + "/chat/completions", apiKey, body, false, System.nanoTime()))
					.map(LoadClient.Timing::valid));
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
