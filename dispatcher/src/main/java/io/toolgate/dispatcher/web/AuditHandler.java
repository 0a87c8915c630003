package io.toolgate.dispatcher.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.toolgate.dispatcher.audit.AuditTrail;
import io.toolgate.dispatcher.auth.Tenant;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.store.AuditPage;
import io.toolgate.store.AuditQuery;
import io.toolgate.store.AuditRecord;
import io.toolgate.store.StoredAuditRecord;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/audit?since=&tool=&limit=&cursor=}: a page of the calling tenant's audit
 * records, oldest first, and the cursor of the next page ({@code null} at the end of the
 * log). {@code since} is an ISO-8601 instant, {@code tool} a tool name, {@code limit} 1
 * to {@value AuditQuery#MAX_LIMIT} (default {@value #DEFAULT_LIMIT}) and {@code cursor} a
 * page's {@code next_cursor}; anything else is a 400. A tenant sees only its own records.
 */
public class AuditHandler {

	/** The page size when the request sets none. */
	public static final int DEFAULT_LIMIT = 100;

	private static final Pattern TOOL = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

	private final AuditTrail trail;

	/**
	 * Creates the handler.
	 * @param trail where the records are read
	 */
	public AuditHandler(AuditTrail trail) {
		this.trail = trail;
	}

	/** Handles {@code GET /v1/audit}. */
	public Mono<ServerResponse> list(ServerRequest request) {
		return Mono.defer(() -> {
			String tenant = Tenant.from(request).id();
			return this.trail.read(tenant, query(request))
				.flatMap(page -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(list(page)));
		});
	}

	private static AuditQuery query(ServerRequest request) {
		String tool = request.queryParam("tool").orElse(null);
		if (tool != null && !TOOL.matcher(tool).matches()) {
			throw ToolgateException.invalidField("tool", "must be a tool name (" + TOOL.pattern() + ")");
		}
		String cursor = request.queryParam("cursor").orElse(null);
		if (cursor != null && !AuditQuery.isId(cursor)) {
			throw ToolgateException.invalidField("cursor", "must be a next_cursor this endpoint returned");
		}
		return new AuditQuery(since(request.queryParam("since").orElse(null)), tool,
				limit(request.queryParam("limit").orElse(null)), cursor);
	}

	private static @Nullable Instant since(@Nullable String value) {
		if (value == null) {
			return null;
		}
		try {
			return Instant.parse(value);
		}
		catch (DateTimeParseException ex) {
			throw ToolgateException.invalidField("since", "must be an ISO-8601 instant such as 2026-01-01T00:00:00Z");
		}
	}

	private static int limit(@Nullable String value) {
		if (value == null) {
			return DEFAULT_LIMIT;
		}
		int limit;
		try {
			limit = Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			limit = 0;
		}
		if (limit < 1 || limit > AuditQuery.MAX_LIMIT) {
			throw ToolgateException.invalidField("limit", "must be an integer from 1 to " + AuditQuery.MAX_LIMIT);
		}
		return limit;
	}

	private static AuditList list(AuditPage page) {
		return new AuditList("list", page.records().stream().map(AuditEntry::of).toList(), page.nextCursor());
	}

	/**
	 * The body of {@code GET /v1/audit}.
	 *
	 * @param object always {@code list}
	 * @param data the records, oldest first
	 * @param nextCursor the {@code cursor} of the next page, or {@code null} at the end
	 */
	public record AuditList(String object, List<AuditEntry> data,
			@JsonProperty("next_cursor") @Nullable String nextCursor) {
	}

	/**
	 * An audit record as {@code GET /v1/audit} shows it.
	 *
	 * @param id the record id
	 * @param time when the action ended
	 * @param kind {@code tool_execution}, {@code approval_decision} or
	 * {@code budget_refusal}
	 * @param keyId the API key id, or {@code null}
	 * @param conversationId the conversation, or {@code null}
	 * @param turnId the turn, or {@code null}
	 * @param callId the tool call id, or {@code null}
	 * @param tool the tool, or {@code null}
	 * @param argumentsHash the arguments' SHA-256, or {@code null}
	 * @param arguments the arguments when recorded, else {@code null}
	 * @param decision what was decided
	 * @param outcome how it ended
	 * @param durationMs how long it took
	 * @param replica the replica that recorded it
	 * @param details what else the kind records (an approval's id and the reviewer's
	 * reason or its hash; a budget, its limit and what was used); left out when empty
	 */
	public record AuditEntry(String id, String time, String kind, @JsonProperty("key_id") @Nullable String keyId,
			@JsonProperty("conversation_id") @Nullable String conversationId,
			@JsonProperty("turn_id") @Nullable String turnId, @JsonProperty("call_id") @Nullable String callId,
			@Nullable String tool, @JsonProperty("arguments_hash") @Nullable String argumentsHash,
			@Nullable String arguments, String decision, String outcome, @JsonProperty("duration_ms") long durationMs,
			String replica, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> details) {

		static AuditEntry of(StoredAuditRecord stored) {
			AuditRecord record = stored.record();
			return new AuditEntry(stored.id(), record.time().toString(), record.kind().wireName(), record.keyId(),
					record.conversationId(), record.turnId(), record.callId(), record.tool(), record.argumentsHash(),
					record.arguments(), record.decision(), record.outcome(), record.durationMs(), record.replica(),
					new TreeMap<>(record.details()));
		}

	}

}
