package io.toolgate.dispatcher.tool.support;

import java.net.URI;
import java.time.Duration;

import io.toolgate.dispatcher.tool.ExecutorSpec;
import io.toolgate.dispatcher.tool.RiskTier;
import io.toolgate.dispatcher.tool.ToolRetryPolicy;
import io.toolgate.dispatcher.tool.ToolSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Builders of tool specs for tests. */
public final class TestTools {

	/** The mapper tests use. */
	public static final JsonMapper JSON = JsonMapper.shared();

	/** A schema: an object whose optional {@code text} is a string. */
	public static final JsonNode TEXT_SCHEMA = JSON.readTree("""
			{"type":"object","properties":{"text":{"type":"string"}}}""");

	private TestTools() {
	}

	/**
	 * A built-in tool of one attempt, a 5 s timeout and a bulkhead of 4.
	 * @param name the name, also the built-in's name
	 * @return the spec
	 */
	public static ToolSpec builtin(String name) {
		return new ToolSpec(name, "Test tool " + name, TEXT_SCHEMA, new ExecutorSpec.Builtin(name),
				Duration.ofSeconds(5), new ToolRetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(10), 0.5), 4,
				RiskTier.LOW);
	}

	/**
	 * An HTTP tool with a fast retry policy (1ms initial backoff).
	 * @param name the name
	 * @param url the worker URL
	 * @param timeout the per-attempt timeout
	 * @param maxAttempts the attempts
	 * @param maxConcurrency the bulkhead size
	 * @return the spec
	 */
	public static ToolSpec http(String name, URI url, Duration timeout, int maxAttempts, int maxConcurrency) {
		return new ToolSpec(name, "Test tool " + name, TEXT_SCHEMA, new ExecutorSpec.Http(url), timeout,
				new ToolRetryPolicy(maxAttempts, Duration.ofMillis(1), Duration.ofMillis(10), 0.5), maxConcurrency,
				RiskTier.LOW);
	}

}
