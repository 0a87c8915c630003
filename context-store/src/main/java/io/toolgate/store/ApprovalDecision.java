package io.toolgate.store;

import java.util.List;
import java.util.Objects;

/**
 * What {@link ApprovalStore#decide} did.
 *
 * @param approval the approval as stored after the call: with this call's verdict, or
 * with the verdict an earlier call took
 * @param first whether this call took the decision
 * @param settledStep every approval of the step, decided, when this call decided the
 * step's last pending one (exactly one call gets them: the one that continues the turn);
 * empty otherwise
 */
public record ApprovalDecision(Approval approval, boolean first, List<Approval> settledStep) {

	public ApprovalDecision {
		Objects.requireNonNull(approval, "approval");
		settledStep = List.copyOf(settledStep);
	}

}
