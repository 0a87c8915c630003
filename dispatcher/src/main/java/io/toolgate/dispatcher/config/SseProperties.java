package io.toolgate.dispatcher.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Server-sent event streams ({@code toolgate.sse}). Replaces
 * {@code toolgate.turn.heartbeat-interval}, which still works for one release (see
 * {@link DeprecatedPropertyNames}).
 *
 * @param heartbeatInterval interval of SSE heartbeat comments
 */
@Validated
@ConfigurationProperties("toolgate.sse")
public record SseProperties(@DefaultValue("15s") Duration heartbeatInterval) {
}
