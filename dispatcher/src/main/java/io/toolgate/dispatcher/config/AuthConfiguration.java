package io.toolgate.dispatcher.config;

import java.security.SecureRandom;
import java.util.HexFormat;

import io.toolgate.dispatcher.auth.ApiKeyAuthenticationFilter;
import io.toolgate.dispatcher.auth.ApiKeyResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/** API-key authentication: hashed keys, {@code TOOLGATE_API_KEYS}, or a generated development key. */
@Configuration(proxyBeanMethods = false)
public class AuthConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(AuthConfiguration.class);

	/** Property (and, by relaxed binding, the {@code TOOLGATE_API_KEYS} variable) of plain key pairs. */
	static final String PLAIN_KEYS_PROPERTY = "toolgate.api-keys";

	@Bean
	ApiKeyResolver apiKeyResolver(AuthProperties properties, Environment environment) {
		ApiKeyResolver.Builder builder = ApiKeyResolver.builder();
		properties.keys().forEach(key -> builder.hashedKey(key.tenant(), key.sha256()));
		String plain = environment.getProperty(PLAIN_KEYS_PROPERTY);
		if (plain != null && !plain.isBlank()) {
			builder.plainPairs(plain);
		}
		ApiKeyResolver resolver = builder.build();
		if (resolver.isEmpty() && properties.enabled()) {
			byte[] random = new byte[18];
			new SecureRandom().nextBytes(random);
			String key = "tg-dev-" + HexFormat.of().formatHex(random);
			logger.warn("No API keys configured: generated a key for tenant 'dev'. Use it as "
					+ "'Authorization: Bearer {}' (configure toolgate.auth.keys or TOOLGATE_API_KEYS in production)",
					key);
			return ApiKeyResolver.builder().plainKey("dev", key).build();
		}
		return resolver;
	}

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE + 10)
	ApiKeyAuthenticationFilter apiKeyAuthenticationFilter(ApiKeyResolver resolver, AuthProperties properties) {
		return new ApiKeyAuthenticationFilter(resolver, properties.enabled());
	}

}
