package io.toolgate.dispatcher.tool;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link ToolExecutor} promises, run against each implementation: the
 * arguments reach the tool and its JSON output comes back; a failure is a
 * {@link ToolExecutionException} with its type and retryability; the returned
 * {@code Mono} is lazy, one attempt per subscription; and it honours the caller's timeout
 * and cancellation without blocking.
 */
public abstract class AbstractToolExecutorContractTests {

	/** The bound of every verification. */
	protected static final Duration VERIFY = Duration.ofSeconds(10);

	/** The mapper of arguments and outputs. */
	protected static final JsonMapper JSON = JsonMapper.shared();

	/** The executor under test. */
	protected abstract ToolExecutor executor();

	/** A tool that answers {@code {"echo": <arguments>}}. */
	protected abstract ToolSpec echoTool();

	/** A tool that fails with a non-retryable {@code tool_error}. */
	protected abstract ToolSpec failingTool();

	/** A tool that answers only after far longer than any verification waits. */
	protected abstract ToolSpec slowTool();

	/** A tool of another executor kind, which this executor must refuse. */
	protected abstract ToolSpec foreignTool();

	/** How many times the tools of this executor have been invoked so far. */
	protected abstract int invocations();

	/** Asserts that the slow tool's invocation was given up after it was cancelled. */
	protected abstract void assertSlowCallAbandoned();

	@Test
	void passesArgumentsThroughAndReturnsTheOutput() {
		JsonNode arguments = JSON.readTree("{\"text\":\"hello\",\"nested\":{\"n\":3}}");
		StepVerifier.create(executor().execute(execution(echoTool(), arguments)))
			.assertNext((output) -> assertThat(output.path("echo")).isEqualTo(arguments))
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void failsWithToolExecutionException() {
		StepVerifier.create(executor().execute(execution(failingTool(), JSON.createObjectNode())))
			.expectErrorSatisfies(
					(error) -> assertThat(error).isInstanceOfSatisfying(ToolExecutionException.class, (failure) -> {
						assertThat(failure.errorType()).isEqualTo(ToolExecutionException.TOOL_ERROR);
						assertThat(failure.isRetryable()).isFalse();
					}))
			.verify(VERIFY);
	}

	@Test
	void runsOneAttemptPerSubscription() {
		Mono<JsonNode> attempt = executor().execute(execution(echoTool(), JSON.createObjectNode()));
		assertThat(invocations()).as("nothing runs before subscription").isZero();
		attempt.block(VERIFY);
		attempt.block(VERIFY);
		assertThat(invocations()).isEqualTo(2);
	}

	@Test
	void honoursTheCallersTimeout() {
		StepVerifier
			.create(executor().execute(execution(slowTool(), JSON.createObjectNode())).timeout(Duration.ofMillis(300)))
			.expectError(TimeoutException.class)
			.verify(VERIFY);
		assertSlowCallAbandoned();
	}

	@Test
	void stopsWhenCancelled() {
		StepVerifier.create(executor().execute(execution(slowTool(), JSON.createObjectNode())))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(200))
			.thenCancel()
			.verify(VERIFY);
		assertSlowCallAbandoned();
	}

	@Test
	void refusesToolsOfAnotherKind() {
		StepVerifier.create(executor().execute(execution(foreignTool(), JSON.createObjectNode())))
			.expectError(IllegalArgumentException.class)
			.verify(VERIFY);
	}

	private static ToolExecution execution(ToolSpec tool, JsonNode arguments) {
		return new ToolExecution(tool, arguments, "call-1", "acme", null, 1);
	}

}
