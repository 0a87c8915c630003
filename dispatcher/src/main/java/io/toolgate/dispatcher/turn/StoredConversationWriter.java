package io.toolgate.dispatcher.turn;

import java.util.List;

import io.toolgate.store.ConversationKey;
import io.toolgate.store.ConversationStore;
import io.toolgate.store.TurnLease;
import io.toolgate.streaming.openai.ChatMessage;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a turn's messages to the conversation store with compare-and-set on the version
 * it last saw, fenced by the turn's lease. Writes of one turn are sequential, so the
 * tracked version is only touched by one write at a time.
 */
final class StoredConversationWriter implements ConversationWriter {

	private final ConversationStore store;

	private final ConversationKey key;

	private final TurnLease lease;

	private final JsonMapper jsonMapper;

	private volatile long version;

	StoredConversationWriter(ConversationStore store, ConversationKey key, TurnLease lease, long version,
			JsonMapper jsonMapper) {
		this.store = store;
		this.key = key;
		this.lease = lease;
		this.version = version;
		this.jsonMapper = jsonMapper;
	}

	@Override
	public Mono<Void> append(List<ChatMessage> messages) {
		return Mono.defer(() -> {
			List<String> json = messages.stream().map(this.jsonMapper::writeValueAsString).toList();
			return this.store.append(this.key, this.version, json, this.lease);
		}).doOnNext(conversation -> this.version = conversation.version()).then();
	}

}
