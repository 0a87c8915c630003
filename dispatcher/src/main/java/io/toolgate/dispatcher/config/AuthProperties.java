package io.toolgate.dispatcher.config;

import java.nio.file.Path;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * API keys ({@code toolgate.auth}). Keys are configured as SHA-256 hashes;
 * {@link #apiKeys} adds plain {@code tenant:key} pairs for quick setups, usually from
 * {@code TOOLGATE_API_KEYS} (property {@code toolgate.api-keys}, which still works and is
 * carried over to {@code toolgate.auth.api-keys}, see {@link DeprecatedPropertyNames}).
 * With no key configured at all, demo mode generates a key for tenant {@code dev}, writes
 * it to {@link #devKeyFile} and logs its prefix and that path; production mode refuses to
 * start.
 *
 * @param enabled whether requests must carry a key
 * @param keys hashed keys and their tenants
 * @param devKeyFile where demo mode writes the generated key (readable by its owner
 * only); unset means {@code toolgate-dev-key} in {@code java.io.tmpdir}
 * @param apiKeys plain {@code tenant:key} pairs, separated by commas;
 * {@code toolgate.api-keys} and {@code TOOLGATE_API_KEYS} set it too
 */
@Validated
@ConfigurationProperties("toolgate.auth")
public record AuthProperties(@DefaultValue("true") boolean enabled, @DefaultValue List<@Valid HashedKey> keys,
		@Nullable Path devKeyFile, @Nullable String apiKeys) {

	/** The file for the generated key: {@link #devKeyFile}, or its default. */
	public Path devKeyFileOrDefault() {
		return this.devKeyFile != null ? this.devKeyFile : DevKeyFile.defaultPath();
	}

	/**
	 * A hashed key.
	 *
	 * @param tenant the tenant the key acts for
	 * @param sha256 the lowercase hex SHA-256 of the key
	 */
	public record HashedKey(@NotBlank String tenant, @Pattern(regexp = "[0-9a-f]{64}") String sha256) {
	}

}
