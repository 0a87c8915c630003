package io.toolgate.streaming.upstream;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Settings of an {@link OpenAiModelClient}.
 * <p>
 * {@code baseUrl} follows the OpenAI SDKs' convention: it includes the version path and
 * the client appends {@code /chat/completions}, e.g. {@code https://api.openai.com/v1} or
 * {@code http://localhost:8081/v1}. A trailing slash is tolerated.
 *
 * @param baseUrl the API base URL, absolute, {@code http} or {@code https}
 * @param apiKey the key sent as {@code Authorization: Bearer}; {@code null} or blank
 * sends none
 * @param connectTimeout TCP connect timeout
 * @param firstTokenTimeout longest wait, from subscription, for the first SSE event of a
 * stream
 * @param idleTimeout longest gap between two SSE events of a stream
 * @param requestTimeout longest non-streaming call, from subscription to decoded response
 * @param maxEventBytes the largest SSE event (and error body) accepted
 * @param maxConnections the bound of the client's connection pool to the upstream; calls
 * beyond it wait for a connection, at most {@code 4 × maxConnections} of them and each at
 * most the connect timeout, then fail as {@code CONNECT}
 */
public record OpenAiClientSettings(URI baseUrl, @Nullable String apiKey, Duration connectTimeout,
		Duration firstTokenTimeout, Duration idleTimeout, Duration requestTimeout, int maxEventBytes,
		int maxConnections) {

	/**
	 * Validates the settings.
	 * @throws IllegalArgumentException if the base URL is not absolute http(s), a
	 * duration is not positive, or {@code maxEventBytes} is not positive
	 */
	public OpenAiClientSettings {
		if (baseUrl == null || !baseUrl.isAbsolute() || baseUrl.getHost() == null
				|| !("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))) {
			throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL");
		}
		requirePositive(connectTimeout, "connectTimeout must be positive");
		requirePositive(firstTokenTimeout, "firstTokenTimeout must be positive");
		requirePositive(idleTimeout, "idleTimeout must be positive");
		requirePositive(requestTimeout, "requestTimeout must be positive");
		if (maxEventBytes <= 0) {
			throw new IllegalArgumentException("maxEventBytes must be positive");
		}
		if (maxConnections <= 0) {
			throw new IllegalArgumentException("maxConnections must be positive");
		}
	}

	/**
	 * Returns settings with defaults: no key, connect 5 s, first token 30 s, idle 30 s,
	 * request 120 s, events up to 1 MiB, 1,000 connections.
	 * @param baseUrl the API base URL, e.g. {@code http://localhost:8081/v1}
	 */
	public static OpenAiClientSettings ofDefaults(URI baseUrl) {
		return new OpenAiClientSettings(baseUrl, null, Duration.ofSeconds(5), Duration.ofSeconds(30),
				Duration.ofSeconds(30), Duration.ofSeconds(120), SseParser.DEFAULT_MAX_EVENT_BYTES, 1000);
	}

	/** Returns a copy with another API key. */
	public OpenAiClientSettings withApiKey(@Nullable String key) {
		return new OpenAiClientSettings(this.baseUrl, key, this.connectTimeout, this.firstTokenTimeout,
				this.idleTimeout, this.requestTimeout, this.maxEventBytes, this.maxConnections);
	}

	/** Returns a copy with other stream timeouts. */
	public OpenAiClientSettings withStreamTimeouts(Duration firstToken, Duration idle) {
		return new OpenAiClientSettings(this.baseUrl, this.apiKey, this.connectTimeout, firstToken, idle,
				this.requestTimeout, this.maxEventBytes, this.maxConnections);
	}

	/** Returns a copy with another non-streaming request timeout. */
	public OpenAiClientSettings withRequestTimeout(Duration timeout) {
		return new OpenAiClientSettings(this.baseUrl, this.apiKey, this.connectTimeout, this.firstTokenTimeout,
				this.idleTimeout, timeout, this.maxEventBytes, this.maxConnections);
	}

	/** Returns the URL of the chat-completions endpoint. */
	public URI chatCompletionsUrl() {
		String base = this.baseUrl.toString();
		return URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
	}

	/** Whether a key is configured. */
	public boolean hasApiKey() {
		return this.apiKey != null && !this.apiKey.isBlank();
	}

	private static void requirePositive(@Nullable Duration duration, String message) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(message);
		}
	}

	@Override
	public String toString() {
		// Never print the key.
		return "OpenAiClientSettings[baseUrl=" + this.baseUrl + ", apiKey=" + (hasApiKey() ? "****" : "none")
				+ ", connectTimeout=" + this.connectTimeout + ", firstTokenTimeout=" + this.firstTokenTimeout
				+ ", idleTimeout=" + this.idleTimeout + ", requestTimeout=" + this.requestTimeout + ", maxEventBytes="
				+ this.maxEventBytes + "]";
	}

}
