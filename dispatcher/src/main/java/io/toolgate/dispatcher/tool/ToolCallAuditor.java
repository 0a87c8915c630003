package io.toolgate.dispatcher.tool;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Records the tool calls {@link ToolDispatcher} runs in an audit trail, so that the tool
 * layer does not depend on it. Both methods run inside the dispatch, so a record is
 * written before the caller sees the result it records.
 */
public interface ToolCallAuditor {

	/** An auditor that records nothing and lets every call run. */
	ToolCallAuditor NONE = new ToolCallAuditor() {

		@Override
		public Mono<ToolExecutionException> beforeExecution(ToolInvocation invocation, RegisteredTool tool) {
			return Mono.empty();
		}

		@Override
		public Mono<ToolResult> completed(ToolInvocation invocation, @Nullable RegisteredTool tool, ToolResult result) {
			return Mono.just(result);
		}

	};

	/**
	 * Called once per valid, admitted call, before its first attempt.
	 * @param invocation the call
	 * @param tool its tool
	 * @return empty to run it, or the failure the call gets instead of running (e.g. a
	 * call that must not run unrecorded when the trail cannot be written); never an error
	 * signal
	 */
	Mono<ToolExecutionException> beforeExecution(ToolInvocation invocation, RegisteredTool tool);

	/**
	 * Called once per dispatched call with its result, run or refused.
	 * @param invocation the call
	 * @param tool its tool, or {@code null} for a name no tool has
	 * @param result the result
	 * @return the result the caller gets, once recorded; never an error signal
	 */
	Mono<ToolResult> completed(ToolInvocation invocation, @Nullable RegisteredTool tool, ToolResult result);

	/**
	 * Called once per dispatched call whose result its caller keeps, instead of
	 * {@link #completed(ToolInvocation, RegisteredTool, ToolResult)}: records the call
	 * and has the store keep the result, both before the result is returned. The default
	 * records the call as that method does, then stores the result alone; an auditor may
	 * hand its record to the store to be written with the result
	 * ({@link ToolResultStore#storeWith}).
	 * @param invocation the call
	 * @param tool its tool, or {@code null} for a name no tool has
	 * @param result the result
	 * @param store where the caller keeps the result
	 * @return the result the caller gets, once recorded and stored; errors only with the
	 * store's failure
	 */
	default Mono<ToolResult> completed(ToolInvocation invocation, @Nullable RegisteredTool tool, ToolResult result,
			ToolResultStore store) {
		return completed(invocation, tool, result).flatMap((recorded) -> store.store(recorded).thenReturn(recorded));
	}

}
