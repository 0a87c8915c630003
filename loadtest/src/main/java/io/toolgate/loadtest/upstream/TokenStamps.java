package io.toolgate.loadtest.upstream;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * Time stamps in streamed tokens, for measuring how long a token takes from the simulated
 * upstream to a client: the upstream starts the content of each chunk it sends with the
 * epoch milliseconds of sending and a space ({@code "content":"1764790000123 word"}), and
 * a client reads them back from the token it received. Both run on one machine, so they
 * share its clock.
 */
public final class TokenStamps {

	private static final byte[] CONTENT = "\"content\":\"".getBytes(StandardCharsets.US_ASCII);

	private static final int DIGITS = 13;

	private TokenStamps() {
	}

	/**
	 * Starts every non-empty {@code content} string in a group of SSE chunks with the
	 * time stamp.
	 * @param group the chunks' bytes, as sent
	 * @param epochMillis the time stamp
	 * @return the stamped bytes (the same array when no content is in it)
	 */
	public static byte[] stamp(byte[] group, long epochMillis) {
		byte[] stamp = (epochMillis + " ").getBytes(StandardCharsets.US_ASCII);
		int count = 0;
		for (int at = indexOf(group, 0); at >= 0; at = indexOf(group, at + CONTENT.length)) {
			if (at + CONTENT.length < group.length && group[at + CONTENT.length] != '"') {
				count++;
			}
		}
		if (count == 0) {
			return group;
		}
		byte[] stamped = new byte[group.length + count * stamp.length];
		int from = 0;
		int to = 0;
		for (int at = indexOf(group, 0); at >= 0; at = indexOf(group, at + CONTENT.length)) {
			int end = at + CONTENT.length;
			if (end < group.length && group[end] != '"') {
				System.arraycopy(group, from, stamped, to, end - from);
				to += end - from;
				System.arraycopy(stamp, 0, stamped, to, stamp.length);
				to += stamp.length;
				from = end;
			}
		}
		System.arraycopy(group, from, stamped, to, group.length - from);
		return stamped;
	}

	/**
	 * Reads the time stamp a token's text starts with.
	 * @param text a token's text
	 * @return the epoch milliseconds, or nothing if the text starts with no stamp
	 */
	public static OptionalLong of(String text) {
		if (text.length() <= DIGITS || text.charAt(DIGITS) != ' ') {
			return OptionalLong.empty();
		}
		long millis = 0;
		for (int i = 0; i < DIGITS; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return OptionalLong.empty();
			}
			millis = millis * 10 + (c - '0');
		}
		return OptionalLong.of(millis);
	}

	private static int indexOf(byte[] bytes, int from) {
		outer: for (int i = from; i <= bytes.length - CONTENT.length; i++) {
			for (int j = 0; j < CONTENT.length; j++) {
				if (bytes[i + j] != CONTENT[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}
