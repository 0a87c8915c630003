package io.toolgate.streaming;

import java.nio.charset.StandardCharsets;

import io.toolgate.streaming.openai.ChatCompletionChunk;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * Writes the UTF-8 JSON of a content-delta chunk without the object mapper: a prefix
 * built once per stream (id, object, created, model and the start of the delta), the
 * escaped text, and a fixed suffix. A token is the most frequent event of a stream, so
 * this is the chunk writer of the hot path. The bytes are the ones the mapper writes for
 * {@code ChatCompletionChunk.of(id, created, model, Delta.content(text), null)}: a change
 * to the chunk record or to the mapper's settings must change this too
 * (OpenAiChunkEncoderTests compares the two).
 */
final class ContentChunkJson {

	private static final byte[] SUFFIX = "\"}}]}".getBytes(StandardCharsets.UTF_8);

	private ContentChunkJson() {
	}

	/**
	 * Returns the bytes every content chunk of a stream starts with.
	 * @param completionId the stream's completion id
	 * @param created its creation time in epoch seconds
	 * @param model its model name
	 */
	static byte[] prefix(String completionId, long created, String model) {
		JsonStringEncoder quote = JsonStringEncoder.getInstance();
		String prefix = "{\"id\":\"" + new String(quote.quoteAsCharArray(completionId)) + "\",\"object\":\""
				+ ChatCompletionChunk.OBJECT + "\",\"created\":" + created + "," + "\"model\":\""
				+ new String(quote.quoteAsCharArray(model)) + "\","
				+ "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"";
		return prefix.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Returns a content chunk's JSON.
	 * @param prefix the stream's {@link #prefix}
	 * @param text the delta's text
	 */
	static byte[] write(byte[] prefix, String text) {
		byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(text);
		byte[] json = new byte[prefix.length + escaped.length + SUFFIX.length];
		System.arraycopy(prefix, 0, json, 0, prefix.length);
		System.arraycopy(escaped, 0, json, prefix.length, escaped.length);
		System.arraycopy(SUFFIX, 0, json, prefix.length + escaped.length, SUFFIX.length);
		return json;
	}

}
