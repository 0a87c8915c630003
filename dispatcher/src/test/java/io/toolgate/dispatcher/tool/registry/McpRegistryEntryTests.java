package io.toolgate.dispatcher.tool.registry;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.toolgate.dispatcher.tool.ExecutorSpec;
import io.toolgate.dispatcher.tool.RiskTier;
import io.toolgate.dispatcher.tool.ToolSpec;
import io.toolgate.dispatcher.tool.mcp.McpServerSpec;
import io.toolgate.dispatcher.tool.support.TestTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Registry entries of executor type {@code mcp}: a Streamable HTTP or stdio server whose
 * tools take the entry's name as prefix and its policy.
 */
class McpRegistryEntryTests {

	private static final Map<String, String> ENVIRONMENT = Map.of("EVERYTHING_TOKEN", "Bearer s3cret");

	private final ToolRegistryValidator validator = new ToolRegistryValidator(TestTools.JSON, Set.of("clock"),
			ENVIRONMENT::get);

	private final RegistryBinder binder = new RegistryBinder();

	@Test
	void bindsHttpAndStdioServersBesideDeclaredTools() {
		LoadedRegistry loaded = load(
				"""
						defaults: { timeout: 4s, risk-tier: medium }
						tools:
						  - { name: clock, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock } }
						  - name: everything
						    description: The reference MCP server
						    executor: { type: mcp, url: 'http://127.0.0.1:3001/mcp', headers: { Authorization: '${EVERYTHING_TOKEN}', X-Team: tools } }
						    timeout: 30s
						    retry: { max-attempts: 2 }
						    max-concurrency: 8
						  - name: local
						    executor: { type: mcp, command: [node, server.js, stdio] }
						""");
		assertThat(loaded.tools()).extracting(ToolSpec::name).containsExactly("clock");
		assertThat(loaded.mcpServers()).extracting(McpServerSpec::name).containsExactly("everything", "local");
		McpServerSpec everything = loaded.mcpServers().get(0);
		assertThat(everything.url()).isEqualTo(URI.create("http://127.0.0.1:3001/mcp"));
		assertThat(everything.headers()).containsEntry("Authorization", "Bearer s3cret")
			.containsEntry("X-Team", "tools");
		assertThat(everything.timeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(everything.retry().maxAttempts()).isEqualTo(2);
		assertThat(everything.maxConcurrency()).isEqualTo(8);
		assertThat(everything.riskTier()).isEqualTo(RiskTier.MEDIUM);
		assertThat(everything.toString()).doesNotContain("s3cret").contains("Authorization");
		McpServerSpec local = loaded.mcpServers().get(1);
		assertThat(local.isStdio()).isTrue();
		assertThat(local.command()).containsExactly("node", "server.js", "stdio");
		assertThat(local.timeout()).isEqualTo(Duration.ofSeconds(4));
		ToolSpec echo = everything.toolSpec("echo", "Echoes", TestTools.JSON.createObjectNode());
		assertThat(echo.name()).isEqualTo("everything_echo");
		assertThat(echo.executor()).isEqualTo(new ExecutorSpec.Mcp("everything", "echo"));
		assertThat(echo.timeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(everything.accepts("get-sum")).isTrue();
		assertThat(everything.accepts("files/read")).isFalse();
		assertThat(everything.accepts("x".repeat(60))).isFalse();
	}

	@Test
	void aServerKeptForSomeTenantsKeepsEachOfItsToolsForThem() {
		LoadedRegistry loaded = load("""
				tools:
				  - { name: vault, executor: { type: mcp, command: [node, vault.js] }, tenants: [acme] }
				""");
		McpServerSpec vault = loaded.mcpServers().get(0);
		assertThat(vault.tenants()).containsExactly("acme");
		ToolSpec read = vault.toolSpec("read", "Reads", TestTools.JSON.createObjectNode());
		assertThat(read.tenants()).containsExactly("acme");
		assertThat(read.visibleTo("globex")).isFalse();
		assertThatExceptionOfType(InvalidToolRegistryException.class).isThrownBy(() -> load("""
				tools:
				  - { name: bad, executor: { type: mcp, command: [node, bad.js] }, tenants: [] }
				"""))
			.satisfies((ex) -> assertThat(ex.problems())
				.containsExactly("tool 'bad': tenants must name at least one tenant (leave it out for every tenant)"));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					executor: { type: mcp }                                                     | tool 'srv': an mcp executor needs exactly one of executor.url (Streamable HTTP) or executor.command (stdio)
					executor: { type: mcp, url: 'http://h/mcp', command: [node] }               | tool 'srv': an mcp executor needs exactly one of executor.url
					executor: { type: mcp, url: '/mcp' }                                        | tool 'srv': executor.url must be an absolute http(s) URL
					executor: { type: mcp, command: [node], headers: { A: b } }                 | tool 'srv': executor.headers needs executor.url
					executor: { type: mcp, command: [node, ' '] }                               | tool 'srv': executor.command must be a list of non-blank strings
					executor: { type: mcp, url: 'http://h/mcp', headers: { A: '${MISSING}' } }  | tool 'srv': executor.headers.A reads the environment variable MISSING, which is not set
					executor: { type: mcp, url: 'http://h/mcp', name: x }                       | tool 'srv': unknown property 'executor.name'
					executor: { type: mcp, url: 'http://h/mcp' }, input-schema: { type: object } | tool 'srv': input-schema is not allowed for an mcp executor
					executor: { type: http, url: 'http://h/x', command: [node] }                | tool 'srv': unknown property 'executor.command'
					executor: { type: builtin, name: clock, headers: { A: b } }                 | tool 'srv': unknown property 'executor.headers'
					executor: { type: mcp, url: 'http://h/mcp' }, timeout: 0s                   | tool 'srv': timeout must be positive
					""")
	void rejectsAnInvalidServerNamingTheProblem(String fields, String expected) {
		String yaml = "tools:\n  - { name: srv, description: d, " + fields + " }\n";
		assertThatExceptionOfType(InvalidToolRegistryException.class).isThrownBy(() -> load(yaml))
			.satisfies((ex) -> assertThat(ex.problems())
				.anySatisfy((problem) -> assertThat(problem).startsWith(expected)));
	}

	@Test
	void rejectsAPrefixTooLongForToolNamesAndANameTakenTwice() {
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> load(
					"""
							tools:
							  - { name: %s, executor: { type: mcp, url: 'http://h/mcp' } }
							  - { name: srv, executor: { type: mcp, url: 'http://h/mcp' } }
							  - { name: srv, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock } }
							"""
						.formatted("p".repeat(49))))
			.satisfies((ex) -> assertThat(ex.problems())
				.anySatisfy((problem) -> assertThat(problem).contains("name must match ^[a-zA-Z0-9_-]{1,48}$"))
				.anySatisfy((problem) -> assertThat(problem).isEqualTo("tool 'srv': duplicate tool name")));
	}

	@Test
	void aProblemNeverShowsAHeaderValue() {
		assertThatExceptionOfType(InvalidToolRegistryException.class)
			.isThrownBy(() -> load(
					"""
							tools:
							  - { name: srv, executor: { type: mcp, url: 'http://h/mcp', headers: { Authorization: '${EVERYTHING_TOKEN}' } }, timeout: 0s }
							"""))
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("s3cret"));
	}

	private LoadedRegistry load(String yaml) {
		return this.validator.validate(this.binder.bind(this.binder.readTree(yaml), "test.yaml"), "test.yaml");
	}

}
