/**
 * OpenAI chat-completions wire types: requests, responses, streaming chunks, tool calls
 * and their deltas, and usage. Records mirror the JSON field names of the OpenAI API;
 * absent optional fields are {@code null} and are omitted when written.
 */
@NullMarked
package io.toolgate.streaming.openai;

import org.jspecify.annotations.NullMarked;
