package io.toolgate.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.toolgate.store.AuditRecord;
import io.toolgate.store.AuditedCompletions;
import io.toolgate.store.IdempotencyClaim;
import io.toolgate.store.StoreUnavailableException;
import reactor.core.publisher.Mono;

/**
 * {@link AuditedCompletions} on Redis: one script stores the idempotency record's result
 * (as {@link RedisIdempotencyStore#complete}) and appends the audit record to the
 * tenant's stream (as {@link RedisAuditLog#append}, trimmed to the same length). An
 * idempotency record lies in the hash slot of the tenant its scope names, the slot of
 * that tenant's audit stream ({@link RedisKeys#idempotency}); a claim whose scope names
 * another tenant than the record is refused, as the script could not run on a cluster.
 * Every call is bounded by {@link RedisStoreSettings#commandTimeout()} and errors with
 * {@link StoreUnavailableException} when Redis cannot be reached.
 */
public final class RedisAuditedCompletions implements AuditedCompletions {

	private final RedisClusterReactiveCommands<String, String> commands;

	private final RedisKeys keys;

	private final Duration timeout;

	private final String maxRecordsPerTenant;

	private final RedisScript script;

	/**
	 * Creates the store.
	 * @param commands the shared reactive commands of a standalone or cluster connection
	 * @param keys the key builder
	 * @param settings the command timeout
	 * @param maxRecordsPerTenant the length a tenant's audit stream is trimmed to, at
	 * least 1
	 * @throws IllegalArgumentException if the bound is less than 1
	 */
	public RedisAuditedCompletions(RedisClusterReactiveCommands<String, String> commands, RedisKeys keys,
			RedisStoreSettings settings, int maxRecordsPerTenant) {
		if (maxRecordsPerTenant < 1) {
			throw new IllegalArgumentException("maxRecordsPerTenant must be at least 1");
		}
		this.commands = Objects.requireNonNull(commands, "commands");
		this.keys = Objects.requireNonNull(keys, "keys");
		this.timeout = settings.commandTimeout();
		this.maxRecordsPerTenant = Integer.toString(maxRecordsPerTenant);
		this.script = new RedisScript(commands, RedisScripts.IDEMPOTENCY_COMPLETE_AUDITED);
	}

	/**
	 * {@inheritDoc}
	 * @throws IllegalArgumentException (at call time) if the claim's scope does not name
	 * the record's tenant
	 */
	@Override
	public Mono<String> complete(IdempotencyClaim.Claimed claim, String resultJson, AuditRecord record) {
		Objects.requireNonNull(resultJson, "resultJson");
		Objects.requireNonNull(record, "record");
		String recordKey = this.keys.idempotency(claim.scope(), claim.key());
		String streamKey = this.keys.audit(record.tenant());
		if (!recordKey.startsWith(streamKey.substring(streamKey.indexOf('{')), recordKey.indexOf('{'))) {
			throw new IllegalArgumentException("The claim's scope does not name the audit record's tenant");
		}
		return Mono.defer(() -> {
			Map<String, String> fields = RedisAuditLog.fields(record);
			List<String> args = new ArrayList<>(3 + 2 * fields.size());
			args.add(claim.token());
			args.add(resultJson);
			args.add(this.maxRecordsPerTenant);
			fields.forEach((name, value) -> {
				args.add(name);
				args.add(value);
			});
			return this.script.run(this.commands, new String[] { recordKey, streamKey }, args.toArray(String[]::new));
		})
			.map((reply) -> (String) reply.get(1))
			.transform(RedisOperators.guard(this.timeout, "Completing an idempotency key with its audit record"));
	}

}
