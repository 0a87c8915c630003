package io.toolgate.dispatcher.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolgate.dispatcher.metrics.AuditMetrics;
import io.toolgate.dispatcher.tool.ExecutorSpec;
import io.toolgate.dispatcher.tool.RegisteredTool;
import io.toolgate.dispatcher.tool.RiskTier;
import io.toolgate.dispatcher.tool.ToolExecutionException;
import io.toolgate.dispatcher.tool.ToolInvocation;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.tool.ToolResult;
import io.toolgate.dispatcher.tool.ToolResultStore;
import io.toolgate.dispatcher.tool.ToolRetryPolicy;
import io.toolgate.dispatcher.tool.ToolSpec;
import io.toolgate.dispatcher.tool.support.TestTools;
import io.toolgate.store.AuditLog;
import io.toolgate.store.AuditPage;
import io.toolgate.store.AuditQuery;
import io.toolgate.store.AuditRecord;
import io.toolgate.store.StoreUnavailableException;
import io.toolgate.store.StoredAuditRecord;
import io.toolgate.store.memory.InMemoryAuditLog;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class AuditingToolCallsTests {

	private static final Duration VERIFY = Duration.ofSeconds(5);

	private final ToolRegistry registry = ToolRegistry.of(
			List.of(spec("wire", RiskTier.HIGH), spec("echo", RiskTier.LOW)), executor -> execution -> Mono.empty(), 0,
			TestTools.JSON);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ToolInvocation invocation = new ToolInvocation("call_1", "wire", "{\"amount\":10}", "acme", null);

	@Test
	void aFailClosedCallIsRefusedWhenTheLogDoesNotAnswerInTime() {
		AuditingToolCalls auditor = auditor(new HangingLog(), false);

		StepVerifier.create(auditor.beforeExecution(this.invocation, tool("wire"))).assertNext(refused -> {
			assertThat(refused.errorType()).isEqualTo(ToolExecutionException.AUDIT_UNAVAILABLE);
			assertThat(refused.isRetryable()).isTrue();
		}).expectComplete().verify(VERIFY);
		assertThat(failedWrites()).isEqualTo(1);
	}

	@Test
	void otherTiersRunWithoutAStartRecord() {
		InMemoryAuditLog log = new InMemoryAuditLog(10, Clock.systemUTC());

		StepVerifier.create(auditor(log, false).beforeExecution(this.invocation, tool("echo")))
			.expectComplete()
			.verify(VERIFY);
		assertThat(read(log)).isEmpty();
	}

	@Test
	void aFailedRecordOfAResultFailsOpen() {
		ToolResult result = ToolResult.ok("call_1", "echo", null, Duration.ofMillis(3), 1);

		StepVerifier.create(auditor(new FailingLog(), false).completed(this.invocation, tool("echo"), result))
			.expectNext(result)
			.expectComplete()
			.verify(VERIFY);
		assertThat(failedWrites()).isEqualTo(1);
	}

	@Test
	void handsTheRecordToAStoreThatWritesItWithTheResult() {
		InMemoryAuditLog log = new InMemoryAuditLog(10, Clock.systemUTC());
		RecordingStore store = new RecordingStore(true, Mono.just("1-0"));
		ToolResult result = ToolResult.ok("call_1", "echo", null, Duration.ofMillis(3), 1);

		StepVerifier
			.create(auditor(log, false).completed(this.invocation, tool("echo"), result, store)
				.contextWrite(new AuditContext("key123", "conv-1", "turn_1")::writeTo))
			.expectNext(result)
			.expectComplete()
			.verify(VERIFY);

		assertThat(read(log)).as("not written a second time").isEmpty();
		assertThat(store.alone).isEmpty();
		assertThat(store.withRecords).singleElement().satisfies(record -> {
			assertThat(record.callId()).isEqualTo("call_1");
			assertThat(record.turnId()).isEqualTo("turn_1");
			assertThat(record.decision()).isEqualTo("allowed");
			assertThat(record.outcome()).isEqualTo("ok");
			assertThat(record.durationMs()).isEqualTo(3);
		});
		assertThat(this.meters.get("toolgate.audit.writes")
			.tags("kind", "tool_execution", "outcome", "ok")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void aFailedWriteOfRecordAndResultIsCountedAndIsTheDispatchsFailure() {
		RecordingStore store = new RecordingStore(true, Mono.error(new StoreUnavailableException("Redis is down")));
		ToolResult result = ToolResult.ok("call_1", "echo", null, Duration.ofMillis(3), 1);

		StepVerifier
			.create(auditor(new InMemoryAuditLog(10, Clock.systemUTC()), false).completed(this.invocation, tool("echo"),
					result, store))
			.expectError(StoreUnavailableException.class)
			.verify(VERIFY);
		assertThat(failedWrites()).isEqualTo(1);
	}

	@Test
	void writesItsOwnRecordBeforeAStoreThatTakesNone() {
		InMemoryAuditLog log = new InMemoryAuditLog(10, Clock.systemUTC());
		RecordingStore store = new RecordingStore(false, Mono.error(new AssertionError("not called")));
		ToolResult result = ToolResult.ok("call_1", "echo", null, Duration.ofMillis(3), 1);

		StepVerifier.create(auditor(log, false).completed(this.invocation, tool("echo"), result, store))
			.expectNext(result)
			.expectComplete()
			.verify(VERIFY);

		assertThat(read(log)).singleElement()
			.satisfies(stored -> assertThat(stored.record().callId()).isEqualTo("call_1"));
		assertThat(store.alone).containsExactly(result);
		assertThat(store.withRecords).isEmpty();
	}

	@Test
	void recordsTheContextAndTheArgumentsWhenConfigured() {
		InMemoryAuditLog log = new InMemoryAuditLog(10, Clock.systemUTC());
		ToolResult result = ToolResult.failed("call_1", "wire", new ToolResult.Error("rate_limited", "slow down", true),
				Duration.ofMillis(2), 0);

		auditor(log, true).completed(this.invocation, tool("wire"), result)
			.contextWrite(new AuditContext("key123", "conv-1", "turn_1")::writeTo)
			.block(VERIFY);

		AuditRecord record = read(log).get(0).record();
		assertThat(record.keyId()).isEqualTo("key123");
		assertThat(record.conversationId()).isEqualTo("conv-1");
		assertThat(record.turnId()).isEqualTo("turn_1");
		assertThat(record.arguments()).isEqualTo("{\"amount\":10}");
		assertThat(record.argumentsHash()).isEqualTo(AuditTrail.hash("{\"amount\":10}")).startsWith("sha256:");
		assertThat(record.decision()).as("not attempted").isEqualTo("denied");
		assertThat(record.outcome()).isEqualTo("rate_limited");
		assertThat(record.replica()).isEqualTo("replica-t");
	}

	@Test
	void keepsAtMostTheFirstCharactersOfLongArgumentsAndHashesThemAll() {
		AuditPolicy policy = new AuditPolicy(Set.of(), true, "replica-t", Duration.ofSeconds(1));
		AuditTrail trail = new AuditTrail(new InMemoryAuditLog(1, Clock.systemUTC()), policy,
				new AuditMetrics(this.meters), Clock.systemUTC());
		String arguments = "{\"text\":\"" + "x".repeat(AuditTrail.MAX_RECORDED_ARGUMENTS_CHARS) + "\"}";

		AuditRecord record = trail.record(AuditRecord.Kind.TOOL_EXECUTION, "acme", AuditContext.NONE, "call_1", "echo",
				arguments, "allowed", "ok", 1);

		assertThat(record.arguments()).hasSize(AuditTrail.MAX_RECORDED_ARGUMENTS_CHARS + 1)
			.endsWith("…")
			.startsWith("{\"text\":\"xxx");
		assertThat(record.argumentsHash()).isEqualTo(AuditTrail.hash(arguments));
	}

	private AuditingToolCalls auditor(AuditLog log, boolean recordArguments) {
		AuditPolicy policy = new AuditPolicy(Set.of(RiskTier.HIGH), recordArguments, "replica-t",
				Duration.ofMillis(200));
		return new AuditingToolCalls(new AuditTrail(log, policy, new AuditMetrics(this.meters), Clock.systemUTC()));
	}

	private double failedWrites() {
		return this.meters.get("toolgate.audit.writes")
			.tags("kind", "tool_execution", "outcome", "failed")
			.counter()
			.count();
	}

	private RegisteredTool tool(String name) {
		return this.registry.find(name).orElseThrow();
	}

	private static List<StoredAuditRecord> read(AuditLog log) {
		return log.read("acme", new AuditQuery(null, null, 10, null)).block(VERIFY).records();
	}

	private static ToolSpec spec(String name, RiskTier tier) {
		return new ToolSpec(name, "d", TestTools.TEXT_SCHEMA, new ExecutorSpec.Builtin(name), Duration.ofSeconds(1),
				ToolRetryPolicy.ofDefaults(), 1, tier);
	}

	/** A result store that remembers what it was given. */
	private static final class RecordingStore implements ToolResultStore {

		private final boolean storesRecords;

		private final Mono<String> reply;

		private final List<ToolResult> alone = new CopyOnWriteArrayList<>();

		private final List<AuditRecord> withRecords = new CopyOnWriteArrayList<>();

		RecordingStore(boolean storesRecords, Mono<String> reply) {
			this.storesRecords = storesRecords;
			this.reply = reply;
		}

		@Override
		public Mono<Void> store(ToolResult result) {
			this.alone.add(result);
			return Mono.empty();
		}

		@Override
		public boolean storesRecords() {
			return this.storesRecords;
		}

		@Override
		public Mono<String> storeWith(ToolResult result, AuditRecord record) {
			this.withRecords.add(record);
			return this.reply;
		}

	}

	/** A log that never answers. */
	private static final class HangingLog implements AuditLog {

		@Override
		public Mono<String> append(AuditRecord record) {
			return Mono.never();
		}

		@Override
		public Mono<AuditPage> read(String tenant, AuditQuery query) {
			return Mono.never();
		}

	}

	/** A log whose store is down. */
	private static final class FailingLog implements AuditLog {

		@Override
		public Mono<String> append(AuditRecord record) {
			return Mono.error(new StoreUnavailableException("Redis is down"));
		}

		@Override
		public Mono<AuditPage> read(String tenant, AuditQuery query) {
			return Mono.error(new StoreUnavailableException("Redis is down"));
		}

	}

}
