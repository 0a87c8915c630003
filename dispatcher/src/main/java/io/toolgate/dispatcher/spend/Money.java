package io.toolgate.dispatcher.spend;

import java.math.BigDecimal;
import java.math.RoundingMode;

import org.jspecify.annotations.Nullable;

/**
 * Amounts of money as integer micro-units (a millionth of the price table's currency):
 * exact, summed atomically by the ledger, never floating point.
 */
public final class Money {

	/** Micro-units in one unit. */
	public static final long MICROS_PER_UNIT = 1_000_000L;

	/**
	 * The largest configurable budget, in units: a thousand million, so that in
	 * micro-units it stays below 2^53 and the ledger's Lua scripts compare it exactly.
	 */
	public static final BigDecimal MAX_AMOUNT = BigDecimal.valueOf(1_000_000_000L);

	/**
	 * The largest configurable price of a million tokens, in units: a million, so that a
	 * price in micro-units times a token count below a million stays in a long.
	 */
	public static final BigDecimal MAX_PRICE = BigDecimal.valueOf(1_000_000L);

	private Money() {
	}

	/**
	 * Checks a configured amount: not negative, at most six decimals, at most
	 * {@link #MAX_AMOUNT}.
	 * @param name the setting's name, for the message
	 * @param amount the amount, or {@code null} when unset
	 * @throws IllegalArgumentException with a message naming the setting
	 */
	public static void checkAmount(String name, @Nullable BigDecimal amount) {
		check(name, amount, MAX_AMOUNT);
	}

	/**
	 * Checks a configured price of a million tokens: not negative, at most six decimals,
	 * at most {@link #MAX_PRICE}.
	 * @param name the setting's name, for the message
	 * @param price the price
	 * @throws IllegalArgumentException with a message naming the setting
	 */
	public static void checkPrice(String name, BigDecimal price) {
		check(name, price, MAX_PRICE);
	}

	private static void check(String name, @Nullable BigDecimal amount, BigDecimal max) {
		if (amount == null) {
			return;
		}
		if (amount.signum() < 0) {
			throw new IllegalArgumentException(name + " must not be negative, got " + amount.toPlainString());
		}
		if (amount.stripTrailingZeros().scale() > 6) {
			throw new IllegalArgumentException(name
					+ " has more than six decimals (amounts are kept in micro-units), got " + amount.toPlainString());
		}
		if (amount.compareTo(max) > 0) {
			throw new IllegalArgumentException(
					name + " must be at most " + max.toPlainString() + ", got " + amount.toPlainString());
		}
	}

	/**
	 * Converts a checked amount to micro-units.
	 * @param amount the amount, or {@code null}
	 * @return its micro-units, 0 for {@code null}
	 */
	public static long micros(@Nullable BigDecimal amount) {
		return (amount != null) ? amount.movePointRight(6).longValueExact() : 0;
	}

	/**
	 * The cost of tokens at a price per million, rounded up to a whole micro-unit.
	 * @param tokens the tokens, not negative
	 * @param microsPerMillion the price of a million tokens in micro-units, at most
	 * {@link #MAX_PRICE} units
	 * @throws ArithmeticException if the cost does not fit in a long
	 * @return the cost in micro-units
	 */
	public static long cost(long tokens, long microsPerMillion) {
		long millions = tokens / 1_000_000L;
		long rest = tokens % 1_000_000L;
		long restCost = Math.ceilDiv(rest * microsPerMillion, 1_000_000L);
		return Math.addExact(Math.multiplyExact(millions, microsPerMillion), restCost);
	}

	/**
	 * Formats micro-units as a decimal amount, for JSON and messages.
	 * @param micros the micro-units
	 * @return the amount with six decimals, e.g. {@code 0.001250}
	 */
	public static BigDecimal toAmount(long micros) {
		return BigDecimal.valueOf(micros, 6).setScale(6, RoundingMode.UNNECESSARY);
	}

}
