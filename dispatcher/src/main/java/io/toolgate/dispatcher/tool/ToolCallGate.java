package io.toolgate.dispatcher.tool;

import reactor.core.publisher.Mono;

/**
 * Decides, after a call's arguments are valid and before it runs, whether it may run now;
 * rate limits plug in here. A gate may delay its answer (waiting for a bucket to refill)
 * but never blocks.
 */
@FunctionalInterface
public interface ToolCallGate {

	/** A gate that lets every call through. */
	ToolCallGate OPEN = (tenant, tool) -> Mono.empty();

	/**
	 * Admits a call.
	 * @param tenant the calling tenant
	 * @param tool the tool
	 * @return empty to run the call, or the failure the call ends with instead; never an
	 * error signal
	 */
	Mono<ToolExecutionException> admit(String tenant, String tool);

}
