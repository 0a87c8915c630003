package io.toolgate.dispatcher.tool;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Plain words for a failed request to a tool worker. Tool error messages reach the model
 * and API clients, which need to know what went wrong, not which Java class said so; nor
 * should they see the worker's host, which exception messages often name.
 */
public final class FailureWords {

	private FailureWords() {
	}

	/**
	 * Describes the first cause in the chain that has plain words, else says that the
	 * request failed.
	 */
	public static String describe(Throwable failure) {
		Throwable current = failure;
		for (int depth = 0; current != null && depth < 16; depth++) {
			String words = words(current);
			if (words != null) {
				return words;
			}
			current = current.getCause();
		}
		return "the request failed";
	}

	private static @Nullable String words(Throwable ex) {
		if (ex instanceof ConnectTimeoutException) {
			return "the connection timed out";
		}
		if (ex instanceof ConnectException) {
			return "the connection was refused";
		}
		if (ex instanceof UnknownHostException) {
			return "the host name did not resolve";
		}
		if (ex instanceof NoRouteToHostException) {
			return "the host is unreachable";
		}
		if (ex instanceof PrematureCloseException) {
			return "the connection closed before the response was complete";
		}
		if (ex instanceof SSLException) {
			return "the TLS handshake failed";
		}
		if (ex instanceof ReadTimeoutException || ex instanceof TimeoutException) {
			return "the response timed out";
		}
		if (ex instanceof ClosedChannelException) {
			return "the connection was closed";
		}
		if (ex instanceof IOException) {
			return "the connection failed";
		}
		return null;
	}

}
