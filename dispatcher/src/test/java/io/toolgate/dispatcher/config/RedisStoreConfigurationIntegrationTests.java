package io.toolgate.dispatcher.config;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolgate.dispatcher.metrics.LettuceCommandMetrics;
import io.toolgate.store.ConversationKey;
import io.toolgate.store.EventDraft;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLogFullException;
import io.toolgate.store.redis.RedisTurnEventLog;
import io.toolgate.store.support.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisStoreConfiguration} against a private Redis: the stores take the
 * {@code toolgate.store} settings.
 */
class RedisStoreConfigurationIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static RedisServerProcess redis;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(StorePropertiesConfiguration.class, RedisStoreConfiguration.class)
		.withBean(LettuceCommandMetrics.class, () -> new LettuceCommandMetrics(new SimpleMeterRegistry()));

	@BeforeAll
	static void startRedis() {
		redis = RedisServerProcess.start();
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void boundsTurnLogsByMaxEventsPerTurn() {
		this.runner
			.withPropertyValues("toolgate.store.redis-url=" + redis.uri(), "toolgate.store.max-events-per-turn=3")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TurnEventLog log = context.getBean(TurnEventLog.class);
				assertThat(log).isInstanceOf(RedisTurnEventLog.class);
				TurnKey turn = new TurnKey(new ConversationKey("acme", UUID.randomUUID().toString()), "t1");
				log.create(turn, Duration.ofMinutes(1)).block(TIMEOUT);
				StepVerifier.create(log.appendAll(turn, List.of(token(), token())).map(StoredEvent::id))
					.expectNext(1L, 2L)
					.verifyComplete();
				// The third slot is kept for the terminal event.
				StepVerifier.create(log.appendAll(turn, List.of(token())))
					.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(TurnLogFullException.class)
						.hasMessageContaining("limit of 3 events"))
					.verify(TIMEOUT);
				StepVerifier.create(log.appendAll(turn, List.of(new EventDraft("turn.completed", "{}", true))))
					.expectNextMatches((event) -> event.id() == 3 && event.terminal())
					.verifyComplete();
			});
	}

	private static EventDraft token() {
		return new EventDraft("token", "{}", false);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ StoreProperties.class, AuditProperties.class })
	static class StorePropertiesConfiguration {

	}

}
