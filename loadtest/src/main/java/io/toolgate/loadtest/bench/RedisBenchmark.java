package io.toolgate.loadtest.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.toolgate.loadtest.TurnCheck;
import reactor.core.publisher.Mono;

/**
 * Redis round trips per turn and the rate-limit check's added latency.
 * <p>
 * Round trips: sequential turns of one kind against one Toolgate while nothing else talks
 * to Redis, between a {@code CONFIG RESETSTAT} and a read of {@code INFO commandstats}
 * (every command Redis executed, including those a Lua script ran), with a
 * {@code MONITOR} feed alongside that tells the commands clients sent (round trips) from
 * those run inside scripts. The same turns against a Toolgate without rate limits give
 * the limiter's share.
 * <p>
 * Added latency: the same fixed-rate load sent at once to a Toolgate with limits and one
 * without, both on the same Redis, so machine noise hits both; the difference of their
 * percentiles is the limit check's cost.
 */
final class RedisBenchmark {

	private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

	private final LoadClient client;

	private final int redisPort;

	RedisBenchmark(LoadClient client, int redisPort) {
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
			Map<String, Long> calls = admin.commandCalls();
			// Let the monitor feed catch up with the last commands.
			sleep(300);
			List<String> fed = List.copyOf(lines.subList(firstLine, lines.size()));
			calls.remove("info");
			calls.remove("config|resetstat");
			calls.remove("monitor");
			Map<String, Double> executed = new TreeMap<>();
			calls.forEach((name, count) -> executed.put(name, (double) count / turns));
			Map<String, Double> sent = new TreeMap<>();
			Map<String, Double> sentByKey = new TreeMap<>();
			Map<String, Double> inScripts = new TreeMap<>();
			String own = ":" + admin.localPort() + "]";
			for (String line : fed) {
				int open = line.indexOf('[');
				int close = line.indexOf(']', open + 1);
				if (open < 0 || close < 0 || line.substring(open, close + 1).endsWith(own)) {
					continue;
				}
				List<String> arguments = arguments(line.substring(close + 1));
				if (arguments.isEmpty()) {
					continue;
				}
				String command = arguments.get(0).toLowerCase(java.util.Locale.ROOT);
				if (line.substring(open, close).contains("lua")) {
					inScripts.merge(command, 1.0 / turns, Double::sum);
				}
				else {
					sent.merge(command, 1.0 / turns, Double::sum);
					sentByKey.merge(command + " " + keyShape(command, arguments), 1.0 / turns, Double::sum);
				}
			}
			return new Count(kind.name(), limits, turns, failed, executed, sent, sentByKey, inScripts, seconds);
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
			Map<String, Long> calls = admin.commandCalls();
			calls.remove("info");
			calls.remove("config|resetstat");
			Map<String, Double> perSecond = new TreeMap<>();
			calls.forEach((name, count) -> perSecond.put(name, count / (window.toMillis() / 1000.0)));
			return perSecond;
		}
	}

	/**
	 * One rate and request against both Toolgates at once.
	 *
	 * @param what the request, e.g. {@code GET /v1/models}
	 * @param rate requests per second to each Toolgate
	 * @param limited the Toolgate with limits
	 * @param unlimited the Toolgate without
	 * @param fallbacks rate-limit calls of the Toolgate with limits that its per-replica
	 * limiter decided because Redis did not answer within the backend timeout, or was
	 * skipped after such a timeout ({@code toolgate.ratelimit.backend.failures}); NaN if
	 * unknown
	 */
	record Pair(String what, double rate, Stats limited, Stats unlimited, double fallbacks) {

		Pair withFallbacks(double fallbacks) {
			return new Pair(this.what, this.rate, this.limited, this.unlimited, fallbacks);
		}

	}

	/** Measures {@code GET /v1/models} on both Toolgates at the same rate at once. */
	Pair modelsNow(String limitedBase, String unlimitedBase, String apiKey, double rate, Duration duration) {
		return pairNow("`GET /v1/models`", rate, duration,
				(base, start) -> this.client.get(base + "/models", apiKey, start), limitedBase, unlimitedBase);
	}

	/**
	 * Measures non-streaming stateless chat completions on both Toolgates at the same
	 * rate at once.
	 */
	Pair chatNow(String limitedBase, String unlimitedBase, String apiKey, double rate, Duration duration) {
		byte[] body = ("{\"model\":\"toolgate-sim\",\"stream\":false,\"messages\":[{\"role\":\"user\","
				+ "\"content\":\"Explain back-pressure in reactive streams\"}]}")
			.getBytes(StandardCharsets.UTF_8);
		return pairNow("`POST /v1/chat/completions` (non-streaming)", rate, duration,
				(base, start) -> this.client.chat(base + "/chat/completions", apiKey, body, false, start), limitedBase,
				unlimitedBase);
	}

	private interface Request {

		Mono<LoadClient.Timing> send(String base, long startNanos);

	}

	private Pair pairNow(String what, double rate, Duration duration, Request request, String limitedBase,
			String unlimitedBase) {
		Latencies limited = new Latencies();
		Latencies unlimited = new Latencies();
		AtomicLong limitedErrors = new AtomicLong();
		AtomicLong unlimitedErrors = new AtomicLong();
		// Both requests start at the same intended time; which one is sent first
		// alternates.
		long[] sequence = { 0 };
		FixedRate.runNow(rate, duration, (start) -> {
			Mono<Void> a = timed(request.send(limitedBase, start), limited, limitedErrors);
			Mono<Void> b = timed(request.send(unlimitedBase, start), unlimited, unlimitedErrors);
			return ((sequence[0]++ & 1) == 0) ? Mono.when(a, b) : Mono.when(b, a);
		});
		Stats a = Stats.of(limited, limited, limitedErrors.get());
		Stats b = Stats.of(unlimited, unlimited, unlimitedErrors.get());
		System.out.printf("redis %s %.0f/s limits p50 %.2f p99 %.2f | no limits p50 %.2f p99 %.2f errors %d/%d%n", what,
				rate, a.p50(), a.p99(), b.p50(), b.p99(), a.errors(), b.errors());
		return new Pair(what, rate, a, b, Double.NaN);
	}

	private static Mono<Void> timed(Mono<LoadClient.Timing> request, Latencies latencies, AtomicLong errors) {
		return request.doOnNext((timing) -> {
			if (timing.valid()) {
				latencies.recordNanos(timing.totalNanos());
			}
			else {
				errors.incrementAndGet();
			}
		}).timeout(Duration.ofSeconds(60)).doOnError((ex) -> errors.incrementAndGet()).onErrorComplete().then();
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
	Kind chat(String name, String description, String base, String apiKey) {
		byte[] body = ("{\"model\":\"toolgate-sim\",\"stream\":false,\"messages\":[{\"role\":\"user\","
				+ "\"content\":\"Explain back-pressure in reactive streams\"}]}")
			.getBytes(StandardCharsets.UTF_8);
		return new Kind(name, description,
				(i) -> Mono
					.defer(() -> this.client.chat(base + "/chat/completions", apiKey, body, false, System.nanoTime()))
					.map(LoadClient.Timing::valid));
	}

	/** Parses the quoted arguments of a {@code MONITOR} line. */
	static List<String> arguments(String text) {
		List<String> arguments = new ArrayList<>();
		Matcher matcher = QUOTED.matcher(text);
		while (matcher.find()) {
			arguments.add(matcher.group(1));
		}
		return arguments;
	}

	/**
	 * The key a command touches with the tenant, conversation, turn and numbers masked,
	 * e.g. {@code tg:{…}:lease}.
	 */
	static String keyShape(String command, List<String> arguments) {
		int index = switch (command) {
			case "evalsha", "eval", "evalsha_ro", "eval_ro" -> 3;
			case "xread" -> Math.max(1, arguments.indexOf("STREAMS") + 1);
			case "ping", "hello", "client", "script", "info", "select", "readonly", "cluster", "command" -> -1;
			default -> 1;
		};
		if (index < 0 || index >= arguments.size()) {
			return "";
		}
		return arguments.get(index)
			.replaceAll("\\{[^}]*\\}", "{…}")
			.replaceAll("turn:[^:]+", "turn:…")
			.replaceAll("[0-9a-f]{8,}", "…")
			.replaceAll("[0-9]+", "#");
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
