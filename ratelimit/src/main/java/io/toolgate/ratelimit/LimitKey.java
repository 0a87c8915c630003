package io.toolgate.ratelimit;

/**
 * The bucket a limit applies to. Build keys only through the factories so that every
 * replica names a bucket the same way.
 *
 * @param value the bucket name
 */
public record LimitKey(String value) {

	/** Requests of a tenant. */
	public static LimitKey tenantRequests(String tenant) {
		return new LimitKey("tenant:" + tenant + ":requests");
	}

	/** Model tokens of a tenant. */
	public static LimitKey tenantTokens(String tenant) {
		return new LimitKey("tenant:" + tenant + ":tokens");
	}

	/** Calls of a tool across the fleet. */
	public static LimitKey tool(String tool) {
		return new LimitKey("tool:" + tool);
	}

	/** Calls of a tool by one tenant. */
	public static LimitKey tenantTool(String tenant, String tool) {
		return new LimitKey("tenant:" + tenant + ":tool:" + tool);
	}

}
