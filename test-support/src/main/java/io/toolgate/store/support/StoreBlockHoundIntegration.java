package io.toolgate.store.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * BlockHound settings for the tests of every module that uses Redis through Lettuce. A
 * violation is printed before it is thrown, because a violation on a Netty event loop is
 * often swallowed by the channel pipeline and would otherwise show only as a stalled
 * connection.
 */
public final class StoreBlockHoundIntegration implements BlockHoundIntegration {

	@Override
	public void applyTo(BlockHound.Builder builder) {
		// Lettuce guards each connection's write path with SharedLock: writers park
		// briefly while a reconnect or close holds it exclusively. That wait is bounded
		// by in-memory work, not I/O; failing it from inside the lock corrupts the
		// lock's writer count, after which closing the connection waits forever.
		builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters");
		builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "doExclusive");
		// A cluster connection looks up its per-node writer under a ReentrantLock that
		// guards one array slot (in-memory only); commands issued at once from several
		// threads contend for it briefly.
		builder.allowBlockingCallsInside("io.lettuce.core.cluster.PooledClusterConnectionProvider",
				"getWriteConnection");
		builder.blockingMethodCallback((method) -> {
			BlockingOperationError error = new BlockingOperationError(method);
			error.printStackTrace();
			throw error;
		});
	}

}
