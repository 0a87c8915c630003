package io.toolgate.dispatcher.error;

import java.util.Locale;
import java.util.regex.Pattern;

import io.toolgate.streaming.upstream.UpstreamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * What clients and the log learn of a failed model call. A provider's error text can
 * carry a masked API key, an organisation or project id and the prompt's details, so
 * clients get a fixed message per failure kind with the upstream's status class
 * ({@code HTTP 4xx}, {@code HTTP 5xx}) only; the provider's text goes to the log, with
 * anything that looks like a key or an account id replaced by {@code [redacted]}.
 * {@link PublicErrors} maps a failed call to its public error from {@link #code} and
 * {@link #clientMessage}.
 */
public final class UpstreamErrors {

	private static final Logger logger = LoggerFactory.getLogger(UpstreamErrors.class);

	private static final String REDACTED = "[redacted]";

	/**
	 * Bearer tokens, provider keys and ids ({@code sk-…}, {@code org-…}, {@code proj_…}),
	 * masked or not.
	 */
	private static final Pattern SECRETS = Pattern
		.compile("(?i)(bearer\\s+\\S+)|\\b(sk|pk|rk|org|proj|key|sess|acct)[-_][A-Za-z0-9*._-]{3,}");

	/** Long opaque tokens, whatever their prefix. */
	private static final Pattern OPAQUE = Pattern.compile("[A-Za-z0-9_*-]{32,}");

	private UpstreamErrors() {
	}

	/** The error code, {@code upstream_<kind>}. */
	static String code(UpstreamException ex) {
		return "upstream_" + ex.kind().name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The message a client sees: the kind of failure and the upstream's status class, no
	 * provider text.
	 */
	public static String clientMessage(UpstreamException ex) {
		return switch (ex.kind()) {
			case CLIENT_ERROR -> "Model upstream rejected the request" + statusClass(ex);
			case RATE_LIMITED -> "Model upstream is rate limiting" + statusClass(ex) + "; retry later";
			case SERVER_ERROR -> "Model upstream failed" + statusClass(ex);
			case CONNECT -> "Model upstream is unreachable";
			case MALFORMED -> "Model upstream sent a response that could not be read";
			case STREAM_CUT -> "Model upstream stream broke off";
			case FIRST_TOKEN_TIMEOUT, IDLE_TIMEOUT -> "Model upstream timed out";
		};
	}

	private static String statusClass(UpstreamException ex) {
		return (ex.status() >= 100 && ex.status() <= 599) ? " (HTTP " + (ex.status() / 100) + "xx)" : "";
	}

	/**
	 * Logs a failed model call once, with the provider's text redacted: at ERROR when the
	 * upstream refused the gateway's credentials (401, 403), which needs an operator; at
	 * INFO for other 4xx and 429, which follow from the request or the provider's quota;
	 * at WARN for everything else (5xx, unreachable, timeouts, broken streams). No stack
	 * trace: the kind, status and text say all there is.
	 */
	public static void log(UpstreamException ex) {
		logger.atLevel(level(ex))
			.log("Model upstream call failed: kind={} status={} detail={}", ex.kind(), ex.status(),
					redact(String.valueOf(ex.getMessage())));
	}

	static Level level(UpstreamException ex) {
		if (ex.status() == 401 || ex.status() == 403) {
			return Level.ERROR;
		}
		if (ex.kind() == UpstreamException.Kind.CLIENT_ERROR || ex.kind() == UpstreamException.Kind.RATE_LIMITED) {
			return Level.INFO;
		}
		return Level.WARN;
	}

	/**
	 * Replaces keys, bearer tokens, account ids and long opaque tokens in a provider's
	 * text.
	 */
	public static String redact(String text) {
		String redacted = SECRETS.matcher(text).replaceAll(REDACTED);
		return OPAQUE.matcher(redacted).replaceAll(REDACTED);
	}

}
