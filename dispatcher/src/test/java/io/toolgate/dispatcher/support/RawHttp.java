package io.toolgate.dispatcher.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.1 bytes on a plain socket, for what HTTP clients will not send: malformed
 * requests, pipelined requests, uploads cut off half-way. Runs on the test thread
 * (blocking is allowed there).
 */
public final class RawHttp {

	private RawHttp() {
	}

	/**
	 * Sends bytes and reads until the server closes the connection or nothing arrives for
	 * {@code quiet}.
	 * @return everything the server sent, as ISO-8859-1 text
	 */
	public static String exchange(int port, byte[] request, Duration quiet) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout((int) quiet.toMillis());
			OutputStream out = socket.getOutputStream();
			out.write(request);
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			byte[] buffer = new byte[8192];
			try {
				for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
					received.write(buffer, 0, n);
				}
			}
			catch (SocketTimeoutException ex) {
				// quiet for long enough: everything that was coming has come
			}
			return received.toString(StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Sends a request head whose {@code Content-Length} promises more than {@code head},
	 * then only {@code head} of the body, waits for {@code pause} and closes the
	 * connection: an upload the client gave up on.
	 */
	public static void abortUpload(int port, String requestHead, byte[] head, Duration pause) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			OutputStream out = socket.getOutputStream();
			out.write(requestHead.getBytes(StandardCharsets.ISO_8859_1));
			out.write(head);
			out.flush();
			Thread.sleep(pause.toMillis());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Bytes of text, ISO-8859-1 (so {@code \u00c0} is the byte {@code C0}). */
	public static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

}
