package io.toolgate.dispatcher.web;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.toolgate.store.StoredEvent;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * Server-Sent Event frames written as bytes. Payloads must hold no line break (JSON
 * written by Jackson holds none: line breaks inside strings are escaped). Buffers wrap
 * heap arrays, so a frame dropped before it is written (the client left) needs no
 * release.
 */
final class SseFrames {

	private static final byte[] DATA = { 'd', 'a', 't', 'a', ':' };

	private static final byte[] END = { '\n', '\n' };

	private static final byte[] ID = { 'i', 'd', ':' };

	private SseFrames() {
	}

	/**
	 * Returns the frame {@code data:<payload>\n\n}.
	 * @param payload UTF-8 bytes without line breaks
	 * @return the frame
	 */
	static DataBuffer data(byte[] payload) {
		byte[] frame = new byte[DATA.length + payload.length + END.length];
		System.arraycopy(DATA, 0, frame, 0, DATA.length);
		System.arraycopy(payload, 0, frame, DATA.length, payload.length);
		System.arraycopy(END, 0, frame, DATA.length + payload.length, END.length);
		return DefaultDataBufferFactory.sharedInstance.wrap(frame);
	}

	/**
	 * Returns a heartbeat, the comment frame {@code :\n\n}, which SSE clients skip.
	 * @return the frame
	 */
	static DataBuffer heartbeat() {
		return DefaultDataBufferFactory.sharedInstance.wrap(new byte[] { ':', '\n', '\n' });
	}

	/**
	 * Returns the frame {@code id:<id>\ndata:<payload>\n\n}.
	 * @param id the event id
	 * @param payload UTF-8 bytes without line breaks
	 * @return the frame
	 */
	static DataBuffer data(long id, byte[] payload) {
		byte[] digits = Long.toString(id).getBytes(StandardCharsets.US_ASCII);
		byte[] frame = new byte[ID.length + digits.length + 1 + DATA.length + payload.length + END.length];
		int at = 0;
		System.arraycopy(ID, 0, frame, at, ID.length);
		at += ID.length;
		System.arraycopy(digits, 0, frame, at, digits.length);
		at += digits.length;
		frame[at++] = '\n';
		System.arraycopy(DATA, 0, frame, at, DATA.length);
		at += DATA.length;
		System.arraycopy(payload, 0, frame, at, payload.length);
		at += payload.length;
		System.arraycopy(END, 0, frame, at, END.length);
		return DefaultDataBufferFactory.sharedInstance.wrap(frame);
	}

	/**
	 * Returns the frames {@code id:<id>\ndata:<payload>\n\n} of stored events, in one
	 * buffer: events that are ready together go out in one write.
	 * @param events the events, payloads without line breaks
	 * @return the frames
	 */
	static DataBuffer data(List<StoredEvent> events) {
		if (events.size() == 1) {
			StoredEvent event = events.get(0);
			return data(event.id(), event.data().getBytes(StandardCharsets.UTF_8));
		}
		ByteArrayOutputStream frames = new ByteArrayOutputStream(256 * events.size());
		for (StoredEvent event : events) {
			frames.writeBytes(ID);
			frames.writeBytes(Long.toString(event.id()).getBytes(StandardCharsets.US_ASCII));
			frames.write('\n');
			frames.writeBytes(DATA);
			frames.writeBytes(event.data().getBytes(StandardCharsets.UTF_8));
			frames.writeBytes(END);
		}
		return DefaultDataBufferFactory.sharedInstance.wrap(frames.toByteArray());
	}

}
