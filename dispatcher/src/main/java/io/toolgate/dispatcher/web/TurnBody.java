package io.toolgate.dispatcher.web;

import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /v1/conversations/{id}/turns}.
 *
 * @param content the user's message
 * @param model the model, or {@code null} for the default
 */
public record TurnBody(@Nullable String content, @Nullable String model) {
}
