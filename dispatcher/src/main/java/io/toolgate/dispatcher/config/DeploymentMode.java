package io.toolgate.dispatcher.config;

/** How much Toolgate fills in by itself ({@code toolgate.mode}). */
public enum DeploymentMode {

	/**
	 * Runs with no configuration: the simulated model, in-memory state and a generated
	 * API key. The default, so {@code java -jar} works offline.
	 */
	DEMO,

	/**
	 * Fills in nothing: start-up fails, naming the setting, when the upstream model, the
	 * API keys or, for more than one replica, Redis are not configured.
	 */
	PRODUCTION

}
