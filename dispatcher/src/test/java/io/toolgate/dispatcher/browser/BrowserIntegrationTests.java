package io.toolgate.dispatcher.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.test.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway as browser chat front-ends use it, in Debian's Chromium driven by
 * {@code playwright-core} and in a WHATWG {@code EventSource} client (the npm
 * {@code eventsource} package), from the Node scripts in {@code src/test/browser}: the
 * demo page streaming, showing tool cards and resuming after a network cut; a page on
 * another origin streaming and resuming through CORS and stream tokens; the official
 * {@code openai} and Vercel AI SDKs reading chat-completion streams, and a chat
 * completion resumed through {@code EventSource}. Screenshots go to
 * {@code target/browser-artifacts}. Node, npm and {@code /usr/bin/chromium} are required
 * ({@code .ci/run} installs them): without them these tests fail, they never skip.
 */
@Timeout(300)
class BrowserIntegrationTests {

	private static final Path SCRIPTS = Path.of("src/test/browser").toAbsolutePath();

	private static final Path ARTIFACTS = Path.of("target/browser-artifacts").toAbsolutePath();

	private static GatewayApp app;

	private static int originPort;

	@BeforeAll
	static void start() throws Exception {
		if (!Files.isDirectory(SCRIPTS.resolve("node_modules/playwright-core"))
				|| !Files.isDirectory(SCRIPTS.resolve("node_modules/eventsource"))
				|| !Files.isDirectory(SCRIPTS.resolve("node_modules/openai"))
				|| !Files.isDirectory(SCRIPTS.resolve("node_modules/ai"))) {
			Result install = run(Map.of(), "npm", "ci", "--no-audit", "--no-fund");
			assertThat(install.exitCode()).as(install.output()).isZero();
		}
		originPort = FreePorts.free();
		// Tokens slow enough that a cut lands mid-stream and a paint can see a partial
		// answer.
		app = GatewayApp.start(Map.of("toolgate.http.cors.allowed-origins", "http://127.0.0.1:" + originPort,
				"toolgate.upstream.simulated.inter-token-delay", "80ms"));
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
	}

	@Test
	void chatPageStreamsShowsToolCardsAndResumesAfterANetworkCut() throws Exception {
		assertScriptPasses("chat-page.mjs", "ok tokens arrive incrementally", "ok parallel tool cards resolve",
				"ok resumes after a network cut with no duplicated text",
				"ok resumes with the API key when the stream token is refused",
				"ok a held call is approved from its card", "ok a held call is rejected from its card");
		assertThat(ARTIFACTS.resolve("chat-page.png")).isNotEmptyFile();
	}

	@Test
	void crossOriginPageStreamsAndResumesThroughCorsAndStreamTokens() throws Exception {
		assertScriptPasses("cross-origin.mjs", "ok cross-origin page streams and resumes",
				"ok a page of another origin is refused");
	}

	@Test
	void eventSourceClientResumesTheNativeStream() throws Exception {
		assertScriptPasses("eventsource.mjs", "ok EventSource resumes with Last-Event-ID",
				"ok stream.end after the terminal event", "ok stream tokens are scoped to their turn");
	}

	@Test
	void sdksReadBothStreamModesAndEventSourceResumesAChatCompletion() throws Exception {
		assertScriptPasses("completions.mjs", "ok openai SDK reads every stream mode",
				"ok Vercel AI SDK reads every stream mode",
				"ok EventSource resumes a chat completion with Last-Event-ID");
	}

	private static void assertScriptPasses(String script, String... lines) throws Exception {
		Result result = run(Map.of("GATEWAY_URL", app.baseUrl(), "API_KEY", GatewayApp.ACME_KEY, "ORIGIN_PORT",
				Integer.toString(originPort), "ARTIFACTS", ARTIFACTS.toString()), "node", script);
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).as(result.output()).contains(lines);
	}

	private static Result run(Map<String, String> environment, String... command) throws Exception {
		ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(SCRIPTS.toFile())
			.redirectErrorStream(true);
		builder.environment().putAll(environment);
		Process process = builder.start();
		byte[] output = process.getInputStream().readAllBytes();
		assertThat(process.waitFor(240, TimeUnit.SECONDS)).isTrue();
		String text = new String(output, StandardCharsets.UTF_8);
		System.out.println(text);
		return new Result(process.exitValue(), text);
	}

	private record Result(int exitCode, String output) {
	}

}
