package io.toolgate.dispatcher.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.toolgate.streaming.upstream.OpenAiModelClient;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import reactor.util.context.ContextView;

/**
 * Puts the trace context of the observation in a call's Reactor context (the model call's
 * span when sampled, the request's otherwise) into the upstream request's headers:
 * {@code traceparent} with W3C propagation, sampled or not.
 * <p>
 * The model client uses this instead of an observed {@code WebClient}: the model call has
 * its own span and its own metrics ({@code gen_ai.client.*}), and an HTTP client
 * observation beside them cost a second span, a timer lookup and its own propagation per
 * call.
 */
public final class TraceHeaders implements OpenAiModelClient.ContextHeaders {

	private final Propagator propagator;

	/**
	 * Creates the header source.
	 * @param propagator writes a trace context into headers
	 */
	public TraceHeaders(Propagator propagator) {
		this.propagator = propagator;
	}

	@Override
	public void addTo(HttpHeaders headers, ContextView context) {
		Span span = spanOf(context.getOrDefault(Spans.CONTEXT_KEY, null));
		if (span != null) {
			this.propagator.inject(span.context(), headers, (carrier, key, value) -> {
				if (carrier != null) {
					carrier.set(key, value);
				}
			});
		}
	}

	private static @Nullable Span spanOf(@Nullable Observation observation) {
		if (observation == null) {
			return null;
		}
		TracingObservationHandler.TracingContext tracing = observation.getContext()
			.get(TracingObservationHandler.TracingContext.class);
		return (tracing != null) ? tracing.getSpan() : null;
	}

}
