package io.toolgate.streaming.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * A non-streaming chat-completions response.
 *
 * @param id the completion id
 * @param object always {@code chat.completion}
 * @param created creation time in epoch seconds
 * @param model the model that answered
 * @param choices the choices, usually one
 * @param usage token usage
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionResponse(String id, String object, long created, String model, List<Choice> choices,
		@Nullable Usage usage) {

	/** Returns a one-choice response. */
	public static ChatCompletionResponse of(String id, long created, String model, ChatMessage message,
			String finishReason, @Nullable Usage usage) {
		return new ChatCompletionResponse(id, "chat.completion", created, model,
				List.of(new Choice(0, message, finishReason)), usage);
	}

	/**
	 * One choice.
	 *
	 * @param index its index
	 * @param message the assistant message
	 * @param finishReason {@code stop}, {@code tool_calls}, {@code length} or
	 * {@code content_filter}
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Choice(int index, ChatMessage message, @JsonProperty("finish_reason") @Nullable String finishReason) {
	}

}
