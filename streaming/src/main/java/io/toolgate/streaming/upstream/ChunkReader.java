package io.toolgate.streaming.upstream;

import java.util.ArrayList;
import java.util.List;

import io.toolgate.streaming.openai.ChatCompletionChunk;
import io.toolgate.streaming.openai.Usage;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads streamed chat-completion chunks with Jackson's streaming parser instead of data binding: a chunk is read
 * once per token, and binding its record graph cost about a tenth of a streamed call's CPU. Text deltas, finish
 * reasons and usage, the shapes of nearly every chunk, are read here; anything else (tool-call fragments, a value
 * of an unexpected type) is handed to the mapper, so the result is always the one data binding gives.
 * Thread-safe.
 */
final class ChunkReader {

	private final JsonMapper jsonMapper;

	private final ObjectReader chunkReader;

	/**
	 * Creates a reader.
	 * @param jsonMapper the mapper rare shapes are bound with; also creates the parsers
	 */
	ChunkReader(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
		// Built now: deserializers are built under a lock on first use, and reads run on event loops.
		this.chunkReader = jsonMapper.readerFor(ChatCompletionChunk.class);
	}

	/**
	 * Reads one chunk.
	 * @param json the chunk's JSON
	 * @return the chunk, as {@code jsonMapper.readValue(json, ChatCompletionChunk.class)} returns it
	 * @throws JacksonException if the JSON is malformed or does not bind to a chunk
	 */
	ChatCompletionChunk read(String json) {
		ChatCompletionChunk chunk;
		try (JsonParser parser = this.jsonMapper.createParser(json)) {
			chunk = readChunk(parser);
			if (chunk != null && parser.nextToken() != null) {
				chunk = null;
			}
		}
		catch (JacksonException ex) {
			// The mapper decides what malformed input means, and reports it.
			chunk = null;
		}
		return (chunk != null) ? chunk : this.chunkReader.readValue(json);
	}

	/** The chunk, or null when the mapper must read it. */
	private static @Nullable ChatCompletionChunk readChunk(JsonParser parser) {
		if (parser.nextToken() != JsonToken.START_OBJECT) {
			return null;
		}
		String id = null;
		String object = null;
		String model = null;
		long created = 0;
		List<ChatCompletionChunk.ChunkChoice> choices = null;
		Usage usage = null;
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			switch (name) {
				case "id" -> {
					if (!isText(value)) {
						return null;
					}
					id = parser.getValueAsString();
				}
				case "object" -> {
					if (!isText(value)) {
						return null;
					}
					object = parser.getValueAsString();
				}
				case "model" -> {
					if (!isText(value)) {
						return null;
					}
					model = parser.getValueAsString();
				}
				case "created" -> {
					if (value != JsonToken.VALUE_NUMBER_INT) {
						return null;
					}
					created = parser.getLongValue();
				}
				case "choices" -> {
					if (value == JsonToken.VALUE_NULL) {
						choices = null;
					}
					else if (value != JsonToken.START_ARRAY || (choices = readChoices(parser)) == null) {
						return null;
					}
				}
				case "usage" -> {
					if (value == JsonToken.VALUE_NULL) {
						usage = null;
					}
					else if (value != JsonToken.START_OBJECT || (usage = readUsage(parser)) == null) {
						return null;
					}
				}
				default -> parser.skipChildren();
			}
		}
		return (parser.currentToken() == JsonToken.END_OBJECT)
				? new ChatCompletionChunk(id, object, created, model, choices, usage) : null;
	}

	private static @Nullable List<ChatCompletionChunk.ChunkChoice> readChoices(JsonParser parser) {
		List<ChatCompletionChunk.ChunkChoice> choices = new ArrayList<>(1);
		JsonToken token;
		while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
			ChatCompletionChunk.ChunkChoice choice = readChoice(parser);
			if (choice == null) {
				return null;
			}
			choices.add(choice);
		}
		return (token == JsonToken.END_ARRAY) ? choices : null;
	}

	private static ChatCompletionChunk.@Nullable ChunkChoice readChoice(JsonParser parser) {
		int index = 0;
		ChatCompletionChunk.Delta delta = null;
		String finishReason = null;
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			switch (name) {
				case "index" -> {
					if (value != JsonToken.VALUE_NUMBER_INT) {
						return null;
					}
					index = parser.getIntValue();
				}
				case "finish_reason" -> {
					if (!isText(value)) {
						return null;
					}
					finishReason = parser.getValueAsString();
				}
				case "delta" -> {
					if (value == JsonToken.VALUE_NULL) {
						delta = null;
					}
					else if (value != JsonToken.START_OBJECT || (delta = readDelta(parser)) == null) {
						return null;
					}
				}
				default -> parser.skipChildren();
			}
		}
		return (parser.currentToken() == JsonToken.END_OBJECT)
				? new ChatCompletionChunk.ChunkChoice(index, delta, finishReason) : null;
	}

	/** A text delta; null for anything else, tool-call fragments included. */
	private static ChatCompletionChunk.@Nullable Delta readDelta(JsonParser parser) {
		String role = null;
		String content = null;
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			switch (name) {
				case "role" -> {
					if (!isText(value)) {
						return null;
					}
					role = parser.getValueAsString();
				}
				case "content" -> {
					if (!isText(value)) {
						return null;
					}
					content = parser.getValueAsString();
				}
				case "tool_calls" -> {
					if (value != JsonToken.VALUE_NULL) {
						return null;
					}
				}
				default -> parser.skipChildren();
			}
		}
		return (parser.currentToken() == JsonToken.END_OBJECT) ? new ChatCompletionChunk.Delta(role, content, null)
				: null;
	}

	private static @Nullable Usage readUsage(JsonParser parser) {
		long prompt = 0;
		long completion = 0;
		long total = 0;
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			switch (name) {
				case "prompt_tokens", "completion_tokens", "total_tokens" -> {
					if (value != JsonToken.VALUE_NUMBER_INT) {
						return null;
					}
					long count = parser.getLongValue();
					switch (name) {
						case "prompt_tokens" -> prompt = count;
						case "completion_tokens" -> completion = count;
						default -> total = count;
					}
				}
				default -> parser.skipChildren();
			}
		}
		return (parser.currentToken() == JsonToken.END_OBJECT) ? new Usage(prompt, completion, total) : null;
	}

	/** A string or null: what a {@code String} component binds without coercion. */
	private static boolean isText(JsonToken token) {
		return token == JsonToken.VALUE_STRING || token == JsonToken.VALUE_NULL;
	}

}
