package io.toolgate.dispatcher.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.toolgate.test.FreePorts;
import io.toolgate.test.ManagedProcess;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real MCP servers for tests, from the npm packages pinned in {@code src/test/mcp}
 * (installed with {@code npm ci} on first use): the reference
 * {@code @modelcontextprotocol/server-everything}, and {@code contract-server.mjs}, whose
 * tools behave as the executor contract needs (see that file). Each runs as a Node
 * process over Streamable HTTP on a free loopback port, or as a stdio command line for
 * the gateway to start. Node and npm are required ({@code .ci/run} installs them):
 * without them these tests fail, they never skip.
 */
public final class McpTestServers {

	/** The npm package folder. */
	public static final Path DIR = Path.of("src/test/mcp").toAbsolutePath();

	private static final Path EVERYTHING = DIR
		.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");

	private static final Path CONTRACT = DIR.resolve("contract-server.mjs");

	private static final Path INSPECTOR = DIR.resolve("node_modules/@modelcontextprotocol/inspector-cli/build");

	private static final Path LOGS = Path.of("target/mcp-servers").toAbsolutePath();

	private McpTestServers() {
	}

	/**
	 * Installs the npm packages unless they are there. Blocking.
	 * @throws IllegalStateException if {@code npm ci} fails
	 */
	public static synchronized void install() {
		if (Files.isRegularFile(EVERYTHING)
				&& Files.isDirectory(DIR.resolve("node_modules/@modelcontextprotocol/sdk/dist"))
				&& Files.isRegularFile(INSPECTOR.resolve("index.js"))) {
			return;
		}
		try {
			Files.createDirectories(LOGS);
			Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(LOGS.resolve("npm-ci.log").toFile()))
				.start();
			if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
				npm.destroyForcibly();
				throw new IllegalStateException("npm ci in " + DIR + " failed; see " + LOGS.resolve("npm-ci.log"));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Starts server-everything over Streamable HTTP on a free port, ready.
	 * @return the server; its endpoint is {@link Http#url()}
	 */
	public static Http everythingHttp() {
		return everythingHttp(FreePorts.free());
	}

	/**
	 * Starts server-everything over Streamable HTTP on the given port, ready.
	 * @param port the port
	 * @return the server
	 */
	public static Http everythingHttp(int port) {
		return start("mcp-everything-" + port, List.of("node", EVERYTHING.toString(), "streamableHttp"),
				Map.of("PORT", Integer.toString(port)), port);
	}

	/** Starts the contract server over Streamable HTTP on a free port, ready. */
	public static Http contractHttp() {
		int port = FreePorts.free();
		return start("mcp-contract-" + port, List.of("node", CONTRACT.toString(), "http", Integer.toString(port)),
				Map.of(), port);
	}

	/** The command line of server-everything over stdio. */
	public static List<String> everythingStdio() {
		install();
		return List.of("node", EVERYTHING.toString(), "stdio");
	}

	/** The command line of the contract server over stdio. */
	public static List<String> contractStdio() {
		install();
		return List.of("node", CONTRACT.toString(), "stdio");
	}

	/**
	 * Runs the MCP Inspector CLI ({@code @modelcontextprotocol/inspector-cli}) with the
	 * given arguments, from its own package folder (it reads its version from
	 * {@code ../package.json} of the working directory). Blocking.
	 * @param arguments the arguments, e.g. a server URL and {@code --method tools/list}
	 * @return its exit code and output
	 */
	public static Result inspector(String... arguments) {
		install();
		List<String> command = new java.util.ArrayList<>(List.of("node", "index.js"));
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).directory(INSPECTOR.toFile())
				.redirectErrorStream(true)
				.start();
			String output = new String(process.getInputStream().readAllBytes(),
					java.nio.charset.StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("The inspector did not finish: " + output);
			}
			return new Result(process.exitValue(), output);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * What a command printed.
	 *
	 * @param exitCode its exit code
	 * @param output its standard output and error
	 */
	public record Result(int exitCode, String output) {
	}

	private static Http start(String name, List<String> command, Map<String, String> environment, int port) {
		install();
		ManagedProcess process = ManagedProcess.start(name, command, environment, LOGS, port, port);
		try {
			process.awaitPortNow(Duration.ofSeconds(30));
		}
		catch (RuntimeException ex) {
			process.close();
			throw ex;
		}
		return new Http(process);
	}

	/**
	 * An MCP server process over Streamable HTTP.
	 *
	 * @param process the process
	 */
	public record Http(ManagedProcess process) implements AutoCloseable {

		/** The MCP endpoint, {@code http://127.0.0.1:<port>/mcp}. */
		public URI url() {
			return URI.create("http://127.0.0.1:" + this.process.port() + "/mcp");
		}

		/**
		 * The contract server's counters: {@code invocations}, {@code inFlight} and
		 * {@code cancelled}. Blocking; test threads only.
		 */
		public JsonNode stats() {
			try (HttpClient client = HttpClient.newHttpClient()) {
				HttpResponse<String> response = client
					.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.process.port() + "/stats"))
						.timeout(Duration.ofSeconds(5))
						.build(), HttpResponse.BodyHandlers.ofString());
				return JsonMapper.shared().readTree(response.body());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public void close() {
			this.process.close();
		}

	}

}
