package io.toolgate.dispatcher.metrics;

import java.util.function.Function;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Wraps reactive work in an {@link Observation} used for tracing only: its name starts
 * with {@link #PREFIX}, whose meters {@code ObservabilityConfiguration} denies, because
 * the metrics of the same work are recorded explicitly with the buckets and labels the
 * dashboards use. The observation is put into the Reactor context under the key Spring's
 * {@code WebClient} reads its parent from, so HTTP calls made inside become child spans
 * and carry a W3C {@code traceparent}.
 * <p>
 * Under a parent whose span was sampled out, no observation is created at all: its span
 * would be recorded by nobody, and creating it costs more than the work of a pass-through
 * request. Calls made inside still carry the parent's (unsampled) {@code traceparent}.
 */
final class Spans {

	/** The prefix of every span observation name. */
	static final String PREFIX = ToolgateMetrics.SPAN_PREFIX;

	/**
	 * The Reactor context key of the current observation (Micrometer's
	 * {@code ObservationThreadLocalAccessor.KEY}).
	 */
	static final String CONTEXT_KEY = "micrometer.observation";

	private final ObservationRegistry registry;

	Spans(ObservationRegistry registry) {
		this.registry = registry;
	}

	<T> Flux<T> flux(String name, Function<Observation, Observation> details, Flux<T> source) {
		if (this.registry.isNoop()) {
			return source;
		}
		return Flux.deferContextual(context -> {
			Observation observation = open(name, details, context);
			return (observation != null) ? source.doOnError(observation::error)
				.doFinally(signal -> observation.stop())
				.contextWrite(inner -> inner.put(CONTEXT_KEY, observation)) : source;
		});
	}

	<T> Mono<T> mono(String name, Function<Observation, Observation> details, Mono<T> source) {
		if (this.registry.isNoop()) {
			return source;
		}
		return Mono.deferContextual(context -> {
			Observation observation = open(name, details, context);
			return (observation != null) ? source.doOnError(observation::error)
				.doFinally(signal -> observation.stop())
				.contextWrite(inner -> inner.put(CONTEXT_KEY, observation)) : source;
		});
	}

	/**
	 * Starts the observation of a step under the context's current one, unless that one
	 * was sampled out.
	 */
	private @Nullable Observation open(String name, Function<Observation, Observation> details, ContextView context) {
		Observation parent = context.getOrDefault(CONTEXT_KEY, null);
		return sampledOut(parent) ? null : start(name, details, parent);
	}

	/** Whether the parent carries a span that the sampler decided not to record. */
	static boolean sampledOut(@Nullable Observation parent) {
		if (parent == null) {
			return false;
		}
		TracingObservationHandler.TracingContext tracing = parent.getContext()
			.get(TracingObservationHandler.TracingContext.class);
		Span span = (tracing != null) ? tracing.getSpan() : null;
		return span != null && Boolean.FALSE.equals(span.context().sampled());
	}

	private Observation start(String name, Function<Observation, Observation> details, Observation parent) {
		Observation observation = Observation.createNotStarted(PREFIX + name, this.registry);
		if (parent != null) {
			observation.parentObservation(parent);
		}
		return details.apply(observation).start();
	}

}
