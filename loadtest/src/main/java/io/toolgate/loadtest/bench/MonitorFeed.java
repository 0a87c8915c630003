package io.toolgate.loadtest.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the lines of a Redis {@code MONITOR} feed: which commands clients sent (round
 * trips), by command and by key shape, and which ran inside Lua scripts.
 */
final class MonitorFeed {

	/**
	 * A quoted argument. Possessive, a run of plain characters at a time: a plain
	 * alternation recurses once per character and overflows the stack on a script's
	 * source, which a client sends whole when Redis does not have it cached.
	 */
	private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]++|\\\\.)*+)\"");

	private MonitorFeed() {
	}

	/**
	 * Commands per turn seen in a feed.
	 *
	 * @param sent commands clients sent per turn (round trips), by command
	 * @param sentByKey round trips per turn by command and key shape
	 * @param inScripts commands run inside Lua scripts per turn, by command
	 */
	record Tally(Map<String, Double> sent, Map<String, Double> sentByKey, Map<String, Double> inScripts) {
	}

	/**
	 * Counts the commands of a feed per turn.
	 * @param lines the feed's lines
	 * @param ownPort the local port of the connection whose own commands are left out
	 * @param turns the turns the feed covers
	 * @return the commands per turn
	 */
	static Tally tally(List<String> lines, int ownPort, int turns) {
		Tally tally = new Tally(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
		String own = ":" + ownPort + "]";
		for (String line : lines) {
			int open = line.indexOf('[');
			int close = line.indexOf(']', open + 1);
			if (open < 0 || close < 0 || line.substring(open, close + 1).endsWith(own)) {
				continue;
			}
			List<String> arguments = arguments(line.substring(close + 1));
			if (arguments.isEmpty()) {
				continue;
			}
			String command = arguments.get(0).toLowerCase(Locale.ROOT);
			if (line.substring(open, close).contains("lua")) {
				tally.inScripts().merge(command, 1.0 / turns, Double::sum);
			}
			else {
				tally.sent().merge(command, 1.0 / turns, Double::sum);
				tally.sentByKey().merge(command + " " + keyShape(command, arguments), 1.0 / turns, Double::sum);
			}
		}
		return tally;
	}

	/** Parses the quoted arguments of a {@code MONITOR} line. */
	static List<String> arguments(String text) {
		List<String> arguments = new ArrayList<>();
		Matcher matcher = QUOTED.matcher(text);
		while (matcher.find()) {
			arguments.add(matcher.group(1));
		}
		return arguments;
	}

	/**
	 * The key a command touches with the tenant, conversation, turn and numbers masked,
	 * e.g. {@code tg:{…}:lease}.
	 */
	static String keyShape(String command, List<String> arguments) {
		int index = switch (command) {
			case "evalsha", "eval", "evalsha_ro", "eval_ro" -> 3;
			case "xread" -> Math.max(1, arguments.indexOf("STREAMS") + 1);
			case "ping", "hello", "client", "script", "info", "select", "readonly", "cluster", "command" -> -1;
			default -> 1;
		};
		if (index < 0 || index >= arguments.size()) {
			return "";
		}
		return arguments.get(index)
			.replaceAll("\\{[^}]*\\}", "{…}")
			.replaceAll("turn:[^:]+", "turn:…")
			.replaceAll("[0-9a-f]{8,}", "…")
			.replaceAll("[0-9]+", "#");
	}

}
