package io.toolgate.store;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AuditQueryTests {

	@Test
	void startsAfterTheCursorElseAtSinceElseAtTheBeginning() {
		assertThat(new AuditQuery(null, null, 10, "1733000000000-7").firstId()).isEqualTo("1733000000000-8");
		assertThat(new AuditQuery(Instant.ofEpochMilli(1733000000123L), null, 10, null).firstId())
			.isEqualTo("1733000000123-0");
		assertThat(new AuditQuery(Instant.ofEpochMilli(5), null, 10, "9-0").firstId()).as("the cursor wins")
			.isEqualTo("9-1");
		assertThat(new AuditQuery(null, null, 10, null).firstId()).isEqualTo("0-0");
	}

	@Test
	void scansMoreThanTheLimitOnlyWithAFilter() {
		assertThat(new AuditQuery(null, null, 10, null).scanCount()).isEqualTo(10);
		assertThat(new AuditQuery(null, "weather", 10, null).scanCount()).isEqualTo(AuditQuery.SCAN_BOUND);
	}

	@Test
	void rejectsLimitsOutOfRangeAndCursorsThatAreNoIds() {
		assertThatIllegalArgumentException().isThrownBy(() -> new AuditQuery(null, null, 0, null));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AuditQuery(null, null, AuditQuery.MAX_LIMIT + 1, null));
		assertThatIllegalArgumentException().isThrownBy(() -> new AuditQuery(null, null, 10, "abc"));
		assertThatIllegalArgumentException().isThrownBy(() -> new AuditQuery(null, null, 10, "1-2-3"));
	}

}
