package io.toolgate.dispatcher.metrics;

import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Redis command latency from Lettuce's Micrometer recorder:
 * {@code lettuce.command.completion} and {@code lettuce.command.firstresponse} timers
 * with {@code command} and {@code remote} labels and histogram buckets; the local socket
 * address is not a label. Apply {@link #customize(ClientResources.Builder)} to the
 * builder of the {@link ClientResources} every Lettuce client of the application shares.
 */
public final class LettuceCommandMetrics {

	private final MeterRegistry registry;

	/**
	 * Creates the hook.
	 * @param registry where the timers are registered
	 */
	public LettuceCommandMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Installs the command latency recorder.
	 * @param builder the client resources being built
	 * @return the same builder
	 */
	public ClientResources.Builder customize(ClientResources.Builder builder) {
		MicrometerOptions options = MicrometerOptions.builder()
			.histogram(true)
			.localDistinction(false)
			.targetPercentiles(new double[0])
			.build();
		return builder.commandLatencyRecorder(new MicrometerCommandLatencyRecorder(this.registry, options));
	}

	/**
	 * Client resources with the recorder installed, for clients that need no other
	 * customization.
	 */
	public ClientResources create() {
		return customize(ClientResources.builder()).build();
	}

}
