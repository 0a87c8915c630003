package io.toolgate.streaming.upstream;

import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Settings of a {@link SimulatedModelClient}.
 *
 * @param timeToFirstToken delay before the first event of a reply (a token, or the tool
 * calls)
 * @param interTokenDelay delay between two events of a reply
 * @param replyWords the length of text replies in words; 0 keeps the natural reply
 * @param parallelToolCalls how many tool calls to make when tools are offered; 0 makes as
 * many as the prompt asks for
 * @param errorRate the share of requests, 0 to 1, that fail with
 * {@link UpstreamException.Kind#SERVER_ERROR} before their first token
 * @param streamCutRate the share of streamed requests, 0 to 1, cut off with
 * {@link UpstreamException.Kind#STREAM_CUT} partway
 * @param seed mixed into the per-request random choice of failures
 */
public record SimulatedModelSettings(Duration timeToFirstToken, Duration interTokenDelay, int replyWords,
		int parallelToolCalls, double errorRate, double streamCutRate, long seed) {

	/**
	 * Validates the settings.
	 * @throws IllegalArgumentException if a delay is negative, a count is negative, or a
	 * rate is outside 0..1
	 */
	public SimulatedModelSettings {
		if (timeToFirstToken == null || timeToFirstToken.isNegative()) {
			throw new IllegalArgumentException("timeToFirstToken must not be negative");
		}
		if (interTokenDelay == null || interTokenDelay.isNegative()) {
			throw new IllegalArgumentException("interTokenDelay must not be negative");
		}
		if (replyWords < 0) {
			throw new IllegalArgumentException("replyWords must not be negative");
		}
		if (parallelToolCalls < 0) {
			throw new IllegalArgumentException("parallelToolCalls must not be negative");
		}
		if (!(errorRate >= 0 && errorRate <= 1)) {
			throw new IllegalArgumentException("errorRate must be between 0 and 1");
		}
		if (!(streamCutRate >= 0 && streamCutRate <= 1)) {
			throw new IllegalArgumentException("streamCutRate must be between 0 and 1");
		}
	}

	/**
	 * Returns settings pleasant for a demo: first token after 200 ms, then one every 30
	 * ms, no failures.
	 */
	public static SimulatedModelSettings ofDefaults() {
		return new SimulatedModelSettings(Duration.ofMillis(200), Duration.ofMillis(30), 0, 0, 0, 0, 0);
	}

	/** Returns settings without delays or failures, for tests. */
	public static SimulatedModelSettings instant() {
		return new SimulatedModelSettings(Duration.ZERO, Duration.ZERO, 0, 0, 0, 0, 0);
	}

	/** Returns a copy with other delays. */
	public SimulatedModelSettings withDelays(Duration firstToken, Duration interToken) {
		return new SimulatedModelSettings(firstToken, interToken, this.replyWords, this.parallelToolCalls,
				this.errorRate, this.streamCutRate, this.seed);
	}

	/** Returns a copy with other failure rates. */
	public SimulatedModelSettings withFailureRates(double error, double streamCut) {
		return new SimulatedModelSettings(this.timeToFirstToken, this.interTokenDelay, this.replyWords,
				this.parallelToolCalls, error, streamCut, this.seed);
	}

	/** Returns a copy with another reply length and tool-call count. */
	public SimulatedModelSettings withShape(int words, int toolCalls) {
		return new SimulatedModelSettings(this.timeToFirstToken, this.interTokenDelay, words, toolCalls, this.errorRate,
				this.streamCutRate, this.seed);
	}

	/**
	 * Paces items as a reply streams: the first after {@link #timeToFirstToken}, each
	 * next one {@link #interTokenDelay} after the previous. Timing runs on Reactor's
	 * parallel scheduler; zero delays add no scheduling at all.
	 * @param items the items
	 * @param <T> their type
	 * @return the paced items
	 */
	public <T> Flux<T> pace(Flux<T> items) {
		if (this.timeToFirstToken.isZero() && this.interTokenDelay.isZero()) {
			return items;
		}
		return items.index().concatMap((item) -> {
			Duration delay = (item.getT1() == 0) ? this.timeToFirstToken : this.interTokenDelay;
			return delay.isZero() ? Mono.just(item.getT2()) : Mono.delay(delay).thenReturn(item.getT2());
		});
	}

	/**
	 * Returns a delay of the time to first token, or an immediate signal when it is zero.
	 */
	public Mono<Long> firstTokenDelay() {
		return this.timeToFirstToken.isZero() ? Mono.just(0L) : Mono.delay(this.timeToFirstToken);
	}

}
