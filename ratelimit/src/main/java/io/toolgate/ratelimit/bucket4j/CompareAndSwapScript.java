package io.toolgate.ratelimit.bucket4j;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

/**
 * The one Redis call of a bucket decision: a Lua script that compares a bucket's stored
 * state with the state the caller based its decision on and, when they match, stores the
 * new state; when they differ it stores nothing and returns the stored state, so the
 * caller can decide again without another read. Run by its SHA-1 ({@code EVALSHA}) and
 * sent in full ({@code EVAL}) only when the server does not have it yet
 * ({@code NOSCRIPT}).
 */
final class CompareAndSwapScript {

	/** An empty argument stands for "no state": bucket states are never empty. */
	private static final byte[] NONE = new byte[0];

	static final String SOURCE = """
			-- KEYS: bucket; ARGV: expected state or '' (no key), new state or '' (keep), time to live in ms or '0'
			local current = redis.call('GET', KEYS[1])
			if (current or '') ~= ARGV[1] then
				return {0, current}
			end
			if ARGV[2] ~= '' then
				if ARGV[3] ~= '0' then
					redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
				else
					redis.call('SET', KEYS[1], ARGV[2])
				end
			end
			return {1}
			""";

	private final RedisClusterAsyncCommands<String, byte[]> commands;

	private final String sha;

	CompareAndSwapScript(RedisClusterAsyncCommands<String, byte[]> commands) {
		this.commands = commands;
		this.sha = commands.digest(SOURCE);
	}

	/**
	 * Compares and, on a match, swaps. Completes on Lettuce's I/O thread.
	 * @param key the bucket's Redis key
	 * @param expected the state the decision was based on, {@code null} for a bucket that
	 * does not exist
	 * @param update the state to store, {@code null} to store nothing (the decision
	 * changed nothing)
	 * @param ttlMillis the new state's time to live, 0 for none
	 * @return whether the stored state matched, with the stored state when it did not
	 */
	CompletableFuture<Outcome> run(String key, byte @Nullable [] expected, byte @Nullable [] update, long ttlMillis) {
		String[] keys = { key };
		byte[][] args = { (expected != null) ? expected : NONE, (update != null) ? update : NONE,
				Long.toString(Math.max(0, ttlMillis)).getBytes(StandardCharsets.US_ASCII) };
		return this.commands.<List<Object>>evalsha(this.sha, ScriptOutputType.MULTI, keys, args)
			.toCompletableFuture()
			.exceptionallyCompose((ex) -> isNoScript(ex)
					? this.commands.<List<Object>>eval(SOURCE, ScriptOutputType.MULTI, keys, args).toCompletableFuture()
					: CompletableFuture.failedFuture(ex))
			.thenApply(CompareAndSwapScript::outcome);
	}

	private static Outcome outcome(List<Object> reply) {
		if (reply.isEmpty() || !(reply.get(0) instanceof Long status)) {
			throw new IllegalStateException("Unexpected reply of the compare-and-swap script: " + reply);
		}
		if (status == 1L) {
			return Outcome.SWAPPED;
		}
		return new Outcome(false, (reply.size() > 1) ? (byte[]) reply.get(1) : null);
	}

	private static boolean isNoScript(Throwable error) {
		Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
		return cause instanceof RedisNoScriptException
				|| (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT"));
	}

	/**
	 * What the script did.
	 *
	 * @param swapped whether the stored state matched (and the new state, if any, was
	 * stored)
	 * @param current when it did not match, the stored state ({@code null} if the key
	 * does not exist)
	 */
	record Outcome(boolean swapped, byte @Nullable [] current) {

		static final Outcome SWAPPED = new Outcome(true, null);

	}

}
