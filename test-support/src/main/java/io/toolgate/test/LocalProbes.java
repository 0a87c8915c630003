package io.toolgate.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Blocking probes of servers on 127.0.0.1, for tests and tooling that wait for a process
 * to come up or go down. Each probe waits 2 s at most.
 */
public final class LocalProbes {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private LocalProbes() {
	}

	/**
	 * Returns whether a port accepts connections, waiting up to 500 ms.
	 * @param port the port
	 * @return whether a connection was accepted
	 */
	public static boolean acceptsNow(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Returns the status of {@code GET http://127.0.0.1:<port><path>}.
	 * @param port the port
	 * @param path the path, e.g. {@code /actuator/health/readiness}
	 * @return the HTTP status, or -1 if nothing answered in time
	 */
	public static int statusNow(int port, String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(2))
			.build();
		try {
			return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

}
