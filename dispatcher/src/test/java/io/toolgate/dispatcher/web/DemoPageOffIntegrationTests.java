package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.HttpStatusCode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code toolgate.http.demo-page=false} (the production default) {@code /} is an
 * unknown route.
 */
@Timeout(120)
class DemoPageOffIntegrationTests {

	@Test
	void leavesTheDemoPageOutWhenSwitchedOff() {
		try (GatewayApp app = GatewayApp.start(Map.of("toolgate.http.demo-page", false))) {
			String body = app.anonymousClient().get().uri("/").exchangeToMono(response -> {
				assertThat(response.statusCode()).isEqualTo(HttpStatusCode.valueOf(404));
				return response.bodyToMono(String.class);
			}).block(Duration.ofSeconds(20));

			assertThat(body).contains("\"code\":\"not_found\"");
		}
	}

}
