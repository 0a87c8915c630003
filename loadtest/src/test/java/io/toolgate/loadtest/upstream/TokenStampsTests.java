package io.toolgate.loadtest.upstream;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenStampsTests {

	@Test
	void stampsEveryNonEmptyContentOfAGroupAndLeavesTheRest() {
		String group = "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
				+ "data: {\"choices\":[{\"delta\":{\"content\":\"Hello\"}}]}\n\n"
				+ "data: {\"choices\":[{\"delta\":{\"content\":\" world\"}}]}\n\n";

		byte[] stamped = TokenStamps.stamp(group.getBytes(StandardCharsets.UTF_8), 1764790000123L);

		assertThat(new String(stamped, StandardCharsets.UTF_8))
			.isEqualTo("data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
					+ "data: {\"choices\":[{\"delta\":{\"content\":\"1764790000123 Hello\"}}]}\n\n"
					+ "data: {\"choices\":[{\"delta\":{\"content\":\"1764790000123  world\"}}]}\n\n");
	}

	@Test
	void returnsAGroupWithoutContentAsItIs() {
		byte[] done = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

		assertThat(TokenStamps.stamp(done, 1764790000123L)).isSameAs(done);
	}

	@Test
	void readsTheStampATokenStartsWith() {
		assertThat(TokenStamps.of("1764790000123 Hello")).isEqualTo(OptionalLong.of(1764790000123L));
		assertThat(TokenStamps.of("Hello there, world")).isEmpty();
		assertThat(TokenStamps.of("17647900001x3 Hello")).isEmpty();
		assertThat(TokenStamps.of("1764790000123")).isEmpty();
	}

}
