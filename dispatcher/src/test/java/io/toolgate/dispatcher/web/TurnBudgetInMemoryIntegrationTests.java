package io.toolgate.dispatcher.web;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.test.Closeables;
import io.toolgate.test.ScriptedUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** Budgets and caps that end a turn, on the embedded default (in memory). */
@Timeout(120)
class TurnBudgetInMemoryIntegrationTests extends AbstractTurnBudgetIntegrationTests {

	private static ScriptedUpstream upstream;

	private static GatewayApp app;

	@BeforeAll
	static void start() {
		upstream = ScriptedUpstream.start(AbstractTurnBudgetIntegrationTests::script);
		app = GatewayApp.start(properties(upstream.baseUrl()));
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(app, upstream);
	}

	@Override
	GatewayApp app() {
		return app;
	}

}
