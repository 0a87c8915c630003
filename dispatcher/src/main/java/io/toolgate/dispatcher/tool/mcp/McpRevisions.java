package io.toolgate.dispatcher.tool.mcp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import tools.jackson.databind.JsonNode;

/**
 * The MCP protocol revisions {@code /mcp} serves and how a request says which it speaks.
 * <ul>
 * <li>{@value #STATELESS} (stateless): every request names its revision in
 * {@code params._meta["io.modelcontextprotocol/protocolVersion"]} and in the
 * {@code MCP-Protocol-Version} header, its method in {@code Mcp-Method} and, for
 * {@code tools/call}, the tool in {@code Mcp-Name}; there is no {@code initialize}. A
 * header that disagrees with the body is error {@value #HEADER_MISMATCH}.</li>
 * <li>{@value #SESSIONFUL} and the earlier ones: negotiated by {@code initialize}; a
 * client asking for a revision not served gets {@value #SESSIONFUL}.</li>
 * </ul>
 */
final class McpRevisions {

	/** The stateless revision. */
	static final String STATELESS = "2026-07-28";

	/** The latest revision negotiated with {@code initialize}. */
	static final String SESSIONFUL = "2025-11-25";

	/** Every revision served, newest first. */
	static final List<String> SERVED = List.of(STATELESS, SESSIONFUL, "2025-06-18", "2025-03-26");

	/** Where a stateless request names its revision, in {@code params._meta}. */
	static final String PROTOCOL_VERSION_KEY = "io.modelcontextprotocol/protocolVersion";

	/** Where a stateless request states the client's capabilities. */
	static final String CLIENT_CAPABILITIES_KEY = "io.modelcontextprotocol/clientCapabilities";

	/** Where a stateless result names the server. */
	static final String SERVER_INFO_KEY = "io.modelcontextprotocol/serverInfo";

	/** A header that disagrees with the body. */
	static final int HEADER_MISMATCH = -32020;

	/** A revision this endpoint does not serve. */
	static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

	private static final String ENCODED_PREFIX = "=?base64?";

	private static final String ENCODED_SUFFIX = "?=";

	private McpRevisions() {
	}

	/**
	 * Whether a request speaks the stateless revision (or claims a later one): it names a
	 * revision in its {@code _meta}, or its {@code MCP-Protocol-Version} header does.
	 */
	static boolean isStateless(JsonNode params, HttpHeaders headers) {
		return params.path("_meta").has(PROTOCOL_VERSION_KEY)
				|| STATELESS.equals(headers.getFirst("MCP-Protocol-Version"));
	}

	/** The revision an {@code initialize} request gets. */
	static String negotiate(String asked) {
		return (SERVED.contains(asked) && !STATELESS.equals(asked)) ? asked : SESSIONFUL;
	}

	/**
	 * Checks the routing headers against the body: {@code Mcp-Method},
	 * {@code MCP-Protocol-Version} and, for {@code tools/call}, {@code Mcp-Name}.
	 * Required in a stateless request; in another, checked when present.
	 * @param headers the request's headers
	 * @param method the body's method
	 * @param params the body's params
	 * @param required whether the headers must be there
	 * @return what disagrees, or {@code null} when nothing does
	 */
	static @Nullable String headerMismatch(HttpHeaders headers, String method, JsonNode params, boolean required) {
		String methodHeader = headers.getFirst("Mcp-Method");
		if (methodHeader == null && required) {
			return "Missing required header: Mcp-Method";
		}
		if (methodHeader != null && !methodHeader.equals(method)) {
			return "Mcp-Method header does not match the request's method";
		}
		JsonNode bodyVersion = params.path("_meta").path(PROTOCOL_VERSION_KEY);
		String versionHeader = headers.getFirst("MCP-Protocol-Version");
		if (bodyVersion.isString() && !bodyVersion.asString().equals(versionHeader)) {
			return (versionHeader == null) ? "Missing required header: MCP-Protocol-Version"
					: "MCP-Protocol-Version header does not match the _meta protocol version";
		}
		if (!"tools/call".equals(method) || !params.path("name").isString()) {
			return null;
		}
		String nameHeader = headers.getFirst("Mcp-Name");
		if (nameHeader == null) {
			return required ? "Missing required header: Mcp-Name" : null;
		}
		String name = decode(nameHeader);
		if (name == null) {
			return "Mcp-Name header has a malformed Base64 value";
		}
		return name.equals(params.path("name").asString()) ? null
				: "Mcp-Name header does not match the request's tool name";
	}

	/** A header value, plain or {@code =?base64?...?=} (for names that are not ASCII). */
	private static @Nullable String decode(String value) {
		if (!value.startsWith(ENCODED_PREFIX) || !value.endsWith(ENCODED_SUFFIX)
				|| value.length() < ENCODED_PREFIX.length() + ENCODED_SUFFIX.length()) {
			return value;
		}
		try {
			return new String(
					Base64.getDecoder()
						.decode(value.substring(ENCODED_PREFIX.length(), value.length() - ENCODED_SUFFIX.length())),
					StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
