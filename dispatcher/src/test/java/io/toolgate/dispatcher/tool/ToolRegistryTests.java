package io.toolgate.dispatcher.tool;

import java.time.Duration;
import java.util.List;

import io.toolgate.dispatcher.tool.support.TestTools;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ToolRegistry#mayHoldCalls()}: whether some registered tool's calls may wait for
 * approval, kept up to date as groups of tools come and go.
 */
class ToolRegistryTests {

	@Test
	void noToolMayBeHeldWithoutAHighRiskOrAlwaysApprovedTool() {
		ToolRegistry registry = registry(spec("low", RiskTier.LOW, ToolApprovalPolicy.BY_RISK),
				spec("never", RiskTier.HIGH, new ToolApprovalPolicy(ToolApprovalPolicy.Mode.NEVER, null)));

		assertThat(registry.mayHoldCalls()).isFalse();
	}

	@Test
	void aHighRiskToolByRiskOrAnAlwaysApprovedToolMayBeHeld() {
		assertThat(registry(spec("high", RiskTier.HIGH, ToolApprovalPolicy.BY_RISK)).mayHoldCalls()).isTrue();
		assertThat(registry(spec("always", RiskTier.LOW, new ToolApprovalPolicy(ToolApprovalPolicy.Mode.ALWAYS, null)))
			.mayHoldCalls()).isTrue();
	}

	@Test
	void aGroupOfToolsThatMayBeHeldCountsWhileItIsRegistered() {
		ToolRegistry registry = registry(spec("low", RiskTier.LOW, ToolApprovalPolicy.BY_RISK));

		registry.replaceGroup("server",
				List.of(compile(spec("server_pay", RiskTier.HIGH, ToolApprovalPolicy.BY_RISK))));
		assertThat(registry.mayHoldCalls()).isTrue();
		registry.replaceGroup("server", List.of());
		assertThat(registry.mayHoldCalls()).isFalse();
	}

	private static ToolRegistry registry(ToolSpec... specs) {
		return ToolRegistry.of(List.of(specs).stream().map(ToolRegistryTests::compile).toList());
	}

	private static RegisteredTool compile(ToolSpec spec) {
		return ToolRegistry.compile(spec, execution -> reactor.core.publisher.Mono.empty(), 16, TestTools.JSON);
	}

	private static ToolSpec spec(String name, RiskTier tier, ToolApprovalPolicy approval) {
		return new ToolSpec(name, "Test tool " + name, TestTools.TEXT_SCHEMA, new ExecutorSpec.Builtin(name),
				Duration.ofSeconds(1), ToolRetryPolicy.ofDefaults(), 1, tier,
				ToolCircuitBreakerPolicy.ofDefaults(Duration.ofSeconds(1)), ToolResultFraming.DEFAULT_MAX_RESULT_CHARS,
				approval);
	}

}
