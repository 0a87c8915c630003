package io.toolgate.dispatcher.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.Unpooled;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenAI-compatible streaming upstream on a random port whose answers a test scripts
 * call by call. Every {@code data:} payload is flushed on its own, so a test controls
 * exactly when each chunk leaves.
 */
public final class ScriptedUpstream implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final DisposableServer server;

	private final List<JsonNode> requests = new CopyOnWriteArrayList<>();

	private final List<String> traceparents = new CopyOnWriteArrayList<>();

	private final AtomicInteger cancellations = new AtomicInteger();

	private final AtomicInteger completions = new AtomicInteger();

	private ScriptedUpstream(Script script) {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route(routes -> routes.post("/v1/chat/completions",
					(request, response) -> request.receive().aggregate().asString().flatMapMany(body -> {
						JsonNode json = JSON.readTree(body);
						this.traceparents.add(request.requestHeaders().get("traceparent", ""));
						int index = this.requests.size();
						this.requests.add(json);
						if (!json.path("stream").asBoolean(false)) {
							// A non-streaming call gets the scripted chunks assembled
							// into one response.
							return response.header("Content-Type", "application/json")
								.sendString(script.respond(json, index)
									.collectList()
									.map(ScriptedUpstream::assemble)
									.doOnCancel(this.cancellations::incrementAndGet)
									.doOnSuccess(assembled -> this.completions.incrementAndGet()));
						}
						Flux<String> frames = script.respond(json, index)
							.map(payload -> "data: " + payload + "\n\n")
							.doOnCancel(this.cancellations::incrementAndGet)
							.doOnComplete(this.completions::incrementAndGet);
						return response.header("Content-Type", "text/event-stream")
							.sendObject(frames.map(frame -> Unpooled.wrappedBuffer(frame.getBytes())));
					})))
			.bindNow();
	}

	/** Starts an upstream answering with {@code script}. */
	public static ScriptedUpstream start(Script script) {
		return new ScriptedUpstream(script);
	}

	/** The base URL to configure as {@code toolgate.upstream.base-url}. */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.port() + "/v1";
	}

	/** Requests received, as JSON. */
	public List<JsonNode> requests() {
		return this.requests;
	}

	/**
	 * The {@code traceparent} header of each request, in order; empty where a request had
	 * none.
	 */
	public List<String> traceparents() {
		return this.traceparents;
	}

	/** How many answers were cancelled by the client before they ended. */
	public int cancellations() {
		return this.cancellations.get();
	}

	/** How many answers were sent to the end. */
	public int completions() {
		return this.completions.get();
	}

	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(5));
	}

	/**
	 * Assembles streamed chunk payloads into the equivalent non-streaming response body.
	 */
	private static String assemble(List<String> payloads) {
		StringBuilder content = new StringBuilder();
		Map<Integer, ObjectNode> calls = new TreeMap<>();
		String finishReason = "stop";
		JsonNode usage = null;
		for (String payload : payloads) {
			if ("[DONE]".equals(payload)) {
				continue;
			}
			JsonNode chunk = JSON.readTree(payload);
			if (chunk.has("usage")) {
				usage = chunk.get("usage");
			}
			for (JsonNode choice : chunk.path("choices")) {
				JsonNode delta = choice.path("delta");
				if (delta.hasNonNull("content")) {
					content.append(delta.get("content").asString());
				}
				for (JsonNode fragment : delta.path("tool_calls")) {
					ObjectNode call = calls.computeIfAbsent(fragment.path("index").asInt(), i -> {
						ObjectNode created = JSON.createObjectNode();
						created.put("type", "function");
						created.putObject("function").put("arguments", "");
						return created;
					});
					if (fragment.hasNonNull("id")) {
						call.put("id", fragment.get("id").asString());
					}
					ObjectNode function = (ObjectNode) call.get("function");
					JsonNode functionDelta = fragment.path("function");
					if (functionDelta.hasNonNull("name")) {
						function.put("name", functionDelta.get("name").asString());
					}
					if (functionDelta.hasNonNull("arguments")) {
						function.put("arguments",
								function.get("arguments").asString() + functionDelta.get("arguments").asString());
					}
				}
				if (choice.hasNonNull("finish_reason")) {
					finishReason = choice.get("finish_reason").asString();
				}
			}
		}
		ObjectNode message = JSON.createObjectNode();
		message.put("role", "assistant");
		if (calls.isEmpty()) {
			message.put("content", content.toString());
		}
		else {
			message.putArray("tool_calls").addAll(calls.values());
		}
		ObjectNode body = JSON.createObjectNode();
		body.put("id", "chatcmpl-test");
		body.put("object", "chat.completion");
		body.put("created", 1);
		body.put("model", "scripted");
		ObjectNode choice = body.putArray("choices").addObject();
		choice.put("index", 0);
		choice.set("message", message);
		choice.put("finish_reason", finishReason);
		if (usage != null) {
			body.set("usage", usage);
		}
		return JSON.writeValueAsString(body);
	}

	/** Text chunks followed by a stop chunk, usage and {@code [DONE]}. */
	public static Flux<String> text(String... tokens) {
		List<String> payloads = new ArrayList<>();
		payloads.add(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
		for (String token : tokens) {
			payloads.add(chunk("{\"content\":" + JSON.writeValueAsString(token) + "}", null));
		}
		payloads.add(chunk("{}", "stop"));
		payloads.add(usage());
		payloads.add("[DONE]");
		return Flux.fromIterable(payloads);
	}

	/**
	 * One assistant message calling tools: each call as {@code {id, name, arguments}},
	 * arguments fragmented.
	 */
	public static Flux<String> toolCalls(String[]... calls) {
		List<String> payloads = new ArrayList<>();
		payloads.add(chunk("{\"role\":\"assistant\",\"content\":null}", null));
		for (int i = 0; i < calls.length; i++) {
			String[] call = calls[i];
			payloads.add(chunk("{\"tool_calls\":[{\"index\":" + i + ",\"id\":\"" + call[0]
					+ "\",\"type\":\"function\",\"function\":{\"name\":\"" + call[1] + "\",\"arguments\":\"\"}}]}",
					null));
		}
		for (int i = 0; i < calls.length; i++) {
			String arguments = calls[i][2];
			int half = arguments.length() / 2;
			for (String part : List.of(arguments.substring(0, half), arguments.substring(half))) {
				payloads.add(chunk("{\"tool_calls\":[{\"index\":" + i + ",\"function\":{\"arguments\":"
						+ JSON.writeValueAsString(part) + "}}]}", null));
			}
		}
		payloads.add(chunk("{}", "tool_calls"));
		payloads.add(usage());
		payloads.add("[DONE]");
		return Flux.fromIterable(payloads);
	}

	private static String chunk(String delta, String finishReason) {
		return "{\"id\":\"chatcmpl-test\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"scripted\","
				+ "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
				+ (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}";
	}

	private static String usage() {
		return "{\"id\":\"chatcmpl-test\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"scripted\","
				+ "\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";
	}

	/** Scripts the answer to each upstream call. */
	@FunctionalInterface
	public interface Script {

		/**
		 * Answers one call.
		 * @param request the request body
		 * @param index 0 for the first call the upstream receives, then 1, ...
		 * @return the {@code data:} payloads, in order
		 */
		Flux<String> respond(JsonNode request, int index);

	}

}
