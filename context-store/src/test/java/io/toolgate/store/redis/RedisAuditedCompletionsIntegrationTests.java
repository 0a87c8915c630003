package io.toolgate.store.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.toolgate.store.AuditQuery;
import io.toolgate.store.AuditRecord;
import io.toolgate.store.IdempotencyClaim;
import io.toolgate.store.StoredAuditRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link RedisAuditedCompletions} on standalone Redis and on Redis Cluster: the result
 * and the audit record in one script, on the tenant's slot.
 */
@Timeout(60)
@EachRedisTopology
class RedisAuditedCompletionsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@RegisterExtension
	static final RedisFixtureExtension redis = new RedisFixtureExtension();

	@Parameter
	RedisFixture.Topology topology;

	private String tenant;

	private String scope;

	@BeforeEach
	void newTenant() {
		this.tenant = "ten:ant{" + UUID.randomUUID() + "}";
		this.scope = "turn-call:" + this.tenant;
	}

	@Test
	void storesTheResultAndAppendsTheRecord() {
		RedisStores stores = redis.of(this.topology).stores();
		IdempotencyClaim.Claimed claim = claimed(stores, "k1");
		AuditRecord record = record("call_1", Map.of("note", "one"));

		String id = stores.auditedCompletions(100).complete(claim, "{\"ok\":1}", record).block(TIMEOUT);

		assertThat(stores.idempotency().claim(this.scope, "k1", "fp", Duration.ofMinutes(1)).block(TIMEOUT))
			.isEqualTo(new IdempotencyClaim.Completed("{\"ok\":1}"));
		List<StoredAuditRecord> records = stores.auditLog(100)
			.read(this.tenant, new AuditQuery(null, null, 10, null))
			.block(TIMEOUT)
			.records();
		assertThat(records).extracting(StoredAuditRecord::id).containsExactly(id);
		assertThat(records.get(0).record()).isEqualTo(record);
	}

	@Test
	void appendsTheRecordOfAClaimNoLongerHeldAndStoresNoResult() {
		RedisStores stores = redis.of(this.topology).stores();
		IdempotencyClaim.Claimed claim = claimed(stores, "k2");
		stores.idempotency().release(claim).block(TIMEOUT);
		IdempotencyClaim.Claimed again = claimed(stores, "k2");

		stores.auditedCompletions(100).complete(claim, "{\"stale\":1}", record("call_2", Map.of())).block(TIMEOUT);
		stores.idempotency().complete(again, "{\"current\":1}").block(TIMEOUT);

		assertThat(stores.idempotency().claim(this.scope, "k2", "fp", Duration.ofMinutes(1)).block(TIMEOUT))
			.isEqualTo(new IdempotencyClaim.Completed("{\"current\":1}"));
		assertThat(
				stores.auditLog(100).read(this.tenant, new AuditQuery(null, null, 10, null)).block(TIMEOUT).records())
			.extracting((stored) -> stored.record().callId())
			.containsExactly("call_2");
	}

	@Test
	void trimsTheTenantsStreamLikeTheAuditLog() {
		RedisStores stores = redis.of(this.topology).stores();
		RedisAuditedCompletions completions = stores.auditedCompletions(1);
		for (int i = 0; i < 250; i++) {
			completions.complete(claimed(stores, "t" + i), "{}", record("call_" + i, Map.of())).block(TIMEOUT);
		}
		// XADD MAXLEN ~ trims whole stream nodes, of up to 100 records by default.
		assertThat(stores.auditLog(1)
			.read(this.tenant, new AuditQuery(null, null, AuditQuery.MAX_LIMIT, null))
			.block(TIMEOUT)
			.records()).hasSizeBetween(1, 101);
	}

	@Test
	void refusesAClaimOfAnotherTenant() {
		RedisStores stores = redis.of(this.topology).stores();
		IdempotencyClaim.Claimed claim = claimed(stores, "k3");
		AuditRecord other = new AuditRecord(Instant.parse("2030-01-01T00:00:00Z"), AuditRecord.Kind.TOOL_EXECUTION,
				"someone-else", null, null, null, "call_3", "work", null, null, "allowed", "ok", 1, "replica-a");

		assertThatIllegalArgumentException()
			.isThrownBy(() -> stores.auditedCompletions(100).complete(claim, "{}", other));
	}

	private IdempotencyClaim.Claimed claimed(RedisStores stores, String key) {
		IdempotencyClaim claim = stores.idempotency()
			.claim(this.scope, key, "fp", Duration.ofMinutes(1))
			.block(TIMEOUT);
		assertThat(claim).isInstanceOf(IdempotencyClaim.Claimed.class);
		return (IdempotencyClaim.Claimed) claim;
	}

	private AuditRecord record(String callId, Map<String, String> details) {
		return new AuditRecord(Instant.parse("2030-01-01T00:00:01.500Z"), AuditRecord.Kind.TOOL_EXECUTION, this.tenant,
				"key-1", "conv-1", "turn_1", callId, "work", "sha256:ab", "{\"topic\":\"x\"}", "allowed", "ok", 7,
				"replica-a", details);
	}

}
