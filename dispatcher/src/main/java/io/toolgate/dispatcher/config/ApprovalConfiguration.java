package io.toolgate.dispatcher.config;

import java.time.Clock;

import io.toolgate.dispatcher.audit.AuditTrail;
import io.toolgate.dispatcher.metrics.ApprovalMetrics;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.turn.ApprovalGate;
import io.toolgate.dispatcher.turn.DetachedTurns;
import io.toolgate.dispatcher.turn.TurnApprovals;
import io.toolgate.dispatcher.web.ApprovalsHandler;
import io.toolgate.store.ApprovalStore;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.Disposable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Approval gates: the gate of the turn loop, the decisions and their expiry sweep, and
 * the {@code /v1/approvals} handler.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApprovalProperties.class)
public class ApprovalConfiguration {

	@Bean
	ApprovalGate approvalGate(ToolRegistry tools, ApprovalStore store, ApprovalProperties properties) {
		return new ApprovalGate(tools, store, properties.timeout(), properties.retention(), Clock.systemUTC());
	}

	@Bean
	TurnApprovals turnApprovals(ApprovalStore store, DetachedTurns turns, ToolRegistry tools, ApprovalMetrics metrics,
			AuditTrail audit, ApprovalProperties properties) {
		return new TurnApprovals(store, turns, tools, Clock.systemUTC(), metrics, audit,
				properties.continuationGrace());
	}

	@Bean
	ApprovalsHandler approvalsHandler(TurnApprovals approvals, JsonMapper jsonMapper) {
		return new ApprovalsHandler(approvals, jsonMapper);
	}

	/** Runs the expiry sweep while the application runs. */
	@Bean
	SmartLifecycle approvalSweep(TurnApprovals approvals, ApprovalProperties properties) {
		return new SmartLifecycle() {

			private volatile Disposable sweep;

			@Override
			public void start() {
				this.sweep = approvals.startSweep(properties.sweepInterval());
			}

			@Override
			public void stop() {
				Disposable running = this.sweep;
				if (running != null) {
					running.dispose();
				}
				this.sweep = null;
			}

			@Override
			public boolean isRunning() {
				return this.sweep != null;
			}

		};
	}

}
