package io.toolgate.test;

import org.jspecify.annotations.Nullable;

/** Tear-down of several fixtures at once. */
public final class Closeables {

	private Closeables() {
	}

	/**
	 * Closes each fixture that is not {@code null}, in order, going on past any that
	 * fails to close: the rest matter more than the failure, which is dropped. Blocks as
	 * long as the fixtures' own {@code close()} methods do.
	 * @param closeables the fixtures; a fixture a failed set-up never made may be
	 * {@code null}
	 */
	public static void closeAll(@Nullable AutoCloseable... closeables) {
		for (AutoCloseable closeable : closeables) {
			try {
				if (closeable != null) {
					closeable.close();
				}
			}
			catch (Exception ex) {
				// Closing the others matters more.
			}
		}
	}

}
