package io.toolgate.dispatcher.web;

import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.store.support.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * A tenant's daily spend budget shared by two replicas through a real Redis: requests
 * alternate between them and the refusal's spend is what both admitted.
 */
@Timeout(120)
class SpendBudgetFleetIntegrationTests extends AbstractSpendBudgetIntegrationTests {

	private static RedisServerProcess redis;

	private static GatewayApp replicaA;

	private static GatewayApp replicaB;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.start();
		Map<String, Object> properties = spendProperties();
		properties.put("toolgate.store.redis-url", redis.uri());
		replicaA = GatewayApp.start(properties);
		replicaB = GatewayApp.start(properties);
	}

	@AfterAll
	static void stop() {
		if (replicaA != null) {
			replicaA.close();
		}
		if (replicaB != null) {
			replicaB.close();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Override
	List<GatewayApp> replicas() {
		return List.of(replicaA, replicaB);
	}

}
