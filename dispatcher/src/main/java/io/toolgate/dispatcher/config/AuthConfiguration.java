package io.toolgate.dispatcher.config;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

import io.toolgate.dispatcher.auth.ApiKeyAuthenticationFilter;
import io.toolgate.dispatcher.auth.ApiKeyResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** API-key authentication: hashed keys, {@code TOOLGATE_API_KEYS}, or (demo mode) a generated key in a file. */
@Configuration(proxyBeanMethods = false)
public class AuthConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(AuthConfiguration.class);

	/**
	 * The earlier property (and, by relaxed binding, the {@code TOOLGATE_API_KEYS} variable) of plain key pairs, now
	 * carried over to {@code toolgate.auth.api-keys} ({@link AuthProperties#apiKeys()}).
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
			// Reached in demo mode only: production mode refuses to start without keys (DeploymentCheck).
			byte[] random = new byte[18];
			new SecureRandom().nextBytes(random);
			String key = DEV_KEY_PREFIX + HexFormat.of().formatHex(random);
			Path file = properties.devKeyFileOrDefault().toAbsolutePath();
			DevKeyFile.write(file, key);
			// Only a prefix is logged: logs are shipped and kept where the key should not be.
			logger.warn("No API keys configured: generated a key for tenant 'dev' ({}…), written to {} (readable by "
					+ "this user only). Use it as 'Authorization: Bearer <key>'; configure TOOLGATE_API_KEYS or "
					+ "toolgate.auth.keys to choose keys", key.substring(0, DEV_KEY_PREFIX.length() + 4), file);
			return ApiKeyResolver.builder().plainKey("dev", key).build();
		}
		return resolver;
	}

	@Bean
	@Order(FilterOrders.AUTHENTICATION)
	ApiKeyAuthenticationFilter apiKeyAuthenticationFilter(ApiKeyResolver resolver, AuthProperties properties) {
		return new ApiKeyAuthenticationFilter(resolver, properties.enabled());
	}

}
