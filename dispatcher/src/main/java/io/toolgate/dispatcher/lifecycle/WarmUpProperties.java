package io.toolgate.dispatcher.lifecycle;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The start-up warm-up ({@code toolgate.warm-up}): before readiness reports UP, the
 * replica sends itself chat completions, streamed and not, through its own HTTP port,
 * authentication, rate limits, turn engine and model client, answered by a loopback
 * stand-in for the model, so that the JIT has compiled the request path before real
 * traffic arrives. Runs only with a configured upstream (the simulated model needs none).
 *
 * @param enabled whether to warm up
 * @param requests how many requests the warm-up sends: enough for the JIT's optimizing
 * compiler to take the per-request code (it compiles a method after some thousands of
 * calls)
 * @param maxDuration the longest the warm-up sends requests, however many it has sent:
 * the most it delays readiness on a slow or busy machine
 * @param concurrency how many requests are in flight at once
 */
@Validated
@ConfigurationProperties("toolgate.warm-up")
public record WarmUpProperties(@DefaultValue("true") boolean enabled, @DefaultValue("20000") int requests,
		@DefaultValue("30s") Duration maxDuration, @DefaultValue("32") int concurrency) {

	public WarmUpProperties {
		if (requests < 0) {
			throw new IllegalArgumentException("toolgate.warm-up.requests must not be negative");
		}
		if (maxDuration.isNegative()) {
			throw new IllegalArgumentException("toolgate.warm-up.max-duration must not be negative");
		}
		if (concurrency < 1 || concurrency > 1024) {
			throw new IllegalArgumentException("toolgate.warm-up.concurrency must be between 1 and 1024");
		}
	}

}
