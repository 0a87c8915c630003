package io.toolgate.dispatcher.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The model upstream ({@code toolgate.upstream}). Without a base URL the simulated model
 * answers.
 *
 * @param baseUrl base URL of an OpenAI-compatible API, e.g.
 * {@code https://api.openai.com/v1}; unset means the simulated model
 * @param apiKey the upstream's API key, sent as a bearer token; from the environment,
 * never defaulted
 * @param defaultModel the model used when a request names none
 * @param models the models listed by {@code GET /v1/models}; empty means just the default
 * model
 * @param connectTimeout TCP connect timeout to the upstream
 * @param firstTokenTimeout longest wait for the first streamed chunk
 * @param idleTimeout longest gap between two streamed chunks
 * @param requestTimeout longest non-streaming call
 * @param maxConnections the bound of the connection pool to the upstream
 * @param simulated settings of the simulated model
 */
@ConfigurationProperties("toolgate.upstream")
public record UpstreamProperties(@Nullable URI baseUrl, @Nullable String apiKey,
		@DefaultValue("toolgate-sim") String defaultModel, @DefaultValue List<String> models,
		@DefaultValue("5s") Duration connectTimeout, @DefaultValue("30s") Duration firstTokenTimeout,
		@DefaultValue("30s") Duration idleTimeout, @DefaultValue("120s") Duration requestTimeout,
		@DefaultValue("1000") int maxConnections, @DefaultValue Simulated simulated) {

	/** Whether the simulated model is used. */
	public boolean isSimulated() {
		return this.baseUrl == null;
	}

	/** The models to list. */
	public List<String> listedModels() {
		return this.models.isEmpty() ? List.of(this.defaultModel) : this.models;
	}

	/**
	 * The simulated model ({@code toolgate.upstream.simulated}).
	 *
	 * @param timeToFirstToken delay before the first token
	 * @param interTokenDelay delay between tokens
	 */
	public record Simulated(@DefaultValue("150ms") Duration timeToFirstToken,
			@DefaultValue("25ms") Duration interTokenDelay) {
	}

}
