package io.toolgate.dispatcher.tool;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;

import io.netty.channel.ConnectTimeoutException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FailureWordsTests {

	@Test
	void namesTheFailureInPlainWordsWithoutClassNamesOrHosts() {
		assertThat(FailureWords.describe(new RuntimeException("wrapped",
				new ConnectException("Connection refused: worker.internal/10.0.0.7:8080"))))
			.isEqualTo("the connection was refused");
		assertThat(FailureWords.describe(new ConnectTimeoutException("connection timed out: worker.internal")))
			.isEqualTo("the connection timed out");
		assertThat(FailureWords.describe(new UnknownHostException("worker.internal")))
			.isEqualTo("the host name did not resolve");
		assertThat(FailureWords.describe(new IOException("Connection reset by peer")))
			.isEqualTo("the connection failed");
		assertThat(FailureWords.describe(new IllegalStateException("boom"))).isEqualTo("the request failed");
	}

}
