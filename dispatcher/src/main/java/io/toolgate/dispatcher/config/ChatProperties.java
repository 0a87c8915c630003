package io.toolgate.dispatcher.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The OpenAI-compatible chat completions API ({@code toolgate.chat}).
 *
 * @param resumable whether streamed completions are resumable: each chunk carries an
 * {@code id:} line, the stream is kept in the turn event log and read again with
 * {@code GET /v1/chat/completions/{id}/events}, and a completion goes on to its end when
 * its client's connection drops. When off, chunks carry no ids and a client that goes
 * away cancels its completion at once.
 * @param approvalHold how long a resumable streamed completion of a conversation stays
 * open (with heartbeats) while its turn waits for approvals; past it the stream ends with
 * an {@code awaiting_approval} chunk and the turn's result goes to the conversation
 */
@ConfigurationProperties("toolgate.chat")
public record ChatProperties(@DefaultValue("true") boolean resumable, @DefaultValue("55s") Duration approvalHold) {
}
