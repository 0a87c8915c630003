package io.toolgate.ratelimit.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.toolgate.store.support.RawRedis;
import org.jspecify.annotations.Nullable;

/**
 * A {@code MONITOR} feed on a Redis server, telling the commands clients sent (each one a
 * round trip) from those Lua scripts ran. Reads on a platform thread of its own;
 * {@link #takeSent(Duration)} blocks the calling test thread.
 */
public final class RedisMonitor implements AutoCloseable {

	private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

	private final int port;

	private final Socket socket;

	private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

	private final AtomicInteger markers = new AtomicInteger();

	private RedisMonitor(int port, Socket socket) {
		this.port = port;
		this.socket = socket;
	}

	/**
	 * Opens a monitor on a server of 127.0.0.1.
	 * @param port the server's port
	 * @return the monitor, already receiving
	 */
	public static RedisMonitor start(int port) {
		try {
			Socket socket = new Socket();
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
			OutputStream out = socket.getOutputStream();
			out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			String ok = reader.readLine();
			if (!"+OK".equals(ok)) {
				socket.close();
				throw new IllegalStateException("MONITOR answered " + ok);
			}
			RedisMonitor monitor = new RedisMonitor(port, socket);
			Thread thread = new Thread(() -> monitor.read(reader), "redis-monitor-" + port);
			thread.setDaemon(true);
			thread.start();
			return monitor;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns the commands clients sent since the previous call (or since the monitor
	 * started), in order, each as its lower-case name followed by its arguments. Sends a
	 * marker command and waits until the feed has shown it, so every command completed
	 * before this call is included.
	 * @param timeout how long to wait for the marker
	 * @return the commands
	 */
	public List<List<String>> takeSent(Duration timeout) {
		String marker = "tg-monitor-marker-" + this.markers.incrementAndGet();
		try {
			RawRedis.call(this.port, timeout, "ECHO", marker);
			List<List<String>> sent = new ArrayList<>();
			long deadline = System.nanoTime() + timeout.toNanos();
			while (true) {
				String line = this.lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
				if (line == null) {
					throw new IllegalStateException("The monitor did not show " + marker + " within " + timeout);
				}
				if (line.contains(marker)) {
					return sent;
				}
				List<String> command = clientCommand(line);
				if (command != null && !command.get(0).equals("echo")) {
					sent.add(command);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// Closing a monitor connection that the server dropped already is fine.
		}
	}

	private void read(BufferedReader reader) {
		try {
			String line;
			while ((line = reader.readLine()) != null) {
				this.lines.add(line);
			}
		}
		catch (IOException ex) {
			// The socket was closed.
		}
	}

	/**
	 * Parses {@code +<time> [<db> <client>] "name" "arg"...}; {@code null} for commands
	 * run by a script.
	 */
	private static @Nullable List<String> clientCommand(String line) {
		int open = line.indexOf('[');
		int close = line.indexOf(']', open + 1);
		if (open < 0 || close < 0 || line.substring(open, close).contains("lua")) {
			return null;
		}
		List<String> arguments = new ArrayList<>();
		Matcher matcher = QUOTED.matcher(line.substring(close + 1));
		while (matcher.find()) {
			arguments.add(matcher.group(1));
		}
		if (arguments.isEmpty()) {
			return null;
		}
		arguments.set(0, arguments.get(0).toLowerCase(Locale.ROOT));
		return arguments;
	}

}
