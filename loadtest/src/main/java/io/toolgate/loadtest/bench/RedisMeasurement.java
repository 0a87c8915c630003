package io.toolgate.loadtest.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.toolgate.loadtest.fleet.Fleet;
import io.toolgate.loadtest.fleet.ManagedProcess;
import io.toolgate.loadtest.fleet.Registries;

import static io.toolgate.loadtest.bench.Toolgates.GENEROUS_PLAN;
import static io.toolgate.loadtest.bench.Toolgates.KEY;
import static io.toolgate.loadtest.bench.Toolgates.NO_LIMITS;
import static io.toolgate.loadtest.bench.Toolgates.base;

/**
 * The Redis measurement: Redis commands per request of each kind, with rate limits on and
 * off, then the rate-limit check's added latency, and the report section of both.
 */
final class RedisMeasurement {

	/**
	 * Rate-limit calls answered by the per-replica fallback because Redis did not answer
	 * within the timeout.
	 */
	private static final String BACKEND_FAILURES = "toolgate.ratelimit.backend.failures";

	private static final String PROMPT = "Explain back-pressure in reactive streams";

	private final Fleet fleet;

	private final Toolgates toolgates;

	private final Scale scale;

	private final RedisCommandCounter counter;

	private final RateLimitLatency latency;

	/** Counts of both Toolgates per kind: with limits, then without. */
	private final List<RedisCommandCounter.Count> counts = new ArrayList<>();

	private final List<String> descriptions = new ArrayList<>();

	RedisMeasurement(Fleet fleet, Toolgates toolgates, Scale scale, LoadClient client, int redisPort) {
		this.fleet = fleet;
		this.toolgates = toolgates;
		this.scale = scale;
		this.counter = new RedisCommandCounter(client, redisPort);
		this.latency = new RateLimitLatency(client);
	}

	/** Runs both parts and adds section 5 to the report. */
	void run(Report report) {
		Map<String, Double> idle = countCommands();
		List<RateLimitLatency.Pair> pairs = measureLatency();
		report.redis(this.counts, this.descriptions, idle, pairs, this.toolgates.profileOf("redis-latency-limits"));
	}

	/**
	 * Part 1: commands per turn. A short first-token delay, tokens as far apart as in the
	 * other measurements (performance issue: round trips with tokens 5 ms apart); a
	 * worker answering at once.
	 * @return the background commands per second with every replica idle
	 */
	private Map<String, Double> countCommands() {
		ManagedProcess upstream = this.fleet.upstreamNow(List.of("--ttft-ms=5",
				"--inter-token-ms=" + Scale.UPSTREAM_INTER_TOKEN_MS, "--reply-words=8", "--tool-calls=2"));
		ManagedProcess worker = this.fleet.toolWorkerNow(List.of("--latency=fixed:2"));
		String tools = Registries.workAndReviewTools("http://127.0.0.1:" + worker.port() + "/tool", 64);
		ManagedProcess plainOn = this.toolgates.startNow("redis-plain-limits", "-Xmx512m", upstream, Registries.empty(),
				GENEROUS_PLAN);
		ManagedProcess plainOff = this.toolgates.startNow("redis-plain-nolimits", "-Xmx512m", upstream,
				Registries.empty(), NO_LIMITS);
		ManagedProcess toolsOn = this.toolgates.startNow("redis-tools-limits", "-Xmx512m", upstream, tools,
				GENEROUS_PLAN);
		ManagedProcess toolsOff = this.toolgates.startNow("redis-tools-nolimits", "-Xmx512m", upstream, tools,
				NO_LIMITS);
		List<RedisCommandCounter.Kind[]> kinds = kinds(plainOn, plainOff, toolsOn, toolsOff);
		// Warm up every path (JIT, Lua scripts loaded, connections) before anything is
		// counted.
		for (RedisCommandCounter.Kind[] pair : kinds) {
			this.counter.countNow(pair[0], true, 20);
			this.counter.countNow(pair[1], false, 20);
		}
		Map<String, Double> idle = this.counter.idlePerSecondNow(Duration.ofSeconds(5));
		for (RedisCommandCounter.Kind[] pair : kinds) {
			count(pair);
		}
		this.toolgates.stop("redis-tools-limits", toolsOn);
		this.toolgates.stop("redis-tools-nolimits", toolsOff);
		this.toolgates.stop("redis-plain-limits", plainOn);
		this.toolgates.stop("redis-plain-nolimits", plainOff);
		this.fleet.stop(worker);
		this.fleet.stop(upstream);
		return idle;
	}

