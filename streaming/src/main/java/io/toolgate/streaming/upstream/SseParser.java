package io.toolgate.streaming.upstream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;

/**
 * An incremental Server-Sent-Events parser (the WHATWG event-stream format) over a body
 * of network chunks.
 * <p>
 * Chunk boundaries may fall anywhere: inside a line, between the {@code \r} and
 * {@code \n} of a {@code \r\n} line end, or inside a multi-byte UTF-8 character. Lines
 * end with {@code \n}, {@code \r\n} or {@code \r}. Comment lines ({@code :...}) are
 * skipped, a field without a colon has an empty value, one space after the colon is
 * dropped, several {@code data:} lines are joined with {@code \n}, and an event with no
 * {@code data} field is not dispatched. {@code retry:} is accepted and dropped: callers
 * of this parser do not reconnect. An unterminated event at the end of the body is
 * discarded, as the format requires.
 * <p>
 * Every buffer received is released, including those discarded on cancel or error.
 * Instances are immutable and thread-safe; each subscription to {@link #parse} has its
 * own state.
 */
public final class SseParser {

	/**
	 * The default bound on one event's size (a line, or the data of one event): 1 MiB.
	 */
	public static final int DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

	private final int maxEventBytes;

	/**
	 * Creates a parser.
	 * @param maxEventBytes the largest event, in bytes of its lines, before the stream
	 * fails
	 * @throws IllegalArgumentException if {@code maxEventBytes} is not positive
	 */
	public SseParser(int maxEventBytes) {
		if (maxEventBytes <= 0) {
			throw new IllegalArgumentException("maxEventBytes must be positive");
		}
		this.maxEventBytes = maxEventBytes;
	}

	/** Returns a parser with {@link #DEFAULT_MAX_EVENT_BYTES}. */
	public static SseParser ofDefaults() {
		return new SseParser(DEFAULT_MAX_EVENT_BYTES);
	}

	/** Returns the bound on one event's size. */
	public int maxEventBytes() {
		return this.maxEventBytes;
	}

	/**
	 * Parses a body into events, lazily and incrementally: each event is emitted as soon
	 * as its terminating blank line has arrived.
	 * @param body the body's chunks; each is released once read
	 * @return the events; errors with {@link DataBufferLimitException} when an event
	 * exceeds the bound, and with the body's own error if it fails
	 */
	public Flux<SseFrame> parse(Flux<DataBuffer> body) {
		return Flux.defer(() -> {
			Decoder decoder = new Decoder(this.maxEventBytes);
			return body.concatMapIterable((buffer) -> decodeAndRelease(decoder, buffer))
				.doOnDiscard(DataBuffer.class, DataBufferUtils::release);
		});
	}

