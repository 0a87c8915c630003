package io.toolgate.loadtest.bench;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MonitorFeed} reads the arguments of a {@code MONITOR} line, a script's whole
 * source among them, and counts round trips apart from commands run in scripts.
 */
class MonitorFeedTests {

	@Test
	void readsQuotedArgumentsWithEscapes() {
		assertThat(MonitorFeed.arguments(" \"EVALSHA\" \"abc\" \"1\" \"tg:{a}:conv\" \"say \\\"hi\\\"\""))
			.containsExactly("EVALSHA", "abc", "1", "tg:{a}:conv", "say \\\"hi\\\"");
	}

	@Test
	void readsAScriptSourceOfManyThousandCharacters() {
		String source = "local x = 1\\n".repeat(20_000);

		assertThat(MonitorFeed.arguments(" \"EVAL\" \"" + source + "\" \"1\" \"tg:{a}:lease\"")).hasSize(4)
			.element(1)
			.isEqualTo(source);
	}

	@Test
	void countsRoundTripsApartFromCommandsRunInScripts() {
		List<String> lines = List.of("1.0 [0 127.0.0.1:5000] \"EVALSHA\" \"abc\" \"1\" \"tg:{a}:conv\"",
				"1.1 [0 lua] \"HSET\" \"tg:{a}:conv\" \"v\" \"1\"", "1.2 [0 127.0.0.1:6000] \"PING\"");

		MonitorFeed.Tally tally = MonitorFeed.tally(lines, 6000, 1);

		assertThat(tally.sent()).containsOnlyKeys("evalsha");
		assertThat(tally.inScripts()).containsOnlyKeys("hset");
	}

}
