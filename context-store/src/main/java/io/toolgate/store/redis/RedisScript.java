package io.toolgate.store.redis;

import java.util.List;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A Lua script run by its SHA-1 ({@code EVALSHA}) and sent in full ({@code EVAL}) only
 * when the server does not have it yet ({@code NOSCRIPT}, e.g. after a restart or on a
 * cluster node not asked before). Scripts return an array whose first element is a status
 * word.
 */
final class RedisScript {

	private final String source;

	private final String sha;

	RedisScript(RedisClusterReactiveCommands<String, String> commands, String source) {
		this.source = source;
		this.sha = commands.digest(source);
	}

	/**
	 * Runs the script and returns its reply array. Scripts here never return nested
	 * arrays, so the reply is flattened one level whether Lettuce emits the array as one
	 * element or its elements one by one.
	 */
	Mono<List<Object>> run(RedisClusterReactiveCommands<String, String> commands, String[] keys, String... args) {
		return Flux.defer(() -> commands.<Object>evalsha(this.sha, ScriptOutputType.MULTI, keys, args))
			.onErrorResume(RedisScript::isNoScript,
					(ex) -> commands.<Object>eval(this.source, ScriptOutputType.MULTI, keys, args))
			.concatMapIterable((element) -> (element instanceof List<?> list) ? list : List.of(element))
			.collectList()
			.map((reply) -> (List<Object>) (List<?>) reply);
	}

	private static boolean isNoScript(Throwable error) {
		return error instanceof RedisNoScriptException
				|| (error.getMessage() != null && error.getMessage().startsWith("NOSCRIPT"));
	}

}
