package io.toolgate.loadtest.simulation;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Many tenants against two replicas that share one Redis, each tenant limited to
 * {@code limit} requests per window. Each tenant sends {@code requests} requests one
 * after another, alternating between the replicas, well inside one window: the first
 * {@code limit} must pass (request name {@code allowed}, status 200) and the rest must be
 * refused (request name {@code limited}, status 429 with {@code Retry-After}). A limit
 * kept per replica instead of shared would let about twice as many through and fail the
 * {@code limited} count. {@code tolerance} allows that many extra passes per tenant, for
 * tokens refilled while the run lasts.
 * <p>
 * Tenant {@code i} (from 1) is {@code rl-<i>} with key {@code rl-key-<i>}: start the
 * replicas with {@code TOOLGATE_API_KEYS=rl-1:rl-key-1,...}. Parameters:
 * {@code -DbaseUrls=a,b}, {@code -Dtenants}, {@code -Dlimit}, {@code -Drequests} (per
 * tenant, more than {@code limit}), {@code -Dtolerance}, {@code -DmaxDuration} (seconds).
 */
public class RateLimitSimulation extends Simulation {

	private static final String BODY = """
			{"model":"toolgate-sim","messages":[{"role":"user","content":"ping"}]}""";

	private final List<String> baseUrls = SimulationParameters.baseUrls();

	private final int tenants = SimulationParameters.integer("tenants", 4);

	private final int limit = SimulationParameters.integer("limit", 5);

	private final int requests = SimulationParameters.integer("requests", 8);

	private final int tolerance = SimulationParameters.integer("tolerance", 1);

	private final Iterator<Map<String, Object>> tenantFeeder = IntStream.rangeClosed(1, this.tenants)
		.mapToObj((i) -> Map.<String, Object>of("tenant", "rl-" + i, "key", "rl-key-" + i))
		.iterator();

	private final HttpProtocolBuilder protocol = http.contentTypeHeader("application/json");

	private final ScenarioBuilder tenant = scenario("tenants").feed(this.tenantFeeder)
		.repeat(this.requests, "i")
		.on(exec(http(this::requestName).post(this::url)
			.header("Authorization", "Bearer #{key}")
			.body(StringBody(BODY))
			.check(status().is(this::expectedStatus))
			.checkIf(this::limited)
			.then(header("Retry-After").exists())));

	{
		long allowed = (long) this.tenants * this.limit;
		long limited = (long) this.tenants * (this.requests - this.limit);
		long slack = (long) this.tenants * this.tolerance;
		setUp(this.tenant.injectOpen(atOnceUsers(this.tenants))).protocols(this.protocol)
			.maxDuration(SimulationParameters.seconds("maxDuration", 60))
			.assertions(global().allRequests().count().is(allowed + limited),
					details("allowed").failedRequests().count().is(0L),
					details("allowed").successfulRequests().count().is(allowed),
					details("limited").successfulRequests().count().between(limited - slack, limited));
	}

	private boolean limited(Session session) {
		return session.getInt("i") >= this.limit;
	}

	private String requestName(Session session) {
		return limited(session) ? "limited" : "allowed";
	}

	private Integer expectedStatus(Session session) {
		return limited(session) ? 429 : 200;
	}

	private String url(Session session) {
		return this.baseUrls.get(session.getInt("i") % this.baseUrls.size()) + "/v1/chat/completions";
	}

}
