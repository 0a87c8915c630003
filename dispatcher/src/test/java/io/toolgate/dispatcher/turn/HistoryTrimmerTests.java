package io.toolgate.dispatcher.turn;

import java.util.List;

import io.toolgate.dispatcher.policy.TokenEstimator;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HistoryTrimmer}: budgets counted by the configured {@link TokenEstimator},
 * call/result pairs kept together.
 */
class HistoryTrimmerTests {

	// (16 + 400) characters: 104 tokens at 4 characters per token, 208 at 2.
	private static final ChatMessage OLD_QUESTION = ChatMessage.user("q".repeat(400));

	private static final ChatMessage OLD_ANSWER = ChatMessage.assistant("a".repeat(400));

	// (16 + 40) characters: 14 tokens at 4, 28 at 2.
	private static final ChatMessage QUESTION = ChatMessage.user("n".repeat(40));

	private static final List<ChatMessage> HISTORY = List.of(OLD_QUESTION, OLD_ANSWER, QUESTION);

	@Test
	void keepsWhatFitsAtFourCharactersPerToken() {
		HistoryTrimmer trimmer = new HistoryTrimmer(250, new TokenEstimator(4, 0));
		assertThat(trimmer.trim(HISTORY)).containsExactly(OLD_QUESTION, OLD_ANSWER, QUESTION);
	}

	@Test
	void countsTokensWithTheConfiguredCharactersPerToken() {
		HistoryTrimmer trimmer = new HistoryTrimmer(250, new TokenEstimator(2, 0));
		assertThat(trimmer.trim(HISTORY)).containsExactly(OLD_ANSWER, QUESTION);
	}

	@Test
	void keepsSystemMessagesAndToolResultsWithTheirCalls() {
		ChatMessage system = ChatMessage.system("be brief");
		ChatMessage call = ChatMessage.assistant(null, List.of(ToolCall.of("c1", "lookup", "{\"key\":\"redis\"}")));
		ChatMessage result = ChatMessage.tool("c1", "r".repeat(400));
		HistoryTrimmer trimmer = new HistoryTrimmer(150, new TokenEstimator(4, 0));
		assertThat(trimmer.trim(List.of(system, OLD_QUESTION, call, result, QUESTION))).containsExactly(system, call,
				result, QUESTION);
	}

}
