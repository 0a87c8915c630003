package io.toolgate.dispatcher.config;

import java.util.HashMap;
import java.util.Map;

import io.github.bucket4j.TimeMeter;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.toolgate.dispatcher.policy.FailoverRateLimiter;
import io.toolgate.dispatcher.policy.RateLimitPlans;
import io.toolgate.dispatcher.policy.RequestRateLimit;
import io.toolgate.dispatcher.policy.TokenBudget;
import io.toolgate.dispatcher.policy.ToolRateLimitGate;
import io.toolgate.dispatcher.policy.RatePlan;
import io.toolgate.dispatcher.policy.TenantRateLimitFilter;
import io.toolgate.dispatcher.policy.TokenEstimator;
import io.toolgate.ratelimit.RateLimiter;
import io.toolgate.ratelimit.bucket4j.Bucket4jRateLimiter;
import io.toolgate.ratelimit.bucket4j.LocalBucket4jRateLimiter;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import reactor.core.scheduler.Schedulers;

/**
 * Rate limits: the limiter (Redis when a Lettuce connection or client bean exists, else
 * local buckets), the plans, the policy and the edge filter.
 * <p>
 * Redis is found, in this order, as a bean of type
 * {@code StatefulRedisConnection<String, byte[]>} or
 * {@code StatefulRedisClusterConnection<String, byte[]>} (codec
 * {@link Bucket4jRateLimiter#CODEC}; shared, not closed here), or as an
 * {@link AbstractRedisClient} bean ({@code RedisClient} or {@code RedisClusterClient}),
 * on which the limiter opens its own connection and closes it at shutdown.
 */
@Configuration(proxyBeanMethods = false)
public class RateLimitConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(RateLimitConfiguration.class);

	@Bean
	RateLimiter rateLimiter(RateLimitProperties properties,
			ObjectProvider<StatefulRedisConnection<String, byte[]>> standalone,
			ObjectProvider<StatefulRedisClusterConnection<String, byte[]>> cluster,
			ObjectProvider<AbstractRedisClient> client, MeterRegistry meters) {
		LocalBucket4jRateLimiter local = new LocalBucket4jRateLimiter(properties.localMaxBuckets(),
				TimeMeter.SYSTEM_NANOTIME);
		Bucket4jRateLimiter distributed = distributed(properties, standalone, cluster, client);
		if (distributed == null) {
			logger.info("Rate limits are local to this replica (no Redis configured)");
			return local;
		}
		logger.info("Rate limits are shared through Redis; while it is unreachable they {}",
				properties.backendFailurePolicy().tag());
		return new FailoverRateLimiter(distributed, local, properties.backendFailurePolicy(),
				properties.backendRetryInterval(), meters, System::nanoTime);
	}

	private static @Nullable Bucket4jRateLimiter distributed(RateLimitProperties properties,
			ObjectProvider<StatefulRedisConnection<String, byte[]>> standalone,
			ObjectProvider<StatefulRedisClusterConnection<String, byte[]>> cluster,
			ObjectProvider<AbstractRedisClient> client) {
		Bucket4jRateLimiter.Options options = Bucket4jRateLimiter.Options.of(properties.backendTimeout())
			.withRefundDelay(properties.refundDelay())
			.withMaxBuckets(properties.localMaxBuckets());
		StatefulRedisConnection<String, byte[]> connection = standalone.getIfUnique();
		if (connection != null) {
			return Bucket4jRateLimiter.standalone(connection, options);
		}
		StatefulRedisClusterConnection<String, byte[]> clusterConnection = cluster.getIfUnique();
		if (clusterConnection != null) {
			return Bucket4jRateLimiter.cluster(clusterConnection, options);
		}
		AbstractRedisClient redisClient = client.getIfUnique();
		return (redisClient != null) ? Bucket4jRateLimiter.connect(redisClient, options) : null;
	}

	@Bean
	RateLimitPlans rateLimitPlans(RateLimitProperties properties) {
		return plans(properties);
	}

	/**
	 * Resolves the configured plans.
	 * @param properties the rate-limit properties
	 * @return the plans; unlimited when rate limiting is disabled
	 * @throws IllegalArgumentException if a tenant or the default names an unknown plan
	 */
	public static RateLimitPlans plans(RateLimitProperties properties) {
		if (!properties.enabled()) {
			return RateLimitPlans.unlimited();
		}
		Map<String, RatePlan> plans = new HashMap<>();
		properties.plans()
			.forEach((name, plan) -> plans.put(name, new RatePlan(plan.requestsPerMinute(), plan.tokensPerMinute(),
					plan.toolCallsPerSecond(), plan.defaultToolCallsPerSecond())));
		return new RateLimitPlans(plans, properties.tenants(), properties.defaultPlan(), properties.tools());
	}

	@Bean
	TokenBudget tokenBudget(RateLimiter rateLimiter, RateLimitPlans plans, RateLimitProperties properties,
			MeterRegistry meters) {
		TokenEstimator estimator = new TokenEstimator(properties.tokenEstimate().charsPerToken(),
				properties.tokenEstimate().completionTokens());
		return new TokenBudget(rateLimiter, plans, estimator, meters);
	}

	@Bean
	ToolRateLimitGate toolRateLimitGate(RateLimiter rateLimiter, RateLimitPlans plans, RateLimitProperties properties,
			MeterRegistry meters) {
		return new ToolRateLimitGate(rateLimiter, plans, properties.toolWaitMax(), Schedulers.parallel(), meters);
	}

	@Bean
	@Order(FilterOrders.TENANT_RATE_LIMIT)
	TenantRateLimitFilter tenantRateLimitFilter(RateLimiter rateLimiter, RateLimitPlans plans, MeterRegistry meters) {
		return new TenantRateLimitFilter(new RequestRateLimit(rateLimiter, plans, meters));
	}

}
