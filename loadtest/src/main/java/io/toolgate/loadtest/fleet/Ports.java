package io.toolgate.loadtest.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Free local ports. */
public final class Ports {

	private Ports() {
	}

	/**
	 * Returns a port that was free a moment ago (the usual race: another process may take
	 * it before it is used).
	 * @return the port
	 */
	public static int free() {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free port", ex);
		}
	}

}
