package io.toolgate.loadtest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of checking one native turn's event stream: {@code turn.started} first,
 * {@code turn.completed} last, no {@code error} event, every event with an id greater
 * than the one before, at least one {@code token}, and every {@code tool.call} answered
 * by exactly one later {@code tool.result} with the same call id.
 *
 * @param turnId the turn id from {@code turn.started}, or {@code null}
 * @param events how many events arrived
 * @param tokens how many {@code token} events arrived
 * @param toolCalls how many {@code tool.call} events arrived
 * @param problems what is wrong, empty when the turn is valid
 */
public record TurnCheck(@Nullable String turnId, int events, int tokens, int toolCalls, List<String> problems) {

	private static final Pattern CALL_ID = Pattern.compile("\"callId\"\\s*:\\s*\"([^\"]+)\"");

	private static final Pattern TURN_ID = Pattern.compile("\"turnId\"\\s*:\\s*\"([^\"]+)\"");

	/** Returns whether the turn is valid. */
	public boolean valid() {
		return this.problems.isEmpty();
	}

	/**
	 * Checks a whole SSE body.
	 * @param body the body
	 * @return the outcome
	 */
	public static TurnCheck of(String body) {
		return of(SseEventParser.parseAll(body));
	}

	/**
	 * Checks the events of one turn, in the order received.
	 * @param events the events
	 * @return the outcome
	 */
	public static TurnCheck of(List<SseEvent> events) {
		List<String> problems = new ArrayList<>();
		if (events.isEmpty()) {
			return new TurnCheck(null, 0, 0, 0, List.of("no events"));
		}
		if (!"turn.started".equals(events.get(0).event())) {
			problems.add("first event is " + events.get(0).event());
		}
		String last = events.get(events.size() - 1).event();
		if (!"turn.completed".equals(last)) {
			problems.add("last event is " + last);
		}
		int tokens = 0;
		Set<String> open = new HashSet<>();
		Set<String> called = new HashSet<>();
		long previousId = Long.MIN_VALUE;
		for (SseEvent event : events) {
			previousId = checkId(event, previousId, problems);
			switch (event.event()) {
				case "token" -> tokens++;
				case "tool.call" -> {
					String callId = group(CALL_ID, event.data());
					if (callId == null || !called.add(callId)) {
						problems.add("tool.call without a fresh callId: " + event.data());
					}
					else {
						open.add(callId);
					}
				}
				case "tool.result" -> {
					String callId = group(CALL_ID, event.data());
					if (callId == null || !open.remove(callId)) {
						problems.add("tool.result without an open tool.call: " + event.data());
					}
				}
				case "turn.error", "error" -> problems.add(event.event() + " event: " + event.data());
				default -> {
					// turn.started, turn.completed and future event types need no
					// pairing.
				}
			}
		}
		if (!open.isEmpty()) {
			problems.add("tool.call without a tool.result: " + open);
		}
		if (tokens == 0) {
			problems.add("no token event");
		}
		return new TurnCheck(group(TURN_ID, events.get(0).data()), events.size(), tokens, called.size(),
				List.copyOf(problems));
	}

	private static long checkId(SseEvent event, long previousId, List<String> problems) {
		long id;
		try {
			id = Long.parseLong(String.valueOf(event.id()));
		}
		catch (NumberFormatException ex) {
			problems.add(event.event() + " has no numeric id: " + event.id());
			return previousId;
		}
		if (id <= previousId) {
			problems.add("id " + id + " after " + previousId);
		}
		return id;
	}

	private static @Nullable String group(Pattern pattern, String text) {
		Matcher matcher = pattern.matcher(text);
		return matcher.find() ? matcher.group(1) : null;
	}

}
