package io.toolgate.dispatcher.error;

import io.toolgate.streaming.upstream.UpstreamException;
import io.toolgate.streaming.upstream.UpstreamException.Kind;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamErrorsTests {

	private static UpstreamException failure(Kind kind, int status, String message) {
		return new UpstreamException(kind, status, message, null);
	}

	@Test
	void redactsKeysBearerTokensAndAccountIds() {
		String text = "Incorrect API key provided: sk-proj-abc1*****wxyz (org-AbCdEf0123, proj_9x8y7z) "
				+ "Authorization: Bearer tg-secret-1 token " + "a".repeat(40);
		String redacted = UpstreamErrors.redact(text);
		assertThat(redacted).doesNotContain("sk-proj", "abc1", "wxyz", "org-AbCdEf0123", "proj_9x8y7z", "tg-secret-1",
				"aaaaaaaaaa");
		assertThat(redacted).startsWith("Incorrect API key provided: [redacted]");
	}

	@Test
	void keepsOrdinaryWords() {
		assertThat(UpstreamErrors.redact("The model `gpt-4o` does not exist or you do not have access to it."))
			.isEqualTo("The model `gpt-4o` does not exist or you do not have access to it.");
	}

	@Test
	void tellsClientsTheKindAndStatusClassOnly() {
		assertThat(UpstreamErrors.clientMessage(failure(Kind.CLIENT_ERROR, 401, "upstream returned HTTP 401: key")))
			.isEqualTo("Model upstream rejected the request (HTTP 4xx)");
		assertThat(UpstreamErrors.clientMessage(failure(Kind.SERVER_ERROR, 503, "upstream returned HTTP 503: x")))
			.isEqualTo("Model upstream failed (HTTP 5xx)");
		assertThat(UpstreamErrors.clientMessage(failure(Kind.SERVER_ERROR, 0, "upstream response failed")))
			.isEqualTo("Model upstream failed");
		assertThat(UpstreamErrors.clientMessage(failure(Kind.CONNECT, 0, "could not connect to 10.0.0.7")))
			.isEqualTo("Model upstream is unreachable");
		assertThat(PublicErrors.event(failure(Kind.RATE_LIMITED, 429, "slow down, org-abcdef")).message())
			.isEqualTo("Model upstream is rate limiting (HTTP 4xx); retry later");
	}

	@Test
	void logsCredentialRefusalsAsErrorsAndRequestRefusalsAsInfo() {
		assertThat(UpstreamErrors.level(failure(Kind.CLIENT_ERROR, 401, "x"))).isEqualTo(Level.ERROR);
		assertThat(UpstreamErrors.level(failure(Kind.CLIENT_ERROR, 403, "x"))).isEqualTo(Level.ERROR);
		assertThat(UpstreamErrors.level(failure(Kind.CLIENT_ERROR, 400, "x"))).isEqualTo(Level.INFO);
		assertThat(UpstreamErrors.level(failure(Kind.RATE_LIMITED, 429, "x"))).isEqualTo(Level.INFO);
		assertThat(UpstreamErrors.level(failure(Kind.SERVER_ERROR, 500, "x"))).isEqualTo(Level.WARN);
		assertThat(UpstreamErrors.level(failure(Kind.IDLE_TIMEOUT, 0, "x"))).isEqualTo(Level.WARN);
	}

}
