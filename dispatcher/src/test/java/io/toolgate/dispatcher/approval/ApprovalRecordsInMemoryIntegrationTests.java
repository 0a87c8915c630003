package io.toolgate.dispatcher.approval;

import java.util.Map;

import io.toolgate.dispatcher.support.ApprovalScripts;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.test.Closeables;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Approval decisions in the audit trail on the embedded default: the in-memory ring,
 * reasons kept as their hash.
 */
@Timeout(120)
class ApprovalRecordsInMemoryIntegrationTests extends AbstractApprovalRecordsIntegrationTests {

	private static ScriptedUpstream upstream;

	private static ToolWorker worker;

	private static GatewayApp app;

	@BeforeAll
	static void start() {
		upstream = ScriptedUpstream.start(ApprovalScripts::script);
		worker = ToolWorker.start(1);
		app = GatewayApp.start(Map.of("toolgate.upstream.base-url", upstream.baseUrl(), "toolgate.tools.registry",
				ApprovalScripts.registry(worker.uri("/echo").toString()).toString(),
				"toolgate.approvals.sweep-interval", "300ms", "toolgate.approvals.continuation-grace", "1s"));
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(app, worker, upstream);
	}

	@Override
	GatewayApp app() {
		return app;
	}

	@Override
	ToolWorker worker() {
		return worker;
	}

	@Override
	boolean recordsArguments() {
		return false;
	}

}
