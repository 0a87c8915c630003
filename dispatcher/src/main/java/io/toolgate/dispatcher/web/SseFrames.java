package io.toolgate.dispatcher.web;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * Server-Sent Event frames written as bytes. Payloads must hold no line break (JSON written by Jackson holds
 * none: line breaks inside strings are escaped). Buffers wrap heap arrays, so a frame dropped before it is
 * written (the client left) needs no release.
 */
final class SseFrames {

	private static final byte[] DATA = { 'd', 'a', 't', 'a', ':' };

	private static final byte[] END = { '\n', '\n' };

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

}
