package io.toolgate.loadtest.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoadClientTests {

	@Test
	void firstTokenIsTheFirstNonEmptyContent() {
		String role = "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n";
		String token = "data: {\"choices\":[{\"delta\":{\"content\":\"Back\"}}]}\n\n";
		assertThat(LoadClient.hasContent(role)).isFalse();
		assertThat(LoadClient.hasContent(token)).isTrue();
		assertThat(LoadClient.hasContent(role + token)).isTrue();
		String answer = "{\"message\":{\"role\":\"assistant\",\"content\":\"Back-pressure\"}}";
		assertThat(LoadClient.hasContent(answer)).isTrue();
		assertThat(LoadClient.hasContent("data: [DONE]\n\n")).isFalse();
	}

}
