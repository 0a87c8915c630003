package io.toolgate.dispatcher.web;

import java.util.List;

import io.toolgate.dispatcher.support.GatewayApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** A tenant's daily spend budget on the embedded default: one replica, in memory. */
@Timeout(90)
class SpendBudgetInMemoryIntegrationTests extends AbstractSpendBudgetIntegrationTests {

	private static GatewayApp app;

	@BeforeAll
	static void start() {
		app = GatewayApp.start(spendProperties());
	}

	@AfterAll
	static void stop() {
		app.close();
	}

	@Override
	List<GatewayApp> replicas() {
		return List.of(app);
	}

}
