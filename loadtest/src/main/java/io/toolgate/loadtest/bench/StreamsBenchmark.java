package io.toolgate.loadtest.bench;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.toolgate.loadtest.fleet.ManagedProcess;
import io.toolgate.loadtest.upstream.TokenStamps;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;

/**
 * Concurrency: opens native turn streams against a slow upstream (each turn streams for
 * five minutes), holds them all open, and reads the gateway's heap (before and after a
 * full GC) and resident set size. Once all are open, it watches them for {@link #WINDOW}:
 * which streams receive tokens, and how long each token took from the upstream to this
 * client (the upstream stamps each token with the time it sent it, see
 * {@link TokenStamps}).
 */
final class StreamsBenchmark {

	/** How long the open streams are watched for tokens. */
	static final Duration WINDOW = Duration.ofSeconds(10);

	private static final Pattern TEXT = Pattern.compile("\"text\":\"([^\"]*)\"");

	private final LoadClient client;

	StreamsBenchmark(LoadClient client) {
		this.client = client;
	}

	/**
	 * @param target streams wanted
	 * @param opened streams that received {@code turn.started}
	 * @param failed streams refused, broken or ended before the measurement was over
	 * (each lasts longer than the measurement)
	 * @param openSeconds how long opening took
	 * @param heapUsedMb heap in use with every stream open
	 * @param heapAfterGcMb heap in use right after a full GC (the live set)
	 * @param rssMb resident set size
	 * @param heapBeforeMb heap after a full GC before any stream was opened
	 * @param rssBeforeMb resident set size before any stream was opened
	 * @param receiving streams that received at least one token within {@link #WINDOW}
	 * once all were open
	 * @param delivery the time from the upstream sending a token to this client receiving
	 * it, for the tokens of that window
	 */
	record Result(int target, long opened, long failed, double openSeconds, double heapUsedMb, double heapAfterGcMb,
			double rssMb, double heapBeforeMb, double rssBeforeMb, long receiving, Latencies delivery) {
	}

	Result runNow(String gatewayUrl, String apiKey, int target, double openRate, ManagedProcess gateway) {
		JvmProbe probe = new JvmProbe(gateway);
		probe.fullGcNow();
		double heapBefore = probe.heapUsedMb();
		double rssBefore = gateway.rssKib() / 1024.0;
		AtomicLong opened = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		Set<Integer> receiving = ConcurrentHashMap.newKeySet();
		Latencies delivery = new Latencies();
		boolean[] watching = { false };
		boolean[] measured = { false };
		Disposable.Composite streams = Disposables.composite();
		long start = System.nanoTime();
		Flux.range(0, target).delayElements(Duration.ofNanos((long) (1e9 / openRate))).doOnNext((i) -> {
			String url = gatewayUrl + "/conversations/stream-" + i + "-" + start + "/turns";
			streams.add(this.client.turn(url, apiKey, "Tell me a long story about streams number " + i, (event) -> {
				if ("turn.started".equals(event.event())) {
					opened.incrementAndGet();
				}
				else if (watching[0] && "token".equals(event.event())) {
					OptionalLong sent = sentAt(event.data());
					if (sent.isPresent()) {
						delivery.recordNanos((System.currentTimeMillis() - sent.getAsLong()) * 1_000_000);
						receiving.add(i);
					}
				}
			}).subscribe((turn) -> {
				// Every stream lasts longer than the measurement: one that ends before it
				// was refused, or its turn failed.
				if (!measured[0]) {
					failed.incrementAndGet();
				}
			}, (ex) -> failed.incrementAndGet()));
		}).blockLast(Duration.ofMinutes(5));
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (opened.get() + failed.get() < target && System.nanoTime() < deadline) {
			JvmProbe.pause(Duration.ofMillis(200));
		}
		double openSeconds = (System.nanoTime() - start) / 1e9;
		watching[0] = true;
		JvmProbe.pause(WINDOW);
		watching[0] = false;
		double heapUsed = probe.heapUsedMb();
		double rss = gateway.rssKib() / 1024.0;
		probe.fullGcNow();
		double heapAfterGc = probe.heapUsedMb();
		long openNow = opened.get();
		long failedNow = failed.get();
		System.out.printf(
				"streams %d opened %d failed %d heap %.0f MB (after GC %.0f MB) rss %.0f MB; receiving tokens %d, "
						+ "delivery p50 %.1f p99 %.1f ms%n",
				target, openNow, failedNow, heapUsed, heapAfterGc, rss, receiving.size(), delivery.percentileMillis(50),
				delivery.percentileMillis(99));
		measured[0] = true;
		streams.dispose();
		return new Result(target, openNow, failedNow, openSeconds, heapUsed, heapAfterGc, rss, heapBefore, rssBefore,
				receiving.size(), delivery);
	}

	/** The time stamp of a {@code token} event's text, if it has one. */
	static OptionalLong sentAt(String data) {
		Matcher text = TEXT.matcher(data);
		return text.find() ? TokenStamps.of(text.group(1)) : OptionalLong.empty();
	}

}
