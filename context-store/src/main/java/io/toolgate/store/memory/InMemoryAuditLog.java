package io.toolgate.store.memory;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.toolgate.store.AuditLog;
import io.toolgate.store.AuditPage;
import io.toolgate.store.AuditQuery;
import io.toolgate.store.AuditRecord;
import io.toolgate.store.StoredAuditRecord;
import reactor.core.publisher.Mono;

/**
 * {@link AuditLog} in memory, for a single replica: per tenant a ring of the last
 * {@code maxRecordsPerTenant} records, the oldest dropped first. Ids are
 * {@code <milliseconds>-<sequence>} from the clock, increasing even when the clock does
 * not, as Redis stream ids are. Thread-safe; each tenant's ring is guarded by its own
 * lock, held only to copy or add. There is a ring per tenant that has records: tenants
 * are the configured ones, so their number is bounded by the key configuration.
 */
public final class InMemoryAuditLog implements AuditLog {

	private final Map<String, Ring> rings = new ConcurrentHashMap<>();

	private final int maxRecordsPerTenant;

	private final Clock clock;

	/**
	 * Creates the log.
	 * @param maxRecordsPerTenant how many records a tenant's ring keeps, at least 1
	 * @param clock the clock ids are taken from
	 * @throws IllegalArgumentException if the bound is less than 1
	 */
	public InMemoryAuditLog(int maxRecordsPerTenant, Clock clock) {
		if (maxRecordsPerTenant < 1) {
			throw new IllegalArgumentException("maxRecordsPerTenant must be at least 1");
		}
		this.maxRecordsPerTenant = maxRecordsPerTenant;
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	@Override
	public Mono<String> append(AuditRecord record) {
		Objects.requireNonNull(record, "record");
		return Mono.fromSupplier(() -> this.rings.computeIfAbsent(record.tenant(), tenant -> new Ring())
			.add(record, this.clock.millis(), this.maxRecordsPerTenant));
	}

	@Override
	public Mono<AuditPage> read(String tenant, AuditQuery query) {
		Objects.requireNonNull(tenant, "tenant");
		Objects.requireNonNull(query, "query");
		return Mono.fromSupplier(() -> {
			Ring ring = this.rings.get(tenant);
			List<StoredAuditRecord> scanned = (ring != null) ? ring.from(query.firstId(), query.scanCount())
					: List.of();
			return query.page(scanned);
		});
	}

	/** One tenant's records, oldest first. */
	private static final class Ring {

		private final ArrayDeque<StoredAuditRecord> records = new ArrayDeque<>();

		private long lastMillis;

		private long sequence;

		synchronized String add(AuditRecord record, long now, int capacity) {
			if (now > this.lastMillis) {
				this.lastMillis = now;
				this.sequence = 0;
			}
			else {
				this.sequence++;
			}
			String id = this.lastMillis + "-" + this.sequence;
			if (this.records.size() == capacity) {
				this.records.removeFirst();
			}
			this.records.addLast(new StoredAuditRecord(id, record));
			return id;
		}

		synchronized List<StoredAuditRecord> from(String firstId, int count) {
			List<StoredAuditRecord> found = new ArrayList<>(Math.min(count, this.records.size()));
			for (StoredAuditRecord stored : this.records) {
				if (compare(stored.id(), firstId) >= 0) {
					found.add(stored);
					if (found.size() == count) {
						break;
					}
				}
			}
			return found;
		}

		private static int compare(String a, String b) {
			int dashA = a.indexOf('-');
			int dashB = b.indexOf('-');
			int byMillis = Long.compare(Long.parseLong(a.substring(0, dashA)), Long.parseLong(b.substring(0, dashB)));
			return (byMillis != 0) ? byMillis
					: Long.compare(Long.parseLong(a.substring(dashA + 1)), Long.parseLong(b.substring(dashB + 1)));
		}

	}

}
