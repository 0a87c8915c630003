package io.toolgate.dispatcher.web;

import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.store.support.RedisServerProcess;
import io.toolgate.test.Closeables;
import io.toolgate.test.ScriptedUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Budgets and caps that end a turn, on Redis: the tenant budget's ledger, the turn's
 * event log and the audit trail are Redis's.
 */
@Timeout(120)
class TurnBudgetRedisIntegrationTests extends AbstractTurnBudgetIntegrationTests {

	private static RedisServerProcess redis;

	private static ScriptedUpstream upstream;

	private static GatewayApp app;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.start();
		upstream = ScriptedUpstream.start(AbstractTurnBudgetIntegrationTests::script);
		Map<String, Object> properties = properties(upstream.baseUrl());
		properties.put("toolgate.store.redis-url", redis.uri());
		app = GatewayApp.start(properties);
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(app, upstream, redis);
	}

	@Override
	GatewayApp app() {
		return app;
	}

}