	private static List<SseFrame> decodeAndRelease(Decoder decoder, DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return decoder.feed(bytes);
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	/**
	 * The state of one parse: the current line's bytes and the current event's fields.
	 */
	private static final class Decoder {

		private final int maxEventBytes;

		private byte[] line = new byte[256];

		private int lineLength;

		private boolean afterCarriageReturn;

		private boolean firstLine = true;

		private static final byte[] DATA = { 'd', 'a', 't', 'a' };

		private static final byte[] EVENT = { 'e', 'v', 'e', 'n', 't' };

		private static final byte[] ID = { 'i', 'd' };

		/** The data of an event with more than one data line, joined. */
		private final StringBuilder data = new StringBuilder();

		/** The data of an event's first data line. */
		private @Nullable String singleData;

		private boolean hasData;

		private int eventBytes;

		private @Nullable String event;

		private @Nullable String id;

		Decoder(int maxEventBytes) {
			this.maxEventBytes = maxEventBytes;
		}

		List<SseFrame> feed(byte[] bytes) {
			List<SseFrame> frames = new ArrayList<>(2);
			int start = 0;
			for (int i = 0; i < bytes.length; i++) {
				byte b = bytes[i];
				if (b != '\n' && b != '\r') {
					continue;
				}
				append(bytes, start, i);
				start = i + 1;
				// A \n right after a \r completes a \r\n line end, even across chunks.
				if (b == '\n' && this.afterCarriageReturn) {
					this.afterCarriageReturn = false;
					continue;
				}
				this.afterCarriageReturn = (b == '\r');
				endLine(frames);
			}
			if (start < bytes.length) {
				this.afterCarriageReturn = false;
				append(bytes, start, bytes.length);
			}
			return frames;
		}

		private void append(byte[] bytes, int from, int to) {
			int count = to - from;
			if (count == 0) {
				return;
			}
			this.afterCarriageReturn = false;
			ensureWithinBound(this.lineLength + count);
			if (this.lineLength + count > this.line.length) {
				this.line = Arrays.copyOf(this.line, Math.max(this.line.length * 2, this.lineLength + count));
			}
			System.arraycopy(bytes, from, this.line, this.lineLength, count);
			this.lineLength += count;
		}

		private void ensureWithinBound(int pendingLineBytes) {
			if (this.eventBytes + pendingLineBytes > this.maxEventBytes) {
				throw new DataBufferLimitException("SSE event exceeds " + this.maxEventBytes + " bytes");
			}
		}

		private void endLine(List<SseFrame> frames) {
			int length = this.lineLength;
			this.lineLength = 0;
			if (length == 0) {
				dispatch(frames);
				return;
			}
			this.eventBytes += length;
			int from = 0;
			if (this.firstLine && length >= 3 && (this.line[0] & 0xFF) == 0xEF && (this.line[1] & 0xFF) == 0xBB
					&& (this.line[2] & 0xFF) == 0xBF) {
				// A byte order mark starts the stream; it is no part of the line.
				from = 3;
			}
			this.firstLine = false;
			if (from < length && this.line[from] != ':') {
				field(from, length);
			}
		}

		/**
		 * Reads the field of the line's bytes {@code [from, to)}, which hold no line end
		 * and do not start with a colon: the name up to the first colon, the value after
		 * it and one optional space. Only the value is decoded, once; field names are
		 * ASCII, so they are compared as bytes.
		 */
		private void field(int from, int to) {
			int colon = from;
			while (colon < to && this.line[colon] != ':') {
				colon++;
			}
			int valueStart = (colon < to) ? colon + 1 : to;
			if (valueStart < to && this.line[valueStart] == ' ') {
				valueStart++;
			}
			if (isName(from, colon, DATA)) {
				String value = new String(this.line, valueStart, to - valueStart, StandardCharsets.UTF_8);
				if (!this.hasData) {
					// Nearly every event has one data line: it becomes the data as it is.
					this.singleData = value;
					this.hasData = true;
				}
				else {
					if (this.data.isEmpty()) {
						this.data.append(this.singleData);
					}
					this.data.append('\n').append(value);
				}
			}
			else if (isName(from, colon, EVENT)) {
				this.event = new String(this.line, valueStart, to - valueStart, StandardCharsets.UTF_8);
			}
			else if (isName(from, colon, ID)) {
				String value = new String(this.line, valueStart, to - valueStart, StandardCharsets.UTF_8);
				if (value.indexOf('\0') < 0) {
					this.id = value;
				}
			}
			// "retry" and unknown fields are ignored.
		}

		private boolean isName(int from, int to, byte[] name) {
			return Arrays.equals(this.line, from, to, name, 0, name.length);
		}

		private void dispatch(List<SseFrame> frames) {
			if (this.hasData) {
				frames.add(new SseFrame(this.event, this.data.isEmpty() ? this.singleData : this.data.toString(),
						this.id));
			}
			this.data.setLength(0);
			this.singleData = null;
			this.hasData = false;
			this.event = null;
			this.id = null;
			this.eventBytes = 0;
		}

	}

}
