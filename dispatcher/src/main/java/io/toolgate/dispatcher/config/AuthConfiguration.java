package io.toolgate.dispatcher.config;

import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;

import io.toolgate.dispatcher.auth.ApiKeyAuthenticationFilter;
import io.toolgate.dispatcher.auth.ApiKeyResolver;
import io.toolgate.dispatcher.auth.StreamTokens;
import io.toolgate.dispatcher.auth.WarmUpKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * API-key authentication: hashed keys, {@code TOOLGATE_API_KEYS}, or (demo mode) a
 * generated key in a file; and the stream tokens a browser reads a turn's events with.
 */
@Configuration(proxyBeanMethods = false)
public class AuthConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(AuthConfiguration.class);

	/**
	 * The earlier property (and, by relaxed binding, the {@code TOOLGATE_API_KEYS}
	 * variable) of plain key pairs, now carried over to {@code toolgate.auth.api-keys}
	 * ({@link AuthProperties#apiKeys()}).
	 */
	public static final String PLAIN_KEYS_PROPERTY = DeprecatedPropertyNames.API_KEYS;

	private static final String DEV_KEY_PREFIX = "tg-dev-";

	@Bean
	ApiKeyResolver apiKeyResolver(AuthProperties properties) {
		ApiKeyResolver.Builder builder = ApiKeyResolver.builder();
		properties.keys().forEach(key -> builder.hashedKey(key.tenant(), key.sha256()));
		String plain = properties.apiKeys();
		if (plain != null && !plain.isBlank()) {
			builder.plainPairs(plain);
		}
		ApiKeyResolver resolver = builder.build();
		if (resolver.isEmpty() && properties.enabled()) {
			// Reached in demo mode only: production mode refuses to start without keys
			// (DeploymentCheck).
			byte[] random = new byte[18];
			new SecureRandom().nextBytes(random);
			String key = DEV_KEY_PREFIX + HexFormat.of().formatHex(random);
			Path file = properties.devKeyFileOrDefault().toAbsolutePath();
			DevKeyFile.write(file, key);
			// Only a prefix is logged: logs are shipped and kept where the key should not
			// be.
			logger.warn("No API keys configured: generated a key for tenant 'dev' ({}…), written to {} (readable by "
					+ "this user only). Use it as 'Authorization: Bearer <key>'; configure TOOLGATE_API_KEYS or "
					+ "toolgate.auth.keys to choose keys", key.substring(0, DEV_KEY_PREFIX.length() + 4), file);
			return ApiKeyResolver.builder().plainKey("dev", key).build();
		}
		return resolver;
	}

	/** The start-up warm-up's key: unknown until the warm-up issues it. */
	@Bean
	WarmUpKey warmUpKey() {
		return new WarmUpKey();
	}

	@Bean
	@Order(FilterOrders.AUTHENTICATION)
	ApiKeyAuthenticationFilter apiKeyAuthenticationFilter(ApiKeyResolver resolver, AuthProperties properties,
			StreamTokens streamTokens, WarmUpKey warmUpKey) {
		return new ApiKeyAuthenticationFilter(resolver, properties.enabled(), streamTokens, warmUpKey);
	}

	@Bean
	StreamTokens streamTokens(StreamTokenProperties properties) {
		List<StreamTokens.SigningKey> keys = properties.keys()
			.stream()
			.map(key -> new StreamTokens.SigningKey(key.id(), key.secret().getBytes(StandardCharsets.UTF_8)))
			.toList();
		if (keys.isEmpty()) {
			// Reached in demo mode only: production mode refuses to start without a key
			// (DeploymentCheck).
			byte[] secret = new byte[StreamTokens.MIN_SECRET_BYTES];
			new SecureRandom().nextBytes(secret);
			keys = List.of(new StreamTokens.SigningKey("demo", secret));
			logger.warn("No stream-token key configured: signing stream tokens with a key generated for this process. "
					+ "Replicas of a fleet must share a key (toolgate.auth.stream-tokens.keys), or each rejects the "
					+ "tokens of the others");
		}
		return new StreamTokens(keys, properties.ttl(), Clock.systemUTC());
	}

}
