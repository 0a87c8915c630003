package io.toolgate.streaming.upstream;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Word handling of the simulated model: splitting, stop words, a crude stem and a few
 * synonyms.
 */
final class SimulatedWords {

	private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

	private static final Pattern CAMEL = Pattern.compile("(?<=\\p{Ll})(?=\\p{Lu})");

	private static final Set<String> STOP_WORDS = Set.of("a", "an", "the", "and", "or", "but", "to", "of", "in", "on",
			"at", "for", "with", "by", "from", "into", "is", "are", "was", "were", "be", "been", "am", "do", "does",
			"did", "me", "my", "i", "you", "your", "it", "its", "this", "that", "these", "those", "what", "whats",
			"which", "who", "how", "much", "many", "please", "can", "could", "would", "will", "should", "tell", "give",
			"get", "gets", "show", "let", "know", "then", "also", "some", "any", "current", "us", "we", "our", "there",
			"here", "s", "if", "as", "up", "out", "about", "returns", "return", "given", "tool", "function", "using",
			"use", "value", "values", "hi", "hello", "hey", "thanks", "now");

	// Folds a few words onto one, so "plus" finds an "add" tool and "forecast" a weather
	// tool.
	private static final Map<String, String> SYNONYMS = Map.ofEntries(Map.entry("plus", "add"), Map.entry("sum", "add"),
			Map.entry("total", "add"), Map.entry("addition", "add"), Map.entry("clock", "time"),
			Map.entry("hour", "time"), Map.entry("date", "time"), Map.entry("forecast", "weather"),
			Map.entry("temperature", "weather"), Map.entry("times", "multiply"), Map.entry("product", "multiply"),
			Map.entry("look", "search"), Map.entry("find", "search"), Map.entry("lookup", "search"));

	private SimulatedWords() {
	}

	/** Returns the significant stems of {@code text}, in order, without duplicates. */
	static Set<String> stems(String text) {
		Set<String> stems = new LinkedHashSet<>();
		for (String word : NON_WORD.split(CAMEL.matcher(text).replaceAll(" "))) {
			String lower = word.toLowerCase(Locale.ROOT);
			if (lower.isEmpty() || STOP_WORDS.contains(lower) || Character.isDigit(lower.charAt(0))) {
				continue;
			}
			stems.add(stem(SYNONYMS.getOrDefault(lower, lower)));
		}
		return stems;
	}

	/** Whether {@code word} is a stop word. */
	static boolean isStopWord(String word) {
		return STOP_WORDS.contains(word.toLowerCase(Locale.ROOT));
	}

	private static String stem(String word) {
		String stem = word;
		if (stem.length() > 3 && stem.endsWith("s") && !stem.endsWith("ss")) {
			stem = stem.substring(0, stem.length() - 1);
		}
		return (stem.length() > 5) ? stem.substring(0, 5) : stem;
	}

}
