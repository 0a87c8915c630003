package io.toolgate.dispatcher.tool;

import java.math.BigDecimal;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;

/**
 * When a call of a tool waits for a reviewer's decision before it runs: {@code always},
 * {@code never}, or {@code by-risk} (the default: a {@link RiskTier#HIGH high-risk} tool
 * always, any other never), optionally narrowed by a condition on the arguments, so that
 * only the calls it holds for wait.
 *
 * @param mode when approval is needed
 * @param when the condition on the arguments that narrows it, or {@code null} for every
 * call
 */
public record ToolApprovalPolicy(Mode mode, @Nullable Condition when) {

	/** The default: approval for high-risk tools, every call. */
	public static final ToolApprovalPolicy BY_RISK = new ToolApprovalPolicy(Mode.BY_RISK, null);

	/**
	 * Tells why a call must wait for approval.
	 * @param tier the tool's risk tier
	 * @param arguments the call's arguments, already valid against the tool's schema
	 * @return the reason it is held, or {@code null} when it runs without approval
	 */
	public @Nullable String holdReason(RiskTier tier, JsonNode arguments) {
		String base = switch (this.mode) {
			case NEVER -> null;
			case ALWAYS -> "the tool needs approval for every call";
			case BY_RISK -> (tier == RiskTier.HIGH) ? "the tool's risk tier is high" : null;
		};
		if (base == null || this.when == null) {
			return base;
		}
		return this.when.holds(arguments) ? base + " and " + this.when.describe() : null;
	}

	/**
	 * Tells whether some call of a tool of this tier may be held.
	 * @param tier the tool's risk tier
	 * @return whether {@link #holdReason} can give a reason
	 */
	public boolean mayHold(RiskTier tier) {
		return this.mode == Mode.ALWAYS || (this.mode == Mode.BY_RISK && tier == RiskTier.HIGH);
	}

	/** When approval is needed. */
	public enum Mode {

		/** Every call (that the condition holds for). */
		ALWAYS,

		/** No call. */
		NEVER,

		/** Calls of high-risk tools (that the condition holds for). */
		BY_RISK;

		/**
		 * Parses a registry value.
		 * @param value {@code always}, {@code never} or {@code by-risk}
		 * @return the mode
		 * @throws IllegalArgumentException if the value is none of these
		 */
		public static Mode of(String value) {
			for (Mode mode : values()) {
				if (mode.wireName().equals(value)) {
					return mode;
				}
			}
			throw new IllegalArgumentException("approval must be one of always, never, by-risk");
		}

		/** The registry spelling, e.g. {@code by-risk}. */
		public String wireName() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

	/**
	 * A condition on one argument, addressed by a JSON Pointer: {@code above} holds when
	 * the value is a number greater than the threshold, or is missing or not a number (a
	 * call whose amount cannot be read is held); {@code equals} holds when the value is
	 * the given string, number or boolean.
	 *
	 * @param pointer the argument, e.g. {@code /amount} or {@code /recipient/domain}
	 * @param above the threshold, or {@code null}
	 * @param equals the value, or {@code null}
	 */
	public record Condition(JsonPointer pointer, @Nullable BigDecimal above, @Nullable JsonNode equals) {

		/**
		 * Checks the condition's form.
		 * @throws IllegalArgumentException unless exactly one of {@code above} and
		 * {@code equals} is set, and {@code equals} is a scalar
		 */
		public Condition {
			if ((above == null) == (equals == null)) {
				throw new IllegalArgumentException("approval-when needs exactly one of 'above' and 'equals'");
			}
			if (equals != null && !equals.isValueNode()) {
				throw new IllegalArgumentException("approval-when.equals must be a string, number or boolean");
			}
		}

		boolean holds(JsonNode arguments) {
			JsonNode value = arguments.at(this.pointer);
			if (this.above != null) {
				return !value.isNumber() || value.decimalValue().compareTo(this.above) > 0;
			}
			if (value.isNumber() && this.equals.isNumber()) {
				return value.decimalValue().compareTo(this.equals.decimalValue()) == 0;
			}
			return value.equals(this.equals);
		}

		String describe() {
			return (this.above != null) ? this.pointer + " is above " + this.above.toPlainString()
					: this.pointer + " equals " + this.equals;
		}

	}

}
