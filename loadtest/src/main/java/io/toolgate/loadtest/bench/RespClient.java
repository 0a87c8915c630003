package io.toolgate.loadtest.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal blocking Redis client over one socket (RESP 2), enough to reset and read the
 * server's statistics and to follow {@code MONITOR}. Used from the runner's thread only,
 * apart from the monitor's reader thread.
 */
final class RespClient implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private RespClient(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream(), 65_536);
		this.out = socket.getOutputStream();
	}

	/**
	 * Connects to a Redis on the loopback interface.
	 * @param port its port
	 */
	static RespClient connect(int port) {
		try {
			Socket socket = new Socket();
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setTcpNoDelay(true);
			return new RespClient(socket);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot connect to Redis on port " + port, ex);
		}
	}

	/** Returns this connection's local port, as {@code MONITOR} names the client. */
	int localPort() {
		return this.socket.getLocalPort();
	}

	/**
	 * Sends one command and returns its reply as text (array elements on separate lines).
	 * @param arguments the command and its arguments
	 * @throws IllegalStateException on an error reply
	 */
	String command(String... arguments) {
		try {
			send(arguments);
			return read();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads {@code INFO commandstats} as the calls per command, e.g.
	 * {@code evalsha → 12}.
	 */
	Map<String, Long> commandCalls() {
		Map<String, Long> calls = new LinkedHashMap<>();
		for (String line : command("INFO", "commandstats").split("\r?\n")) {
			// cmdstat_evalsha:calls=12,usec=...
			if (line.startsWith("cmdstat_")) {
				int colon = line.indexOf(':');
				int comma = line.indexOf(',', colon);
				String name = line.substring("cmdstat_".length(), colon);
				calls.put(name, Long.parseLong(line.substring(colon + "calls=".length() + 1, comma)));
			}
		}
		return calls;
	}

	/**
	 * Turns this connection into a {@code MONITOR} feed: a daemon thread collects every
	 * line Redis sends until the connection is closed.
	 * @return the lines received so far (a live, thread-safe list)
	 */
	List<String> monitor() {
		String ok = command("MONITOR");
		if (!"OK".equals(ok)) {
			throw new IllegalStateException("MONITOR answered " + ok);
		}
		List<String> lines = new CopyOnWriteArrayList<>();
		Thread reader = new Thread(() -> {
			List<String> batch = new ArrayList<>();
			try {
				while (true) {
					batch.add(read());
					if (this.in.available() == 0) {
						lines.addAll(batch);
						batch.clear();
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				lines.addAll(batch);
			}
		}, "redis-monitor");
		reader.setDaemon(true);
		reader.start();
		return lines;
	}

	private void send(String... arguments) throws IOException {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		buffer.writeBytes(("*" + arguments.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (String argument : arguments) {
			byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
			buffer.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
			buffer.writeBytes(bytes);
			buffer.writeBytes(new byte[] { '\r', '\n' });
		}
		this.out.write(buffer.toByteArray());
		this.out.flush();
	}

	private String read() throws IOException {
		int type = this.in.read();
		if (type < 0) {
			throw new IOException("Redis closed the connection");
		}
		String line = line();
		switch (type) {
			case '+', ':' -> {
				return line;
			}
			case '-' -> throw new IllegalStateException("Redis: " + line);
			case '$' -> {
				int length = Integer.parseInt(line);
				if (length < 0) {
					return "";
				}
				byte[] bytes = this.in.readNBytes(length + 2);
				return new String(bytes, 0, length, StandardCharsets.UTF_8);
			}
			case '*' -> {
				int count = Integer.parseInt(line);
				StringBuilder elements = new StringBuilder();
				for (int i = 0; i < count; i++) {
					elements.append((i > 0) ? "\n" : "").append(read());
				}
				return elements.toString();
			}
			default -> throw new IOException("Unexpected RESP type " + (char) type);
		}
	}

	private String line() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int b = this.in.read();
			if (b < 0) {
				throw new IOException("Redis closed the connection");
			}
			if (previous == '\r' && b == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(b);
			previous = b;
		}
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// Closing: nothing to do.
		}
	}

}
