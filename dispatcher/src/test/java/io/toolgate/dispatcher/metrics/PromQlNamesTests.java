package io.toolgate.dispatcher.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PromQlNamesTests {

	@Test
	void findsSelectorsInsideFunctionsAndAggregations() {
		assertThat(PromQlNames.of("histogram_quantile(0.99, sum by (le, tool) "
				+ "(rate(toolgate_tool_calls_seconds_bucket{outcome=~\"ok|timeout\", tool!=\"x\"}[$__rate_interval])))"))
			.containsExactly("toolgate_tool_calls_seconds_bucket");
	}

	@Test
	void findsBareSelectorsOnBothSidesOfBinaryOperators() {
		assertThat(PromQlNames.of("max by (instance) (toolgate_turns_active / toolgate_turns_limit) > 0.9 "
				+ "or sum(rate(toolgate_admission_rejections_total[5m])) > 0"))
			.containsExactly("toolgate_admission_rejections_total", "toolgate_turns_active", "toolgate_turns_limit");
	}

	@Test
	void ignoresKeywordsLabelListsStringsAndNumbers() {
		assertThat(PromQlNames.of("(sum(rate(a_total{status=~\"5..\"}[5m])) or vector(0)) / ignoring (x) "
				+ "group_left (y) sum without (le) (b_count offset 5m) unless on (instance) c == bool 1e3"))
			.containsExactly("a_total", "b_count", "c");
	}

}