	/** Each kind of request against the Toolgate with limits and the one without. */
	private List<RedisCommandCounter.Kind[]> kinds(ManagedProcess plainOn, ManagedProcess plainOff,
			ManagedProcess toolsOn, ManagedProcess toolsOff) {
		RedisCommandCounter c = this.counter;
		return List.of(
				new RedisCommandCounter.Kind[] {
						c.turns("plain turn", "native turn, no tools registered, a new conversation per turn",
								base(plainOn), KEY, PROMPT, 0, 1),
						c.turns("plain turn", "", base(plainOff), KEY, PROMPT, 0, 1) },
				new RedisCommandCounter.Kind[] {
						c.turns("plain turn, continued", "native turn, no tools, 10 turns per conversation",
								base(plainOn), KEY, PROMPT, 0, 10),
						c.turns("plain turn, continued", "", base(plainOff), KEY, PROMPT, 0, 10) },
				new RedisCommandCounter.Kind[] {
						c.turns("2 parallel tool calls",
								"native turn whose model calls 2 HTTP tools at once, then answers (2 model calls)",
								base(toolsOn), KEY, PROMPT, 2, 1),
						c.turns("2 parallel tool calls", "", base(toolsOff), KEY, PROMPT, 2, 1) },
				new RedisCommandCounter.Kind[] { c.chat("chat completion",
						"stateless non-streaming `POST /v1/chat/completions`", base(plainOn), KEY, PROMPT),
						c.chat("chat completion", "", base(plainOff), KEY, PROMPT) });
	}

	private void count(RedisCommandCounter.Kind[] pair) {
		this.descriptions.add(pair[0].description());
		RedisCommandCounter.Count on = this.counter.countNow(pair[0], true, this.scale.redisTurns());
		RedisCommandCounter.Count off = this.counter.countNow(pair[1], false, this.scale.redisTurns());
		System.out.printf(
				"redis %s: %.1f commands (%.1f round trips) per turn with limits, %.1f (%.1f) without, "
						+ "failed %d/%d%n",
				on.kind(), on.executedTotal(), on.sentTotal(), off.executedTotal(), off.sentTotal(), on.failed(),
				off.failed());
		this.counts.add(on);
		this.counts.add(off);
	}

	/**
	 * Part 2: the limit check's latency. An instant model; both Toolgates loaded at once
	 * at the same rate.
	 */
	private List<RateLimitLatency.Pair> measureLatency() {
		ManagedProcess instant = this.fleet
			.upstreamNow(List.of("--ttft-ms=0", "--inter-token-ms=0", "--reply-words=8"));
		ManagedProcess limited = this.toolgates.startNow("redis-latency-limits", "-Xmx512m", instant,
				Registries.empty(), GENEROUS_PLAN);
		ManagedProcess unlimited = this.toolgates.startNow("redis-latency-nolimits", "-Xmx512m", instant,
				Registries.empty(), NO_LIMITS);
		String on = base(limited);
		String off = base(unlimited);
		// Warm up gently (a cold JVM on 2 cores falls behind at once), then at the lowest
		// measured rate.
		for (double rate : List.of(20.0, 100.0, 200.0)) {
			this.latency.modelsNow(on, off, KEY, rate, Duration.ofSeconds(4));
			this.latency.chatNow(on, off, KEY, PROMPT, rate, Duration.ofSeconds(4));
		}
		List<RateLimitLatency.Pair> pairs = new ArrayList<>();
		JvmProbe probe = new JvmProbe(limited);
		Duration duration = this.scale.redisDuration();
		for (double rate : this.scale.redisRates()) {
			double before = probe.metric(BACKEND_FAILURES);
			RateLimitLatency.Pair pair = this.latency.modelsNow(on, off, KEY, rate, duration);
			pairs.add(pair.withFallbacks(probe.metric(BACKEND_FAILURES) - before));
		}
		for (double rate : this.scale.redisChatRates()) {
			double before = probe.metric(BACKEND_FAILURES);
			RateLimitLatency.Pair pair = this.latency.chatNow(on, off, KEY, PROMPT, rate, duration);
			pairs.add(pair.withFallbacks(probe.metric(BACKEND_FAILURES) - before));
		}
		this.toolgates.stop("redis-latency-limits", limited);
		this.toolgates.stop("redis-latency-nolimits", unlimited);
		this.fleet.stop(instant);
		return pairs;
	}

}
