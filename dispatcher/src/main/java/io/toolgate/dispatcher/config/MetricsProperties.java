package io.toolgate.dispatcher.config;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Gateway metrics ({@code toolgate.metrics}).
 *
 * @param tenantLabel whether turn and tool call metrics carry a {@code tenant} label; off
 * by default, since the number of tenants is the number of series multiplied
 * @param maxModelValues how many distinct requested model names are labelled as such;
 * later ones are labelled {@code other}
 * @param nettyServer whether Reactor Netty server metrics ({@code reactor.netty.*}) are
 * recorded
 */
@Validated
@ConfigurationProperties("toolgate.metrics")
public record MetricsProperties(@DefaultValue("false") boolean tenantLabel,
		@DefaultValue("32") @Min(1) int maxModelValues, @DefaultValue("true") boolean nettyServer) {
}
