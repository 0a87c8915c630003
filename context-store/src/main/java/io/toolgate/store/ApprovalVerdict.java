package io.toolgate.store;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The decision on an {@link Approval}.
 *
 * @param status the decision, never {@link ApprovalStatus#PENDING}
 * @param arguments the edited arguments JSON when {@link ApprovalStatus#EDITED}, else
 * {@code null}
 * @param reason the reviewer's reason, or {@code null}
 * @param decidedAt when it was taken
 */
public record ApprovalVerdict(ApprovalStatus status, @Nullable String arguments, @Nullable String reason,
		Instant decidedAt) {

	public ApprovalVerdict {
		Objects.requireNonNull(status, "status");
		Objects.requireNonNull(decidedAt, "decidedAt");
		if (status == ApprovalStatus.PENDING) {
			throw new IllegalArgumentException("a verdict is a decision, not pending");
		}
		if ((status == ApprovalStatus.EDITED) != (arguments != null)) {
			throw new IllegalArgumentException("edited arguments come with an edit, and only with one");
		}
	}

}
