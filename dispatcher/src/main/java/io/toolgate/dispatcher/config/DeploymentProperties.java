package io.toolgate.dispatcher.config;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How this deployment runs ({@code toolgate.mode}, {@code toolgate.replicas}). Checked
 * before any bean is created (see {@code io.toolgate.dispatcher.startup}).
 *
 * @param mode {@code demo} (the default) or {@code production}, from
 * {@code TOOLGATE_MODE}
 * @param replicas the most replicas that run at once, from {@code TOOLGATE_REPLICAS}:
 * with an autoscaler its maximum, otherwise the replica count. A replica cannot see its
 * peers, so the operator states it; above 1, production mode requires Redis, since
 * in-memory state and limits are per replica
 */
@Validated
@ConfigurationProperties("toolgate")
public record DeploymentProperties(@DefaultValue("demo") DeploymentMode mode, @DefaultValue("1") @Min(1) int replicas) {

	/** Whether this is {@link DeploymentMode#PRODUCTION}. */
	public boolean isProduction() {
		return this.mode == DeploymentMode.PRODUCTION;
	}

}
