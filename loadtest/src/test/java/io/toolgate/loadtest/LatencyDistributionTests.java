package io.toolgate.loadtest;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LatencyDistributionTests {

	@Test
	void parsesTheThreeShapes() {
		assertThat(LatencyDistribution.parse("fixed:100")).isEqualTo(LatencyDistribution.fixed(Duration.ofMillis(100)));
		assertThat(LatencyDistribution.parse("uniform:10:20"))
			.isEqualTo(LatencyDistribution.uniform(Duration.ofMillis(10), Duration.ofMillis(20)));
		assertThat(LatencyDistribution.parse("lognormal:50:400"))
			.isEqualTo(LatencyDistribution.logNormal(Duration.ofMillis(50), Duration.ofMillis(400)));
	}

	@Test
	void rejectsUnknownShapesAndReversedBounds() {
		assertThatIllegalArgumentException().isThrownBy(() -> LatencyDistribution.parse("gamma:1"));
		assertThatIllegalArgumentException().isThrownBy(() -> LatencyDistribution.parse("uniform:20:10"));
	}

	@Test
	void uniformDrawsStayWithinBounds() {
		LatencyDistribution uniform = LatencyDistribution.uniform(Duration.ofMillis(10), Duration.ofMillis(20));
		SplittableRandom random = new SplittableRandom(1);

		for (int i = 0; i < 1000; i++) {
			assertThat(uniform.draw(random)).isBetween(Duration.ofMillis(10), Duration.ofMillis(20));
		}
	}

	@Test
	void logNormalDrawsHitTheConfiguredMedianAndP99() {
		LatencyDistribution logNormal = LatencyDistribution.logNormal(Duration.ofMillis(50), Duration.ofMillis(400));
		SplittableRandom random = new SplittableRandom(7);
		long[] millis = new long[20_000];
		for (int i = 0; i < millis.length; i++) {
			millis[i] = logNormal.draw(random).toMillis();
		}
		Arrays.sort(millis);

		assertThat(millis[millis.length / 2]).isBetween(45L, 55L);
		assertThat(millis[millis.length * 99 / 100]).isBetween(340L, 460L);
	}

}
