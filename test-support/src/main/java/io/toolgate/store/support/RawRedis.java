package io.toolgate.store.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Sends one command to a Redis server over a fresh blocking socket, for test fixtures
 * that must not depend on a Redis client library. Call it only from test threads.
 */
public final class RawRedis {

	private static final String HOST = "127.0.0.1";

	private RawRedis() {
	}

	/**
	 * Sends a command and reads its reply.
	 * @param port the server's port on 127.0.0.1
	 * @param timeout the bound on connecting and on reading the reply
	 * @param args the command and its arguments
	 * @return the reply: a simple or bulk string, an integer as text, an array's elements
	 * joined by newlines, or {@code null} for a nil reply
	 * @throws IOException if the server cannot be reached or answers with an error
	 */
	public static @Nullable String call(int port, Duration timeout, String... args) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, port), (int) timeout.toMillis());
			socket.setSoTimeout((int) timeout.toMillis());
			OutputStream out = socket.getOutputStream();
			out.write(encode(args));
			out.flush();
			return readReply(new BufferedInputStream(socket.getInputStream()));
		}
	}

	/**
	 * Tells whether the server answers {@code PING} with {@code PONG} within the timeout.
	 * @param port the server's port on 127.0.0.1
	 * @param timeout the bound
	 * @return whether it answered
	 */
	public static boolean ping(int port, Duration timeout) {
		try {
			return "PONG".equals(call(port, timeout, "PING"));
		}
		catch (IOException | UncheckedIOException ex) {
			return false;
		}
	}

	private static byte[] encode(String... args) {
		StringBuilder command = new StringBuilder("*").append(args.length).append("\r\n");
		for (String arg : args) {
			command.append('$')
				.append(arg.getBytes(StandardCharsets.UTF_8).length)
				.append("\r\n")
				.append(arg)
				.append("\r\n");
		}
		return command.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static @Nullable String readReply(InputStream in) throws IOException {
		int type = in.read();
		String line = readLine(in);
		return switch (type) {
			case '+', ':' -> line;
			case '-' -> throw new IOException("Redis error: " + line);
			case '$' -> readBulk(in, Integer.parseInt(line));
			case '*' -> readArray(in, Integer.parseInt(line));
			case -1 -> throw new IOException("Connection closed before a reply");
			default -> throw new IOException("Unexpected reply type '" + (char) type + "'");
		};
	}

	private static @Nullable String readBulk(InputStream in, int length) throws IOException {
		if (length < 0) {
			return null;
		}
		byte[] data = in.readNBytes(length);
		readLine(in);
		return new String(data, StandardCharsets.UTF_8);
	}

	private static @Nullable String readArray(InputStream in, int count) throws IOException {
		if (count < 0) {
			return null;
		}
		List<String> elements = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			elements.add(String.valueOf(readReply(in)));
		}
		return String.join("\n", elements);
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		int current;
		while ((current = in.read()) != -1) {
			if (previous == '\r' && current == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(current);
			previous = current;
		}
		throw new IOException("Connection closed in the middle of a reply");
	}

}
