package io.toolgate.dispatcher.metrics;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts the metric names a PromQL expression selects. Not a parser: it removes string
 * literals, label matchers, range and offset durations and the label lists of {@code by},
 * {@code without}, {@code on}, {@code ignoring}, {@code group_left} and
 * {@code group_right}; what remains are identifiers, of which those followed by {@code (}
 * are functions or aggregations and the rest, minus keywords, are metric names.
 */
final class PromQlNames {

	private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");

	private static final Pattern LABEL_LISTS = Pattern
		.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

	private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan", "by",
			"without", "on", "ignoring", "group_left", "group_right");

	private PromQlNames() {
	}

	static Set<String> of(String expr) {
		String stripped = STRINGS.matcher(expr).replaceAll("\"\"");
		stripped = stripped.replaceAll("\\{[^}]*}", " ");
		stripped = stripped.replaceAll("\\[[^\\]]*]", " ");
		stripped = LABEL_LISTS.matcher(stripped).replaceAll(" ");
		stripped = stripped.replaceAll("\\boffset\\s+\\S+", " ");
		Set<String> names = new TreeSet<>();
		Matcher matcher = IDENTIFIER.matcher(stripped);
		while (matcher.find()) {
			String name = matcher.group(1);
			boolean call = matcher.group(2) != null;
			if (!call && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
				names.add(name);
			}
		}
		return names;
	}

}
