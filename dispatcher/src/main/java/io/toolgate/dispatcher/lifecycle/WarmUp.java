package io.toolgate.dispatcher.lifecycle;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.toolgate.dispatcher.auth.WarmUpKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Runs the start-up warm-up (see {@link WarmUpProperties}) and holds readiness DOWN until
 * it has ended: a closed loop of chat completions, alternately streamed and not, sent by
 * this replica to its own port with the warm-up's key ({@link WarmUpKey}) and model
 * ({@link WarmUpModels#MODEL}). A warm-up that fails, or does not end within its duration
 * and a grace, ends all the same: it delays readiness, it never withholds it.
 */
public final class WarmUp implements ReactiveHealthIndicator, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(WarmUp.class);

	/**
	 * Added to the longest duration: the longest the warm-up waits for its last requests.
	 */
	private static final Duration GRACE = Duration.ofSeconds(30);

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

	private final WarmUpProperties properties;

	private final WarmUpKey key;

	private final @Nullable WarmUpModels model;

	private volatile boolean done;

	private volatile @Nullable Disposable running;

	/**
	 * Creates the warm-up; nothing runs before {@link #start(int)}.
	 * @param properties how long and how many at once
	 * @param key the key its requests authenticate with
	 * @param model routes its model to the loopback stand-in; {@code null} when there is
	 * nothing to warm up, and then {@link #skip()} must be called
	 */
	public WarmUp(WarmUpProperties properties, WarmUpKey key, @Nullable WarmUpModels model) {
		this.properties = properties;
		this.key = key;
		this.model = model;
	}

	/**
	 * Starts the warm-up against the server on a port; returns at once.
	 * @param port the HTTP port of this replica's API
	 */
	public void start(int port) {
		WarmUpModels models = Objects.requireNonNull(this.model, "model");
		long started = System.nanoTime();
		AtomicLong sent = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		ConnectionProvider connections = ConnectionProvider.builder("toolgate-warm-up")
			.maxConnections(this.properties.concurrency())
			.pendingAcquireMaxCount(-1)
			.build();
		Mono<Void> run = Mono.usingWhen(WarmUpUpstream.start(REQUEST_TIMEOUT), upstream -> {
			models.start(upstream.baseUrl());
			String apiKey = this.key.issue();
			HttpClient client = HttpClient.create(connections)
				.baseUrl("http://127.0.0.1:" + port)
				.responseTimeout(REQUEST_TIMEOUT)
				.headers(headers -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + apiKey)
					.set(HttpHeaderNames.CONTENT_TYPE, "application/json"));
			return load(client, sent, failed);
		}, upstream -> Mono.fromRunnable(() -> end(models, upstream)),
				(upstream, error) -> Mono.fromRunnable(() -> end(models, upstream)),
				upstream -> Mono.fromRunnable(() -> end(models, upstream)))
			.timeout(this.properties.maxDuration().plus(GRACE));
		logger.info(
				"Warming up with {} requests ({} at once, for at most {}) before reporting ready; "
						+ "toolgate.warm-up.enabled=false turns it off",
				this.properties.requests(), this.properties.concurrency(), this.properties.maxDuration());
		this.running = run.doFinally(signal -> connections.dispose()).subscribe(null, error -> {
			this.done = true;
			logger.warn("Warm-up stopped early after {} requests: {}; reporting ready anyway", sent.get(),
					error.toString());
		}, () -> {
			this.done = true;
			long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
			if (failed.get() > 0) {
				logger.warn("Warm-up: {} requests in {} s, {} of them failed; reporting ready", sent.get(), seconds,
						failed.get());
			}
			else {
				logger.info("Warm-up: {} requests in {} s; reporting ready", sent.get(), seconds);
			}
		});
	}

	/** Marks the warm-up as ended without running it. */
	public void skip() {
		this.done = true;
	}

	/** Whether the warm-up has ended (or was skipped). */
	public boolean isDone() {
		return this.done;
	}

	@Override
	public Mono<Health> health() {
		return Mono.just(this.done ? Health.up().build() : Health.down().withDetail("warmUp", "running").build());
	}

	/** Stops a warm-up still running, as the application closes. */
	@Override
	public void close() {
		Disposable disposable = this.running;
		if (disposable != null) {
			disposable.dispose();
		}
	}

	private Mono<Void> load(HttpClient client, AtomicLong sent, AtomicLong failed) {
		long deadline = System.nanoTime() + this.properties.maxDuration().toNanos();
		int loops = Math.min(this.properties.concurrency(), this.properties.requests());
		return Flux.range(0, loops)
			.flatMap(loop -> Mono.defer(() -> request(client, sent.getAndIncrement() % 2 == 0)).doOnNext(ok -> {
				if (!ok) {
					failed.incrementAndGet();
				}
			}).repeat(() -> sent.get() < this.properties.requests() && System.nanoTime() < deadline), loops)
			.then();
	}

	private static Mono<Boolean> request(HttpClient client, boolean stream) {
		byte[] body = ("{\"model\":\"" + WarmUpModels.MODEL + "\",\"stream\":" + stream
				+ ",\"messages\":[{\"role\":\"user\",\"content\":\"Warm up\"}]}")
			.getBytes(StandardCharsets.UTF_8);
		return client.post()
			.uri("/v1/chat/completions")
			.send(ByteBufFlux.fromInbound(Mono.just(body)))
			.responseSingle((response, content) -> content.asString()
				.defaultIfEmpty("")
				.map(text -> response.status().code() == 200 && (!stream || text.contains("[DONE]"))))
			.onErrorReturn(false);
	}

	private void end(WarmUpModels models, WarmUpUpstream upstream) {
		this.key.revoke();
		models.stop();
		upstream.close();
	}

}
