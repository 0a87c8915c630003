package io.toolgate.dispatcher.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WarmUpKey}: a key is known from its issue to its revocation, and only that key.
 */
class WarmUpKeyTests {

	private final WarmUpKey warmUpKey = new WarmUpKey();

	@Test
	void noKeyIsKnownBeforeTheFirstIssue() {
		assertThat(this.warmUpKey.resolve("tg-warm-up-anything")).isEmpty();
	}

	@Test
	void anIssuedKeyResolvesToTheWarmUpTenantUntilRevoked() {
		String key = this.warmUpKey.issue();

		assertThat(key).matches("tg-warm-up-[0-9a-f]{64}");
		assertThat(this.warmUpKey.resolve(key)).contains(WarmUpKey.TENANT);
		assertThat(this.warmUpKey.resolve(key + "x")).isEmpty();
		this.warmUpKey.revoke();
		assertThat(this.warmUpKey.resolve(key)).isEmpty();
	}

	@Test
	void aNewIssueReplacesTheEarlierKey() {
		String first = this.warmUpKey.issue();
		String second = this.warmUpKey.issue();

		assertThat(this.warmUpKey.resolve(first)).isEmpty();
		assertThat(this.warmUpKey.resolve(second)).contains(WarmUpKey.TENANT);
	}

}
