package io.toolgate.streaming.support;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.toolgate.streaming.StreamingJson;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.upstream.OpenAiClientSettings;
import io.toolgate.streaming.upstream.OpenAiModelClient;
import io.toolgate.streaming.upstream.UpstreamException;
import io.toolgate.test.ScriptedUpstream;
import org.junit.jupiter.api.AfterEach;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of tests of {@link OpenAiModelClient} against a {@link ScriptedUpstream}, after
 * reactor-netty's {@code BaseHttpTest}: the upstream listens on a free port, and it and
 * every client a test made are closed after each test.
 */
public abstract class BaseUpstreamTest {

	/**
	 * The bound of every verification. Generous, like the stream timeouts of
	 * {@link #settings()}: the first HTTP test of a JVM pays for the cold start of the
	 * client stack, which took over 5 s on a loaded 2-core machine.
	 */
	protected static final Duration VERIFY = Duration.ofSeconds(30);

	protected final ScriptedUpstream upstream = new ScriptedUpstream();

	/**
	 * A request with Toolgate's {@code conversation_id} extension, which is never sent
	 * upstream.
	 */
	protected final ChatCompletionRequest request = new ChatCompletionRequest("gpt-test",
			List.of(ChatMessage.user("hi")), false, null, null, null, null, null, null, null, null, "conv-1");

	private final Queue<OpenAiModelClient> clients = new ConcurrentLinkedQueue<>();

	@AfterEach
	protected void closeClientsAndUpstream() {
		this.clients.forEach(OpenAiModelClient::close);
		this.upstream.close();
	}

	/**
	 * Settings for the scripted upstream, with stream timeouts of 15 s: out of the way of
	 * tests not about them (those set their own), and still shorter than {@link #VERIFY},
	 * so a stalled stream fails as a timeout.
	 */
	protected OpenAiClientSettings settings() {
		return OpenAiClientSettings.ofDefaults(this.upstream.baseUri())
			.withStreamTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(15));
	}

	/** A client with a mapper adapted from a plain one; closed after the test. */
	protected OpenAiModelClient client(OpenAiClientSettings settings) {
		return track(new OpenAiModelClient(settings, StreamingJson.adapt(JsonMapper.builder().build())));
	}

	/** A client adding headers from the context of each call; closed after the test. */
	protected OpenAiModelClient client(OpenAiClientSettings settings, OpenAiModelClient.ContextHeaders headers) {
		return track(new OpenAiModelClient(settings, StreamingJson.adapt(JsonMapper.builder().build()),
				WebClient.builder(), headers));
	}

	protected static void assertKind(Throwable error, UpstreamException.Kind kind) {
		assertThat(error).isInstanceOfSatisfying(UpstreamException.class, (e) -> assertThat(e.kind()).isEqualTo(kind));
	}

	private OpenAiModelClient track(OpenAiModelClient client) {
		this.clients.add(client);
		return client;
	}

}
