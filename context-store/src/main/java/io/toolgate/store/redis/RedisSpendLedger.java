package io.toolgate.store.redis;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.toolgate.store.ModelSpend;
import io.toolgate.store.SpendAccount;
import io.toolgate.store.SpendDecision;
import io.toolgate.store.SpendLedger;
import io.toolgate.store.SpendReservation;
import io.toolgate.store.SpendTotals;
import io.toolgate.store.StoreUnavailableException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * {@link SpendLedger} on Redis, shared by the fleet: one hash per account (field
 * {@code spent} and, per model, its cost, tokens and calls) in the tenant's hash slot,
 * expiring at the account's {@code expiresAt}. A reservation and a settlement are each
 * one Lua script. Every command is bounded by {@link RedisStoreSettings#commandTimeout()}
 * and errors with {@link StoreUnavailableException} when Redis cannot be reached.
 */
public final class RedisSpendLedger implements SpendLedger {

	private final RedisClusterReactiveCommands<String, String> commands;

	private final RedisKeys keys;

	private final Duration timeout;

	private final RedisScript reserve;

	private final RedisScript settle;

	/**
	 * Creates the ledger.
	 * @param commands the shared reactive commands of a standalone or cluster connection
	 * @param keys the key builder
	 * @param settings the command timeout
	 */
	public RedisSpendLedger(RedisClusterReactiveCommands<String, String> commands, RedisKeys keys,
			RedisStoreSettings settings) {
		this.commands = Objects.requireNonNull(commands, "commands");
		this.keys = Objects.requireNonNull(keys, "keys");
		this.timeout = settings.commandTimeout();
		this.reserve = new RedisScript(commands, RedisScripts.SPEND_RESERVE);
		this.settle = new RedisScript(commands, RedisScripts.SPEND_SETTLE);
	}

	@Override
	public Mono<SpendDecision> reserve(String tenant, List<SpendAccount> accounts, long micros) {
		SpendLedger.checkReserve(tenant, accounts, micros);
		List<SpendAccount> copy = List.copyOf(accounts);
		String[] keys = new String[copy.size()];
		String[] args = new String[1 + 2 * copy.size()];
		args[0] = Long.toString(micros);
		for (int i = 0; i < copy.size(); i++) {
			SpendAccount account = copy.get(i);
			keys[i] = this.keys.spend(tenant, account.name());
			args[1 + 2 * i] = Long.toString(account.limitMicros());
			args[2 + 2 * i] = Long.toString(account.expiresAt().toEpochMilli());
		}
		return Mono.defer(() -> this.reserve.run(this.commands, keys, args)).<SpendDecision>map((reply) -> {
			if ("reserved".equals(reply.get(0))) {
				return new SpendDecision.Reserved(new SpendReservation(tenant, copy, micros));
			}
			int index = ((Number) reply.get(1)).intValue() - 1;
			return new SpendDecision.Refused(copy.get(index), ((Number) reply.get(2)).longValue());
		}).transform(RedisOperators.guard(this.timeout, "Reserving spend"));
	}

	@Override
	public Mono<Void> settle(SpendReservation reservation, @Nullable String model, @Nullable ModelSpend spend) {
		String[] keys = reservation.accounts()
			.stream()
			.map((account) -> this.keys.spend(reservation.tenant(), account.name()))
			.toArray(String[]::new);
		long delta = ((spend != null) ? spend.micros() : 0) - reservation.micros();
		boolean record = model != null && spend != null;
		String[] args = { Long.toString(delta), record ? model : "", record ? Long.toString(spend.micros()) : "0",
				record ? Long.toString(spend.promptTokens()) : "0",
				record ? Long.toString(spend.completionTokens()) : "0" };
		return Mono.defer(() -> this.settle.run(this.commands, keys, args))
			.transform(RedisOperators.guard(this.timeout, "Settling spend"))
			.then();
	}

	@Override
	public Mono<SpendTotals> totals(String tenant, String name) {
		return Mono.defer(() -> this.commands.hgetall(this.keys.spend(tenant, name)).collectList()).map((entries) -> {
			long spent = 0;
			Map<String, long[]> models = new HashMap<>();
			for (var entry : entries) {
				String field = entry.getKey();
				long value = Long.parseLong(entry.getValue());
				if (field.equals("spent")) {
					spent = value;
				}
				else if (field.length() > 2 && field.charAt(1) == ':') {
					long[] parts = models.computeIfAbsent(field.substring(2), (model) -> new long[4]);
					switch (field.charAt(0)) {
						case 'c' -> parts[0] = value;
						case 'p' -> parts[1] = value;
						case 'o' -> parts[2] = value;
						case 'n' -> parts[3] = value;
						default -> {
						}
					}
				}
			}
			Map<String, ModelSpend> byModel = new HashMap<>();
			models
				.forEach((model, parts) -> byModel.put(model, new ModelSpend(parts[0], parts[1], parts[2], parts[3])));
			return new SpendTotals(spent, byModel);
		}).transform(RedisOperators.guard(this.timeout, "Reading spend"));
	}

}
