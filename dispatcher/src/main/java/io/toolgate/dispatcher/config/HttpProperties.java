package io.toolgate.dispatcher.config;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The HTTP edge ({@code toolgate.http}).
 *
 * @param maxBodySize the largest request body accepted; larger ones get 413
 * @param cors which browser origins may call the API ({@code toolgate.http.cors})
 * @param demoPage whether the demo chat page is served at {@code /}; unset means on in
 * demo mode and off in production mode
 * @param legacyErrorEvent for one release only: name the native stream's failure event
 * {@code error}, its old name, instead of {@code turn.error}
 */
@Validated
@ConfigurationProperties("toolgate.http")
public record HttpProperties(@DefaultValue("1MB") DataSize maxBodySize, @DefaultValue @Valid Cors cors,
		@Nullable Boolean demoPage, @DefaultValue("false") boolean legacyErrorEvent) {

	/** Whether the demo page is served, given the deployment mode. */
	public boolean demoPageEnabled(boolean production) {
		return (this.demoPage != null) ? this.demoPage : !production;
	}

	/**
	 * Cross-origin access for browser pages ({@code toolgate.http.cors}). Preflight
	 * requests are answered before authentication; an origin that is not allowed gets no
	 * CORS headers.
	 *
	 * @param allowedOrigins origins allowed to call the API, e.g.
	 * {@code https://chat.example.com}; patterns such as {@code https://*.example.com} or
	 * {@code http://localhost:[*]} work too. Empty (the default) allows none
	 * @param allowedMethods methods a page may use
	 * @param allowedHeaders request headers a page may send
	 * @param exposedHeaders response headers a page may read
	 * @param maxAge how long a browser may cache a preflight answer
	 * @param allowCredentials whether pages may send cookies or HTTP authentication; the
	 * API needs neither (keys are bearer tokens), so off by default
	 */
	public record Cors(@DefaultValue List<String> allowedOrigins, @DefaultValue( {
			"GET", "POST", "DELETE" }) List<String> allowedMethods,
			@DefaultValue({ "Authorization", "Content-Type", "Last-Event-ID",
					"Idempotency-Key" }) List<String> allowedHeaders,
			@DefaultValue({ "Toolgate-Turn-Id", "Toolgate-Stream-Token", "Toolgate-Correlation-Id", "Retry-After",
					"RateLimit", "RateLimit-Policy" }) List<String> exposedHeaders,
			@DefaultValue("10m") Duration maxAge, @DefaultValue("false") boolean allowCredentials){

		/** Whether any origin is allowed. */
		public boolean isEnabled() {
			return !this.allowedOrigins.isEmpty();
		}

	}

}
