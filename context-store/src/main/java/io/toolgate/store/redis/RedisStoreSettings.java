package io.toolgate.store.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the Redis stores, validated on construction.
 *
 * @param commandTimeout the bound of every Redis command (a {@code timeout} operator; the
 * client's own timeout is a backstop at twice this), positive
 * @param conversationTtl how long a conversation is kept after its last write, positive
 * @param maxEventsPerTurn how many events a turn log may hold, the terminal event
 * included, at least 2
 * @param tailPollInterval how often a live reader of a turn log also polls, in case a
 * notification was missed, positive
 * @param keyPrefix the first segment of every key (see {@link RedisKeys})
 */
public record RedisStoreSettings(Duration commandTimeout, Duration conversationTtl, int maxEventsPerTurn,
		Duration tailPollInterval, String keyPrefix) {

	public RedisStoreSettings {
		requirePositive(commandTimeout, "commandTimeout");
		requirePositive(conversationTtl, "conversationTtl");
		requirePositive(tailPollInterval, "tailPollInterval");
		if (conversationTtl.toMillis() < 1) {
			throw new IllegalArgumentException("conversationTtl must be at least 1 ms");
		}
		if (maxEventsPerTurn < 2) {
			throw new IllegalArgumentException("maxEventsPerTurn must be at least 2");
		}
		Objects.requireNonNull(keyPrefix, "keyPrefix");
		new RedisKeys(keyPrefix);
	}

	/**
	 * Returns a 2-second command timeout, a 24-hour conversation time to live, 10,000
	 * events per turn, a 1-second poll and the prefix {@code tg}.
	 * @return the defaults
	 */
	public static RedisStoreSettings ofDefaults() {
		return new RedisStoreSettings(Duration.ofSeconds(2), Duration.ofHours(24), 10_000, Duration.ofSeconds(1), "tg");
	}

	/**
	 * Returns these settings with another conversation time to live.
	 * @param ttl the time to live
	 * @return the new settings
	 */
	public RedisStoreSettings withConversationTtl(Duration ttl) {
		return new RedisStoreSettings(this.commandTimeout, ttl, this.maxEventsPerTurn, this.tailPollInterval,
				this.keyPrefix);
	}

	/**
	 * Returns these settings with another command timeout.
	 * @param timeout the timeout
	 * @return the new settings
	 */
	public RedisStoreSettings withCommandTimeout(Duration timeout) {
		return new RedisStoreSettings(timeout, this.conversationTtl, this.maxEventsPerTurn, this.tailPollInterval,
				this.keyPrefix);
	}

	/**
	 * Returns these settings with another bound on events per turn.
	 * @param maxEvents how many events a turn log may hold, the terminal event included,
	 * at least 2
	 * @return the new settings
	 */
	public RedisStoreSettings withMaxEventsPerTurn(int maxEvents) {
		return new RedisStoreSettings(this.commandTimeout, this.conversationTtl, maxEvents, this.tailPollInterval,
				this.keyPrefix);
	}

	private static void requirePositive(Duration duration, String name) {
		Objects.requireNonNull(duration, name);
		if (duration.isZero() || duration.isNegative()) {
			throw new IllegalArgumentException(name + " must be positive");
		}
	}

}
