package io.toolgate.loadtest;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.util.function.Tuple2;

import static org.assertj.core.api.Assertions.assertThat;

class ToolWorkerSimulatorTests {

	@Test
	void answersJsonNamingTheTool() {
		try (ToolWorkerSimulator worker = ToolWorkerSimulator.start(0,
				ToolWorkerSettings.of(LatencyDistribution.fixed(Duration.ofMillis(5))))) {
			Tuple2<Integer, String> answer = post(worker.url() + "/weather");

			assertThat(answer.getT1()).isEqualTo(200);
			assertThat(answer.getT2()).contains("\"ok\":true", "\"tool\":\"weather\"");
			assertThat(worker.calls()).isEqualTo(1);
		}
	}

	@Test
	void failsEveryCallWhenTheErrorRateIsOne() {
		ToolWorkerSettings failing = new ToolWorkerSettings(LatencyDistribution.fixed(Duration.ZERO), 1, 0,
				Duration.ofSeconds(1), 0);
		try (ToolWorkerSimulator worker = ToolWorkerSimulator.start(0, failing)) {
			assertThat(post(worker.url()).getT1()).isEqualTo(500);
		}
	}

	@Test
	void closesAHungCallAfterTheHangBound() {
		ToolWorkerSettings hanging = new ToolWorkerSettings(LatencyDistribution.fixed(Duration.ZERO), 0, 1,
				Duration.ofMillis(200), 0);
		try (ToolWorkerSimulator worker = ToolWorkerSimulator.start(0, hanging)) {
			Mono<Integer> call = HttpClient.create()
				.post()
				.uri(worker.url())
				.response()
				.map((response) -> response.status().code());

			assertThat(call.onErrorReturn(-1).block(Duration.ofSeconds(5))).isEqualTo(-1);
		}
	}

	private static Tuple2<Integer, String> post(String url) {
		return HttpClient.create()
			.post()
			.uri(url)
			.send((request, out) -> out.sendString(Mono.just("{\"city\":\"Paris\"}")))
			.responseSingle((response, body) -> body.asString()
				.defaultIfEmpty("")
				.map((text) -> reactor.util.function.Tuples.of(response.status().code(), text)))
			.block(Duration.ofSeconds(5));
	}

}
