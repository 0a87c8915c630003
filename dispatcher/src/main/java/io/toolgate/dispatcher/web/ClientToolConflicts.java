package io.toolgate.dispatcher.web;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ToolDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a chat completion that defines a tool with the name of a registered one
 * ({@code toolgate.tools.client-tool-conflict}): refused with 400 naming the tool, or
 * served with the client's tool in place of the registered one (the model's calls to it
 * come back to the client), logged once per tool name.
 */
public final class ClientToolConflicts {

	private static final Logger logger = LoggerFactory.getLogger(ClientToolConflicts.class);

	private final ToolRegistry registry;

	private final Rule rule;

	/**
	 * Registered tool names a client's tool replaced already, logged; bounded by the
	 * registry.
	 */
	private final Set<String> logged = ConcurrentHashMap.newKeySet();

	/**
	 * Creates the check.
	 * @param registry the registered tools
	 * @param rule what a conflict does
	 */
	public ClientToolConflicts(ToolRegistry registry, Rule rule) {
		this.registry = registry;
		this.rule = rule;
	}

	/**
	 * Applies the rule to a request's tools.
	 * @param request the request
	 * @param tenant the tenant making it: only the tools it may use can conflict
	 * @throws ToolgateException 400 naming the tool, when the rule is {@link Rule#REJECT}
	 */
	void check(ChatCompletionRequest request, String tenant) {
		if (request.tools() == null) {
			return;
		}
		for (ToolDefinition tool : request.tools()) {
			String name = tool.function().name();
			if (this.registry.find(name, tenant).isEmpty()) {
				continue;
			}
			if (this.rule == Rule.REJECT) {
				throw ToolgateException.invalidField("tools", "defines '" + name
						+ "', the name of a tool this gateway runs itself; rename the client's tool");
			}
			if (this.logged.add(name)) {
				logger.info("A client's tool '{}' replaces the registered tool of that name in its requests "
						+ "(toolgate.tools.client-tool-conflict=prefer-client); logged once", name);
			}
		}
	}

	/** What a client-defined tool named like a registered one does. */
	public enum Rule {

		/** The request is refused with 400 naming the tool. */
		REJECT,

		/**
		 * The client's tool is offered instead of the registered one, and its calls go
		 * back to the client.
		 */
		PREFER_CLIENT

	}

}
