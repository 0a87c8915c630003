package io.toolgate.loadtest;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Frames a text/event-stream body, fed in chunks as they arrive, into {@link SseEvent}s.
 * Comments (heartbeats, the opening {@code :open}) and {@code retry:} lines are skipped;
 * an event ends at a blank line. Not thread-safe: one parser per stream.
 */
public final class SseEventParser {

	private final StringBuilder line = new StringBuilder();

	private final StringBuilder data = new StringBuilder();

	private @Nullable String id;

	private @Nullable String event;

	private boolean hasData;

	private boolean lastWasCr;

	/**
	 * Parses a whole body at once.
	 * @param body the body
	 * @return its events in order, without receive times
	 */
	public static List<SseEvent> parseAll(String body) {
		SseEventParser parser = new SseEventParser();
		List<SseEvent> events = new ArrayList<>(parser.feed(body, 0));
		events.addAll(parser.feed("\n\n", 0));
		return events;
	}

	/**
	 * Feeds the next chunk of the body.
	 * @param chunk the text received
	 * @param nanos when it was received ({@link System#nanoTime()})
	 * @return the events the chunk completed, possibly none
	 */
	public List<SseEvent> feed(CharSequence chunk, long nanos) {
		List<SseEvent> completed = new ArrayList<>(2);
		for (int i = 0; i < chunk.length(); i++) {
			char c = chunk.charAt(i);
			if (c == '\n' && this.lastWasCr) {
				this.lastWasCr = false;
				continue;
			}
			this.lastWasCr = (c == '\r');
			if (c == '\n' || c == '\r') {
				endLine(completed, nanos);
			}
			else {
				this.line.append(c);
			}
		}
		return completed;
	}

	private void endLine(List<SseEvent> completed, long nanos) {
		if (this.line.isEmpty()) {
			if (this.hasData || this.event != null) {
				completed.add(new SseEvent(this.id, (this.event != null) ? this.event : "message", this.data.toString(),
						nanos));
			}
			this.data.setLength(0);
			this.hasData = false;
			this.event = null;
			return;
		}
		String text = this.line.toString();
		this.line.setLength(0);
		if (text.charAt(0) == ':') {
			return;
		}
		int colon = text.indexOf(':');
		String field = (colon < 0) ? text : text.substring(0, colon);
		String value = (colon < 0) ? "" : text.substring(colon + 1);
		if (value.startsWith(" ")) {
			value = value.substring(1);
		}
		switch (field) {
			case "id" -> this.id = value;
			case "event" -> this.event = value;
			case "data" -> {
				if (this.hasData) {
					this.data.append('\n');
				}
				this.data.append(value);
				this.hasData = true;
			}
			default -> {
				// retry: and unknown fields carry nothing a load client checks.
			}
		}
	}

}
