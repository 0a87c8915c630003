package io.toolgate.dispatcher.metrics;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.toolgate.streaming.openai.Usage;
import io.toolgate.streaming.upstream.ModelEvent;
import io.toolgate.streaming.upstream.UpstreamException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SignalType;

/**
 * Model call metrics after the OpenTelemetry GenAI semantic conventions, all with
 * {@code gen_ai.operation.name=chat}, {@code gen_ai.provider.name},
 * {@code gen_ai.request.model} (capped distinct values) and {@code error.type} (empty on
 * success):
 * <ul>
 * <li>{@code gen_ai.client.operation.duration}: the whole streamed call;</li>
 * <li>{@code gen_ai.client.operation.time_to_first_chunk}: until the first event of the
 * stream;</li>
 * <li>{@code gen_ai.client.token.usage} by {@code gen_ai.token.type} ({@code input},
 * {@code output}), from the usage the model reports.</li>
 * </ul>
 * Each call is also a span named {@code chat {model}}.
 */
public final class ModelCallMetrics {

	private final MeterRegistry registry;

	private final Spans spans;

	private final BoundedTagValues models;

	private final MeterCache<Timer> timers = new MeterCache<>();

	private final MeterCache<DistributionSummary> tokenUsage = new MeterCache<>();

	ModelCallMetrics(MeterRegistry registry, Spans spans, int maxModelValues) {
		this.registry = registry;
		this.spans = spans;
		this.models = new BoundedTagValues(maxModelValues);
	}

	/**
	 * Instruments one streamed model call. Lazy: the clock starts at subscription.
	 * @param provider the provider name ({@code ModelClient.providerName()})
	 * @param model the requested model
	 * @param call the call's events
	 * @return the same events
	 */
	public Flux<ModelEvent> stream(String provider, String model, Flux<ModelEvent> call) {
		String modelTag = this.models.bound(model);
		Flux<ModelEvent> measured = Flux.defer(() -> {
			long start = System.nanoTime();
			AtomicBoolean first = new AtomicBoolean(true);
			String[] errorType = { "" };
			return call.doOnNext(event -> {
				if (first.compareAndSet(true, false)) {
					timer(GenAi.TIME_TO_FIRST_CHUNK, "Time to receive the first chunk of a streamed response", provider,
							modelTag, "")
						.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
				}
				if (event instanceof ModelEvent.Completed completed) {
					recordUsage(provider, modelTag, completed.usage());
				}
			}).doOnError(ex -> errorType[0] = errorType(ex)).doFinally(signal -> {
				String error = (signal == SignalType.CANCEL) ? "cancelled" : errorType[0];
				timer(GenAi.OPERATION_DURATION, "GenAI operation duration", provider, modelTag, error)
					.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			});
		});
		return this.spans.flux(GenAi.CHAT,
				observation -> observation.contextualName(GenAi.CHAT + " " + modelTag)
					.lowCardinalityKeyValue(GenAi.OPERATION_NAME, GenAi.CHAT)
					.lowCardinalityKeyValue(GenAi.PROVIDER_NAME, provider)
					.lowCardinalityKeyValue(GenAi.REQUEST_MODEL, modelTag),
				measured);
	}

	private void recordUsage(String provider, String model, Usage usage) {
		if (usage.promptTokens() > 0) {
			tokens(provider, model, "input").record(usage.promptTokens());
		}
		if (usage.completionTokens() > 0) {
			tokens(provider, model, "output").record(usage.completionTokens());
		}
	}

	private Timer timer(String name, String description, String provider, String model, String errorType) {
		return this.timers.get(List.of(name, provider, model, errorType),
				() -> Timer.builder(name)
					.description(description)
					// gen_ai.tool.name keeps the label set equal to the one of the
					// execute_tool series.
					.tags(chatTags(provider, model).and(GenAi.TOOL_NAME, "", GenAi.ERROR_TYPE, errorType))
					.serviceLevelObjectives(GenAi.DURATION_BUCKETS)
					.register(this.registry));
	}

	private DistributionSummary tokens(String provider, String model, String type) {
		return this.tokenUsage.get(List.of(provider, model, type),
				() -> DistributionSummary.builder(GenAi.TOKEN_USAGE)
					.description("Number of input and output tokens used")
					.tags(chatTags(provider, model).and(GenAi.TOKEN_TYPE, type))
					.serviceLevelObjectives(GenAi.TOKEN_BUCKETS)
					.register(this.registry));
	}

	private static Tags chatTags(String provider, String model) {
		return Tags.of(GenAi.OPERATION_NAME, GenAi.CHAT, GenAi.PROVIDER_NAME, provider, GenAi.REQUEST_MODEL, model);
	}

	/**
	 * A bounded error type: the upstream failure kind, or the exception's simple class
	 * name.
	 */
	static String errorType(Throwable error) {
		if (error instanceof UpstreamException upstream) {
			return upstream.kind().name().toLowerCase(java.util.Locale.ROOT);
		}
		return error.getClass().getSimpleName();
	}

}
