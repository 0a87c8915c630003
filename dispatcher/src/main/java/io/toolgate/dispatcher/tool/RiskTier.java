package io.toolgate.dispatcher.tool;

import java.util.Locale;

/** How much harm a tool can do; policies (allowlists, approval gates) key on it. */
public enum RiskTier {

	/** Read-only or harmless. */
	LOW,
	/** Changes state that can be undone. */
	MEDIUM,
	/** Changes state that cannot be undone, or touches money or people. */
	HIGH;

	/** The lower-case name used in the registry file and the API, e.g. {@code low}. */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Parses a registry value.
	 * @param value {@code low}, {@code medium} or {@code high}, any case
	 * @return the tier
	 * @throws IllegalArgumentException if the value is none of these
	 */
	public static RiskTier of(String value) {
		for (RiskTier tier : values()) {
			if (tier.name().equalsIgnoreCase(value)) {
				return tier;
			}
		}
		throw new IllegalArgumentException("risk-tier must be one of low, medium, high");
	}

}
