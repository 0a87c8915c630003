package io.toolgate.dispatcher.health;

import java.time.Duration;
import java.util.function.Supplier;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * Reports whether the conversation store answers. It is part of the readiness group, so a
 * replica whose Redis is unreachable leaves the load balancer until Redis answers again,
 * without a restart.
 */
public class StoreHealthIndicator implements ReactiveHealthIndicator {

	private final String backend;

	private final Supplier<Mono<Boolean>> ping;

	private final Duration timeout;

	/**
	 * Creates the indicator.
	 * @param backend {@code memory} or {@code redis}, reported as a detail
	 * @param ping answers {@code true} when the store is reachable; must not error
	 * @param timeout how long a check may take before the store counts as down
	 */
	public StoreHealthIndicator(String backend, Supplier<Mono<Boolean>> ping, Duration timeout) {
		this.backend = backend;
		this.ping = ping;
		this.timeout = timeout;
	}

	@Override
	public Mono<Health> health() {
		return Mono.defer(this.ping)
			.timeout(this.timeout, Mono.just(false))
			.onErrorReturn(false)
			.map(up -> (up ? Health.up() : Health.down()).withDetail("backend", this.backend).build());
	}

}
