package io.toolgate.dispatcher.startup;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides what a configuration lacks for production. Pure: the same facts give the same
 * problems.
 */
public final class DeploymentCheck {

	private DeploymentCheck() {
	}

	/**
	 * Lists the problems of a configuration, whatever its mode; the caller decides what
	 * they mean for it.
	 * @param facts what the configuration provides
	 * @return the problems, in the order an operator would fix them; empty when
	 * production can run
	 */
	public static List<DeploymentProblem> problems(DeploymentFacts facts) {
		List<DeploymentProblem> problems = new ArrayList<>();
		if (!facts.upstreamBaseUrl() && facts.upstreamApiKey()) {
			problems.add(new DeploymentProblem("toolgate.upstream.api-key (TOOLGATE_UPSTREAM_API_KEY) is set but no "
					+ "upstream base URL, so the key is unused and the simulated model answers: set "
					+ "toolgate.upstream.base-url (TOOLGATE_UPSTREAM_BASE_URL)", true));
		}
		else if (!facts.upstreamBaseUrl()) {
			problems.add(new DeploymentProblem(
					"No upstream model is configured, so the simulated model answers: set "
							+ "toolgate.upstream.base-url (TOOLGATE_UPSTREAM_BASE_URL) to an OpenAI-compatible API",
					false));
		}
		if (!facts.apiKeys()) {
			problems.add(new DeploymentProblem("No API keys are configured, so a key would be generated: set "
					+ "TOOLGATE_API_KEYS (toolgate.api-keys, tenant:key pairs) or toolgate.auth.keys (SHA-256 hashes)",
					false));
		}
		int replicas = facts.deployment().replicas();
		if (!facts.streamTokenKey()) {
			// Demo mode generates a key per process; only a fleet, whose replicas must
			// accept each other's tokens,
			// needs a shared one.
			problems.add(new DeploymentProblem("No stream-token key is configured, so each replica signs with a key of "
					+ "its own and rejects the other replicas' tokens: set toolgate.auth.stream-tokens.keys[0].id and "
					+ ".secret (TOOLGATE_AUTH_STREAMTOKENS_KEYS_0_ID and TOOLGATE_AUTH_STREAMTOKENS_KEYS_0_SECRET, at "
					+ "least 32 characters)", replicas > 1));
		}
		if (replicas > 1 && !facts.redis()) {
			problems.add(new DeploymentProblem("toolgate.replicas (TOOLGATE_REPLICAS) is " + replicas + " but no Redis "
					+ "is configured, so each replica keeps its own conversations, turn logs and rate limits: set "
					+ "REDIS_URL (toolgate.store.redis-url)", true));
		}
		return List.copyOf(problems);
	}

}
