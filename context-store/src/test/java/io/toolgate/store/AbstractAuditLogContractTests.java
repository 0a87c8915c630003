package io.toolgate.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link AuditLog} must have: per-tenant logs read oldest first in
 * pages that a cursor joins without gap or repeat, filtered by tool and time, capped in
 * length. Subclasses provide the implementation, the passage of time and how far past its
 * cap a log may grow before it is trimmed.
 */
public abstract class AbstractAuditLogContractTests {

	/** Bound of every reactive wait. */
	protected static final Duration TIMEOUT = Duration.ofSeconds(5);

	/** The cap the capping test gives its log. */
	protected static final int CAP = 10;

	private AuditLog log;

	private String tenant;

	/**
	 * Creates the implementation under test; called before each test.
	 * @param maxRecordsPerTenant the cap of each tenant's log
	 * @return a log (state shared with earlier tests is tolerated: every test uses new
	 * tenants)
	 */
	protected abstract AuditLog createLog(int maxRecordsPerTenant);

	/**
	 * Lets at least {@code duration} pass as the implementation measures time.
	 * @param duration how long
	 */
	protected abstract void elapse(Duration duration);

	/**
	 * How many records beyond its cap a log may keep.
	 * @return 0 unless overridden
	 */
	protected int capSlack() {
		return 0;
	}

	@BeforeEach
	void createLogAndTenant() {
		this.log = createLog(1_000);
		this.tenant = "tenant-" + UUID.randomUUID();
	}

	@Test
	void readsBackEveryFieldOldestFirst() {
		AuditRecord full = new AuditRecord(Instant.parse("2030-01-01T00:00:01.250Z"), AuditRecord.Kind.TOOL_EXECUTION,
				this.tenant, "key-1", "conv-1", "turn_1", "call_1", "weather", "sha256:ab", "{\"city\":\"Paris\"}",
				"allowed", "ok", 42, "replica-a");
		AuditRecord sparse = new AuditRecord(Instant.parse("2030-01-01T00:00:02Z"), AuditRecord.Kind.BUDGET_REFUSAL,
				this.tenant, null, null, null, null, null, null, null, "refused", "not_executed", 0, "replica-b");
		String first = append(full);
		String second = append(sparse);

		AuditPage page = read(new AuditQuery(null, null, 10, null));

		assertThat(page.records()).extracting(StoredAuditRecord::id).containsExactly(first, second);
		assertThat(page.records()).extracting(StoredAuditRecord::record).containsExactly(full, sparse);
		assertThat(page.nextCursor()).isNull();
		assertThat(AuditQuery.isId(first)).isTrue();
	}

	@Test
	void readsBackTheDetailsOfARecord() {
		AuditRecord decision = new AuditRecord(Instant.parse("2030-01-01T00:00:03Z"),
				AuditRecord.Kind.APPROVAL_DECISION, this.tenant, "key-2", "conv-2", "turn_2", "call_2", "send_email",
				"sha256:cd", null, "rejected", "decided", 0, "replica-a",
				Map.of("approval_id", "apr_1", "reason_hash", "sha256:ef", "note", "a value: with, \"marks\""));
		String id = append(decision);

		AuditPage page = read(new AuditQuery(null, null, 10, null));

		assertThat(page.records()).extracting(StoredAuditRecord::id).containsExactly(id);
		assertThat(page.records().get(0).record()).isEqualTo(decision);
		assertThat(page.records().get(0).record().details()).containsEntry("approval_id", "apr_1")
			.containsEntry("note", "a value: with, \"marks\"")
			.hasSize(3);
	}

	@Test
	void pagesJoinWithoutGapOrRepeat() {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			ids.add(append(record("tool-" + i)));
		}
		List<String> read = new ArrayList<>();
		String cursor = null;
		List<Integer> sizes = new ArrayList<>();
		do {
			AuditPage page = read(new AuditQuery(null, null, 2, cursor));
			page.records().forEach(stored -> read.add(stored.id()));
			sizes.add(page.records().size());
			cursor = page.nextCursor();
		}
		while (cursor != null && sizes.size() < 10);

		assertThat(read).containsExactlyElementsOf(ids);
		assertThat(sizes).containsExactly(2, 2, 1);
	}

	@Test
	void filtersByTool() {
		append(record("weather"));
		String second = append(record("calculator"));
		append(record("weather"));
		String fourth = append(record("calculator"));

		AuditPage page = read(new AuditQuery(null, "calculator", 10, null));

		assertThat(page.records()).extracting(StoredAuditRecord::id).containsExactly(second, fourth);
		assertThat(page.nextCursor()).isNull();
		AuditPage first = read(new AuditQuery(null, "calculator", 1, null));
		assertThat(first.records()).extracting(StoredAuditRecord::id).containsExactly(second);
		assertThat(read(new AuditQuery(null, "calculator", 1, first.nextCursor())).records())
			.extracting(StoredAuditRecord::id)
			.containsExactly(fourth);
	}

	@Test
	void filtersBySince() {
		append(record("a"));
		elapse(Duration.ofMillis(20));
		String second = append(record("b"));
		String third = append(record("c"));
		Instant since = Instant.ofEpochMilli(Long.parseLong(second.substring(0, second.indexOf('-'))));

		assertThat(read(new AuditQuery(since, null, 10, null)).records()).extracting(StoredAuditRecord::id)
			.containsExactly(second, third);
		assertThat(read(new AuditQuery(since.plusSeconds(3600), null, 10, null)).records()).isEmpty();
	}

	@Test
	void keepsTenantsApart() {
		append(record("weather"));
		String other = "tenant-" + UUID.randomUUID();

		assertThat(this.log.read(other, new AuditQuery(null, null, 10, null)).block(TIMEOUT).records()).isEmpty();
	}

	@Test
	void keepsTheNewestRecordsUpToTheCap() {
		AuditLog capped = createLog(CAP);
		int appended = CAP + capSlack() + 100;
		List<String> ids = Flux.range(0, appended)
			.concatMap(i -> capped.append(record("tool-" + i)))
			.collectList()
			.block(TIMEOUT.multipliedBy(4));

		List<StoredAuditRecord> kept = capped.read(this.tenant, new AuditQuery(null, null, AuditQuery.MAX_LIMIT, null))
			.block(TIMEOUT)
			.records();

		assertThat(kept.size()).isBetween(CAP, CAP + capSlack());
		assertThat(kept).extracting(StoredAuditRecord::id)
			.containsExactlyElementsOf(ids.subList(appended - kept.size(), appended));
	}

	private AuditRecord record(@Nullable String tool) {
		return new AuditRecord(Instant.parse("2030-01-01T00:00:00Z"), AuditRecord.Kind.TOOL_EXECUTION, this.tenant,
				"key-1", "conv-1", "turn_1", "call_1", tool, "sha256:00", null, "allowed", "ok", 1, "replica-a");
	}

	private String append(AuditRecord record) {
		return this.log.append(record).block(TIMEOUT);
	}

	private AuditPage read(AuditQuery query) {
		return this.log.read(this.tenant, query).block(TIMEOUT);
	}

}
