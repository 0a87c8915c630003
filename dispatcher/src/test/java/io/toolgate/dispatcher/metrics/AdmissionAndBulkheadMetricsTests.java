package io.toolgate.dispatcher.metrics;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolgate.dispatcher.admission.AdmissionController;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.dispatcher.tool.RegisteredTool;
import io.toolgate.dispatcher.tool.ToolBulkhead;
import io.toolgate.dispatcher.tool.ToolExecutor;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.tool.ToolSpec;
import io.toolgate.dispatcher.tool.support.TestTools;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdmissionAndBulkheadMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void exposesActiveTurnsTheLimitAndRejections() {
		AdmissionController admission = new AdmissionController(1, Duration.ofSeconds(1));
		new AdmissionMetrics(admission).bindTo(this.registry);

		AdmissionController.Permit permit = admission.admit();
		assertThatThrownBy(admission::admit).isInstanceOf(ToolgateException.class);

		assertThat(this.registry.get("toolgate.turns.active").gauge().value()).isEqualTo(1);
		assertThat(this.registry.get("toolgate.turns.limit").gauge().value()).isEqualTo(1);
		assertThat(this.registry.get("toolgate.admission.rejections").functionCounter().count()).isEqualTo(1);
		permit.release();
		assertThat(this.registry.get("toolgate.turns.active").gauge().value()).isZero();
	}

	@Test
	void exposesInFlightCallsAgainstTheLimitOfEachTool() {
		ToolSpec spec = TestTools.http("weather", URI.create("http://127.0.0.1:9/weather"), Duration.ofSeconds(1), 1,
				2);
		ToolExecutor idle = execution -> Mono.never();
		ToolRegistry tools = ToolRegistry.of(List.of(spec), executor -> idle, 0, TestTools.JSON);
		ToolBulkhead bulkhead = tools.find("weather").map(RegisteredTool::bulkhead).orElseThrow();
		new ToolBulkheadMetrics(tools).bindTo(this.registry);
		Sinks.Empty<Void> hold = Sinks.empty();

		StepVerifier.create(bulkhead.run(() -> hold.asMono().then(Mono.just("done")), Duration.ofSeconds(1)))
			.then(() -> {
				assertThat(this.registry.get("toolgate.tool.inflight").tags("tool", "weather").gauge().value())
					.isEqualTo(1);
				assertThat(this.registry.get("toolgate.tool.concurrency.limit").tags("tool", "weather").gauge().value())
					.isEqualTo(2);
				hold.tryEmitEmpty();
			})
			.expectNext("done")
			.expectComplete()
			.verify(Duration.ofSeconds(5));

		assertThat(this.registry.get("toolgate.tool.inflight").tags("tool", "weather").gauge().value()).isZero();
		assertThat(this.registry.get("toolgate.tool.retries").tags("tool", "weather").counter().count()).isZero();
	}

}
