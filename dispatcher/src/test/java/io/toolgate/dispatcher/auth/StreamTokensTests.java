package io.toolgate.dispatcher.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class StreamTokensTests {

	private static final StreamTokens.SigningKey OLD = key("old", 'a');

	private static final StreamTokens.SigningKey NEW = key("new", 'b');

	private static final Instant NOW = Instant.parse("2026-12-03T06:00:00Z");

	private final StreamTokens tokens = tokens(List.of(OLD), NOW);

	@Test
	void verifiesForItsOwnTurnOnly() {
		String token = this.tokens.issue("acme", "c1", "turn_1");

		assertThat(this.tokens.verify(token, "c1", "turn_1")).contains(new Tenant("acme"));
		assertThat(this.tokens.verify(token, "c1", "turn_2")).isEmpty();
		assertThat(this.tokens.verify(token, "c2", "turn_1")).isEmpty();
	}

	@Test
	void expiresAfterItsLifetime() {
		String token = this.tokens.issue("acme", "c1", "turn_1");

		assertThat(tokens(List.of(OLD), NOW.plus(Duration.ofMinutes(10)).minusSeconds(1)).verify(token, "c1", "turn_1"))
			.isPresent();
		assertThat(tokens(List.of(OLD), NOW.plus(Duration.ofMinutes(10))).verify(token, "c1", "turn_1")).isEmpty();
	}

	@Test
	void rotatesWithTwoKeys() {
		String byOld = this.tokens.issue("acme", "c1", "turn_1");
		StreamTokens rotated = tokens(List.of(NEW, OLD), NOW);
		String byNew = rotated.issue("acme", "c1", "turn_1");

		assertThat(byNew).startsWith("tgst1.new.");
		assertThat(rotated.verify(byOld, "c1", "turn_1")).isPresent();
		assertThat(tokens(List.of(NEW), NOW).verify(byOld, "c1", "turn_1")).isEmpty();
		assertThat(this.tokens.verify(byNew, "c1", "turn_1")).isEmpty();
	}

	@Test
	void rejectsForgedAndMalformedTokens() {
		String token = this.tokens.issue("acme", "c1", "turn_1");
		String[] parts = token.split("\\.");
		String otherTenant = String.join(".", parts[0], parts[1], parts[2], "Z2xvYmV4", parts[4]);
		String later = String.join(".", parts[0], parts[1], Long.toString(Long.parseLong(parts[2]) + 3600), parts[3],
				parts[4]);

		assertThat(this.tokens.verify(otherTenant, "c1", "turn_1")).isEmpty();
		assertThat(this.tokens.verify(later, "c1", "turn_1")).isEmpty();
		assertThat(this.tokens.verify("", "c1", "turn_1")).isEmpty();
		assertThat(this.tokens.verify("tgst1.old.x.y.z", "c1", "turn_1")).isEmpty();
		assertThat(this.tokens.verify("tgst1.old.1.%%%.z", "c1", "turn_1")).isEmpty();
	}

	@Test
	void refusesWeakOrDuplicateKeys() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> tokens(List.of(new StreamTokens.SigningKey("k", new byte[31])), NOW));
		assertThatIllegalArgumentException().isThrownBy(() -> tokens(List.of(OLD, OLD), NOW));
		assertThatIllegalArgumentException().isThrownBy(() -> tokens(List.of(key("a.b", 'c')), NOW));
		assertThatIllegalArgumentException().isThrownBy(() -> tokens(List.of(), NOW));
	}

	private static StreamTokens tokens(List<StreamTokens.SigningKey> keys, Instant now) {
		return new StreamTokens(keys, Duration.ofMinutes(10), Clock.fixed(now, ZoneOffset.UTC));
	}

	private static StreamTokens.SigningKey key(String id, char fill) {
		return new StreamTokens.SigningKey(id, String.valueOf(fill).repeat(32).getBytes(StandardCharsets.UTF_8));
	}

}
