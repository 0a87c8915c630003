package io.toolgate.streaming.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.toolgate.streaming.openai.ToolDefinition;
import org.jspecify.annotations.Nullable;

/**
 * Splits a user message into requests and matches each to the offered tool whose name and
 * description share the most significant words with it (a name word counts twice). A
 * piece that matches no tool belongs to the request before it ("add 3 and 4" stays one
 * request), or to the next one when it comes first.
 */
final class ToolMatcher {

	private static final Pattern SEPARATOR = Pattern.compile(
			"[,;]\\s*|[.!?](?:\\s+|$)|\\s+(?:and then|and also|then|also|and|as well as)\\s+",
			Pattern.CASE_INSENSITIVE);

	private final List<ToolDefinition> tools;

	private final List<Set<String>> nameStems = new ArrayList<>();

	private final List<Set<String>> descriptionStems = new ArrayList<>();

	ToolMatcher(List<ToolDefinition> tools) {
		this.tools = tools;
		for (ToolDefinition tool : tools) {
			ToolDefinition.Function function = tool.function();
			this.nameStems.add(SimulatedWords.stems(function.name().replace('_', ' ').replace('-', ' ')));
			String description = function.description();
			this.descriptionStems.add((description != null) ? SimulatedWords.stems(description) : Set.of());
		}
	}

	/**
	 * A request and the tool it matched.
	 *
	 * @param text the request's text, as the user wrote it
	 * @param tool the matched tool
	 */
	record Match(String text, ToolDefinition tool) {
	}

	/** Returns the matched requests of {@code text}, in order. */
	List<Match> match(String text) {
		List<int[]> ranges = new ArrayList<>();
		List<ToolDefinition> matched = new ArrayList<>();
		int pendingStart = -1;
		for (int[] span : spans(text)) {
			ToolDefinition tool = bestTool(text.substring(span[0], span[1]));
			if (tool != null) {
				ranges.add(new int[] { (pendingStart >= 0) ? pendingStart : span[0], span[1] });
				matched.add(tool);
				pendingStart = -1;
			}
			else if (!ranges.isEmpty()) {
				ranges.get(ranges.size() - 1)[1] = span[1];
			}
			else if (pendingStart < 0) {
				pendingStart = span[0];
			}
		}
		List<Match> matches = new ArrayList<>(ranges.size());
		for (int i = 0; i < ranges.size(); i++) {
			matches.add(new Match(text.substring(ranges.get(i)[0], ranges.get(i)[1]).strip(), matched.get(i)));
		}
		return matches;
	}

	/**
	 * Returns the tool best matching {@code text}, the first offered on a tie, or
	 * {@code null} if none shares a word.
	 */
	@Nullable ToolDefinition bestTool(String text) {
		Set<String> words = SimulatedWords.stems(text);
		ToolDefinition best = null;
		int bestScore = 0;
		for (int i = 0; i < this.tools.size(); i++) {
			int score = 0;
			for (String word : words) {
				score += (this.nameStems.get(i).contains(word) ? 2 : 0)
						+ (this.descriptionStems.get(i).contains(word) ? 1 : 0);
			}
			if (score > bestScore) {
				bestScore = score;
				best = this.tools.get(i);
			}
		}
		return best;
	}

	private static List<int[]> spans(String text) {
		List<int[]> spans = new ArrayList<>();
		Matcher matcher = SEPARATOR.matcher(text);
		int start = 0;
		while (matcher.find()) {
			if (matcher.start() > start) {
				spans.add(new int[] { start, matcher.start() });
			}
			start = matcher.end();
		}
		if (start < text.length()) {
			spans.add(new int[] { start, text.length() });
		}
		return spans;
	}

}
