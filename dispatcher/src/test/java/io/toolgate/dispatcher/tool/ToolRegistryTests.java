package io.toolgate.dispatcher.tool;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.toolgate.dispatcher.tool.support.TestTools;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ToolRegistry#mayHoldCalls(String)}: whether some registered tool's calls may
 * wait for approval, kept up to date as groups of tools come and go; and the tools each
 * tenant may use.
 */
class ToolRegistryTests {

	@Test
	void noToolMayBeHeldWithoutAHighRiskOrAlwaysApprovedTool() {
		ToolRegistry registry = registry(spec("low", RiskTier.LOW, ToolApprovalPolicy.BY_RISK),
				spec("never", RiskTier.HIGH, new ToolApprovalPolicy(ToolApprovalPolicy.Mode.NEVER, null)));

		assertThat(registry.mayHoldCalls("acme")).isFalse();
	}

	@Test
	void aHighRiskToolByRiskOrAnAlwaysApprovedToolMayBeHeld() {
		assertThat(registry(spec("high", RiskTier.HIGH, ToolApprovalPolicy.BY_RISK)).mayHoldCalls("acme")).isTrue();
		assertThat(registry(spec("always", RiskTier.LOW, new ToolApprovalPolicy(ToolApprovalPolicy.Mode.ALWAYS, null)))
			.mayHoldCalls("acme")).isTrue();
	}

	@Test
	void aGroupOfToolsThatMayBeHeldCountsWhileItIsRegistered() {
		ToolRegistry registry = registry(spec("low", RiskTier.LOW, ToolApprovalPolicy.BY_RISK));

		registry.replaceGroup("server",
				List.of(compile(spec("server_pay", RiskTier.HIGH, ToolApprovalPolicy.BY_RISK))));
		assertThat(registry.mayHoldCalls("acme")).isTrue();
		registry.replaceGroup("server", List.of());
		assertThat(registry.mayHoldCalls("acme")).isFalse();
	}

	@Test
	void aToolKeptForSomeTenantsIsFoundListedAndOfferedOnlyForThem() {
		ToolRegistry registry = registry(spec("open", RiskTier.LOW, ToolApprovalPolicy.BY_RISK),
				kept(spec("ledger", RiskTier.LOW, ToolApprovalPolicy.BY_RISK), "acme", "initech"));
		registry.replaceGroup("vault",
				List.of(compile(kept(spec("vault_read", RiskTier.LOW, ToolApprovalPolicy.BY_RISK), "acme"))));

		assertThat(registry.all("acme")).extracting(RegisteredTool::name)
			.containsExactly("open", "ledger", "vault_read");
		assertThat(registry.all("initech")).extracting(RegisteredTool::name).containsExactly("open", "ledger");
		assertThat(registry.all("globex")).extracting(RegisteredTool::name).containsExactly("open");
		assertThat(registry.definitions("globex")).extracting((definition) -> definition.function().name())
			.containsExactly("open");
		assertThat(registry.definitions("acme")).hasSize(3);
		assertThat(registry.find("ledger", "acme")).isPresent();
		assertThat(registry.find("ledger", "globex")).isEmpty();
		assertThat(registry.find("vault_read", "globex")).isEmpty();
		// Every tool, for what runs on no tenant's behalf (metrics, start-up logs).
		assertThat(registry.all()).hasSize(3);
		assertThat(registry.find("ledger")).isPresent();
	}

	@Test
	void onlyTheTenantsOfAToolThatMayBeHeldMayHaveCallsHeld() {
		ToolRegistry registry = registry(spec("low", RiskTier.LOW, ToolApprovalPolicy.BY_RISK),
				kept(spec("pay", RiskTier.HIGH, ToolApprovalPolicy.BY_RISK), "acme"));

		assertThat(registry.mayHoldCalls("acme")).isTrue();
		assertThat(registry.mayHoldCalls("globex")).isFalse();
	}

	@Test
	void aListenerHearsOfTheToolsNowThenOfEachThatJoinsOrLeaves() {
		ToolRegistry registry = registry(spec("low", RiskTier.LOW, ToolApprovalPolicy.BY_RISK));
		List<String> heard = new java.util.ArrayList<>();
		registry.subscribe((added, removed) -> heard.add("+" + added.stream().map(RegisteredTool::name).toList() + " -"
				+ removed.stream().map(RegisteredTool::name).toList()));
		RegisteredTool read = compile(spec("server_read", RiskTier.LOW, ToolApprovalPolicy.BY_RISK));
		registry.replaceGroup("server", List.of(read));
		// The same tool again: nothing changed.
		registry.replaceGroup("server", List.of(read));
		// A recompiled tool of the same name leaves and joins.
		registry.replaceGroup("server",
				List.of(compile(spec("server_read", RiskTier.LOW, ToolApprovalPolicy.BY_RISK))));
		registry.replaceGroup("server", List.of());

		assertThat(heard).containsExactly("+[low] -[]", "+[server_read] -[]", "+[server_read] -[server_read]",
				"+[] -[server_read]");
	}

	private static ToolSpec kept(ToolSpec spec, String... tenants) {
		return new ToolSpec(spec.name(), spec.description(), spec.inputSchema(), spec.executor(), spec.timeout(),
				spec.retry(), spec.maxConcurrency(), spec.riskTier(), spec.circuitBreaker(), spec.maxResultChars(),
				spec.approval(), Set.of(tenants));
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
