package io.toolgate.dispatcher.tool;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Watches the tool calls {@link ToolDispatcher} runs: metrics and tracing plug in here,
 * so that the tool layer does not depend on them. Every method is called on the thread
 * that runs the call and must neither block nor fail.
 */
public interface ToolCallObserver {

	/** An observer that records nothing. */
	ToolCallObserver NOOP = new ToolCallObserver() {

		@Override
		public <T> Mono<T> span(String tool, @Nullable String callId, Mono<T> call) {
			return call;
		}

		@Override
		public void completed(String tool, String outcome, String tenant, long durationNanos) {
		}

		@Override
		public void retried(String tool) {
		}

	};

	/**
	 * Wraps one call, from the look-up of its tool to its result, e.g. in a trace span.
	 * Called at subscription.
	 * @param <T> the result type
	 * @param tool the registered tool name, or {@code unknown} for a name no tool has
	 * @param callId the call id
	 * @param call the call; it never signals an error
	 * @return the call's signals, unchanged
	 */
	<T> Mono<T> span(String tool, @Nullable String callId, Mono<T> call);

	/**
	 * A call ended.
	 * @param tool the registered tool name, or {@code unknown} for a name no tool has
	 * @param outcome {@code ok} or the error type of the result
	 * @param tenant the calling tenant
	 * @param durationNanos the call's duration, all attempts included
	 */
	void completed(String tool, String outcome, String tenant, long durationNanos);

	/**
	 * A call is about to be attempted again after a retryable failure.
	 * @param tool the tool name
	 */
	void retried(String tool);

}
