package io.toolgate.bench.floor;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** The one route and the upstream client. */
@Configuration(proxyBeanMethods = false)
public class FloorProxyConfiguration {

	/**
	 * A pool of its own, as Toolgate's model client has: Reactor Netty's shared pool
	 * holds 16 on two cores.
	 */
	@Bean(destroyMethod = "dispose")
	ConnectionProvider upstreamConnections(FloorProperties properties) {
		return ConnectionProvider.builder("floor-upstream")
			.maxConnections(properties.maxConnections())
			.pendingAcquireMaxCount(properties.maxConnections() * 4)
			.build();
	}

	@Bean
	RelayHandler relayHandler(FloorProperties properties, ConnectionProvider upstreamConnections) {
		HttpClient http = HttpClient.create(upstreamConnections).responseTimeout(properties.responseTimeout());
		WebClient upstream = WebClient.builder()
			.baseUrl(properties.upstream().toString())
			.clientConnector(new ReactorClientHttpConnector(http))
			.build();
		return new RelayHandler(upstream, properties.key(), properties.upstreamKey());
	}

	@Bean
	RouterFunction<ServerResponse> routes(RelayHandler handler) {
		return RouterFunctions.route(RequestPredicates.POST("/v1/chat/completions"), handler::relay);
	}

}
