package io.toolgate.dispatcher.tool.builtin;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.toolgate.dispatcher.tool.AbstractToolExecutorContractTests;
import io.toolgate.dispatcher.tool.ToolExecutionException;
import io.toolgate.dispatcher.tool.ToolExecutor;
import io.toolgate.dispatcher.tool.ToolSpec;
import io.toolgate.dispatcher.tool.support.TestTools;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/**
 * The {@link ToolExecutor} contract for {@link BuiltinToolExecutor}, over built-ins that
 * count their invocations and their cancellations.
 */
class BuiltinToolExecutorContractTests extends AbstractToolExecutorContractTests {

	private final AtomicInteger invocations = new AtomicInteger();

	private final AtomicInteger cancellations = new AtomicInteger();

	private final BuiltinToolExecutor executor = new BuiltinToolExecutor(
			List.of(tool("echo", (arguments) -> Mono.just(JSON.createObjectNode().set("echo", arguments))),
					tool("fail", (arguments) -> Mono.error(ToolExecutionException.toolError("no such city"))),
					tool("slow",
							(arguments) -> Mono.delay(Duration.ofMinutes(1))
								.<JsonNode>thenReturn(JSON.createObjectNode())
								.doOnCancel(this.cancellations::incrementAndGet))));

	@Override
	protected ToolExecutor executor() {
		return this.executor;
	}

	@Override
	protected ToolSpec echoTool() {
		return TestTools.builtin("echo");
	}

	@Override
	protected ToolSpec failingTool() {
		return TestTools.builtin("fail");
	}

	@Override
	protected ToolSpec slowTool() {
		return TestTools.builtin("slow");
	}

	@Override
	protected ToolSpec foreignTool() {
		return TestTools.http("remote", URI.create("http://127.0.0.1:9/x"), Duration.ofSeconds(1), 1, 1);
	}

	@Override
	protected int invocations() {
		return this.invocations.get();
	}

	/** The slow built-in saw its subscription cancelled. */
	@Override
	protected void assertSlowCallAbandoned() {
		StepVerifier
			.create(Flux.interval(Duration.ofMillis(10))
				.map((tick) -> this.cancellations.get())
				.filter((n) -> n > 0)
				.next())
			.expectNext(1)
			.expectComplete()
			.verify(VERIFY);
	}

	private BuiltinTool tool(String name, Function<JsonNode, Mono<JsonNode>> body) {
		return new BuiltinTool() {

			@Override
			public String name() {
				return name;
			}

			@Override
			public Mono<JsonNode> invoke(JsonNode arguments) {
				BuiltinToolExecutorContractTests.this.invocations.incrementAndGet();
				return body.apply(arguments);
			}

		};
	}

}
