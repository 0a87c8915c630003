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
 * Reads streamed chat-completion chunks with Jackson's streaming parser instead of data
 * binding: a chunk is read once per token, and binding its record graph cost about a
 * tenth of a streamed call's CPU. Text deltas, finish reasons and usage, the shapes of
 * nearly every chunk, are read here; anything else (tool-call fragments, a value of an
 * unexpected type) is handed to the mapper, so the result is always the one data binding
 * gives. Thread-safe.
 */
final class ChunkReader {

	/**
	 * Thrown, without a stack trace, where the parser meets a shape it leaves to the
	 * mapper.
	 */
	private static final RuntimeException UNUSUAL = new RuntimeException("left to data binding", null, false, false) {
	};

	private final JsonMapper jsonMapper;

	private final ObjectReader chunkReader;

	/**
	 * Creates a reader.
	 * @param jsonMapper the mapper rare shapes are bound with; also creates the parsers
	 */
	ChunkReader(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
		// Built now: deserializers are built under a lock on first use, and reads run on
		// event loops.
		this.chunkReader = jsonMapper.readerFor(ChatCompletionChunk.class);
	}

	/**
	 * Reads one chunk.
	 * @param json the chunk's JSON
	 * @return the chunk, as {@code jsonMapper.readValue(json, ChatCompletionChunk.class)}
	 * returns it
	 * @throws JacksonException if the JSON is malformed or does not bind to a chunk
	 */
	ChatCompletionChunk read(String json) {
		try (JsonParser parser = this.jsonMapper.createParser(json)) {
			ChatCompletionChunk chunk = readChunk(parser);
			if (parser.nextToken() == null) {
				return chunk;
			}
		}
		catch (JacksonException ex) {
			// The mapper decides what malformed input means, and reports it.
		}
		catch (RuntimeException ex) {
			if (ex != UNUSUAL) {
				throw ex;
			}
		}
		return this.chunkReader.readValue(json);
	}

	private static ChatCompletionChunk readChunk(JsonParser parser) {
		expect(parser.nextToken() == JsonToken.START_OBJECT);
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
				case "id" -> id = text(parser, value);
				case "object" -> object = text(parser, value);
				case "model" -> model = text(parser, value);
				case "created" -> created = number(parser, value);
				case "choices" -> choices = (value == JsonToken.VALUE_NULL) ? null : readChoices(parser, value);
				case "usage" -> usage = (value == JsonToken.VALUE_NULL) ? null : readUsage(parser, value);
				default -> parser.skipChildren();
			}
		}
		return new ChatCompletionChunk(id, object, created, model, choices, usage);
	}

	private static List<ChatCompletionChunk.ChunkChoice> readChoices(JsonParser parser, JsonToken value) {
		expect(value == JsonToken.START_ARRAY);
		List<ChatCompletionChunk.ChunkChoice> choices = new ArrayList<>(1);
		JsonToken token;
		while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
			choices.add(readChoice(parser));
		}
		expect(token == JsonToken.END_ARRAY);
		return choices;
	}

	private static ChatCompletionChunk.ChunkChoice readChoice(JsonParser parser) {
		int index = 0;
		ChatCompletionChunk.Delta delta = null;
		String finishReason = null;
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			switch (name) {
				case "index" -> {
					expect(value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT);
					index = parser.getIntValue();
				}
				case "finish_reason" -> finishReason = text(parser, value);
				case "delta" -> delta = (value == JsonToken.VALUE_NULL) ? null : readDelta(parser, value);
				default -> parser.skipChildren();
			}
		}
		return new ChatCompletionChunk.ChunkChoice(index, delta, finishReason);
	}

	/**
	 * A text delta; anything else, tool-call fragments included, is left to the mapper.
	 */
	private static ChatCompletionChunk.Delta readDelta(JsonParser parser, JsonToken value) {
		expect(value == JsonToken.START_OBJECT);
		String role = null;
		String content = null;
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken token = parser.nextToken();
			switch (name) {
				case "role" -> role = text(parser, token);
				case "content" -> content = text(parser, token);
				case "tool_calls" -> expect(token == JsonToken.VALUE_NULL);
				default -> parser.skipChildren();
			}
		}
		return new ChatCompletionChunk.Delta(role, content, null);
	}

	private static Usage readUsage(JsonParser parser, JsonToken value) {
		expect(value == JsonToken.START_OBJECT);
		long prompt = 0;
		long completion = 0;
		long total = 0;
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken token = parser.nextToken();
			switch (name) {
				case "prompt_tokens" -> prompt = number(parser, token);
				case "completion_tokens" -> completion = number(parser, token);
				case "total_tokens" -> total = number(parser, token);
				default -> parser.skipChildren();
			}
		}
		return new Usage(prompt, completion, total);
	}

	/** A string or null, what a {@code String} component binds without coercion. */
	private static @Nullable String text(JsonParser parser, JsonToken token) {
		expect(token == JsonToken.VALUE_STRING || token == JsonToken.VALUE_NULL);
		return parser.getValueAsString();
	}

	/** An integer, what a number component binds without coercion. */
	private static long number(JsonParser parser, JsonToken token) {
		expect(token == JsonToken.VALUE_NUMBER_INT);
		return parser.getLongValue();
	}

	private static void expect(boolean usual) {
		if (!usual) {
			throw UNUSUAL;
		}
	}

}
