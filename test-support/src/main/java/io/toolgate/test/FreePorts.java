package io.toolgate.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Local ports that were free a moment ago. The usual race applies: another process may
 * take a port before it is used, so prefer binding a server to port 0 where the server
 * allows it.
 */
public final class FreePorts {

	private FreePorts() {
	}

	/**
	 * Returns one port that was free a moment ago; nothing listens on it, so it also
	 * serves as a port that refuses connections.
	 * @return the port
	 * @throws UncheckedIOException if no port can be bound
	 */
	public static int free() {
		return free(1)[0];
	}

	/**
	 * Returns {@code count} distinct ports that were free a moment ago. All of them are
	 * held at once while they are chosen, so none repeats.
	 * @param count how many ports
	 * @return the ports
	 * @throws UncheckedIOException if not enough ports can be bound
	 */
	public static int[] free(int count) {
		List<ServerSocket> held = new ArrayList<>(count);
		try {
			for (int i = 0; i < count; i++) {
				ServerSocket socket = new ServerSocket(0);
				socket.setReuseAddress(true);
				held.add(socket);
			}
			return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free port", ex);
		}
		finally {
			held.forEach(FreePorts::closeQuietly);
		}
	}

	private static void closeQuietly(ServerSocket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// A socket that will not close keeps its port; the server meant to use it
			// fails to bind and says so.
		}
	}

}
