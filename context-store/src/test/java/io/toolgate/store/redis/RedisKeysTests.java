package io.toolgate.store.redis;

import java.util.List;

import io.lettuce.core.cluster.SlotHash;
import io.toolgate.store.ConversationKey;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLease;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RedisKeysTests {

	private final RedisKeys keys = new RedisKeys("tg");

	@Test
	void conversationKeysShareOneHashTag() {
		ConversationKey conversation = new ConversationKey("acme", "c1");
		TurnKey turn = new TurnKey(conversation, "t1");
		List<String> all = List.of(this.keys.conversation(conversation), this.keys.messages(conversation),
				this.keys.lease(conversation), this.keys.turns(conversation), this.keys.turnMeta(turn),
				this.keys.turnEvents(turn), this.keys.turnChannel(turn));
		assertThat(all).allSatisfy((key) -> assertThat(hashTag(key)).isEqualTo("acme:c1"));
		assertThat(this.keys.conversation(conversation)).isEqualTo("tg:{acme:c1}:conv");
		assertThat(this.keys.turnEvents(turn)).isEqualTo("tg:{acme:c1}:turn:t1:events");
		assertThat(all).doesNotHaveDuplicates();
	}

	@Test
	void separatorsInIdsCannotMakeKeysCollide() {
		String first = this.keys.conversation(new ConversationKey("a:b", "c"));
		String second = this.keys.conversation(new ConversationKey("a", "b:c"));
		assertThat(first).isNotEqualTo(second);
		String encoded = this.keys.conversation(new ConversationKey("a%3Ab", "c"));
		assertThat(encoded).isNotEqualTo(first);
	}

	@Test
	void bracesInIdsCannotMoveHashTag() {
		ConversationKey sneaky = new ConversationKey("}x{", "{y}");
		String key = this.keys.conversation(sneaky);
		assertThat(hashTag(key)).doesNotContain("{", "}");
		assertThat(hashTag(this.keys.turnMeta(new TurnKey(sneaky, "}{")))).isEqualTo(hashTag(key));
	}

	@Test
	void tenantsAreKeptApart() {
		assertThat(this.keys.lease(new ConversationKey("t1", "c")))
			.isNotEqualTo(this.keys.lease(new ConversationKey("t2", "c")));
	}

	@Test
	void idempotencyKeysAreTaggedByTheTenantOfTheirScope() {
		assertThat(this.keys.idempotency("turn-call:acme", "k1")).isEqualTo("tg:idem:{acme}:turn-call%3Aacme:k1");
		assertThat(this.keys.idempotency("a:b", "c")).isNotEqualTo(this.keys.idempotency("a", "b:c"));
		assertThat(this.keys.idempotency("invocation:a:b", "c"))
			.isNotEqualTo(this.keys.idempotency("invocation:a", "b:c"));
		assertThat(this.keys.idempotency("plain", "k")).isEqualTo("tg:idem:{plain}:plain:k");
	}

	@Test
	void idempotencyRecordsShareTheSlotOfTheirTenantsAuditStream() {
		int slot = SlotHash.getSlot(this.keys.audit("ac{me}:x"));
		assertThat(SlotHash.getSlot(this.keys.idempotency("turn-call:ac{me}:x", "t:c:1:call_a"))).isEqualTo(slot);
		assertThat(SlotHash.getSlot(this.keys.idempotency("invocation:ac{me}:x", "other"))).isEqualTo(slot);
	}

	@Test
	void leaseValueCarriesFenceAndTurn() {
		TurnLease lease = new TurnLease(new ConversationKey("t", "c"), "turn/1", "f-1");
		String value = this.keys.leaseValue(lease);
		assertThat(value).startsWith("f-1/");
		assertThat(this.keys.turnOfLeaseValue(value)).isEqualTo("turn/1");
	}

	@Test
	void rejectsPrefixThatCouldBreakKeys() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RedisKeys("a:{b}"));
		assertThatIllegalArgumentException().isThrownBy(() -> new RedisKeys(""));
	}

	private static String hashTag(String key) {
		int open = key.indexOf('{');
		return key.substring(open + 1, key.indexOf('}', open));
	}

}
