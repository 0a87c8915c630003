package io.toolgate.store.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * BlockHound settings for this module's tests: no allowances; a violation is printed before it is thrown, because a
 * violation on a Netty event loop is often swallowed by the channel pipeline and would otherwise show only as a
 * stalled connection.
 */
public final class StoreBlockHoundIntegration implements BlockHoundIntegration {

	@Override
	public void applyTo(BlockHound.Builder builder) {
		builder.blockingMethodCallback((method) -> {
			BlockingOperationError error = new BlockingOperationError(method);
			error.printStackTrace();
			throw error;
		});
	}

}
