package io.toolgate.dispatcher.tool.builtin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code send_email}: the demo's high-risk tool. It sends nothing: it logs what it would
 * send and answers with it, so that the approval gate can be shown with no mail server.
 * Arguments {@code {to, subject, body}}.
 */
public final class SendEmailTool implements BuiltinTool {

	private static final Logger logger = LoggerFactory.getLogger(SendEmailTool.class);

	private final JsonMapper json;

	/**
	 * Creates the tool.
	 * @param json the mapper building outputs
	 */
	public SendEmailTool(JsonMapper json) {
		this.json = json;
	}

	@Override
	public String name() {
		return "send_email";
	}

	@Override
	public Mono<JsonNode> invoke(JsonNode arguments) {
		String to = arguments.path("to").asString("");
		String subject = arguments.path("subject").asString("");
		logger.info("send_email (demo, nothing is sent): to={} subject={}", to, subject);
		ObjectNode output = this.json.createObjectNode();
		output.put("recorded", true);
		output.put("sent", false);
		output.put("to", to);
		output.put("subject", subject);
		output.put("note", "Demo tool: the message was recorded, not sent.");
		return Mono.just(output);
	}

}
