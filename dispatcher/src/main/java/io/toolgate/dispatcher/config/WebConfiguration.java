package io.toolgate.dispatcher.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.toolgate.dispatcher.web.ApiSettings;
import io.toolgate.dispatcher.web.BodySizeLimitFilter;
import io.toolgate.dispatcher.web.ApprovalsHandler;
import io.toolgate.dispatcher.web.ChatCompletionsHandler;
import io.toolgate.dispatcher.web.ConversationsHandler;
import io.toolgate.dispatcher.web.CorsFilter;
import io.toolgate.dispatcher.web.ErrorResponseWriter;
import io.toolgate.dispatcher.web.ExchangeReleases;
import io.toolgate.dispatcher.web.ModelsHandler;
import io.toolgate.dispatcher.web.ProtocolErrorBodies;
import io.toolgate.dispatcher.web.StrictRequestFilter;
import io.toolgate.dispatcher.web.ToolsHandler;
import io.toolgate.streaming.upstream.ModelClient;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP API: routes, the error writer, the strict-request check, CORS and the
 * body-size limit.
 */
@Configuration(proxyBeanMethods = false)
public class WebConfiguration {

	@Bean
	RouterFunction<ServerResponse> toolgateRoutes(ChatCompletionsHandler chat, ConversationsHandler conversations,
			ToolsHandler tools, ModelsHandler models, ApprovalsHandler approvals) {
		return RouterFunctions.route()
			.POST("/v1/chat/completions", chat::complete)
			.GET("/v1/chat/completions/{id}/events", chat::resume)
			.GET("/v1/models", models::list)
			.POST("/v1/conversations/{id}/turns", conversations::startTurn)
			.GET("/v1/conversations/{id}/turns/{turnId}/events", conversations::resumeTurn)
			.GET("/v1/conversations/{id}", conversations::get)
			.DELETE("/v1/conversations/{id}", conversations::delete)
			.GET("/v1/tools", tools::list)
			.POST("/v1/tools/{name}/invocations", tools::invoke)
			.GET("/v1/approvals", approvals::list)
			.GET("/v1/approvals/{id}", approvals::get)
			.POST("/v1/approvals/{id}", approvals::decide)
			.build();
	}

	@Bean
	ModelsHandler modelsHandler(ApiSettings settings, ModelClient model) {
		return new ModelsHandler(settings, model.providerName());
	}

	@Bean
	@Order(FilterOrders.ERROR_WRITER)
	ErrorResponseWriter errorResponseWriter(JsonMapper jsonMapper, MeterRegistry meters) {
		return new ErrorResponseWriter(jsonMapper, meters);
	}

	/**
	 * Protocol rejections of the server itself (414, 431, malformed requests) get the
	 * JSON error body too.
	 */
	@Bean
	NettyServerCustomizer protocolErrorBodies(JsonMapper jsonMapper) {
		return server -> server.doOnChannelInit(
				(observer, channel, remoteAddress) -> ProtocolErrorBodies.install(channel.pipeline(), jsonMapper));
	}

	@Bean
	@Order(FilterOrders.STRICT_REQUEST)
	StrictRequestFilter strictRequestFilter() {
		return new StrictRequestFilter();
	}

	/**
	 * Answers preflights before authentication; the allowed origins come from
	 * {@code toolgate.http.cors}.
	 */
	@Bean
	@Order(FilterOrders.CORS)
	CorsFilter corsFilter(HttpProperties properties) {
		HttpProperties.Cors cors = properties.cors();
		CorsConfiguration configuration = new CorsConfiguration();
		configuration.setAllowedOriginPatterns(cors.allowedOrigins());
		configuration.setAllowedMethods(cors.allowedMethods());
		configuration.setAllowedHeaders(cors.allowedHeaders());
		configuration.setExposedHeaders(cors.exposedHeaders());
		configuration.setMaxAge(cors.maxAge());
		configuration.setAllowCredentials(cors.allowCredentials());
		return new CorsFilter(configuration);
	}

	@Bean
	@Order(FilterOrders.BODY_SIZE_LIMIT)
	BodySizeLimitFilter bodySizeLimitFilter(HttpProperties properties) {
		return new BodySizeLimitFilter(properties.maxBodySize().toBytes());
	}

	@Bean
	@Order(FilterOrders.EXCHANGE_RELEASES)
	ExchangeReleases exchangeReleases() {
		return new ExchangeReleases();
	}

	@Bean
	WebFluxConfigurer codecLimits(HttpProperties properties) {
		return new WebFluxConfigurer() {
			@Override
			public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
				configurer.defaultCodecs().maxInMemorySize((int) properties.maxBodySize().toBytes());
			}
		};
	}

}
