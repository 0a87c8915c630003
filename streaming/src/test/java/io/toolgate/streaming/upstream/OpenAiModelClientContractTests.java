package io.toolgate.streaming.upstream;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.toolgate.streaming.StreamingJson;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.ScriptedUpstream;
import org.junit.jupiter.api.AfterEach;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link ModelClient} contract for {@link OpenAiModelClient}, over real HTTP to a
 * {@link ScriptedUpstream}.
 */
class OpenAiModelClientContractTests extends AbstractModelClientContractTests {

	private final ScriptedUpstream upstream = new ScriptedUpstream();

	private final Queue<OpenAiModelClient> clients = new ConcurrentLinkedQueue<>();

	@AfterEach
	void closeClientsAndUpstream() {
		this.clients.forEach(OpenAiModelClient::close);
		this.upstream.close();
	}

	@Override
	protected ModelClient answeringText() {
		this.upstream.script((request, index) -> ChatScripts.text("Hello", " there"));
		return client();
	}

	@Override
	protected ModelClient callingTools() {
		this.upstream.script((request, index) -> ChatScripts
			.toolCalls(new String[] { "call_1", "get-weather", "{\"city\":\"Paris\"}" }));
		return client();
	}

	@Override
	protected ModelClient failing() {
		this.upstream.answerJson(500, "{\"error\":{\"message\":\"boom\"}}");
		return client();
	}

	@Override
	protected ModelClient streamingSlowly() {
		this.upstream.script((request, index) -> ChatScripts.text("Hello", " there").take(2).concatWith(Flux.never()));
		return client();
	}

	/** The upstream sees its answer cancelled and the connection closed. */
	@Override
	protected void assertCallCancelled() {
		StepVerifier.create(this.upstream.closedConnections()).expectNext(1).thenCancel().verify(VERIFY);
		StepVerifier
			.create(Flux.interval(Duration.ofMillis(20))
				.map((tick) -> this.upstream.cancellations())
				.filter((cancellations) -> cancellations > 0)
				.next())
			.expectNext(1)
			.expectComplete()
			.verify(VERIFY);
	}

	private OpenAiModelClient client() {
		OpenAiModelClient client = new OpenAiModelClient(OpenAiClientSettings.ofDefaults(this.upstream.baseUri()),
				StreamingJson.adapt(JsonMapper.builder().build()));
		this.clients.add(client);
		return client;
	}

}
