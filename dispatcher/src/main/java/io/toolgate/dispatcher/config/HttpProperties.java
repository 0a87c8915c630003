package io.toolgate.dispatcher.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The HTTP edge ({@code toolgate.http}).
 *
 * @param maxBodySize the largest request body accepted; larger ones get 413
 */
@ConfigurationProperties("toolgate.http")
public record HttpProperties(@DefaultValue("1MB") DataSize maxBodySize) {
}
