package io.toolgate.loadtest.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Mono;

/**
 * The rate-limit check's added latency: the same fixed-rate load sent at once to a
 * Toolgate with limits and one without, both on the same Redis, so machine noise hits
 * both; the difference of their percentiles is the limit check's cost.
 */
final class RateLimitLatency {

	private final LoadClient client;

	RateLimitLatency(LoadClient client) {
		this.client = client;
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
	Pair chatNow(String limitedBase, String unlimitedBase, String apiKey, String prompt, double rate,
			Duration duration) {
		byte[] body = LoadClient.chatBody(prompt, false);
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

}
