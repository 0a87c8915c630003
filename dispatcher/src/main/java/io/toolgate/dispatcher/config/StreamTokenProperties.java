package io.toolgate.dispatcher.config;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Stream tokens ({@code toolgate.auth.stream-tokens}): the short-lived, signed
 * credentials a browser's {@code EventSource} uses as {@code ?token=} to read one turn's
 * events, since it cannot send {@code Authorization}. Production mode requires a key;
 * demo mode without one generates a key per process, which only that replica accepts.
 *
 * @param ttl how long a token is valid
 * @param keys the HMAC keys, the signing one first; the others still verify, for
 * rotation. Secrets come from the environment (e.g.
 * {@code TOOLGATE_AUTH_STREAMTOKENS_KEYS_0_SECRET}), never from a committed file
 */
@Validated
@ConfigurationProperties("toolgate.auth.stream-tokens")
public record StreamTokenProperties(@DefaultValue("10m") Duration ttl, @DefaultValue List<@Valid Key> keys) {

	/**
	 * A signing key.
	 *
	 * @param id names the key inside tokens: 1-32 characters of {@code A-Z a-z 0-9 _ -}
	 * @param secret the HMAC-SHA256 secret, at least 32 characters
	 */
	public record Key(@Pattern(regexp = "[A-Za-z0-9_-]{1,32}") String id, @Size(min = 32) String secret) {
	}

}
