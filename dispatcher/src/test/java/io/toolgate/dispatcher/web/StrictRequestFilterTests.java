package io.toolgate.dispatcher.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class StrictRequestFilterTests {

	@ParameterizedTest
	@ValueSource(strings = { "/v1/models", "/v1/conversations/a_b.c:d-e/turns/turn_1/events",
			"/v1/conversations/bad%20id%21", "/v1/conversations/%E6%97%A5", "/actuator/health/liveness", "/" })
	void acceptsPathsWithOneReading(String path) {
		assertThat(StrictRequestFilter.pathProblem(path)).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/v1;x/tools", "/v1;a=b/tools", "/v1/tools/calculator;x/invocations", "/v1/tools;",
			"/%761/models", "/v1/%74ools", "/v1%2Ftools", "/v1%2ftools", "/v1/%5Ctools", "/v1/%2e/tools", "/v1/./tools",
			"/v1/x/../tools", "/v1/..", "/v1/tools%", "/v1/tools%4", "/v1/tools%zz", "/v1/conversations/a%C0%AFb",
			"/v1/conversations/a%E6%97", "/v1/conversations/%ED%A0%80", "/v1/conversations/\u00e9" })
	void rejectsPathsWithMoreThanOneReading(String path) {
		assertThat(StrictRequestFilter.pathProblem(path)).isNotNull();
	}

}
