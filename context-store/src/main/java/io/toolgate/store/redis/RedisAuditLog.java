package io.toolgate.store.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.toolgate.store.AuditLog;
import io.toolgate.store.AuditPage;
import io.toolgate.store.AuditQuery;
import io.toolgate.store.AuditRecord;
import io.toolgate.store.StoreUnavailableException;
import io.toolgate.store.StoredAuditRecord;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * {@link AuditLog} on Redis: one stream per tenant ({@link RedisKeys#audit}), appended
 * with {@code XADD MAXLEN ~ n}, so Redis trims the oldest records in whole nodes (a
 * stream may hold somewhat more than {@code n}), and read with {@code XRANGE … COUNT}.
 * Record ids are the stream's ids. Every command is bounded by
 * {@link RedisStoreSettings#commandTimeout()} and errors with
 * {@link StoreUnavailableException} when Redis cannot be reached.
 */
public final class RedisAuditLog implements AuditLog {

	/** The prefix of a detail's field: no other field name has a dot. */
	private static final String DETAIL = "d.";

	private final RedisClusterReactiveCommands<String, String> commands;

	private final RedisKeys keys;

	private final Duration timeout;

	private final XAddArgs trim;

	/**
	 * Creates the log.
	 * @param commands the shared reactive commands of a standalone or cluster connection
	 * @param keys the key builder
	 * @param settings the command timeout
	 * @param maxRecordsPerTenant the length a tenant's stream is trimmed to, at least 1
	 * @throws IllegalArgumentException if the bound is less than 1
	 */
	public RedisAuditLog(RedisClusterReactiveCommands<String, String> commands, RedisKeys keys,
			RedisStoreSettings settings, int maxRecordsPerTenant) {
		if (maxRecordsPerTenant < 1) {
			throw new IllegalArgumentException("maxRecordsPerTenant must be at least 1");
		}
		this.commands = Objects.requireNonNull(commands, "commands");
		this.keys = Objects.requireNonNull(keys, "keys");
		this.timeout = settings.commandTimeout();
		this.trim = XAddArgs.Builder.maxlen(maxRecordsPerTenant).approximateTrimming();
	}

	@Override
	public Mono<String> append(AuditRecord record) {
		Objects.requireNonNull(record, "record");
		return Mono.defer(() -> this.commands.xadd(this.keys.audit(record.tenant()), this.trim, fields(record)))
			.transform(RedisOperators.guard(this.timeout, "Appending an audit record"));
	}

	@Override
	public Mono<AuditPage> read(String tenant, AuditQuery query) {
		Objects.requireNonNull(tenant, "tenant");
		Objects.requireNonNull(query, "query");
		return Mono
			.defer(() -> this.commands
				.xrange(this.keys.audit(tenant),
						Range.from(Range.Boundary.including(query.firstId()), Range.Boundary.unbounded()),
						Limit.from(query.scanCount()))
				.map(RedisAuditLog::stored)
				.collectList())
			.transform(RedisOperators.guard(this.timeout, "Reading audit records"))
			.map(query::page);
	}

	/** The stream entry's fields of a record, in a stable order. */
	static Map<String, String> fields(AuditRecord record) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("time", record.time().toString());
		fields.put("kind", record.kind().wireName());
		fields.put("tenant", record.tenant());
		putIfPresent(fields, "key_id", record.keyId());
		putIfPresent(fields, "conversation", record.conversationId());
		putIfPresent(fields, "turn", record.turnId());
		putIfPresent(fields, "call", record.callId());
		putIfPresent(fields, "tool", record.tool());
		putIfPresent(fields, "arguments_hash", record.argumentsHash());
		putIfPresent(fields, "arguments", record.arguments());
		fields.put("decision", record.decision());
		fields.put("outcome", record.outcome());
		fields.put("duration_ms", Long.toString(record.durationMs()));
		fields.put("replica", record.replica());
		record.details().forEach((name, value) -> fields.put(DETAIL + name, value));
		return fields;
	}

	private static void putIfPresent(Map<String, String> fields, String name, @Nullable String value) {
		if (value != null) {
			fields.put(name, value);
		}
	}

	private static Map<String, String> details(Map<String, String> fields) {
		Map<String, String> details = new LinkedHashMap<>();
		fields.forEach((name, value) -> {
			if (name.startsWith(DETAIL)) {
				details.put(name.substring(DETAIL.length()), value);
			}
		});
		return details;
	}

	private static StoredAuditRecord stored(StreamMessage<String, String> message) {
		Map<String, String> fields = message.getBody();
		AuditRecord record = new AuditRecord(Instant.parse(fields.get("time")), AuditRecord.Kind.of(fields.get("kind")),
				fields.get("tenant"), fields.get("key_id"), fields.get("conversation"), fields.get("turn"),
				fields.get("call"), fields.get("tool"), fields.get("arguments_hash"), fields.get("arguments"),
				fields.get("decision"), fields.get("outcome"), Long.parseLong(fields.get("duration_ms")),
				fields.get("replica"), details(fields));
		return new StoredAuditRecord(message.getId(), record);
	}

}
