package io.toolgate.store.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Lets a non-blocking thread wait for the short in-memory locks inside Netty's and
 * Reactor's own internals, which their BlockHound integrations (Netty 4.2.17,
 * reactor-core 3.8.7) do not yet allow. Such a wait happens only when another thread
 * holds the lock at that very moment, so it is rare on an idle machine and frequent on a
 * loaded one. Failing it is worse than a false alarm: the error is thrown from the middle
 * of a Netty read or of a cancel chain, where it is logged and swallowed, and the signal
 * being delivered is lost. Tests then see a request that never gets an answer, or a
 * stream whose clean-up never runs.
 */
public final class LockWaitBlockHoundIntegration implements BlockHoundIntegration {

	@Override
	public void applyTo(BlockHound.Builder builder) {
		// Cancelling a Flux.interval (heartbeats, polls) removes its periodic task from
		// the scheduler's
		// DelayedWorkQueue under the queue's ReentrantLock, which the scheduler thread
		// holds while it takes or
		// offers a task. reactor-core allows the same wait for one-shot tasks (WorkerTask
		// and SchedulerTask
		// dispose, reactor/reactor-core#3210), not yet for periodic ones.
		builder.allowBlockingCallsInside("reactor.core.scheduler.PeriodicWorkerTask", "dispose");
		builder.allowBlockingCallsInside("reactor.core.scheduler.InstantPeriodicWorkerTask", "dispose");
		builder.allowBlockingCallsInside("reactor.core.scheduler.PeriodicSchedulerTask", "dispose");
		// Netty 4.2's default AdaptiveByteBufAllocator grows its shared magazines under
		// contention and then frees
		// the old ones, taking each magazine's StampedLock, which another thread may hold
		// while it carves a buffer
		// out of that magazine's chunk. Seen on an event loop reading a socket: the read
		// failed and its bytes were
		// left unread. Freeing the whole group takes its expand lock the same way.
		builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
		builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "free");
	}

}
