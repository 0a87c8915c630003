package io.toolgate.dispatcher.tool;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys of the tool calls turns make: stable across replicas, distinct for distinct calls.
 */
class IdempotencyKeysTests {

	@Test
	void keyOfATurnCallIsStableForTheSameTurnIterationAndCallId() {
		assertThat(IdempotencyKeys.forTurnCall("acme", "c1", "turn_1", 2, "call_1"))
			.isEqualTo(IdempotencyKeys.forTurnCall("acme", "c1", "turn_1", 2, "call_1"))
			.isEqualTo("acme:c1:turn_1:2:call_1");
	}

	@Test
	void keyOfATurnCallDiffersByIterationAndCannotBeForgedByColons() {
		assertThat(IdempotencyKeys.forTurnCall("acme", "c1", "turn_1", 1, "call_1"))
			.isNotEqualTo(IdempotencyKeys.forTurnCall("acme", "c1", "turn_1", 2, "call_1"));
		assertThat(IdempotencyKeys.forTurnCall("acme", "c1:turn_1", "turn_2", 1, "x"))
			.isNotEqualTo(IdempotencyKeys.forTurnCall("acme", "c1", "turn_1", 1, "turn_2:1:x"));
	}

}
