package io.toolgate.dispatcher.tool;

import java.time.Duration;

import io.toolgate.dispatcher.tool.support.TestTools;
import io.toolgate.dispatcher.tool.support.WorkerTools;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link ToolExecutor} contract for {@link HttpToolExecutor}, over real HTTP to a
 * {@link ToolWorker}.
 */
class HttpToolExecutorContractTests extends AbstractToolExecutorContractTests {

	@RegisterExtension
	private final WorkerTools tools = WorkerTools.start(1, DataSize.ofKilobytes(64));

	private final ToolWorker worker = this.tools.worker();

	@Override
	protected ToolExecutor executor() {
		return this.tools.executor();
	}

	@Override
	protected ToolSpec echoTool() {
		return http("echo", "/echo");
	}

	@Override
	protected ToolSpec failingTool() {
		return http("fail", "/status?code=400");
	}

	@Override
	protected ToolSpec slowTool() {
		return http("slow", "/delay?ms=60000");
	}

	@Override
	protected ToolSpec foreignTool() {
		return TestTools.builtin("clock");
	}

	@Override
	protected int invocations() {
		return this.worker.requests();
	}

	/** The worker saw the client leave: the request is no longer in flight. */
	@Override
	protected void assertSlowCallAbandoned() {
		assertThat(this.worker.requests()).as("the slow call reached the worker").isEqualTo(1);
		StepVerifier.create(
				Flux.interval(Duration.ofMillis(10)).map((tick) -> this.worker.inFlight()).filter((n) -> n == 0).next())
			.expectNext(0)
			.expectComplete()
			.verify(VERIFY);
	}

	private ToolSpec http(String name, String path) {
		return TestTools.http(name, this.worker.uri(path), Duration.ofSeconds(5), 1, 4);
	}

}
