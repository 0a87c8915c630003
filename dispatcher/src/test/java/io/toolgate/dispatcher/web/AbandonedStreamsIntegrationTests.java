package io.toolgate.dispatcher.web;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;

/** Abandoned streams on the embedded default: in-memory store and limits. */
class AbandonedStreamsIntegrationTests extends AbstractAbandonedStreamsIntegrationTests {

	@BeforeAll
	static void start() {
		upstream = pacedUpstream();
		app = gateway(Map.of("toolgate.upstream.base-url", upstream.baseUrl()));
	}

}
