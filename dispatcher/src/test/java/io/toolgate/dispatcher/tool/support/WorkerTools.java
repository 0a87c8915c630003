package io.toolgate.dispatcher.tool.support;

import java.time.Duration;
import java.util.List;

import io.toolgate.dispatcher.metrics.ToolgateMetrics;
import io.toolgate.dispatcher.tool.HttpToolExecutor;
import io.toolgate.dispatcher.tool.IdempotentDispatch;
import io.toolgate.dispatcher.tool.ToolDispatcher;
import io.toolgate.dispatcher.tool.ToolInvocation;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.tool.ToolSpec;
import io.toolgate.store.IdempotencyStore;
import io.toolgate.test.ToolWorker;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.util.unit.DataSize;

/**
 * A {@link ToolWorker} with the {@link HttpToolExecutor} that calls it, and the registry
 * and dispatch stacks the tool tests build on them. Create one per test, in a field
 * registered with {@code @RegisterExtension}: it is closed after each test.
 */
public final class WorkerTools implements AutoCloseable, AfterEachCallback {

	private final ToolWorker worker;

	private final HttpToolExecutor executor;

	private WorkerTools(int barrierParties, DataSize maxResponseSize) {
		this.worker = ToolWorker.start(barrierParties);
		this.executor = new HttpToolExecutor(TestTools.JSON, Duration.ofSeconds(2), 50, maxResponseSize);
	}

	/**
	 * Starts a worker and an executor for it.
	 * @param barrierParties how many concurrent requests release the worker's
	 * {@code /barrier}
	 * @param maxResponseSize the largest tool output the executor accepts
	 * @return the started pair
	 */
	public static WorkerTools start(int barrierParties, DataSize maxResponseSize) {
		return new WorkerTools(barrierParties, maxResponseSize);
	}

	/** The worker. */
	public ToolWorker worker() {
		return this.worker;
	}

	/** The executor calling the worker. */
	public HttpToolExecutor executor() {
		return this.executor;
	}

	/** A registry of HTTP tools, all run by {@link #executor()}. */
	public ToolRegistry registry(ToolSpec... specs) {
		return ToolRegistry.of(List.of(specs), (spec) -> this.executor, 64, TestTools.JSON);
	}

	/** A dispatcher over a registry, without metrics. */
	public static ToolDispatcher dispatcher(ToolRegistry registry, Duration bulkheadMaxWait) {
		return new ToolDispatcher(registry, bulkheadMaxWait, ToolgateMetrics.noop().tools());
	}

	/**
	 * An idempotent dispatch over a registry, keeping results for 5 minutes.
	 * @param registry the tools
	 * @param store where results are kept
	 * @param bulkheadMaxWait the longest wait for a tool's bulkhead
	 * @param idempotencyWait the longest wait for a repeat of a running call
	 * @return the dispatch
	 */
	public static IdempotentDispatch idempotent(ToolRegistry registry, IdempotencyStore store, Duration bulkheadMaxWait,
			Duration idempotencyWait) {
		return new IdempotentDispatch(dispatcher(registry, bulkheadMaxWait), store, Duration.ofMinutes(5),
				idempotencyWait, TestTools.JSON);
	}

	/** A call for tenant {@code acme} without an idempotency key. */
	public static ToolInvocation call(String callId, String tool, String arguments) {
		return keyed(callId, tool, arguments, null);
	}

	/** A call for tenant {@code acme}. */
	public static ToolInvocation keyed(String callId, String tool, String arguments, @Nullable String key) {
		return new ToolInvocation(callId, tool, arguments, "acme", key);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		close();
	}

	@Override
	public void close() {
		this.executor.dispose();
		this.worker.close();
	}

}
