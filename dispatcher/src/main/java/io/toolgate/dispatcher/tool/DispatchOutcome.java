package io.toolgate.dispatcher.tool;

/**
 * What became of a call made through {@link IdempotentDispatch}: it ran, or an earlier
 * call with its key answers for it, or the key stands in its way. A decision, never an
 * error: each caller says what a key in the way means to it (the HTTP edge answers 409 or
 * 422, a turn gives the model an error result).
 */
public sealed interface DispatchOutcome {

	/**
	 * The call ran now.
	 *
	 * @param result its result
	 */
	record Fresh(ToolResult result) implements DispatchOutcome {
	}

	/**
	 * An earlier call with the same key, tool and arguments ran; this is its stored
	 * result, and nothing ran now.
	 *
	 * @param result the stored result
	 */
	record Replayed(ToolResult result) implements DispatchOutcome {
	}

	/**
	 * An earlier call with the same key, tool and arguments was still running when the
	 * wait for its result ended; nothing ran now.
	 */
	record InProgress() implements DispatchOutcome {
	}

	/**
	 * The key was used by a call with another tool or other arguments; nothing ran now.
	 */
	record Mismatch() implements DispatchOutcome {
	}

}
