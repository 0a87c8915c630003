package io.toolgate.streaming.upstream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Values found in a request's text, handed out in order: numbers, quoted phrases, and
 * runs of capitalised words (a sentence's first word excluded), plus the text itself and
 * its significant words.
 */
final class RequestValues {

	private static final Pattern NUMBER = Pattern.compile("(?<![\\p{L}\\p{N}.])-?\\d+(?:\\.\\d+)?");

	private static final Pattern QUOTED = Pattern
		.compile("\"([^\"]+)\"|\u201C([^\u201D]+)\u201D|(?<=^|\\s)'([^']+)'(?=$|\\s|[.,;:!?])");

	private static final Pattern CAPITALISED = Pattern
		.compile("\\p{Lu}[\\p{L}\\p{N}'-]*(?:\\s+\\p{Lu}[\\p{L}\\p{N}'-]*)*");

	private static final Pattern YES = Pattern.compile("\\b(?:true|yes|enable|enabled)\\b", Pattern.CASE_INSENSITIVE);

	private final String text;

	private final Deque<Double> numbers = new ArrayDeque<>();

	private final Deque<String> quoted = new ArrayDeque<>();

	private final Deque<String> capitalised = new ArrayDeque<>();

	RequestValues(String text) {
		this.text = text.strip();
		Matcher number = NUMBER.matcher(this.text);
		while (number.find()) {
			this.numbers.add(Double.parseDouble(number.group()));
		}
		Matcher quote = QUOTED.matcher(this.text);
		while (quote.find()) {
			for (int group = 1; group <= quote.groupCount(); group++) {
				if (quote.group(group) != null) {
					this.quoted.add(quote.group(group));
				}
			}
		}
		findCapitalised(QUOTED.matcher(this.text).replaceAll(" "));
	}

	private void findCapitalised(String unquoted) {
		Matcher run = CAPITALISED.matcher(unquoted);
		while (run.find()) {
			List<String> words = new ArrayList<>(List.of(run.group().split("\\s+")));
			if (startsSentence(unquoted, run.start())) {
				words.remove(0);
			}
			words.removeIf(SimulatedWords::isStopWord);
			if (!words.isEmpty()) {
				this.capitalised.add(String.join(" ", words));
			}
		}
	}

	private static boolean startsSentence(String text, int index) {
		for (int i = index - 1; i >= 0; i--) {
			char c = text.charAt(i);
			if (!Character.isWhitespace(c)) {
				return c == '.' || c == '!' || c == '?' || c == ':';
			}
		}
		return true;
	}

	String text() {
		return this.text;
	}

	@Nullable Double nextNumber() {
		return this.numbers.poll();
	}

	int numbersLeft() {
		return this.numbers.size();
	}

	@Nullable String nextQuoted() {
		return this.quoted.poll();
	}

	@Nullable String nextCapitalised() {
		return this.capitalised.poll();
	}

	boolean saysYes() {
		return YES.matcher(this.text).find();
	}

	/**
	 * Returns the words that are neither stop words nor numbers, or {@code example} when
	 * there are none.
	 */
	String significantWords() {
		List<String> words = new ArrayList<>();
		for (String word : this.text.split("[^\\p{L}\\p{N}'-]+")) {
			if (!word.isEmpty() && !SimulatedWords.isStopWord(word) && !Character.isDigit(word.charAt(0))) {
				words.add(word);
			}
		}
		return words.isEmpty() ? "example" : String.join(" ", words);
	}

	/**
	 * Returns the first choice the text names (case-insensitively), else the first
	 * choice.
	 */
	JsonNode pick(JsonNode choices) {
		String lower = this.text.toLowerCase(Locale.ROOT);
		for (JsonNode choice : choices) {
			if (choice.isString() && !choice.asString().isEmpty()
					&& lower.contains(choice.asString().toLowerCase(Locale.ROOT))) {
				return choice;
			}
		}
		return choices.get(0);
	}

}
