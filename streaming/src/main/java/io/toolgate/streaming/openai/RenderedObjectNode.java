package io.toolgate.streaming.openai;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonGeneratorBase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An object node that writes JSON it rendered once, for values written into every request
 * but never changed, such as the parameter schemas of the registry's tools, which were
 * otherwise serialised node by node for every model call. It reads like any
 * {@link ObjectNode}; it must not be modified, since writes would still produce the
 * rendered text.
 */
final class RenderedObjectNode extends ObjectNode {

	private static final long serialVersionUID = 1L;

	private final String json;

	private RenderedObjectNode(ObjectNode source) {
		super(JsonNodeFactory.instance, copyOfProperties(source));
		this.json = source.toString();
	}

	/**
	 * Returns a rendered copy of {@code node} when it is an object, else {@code node}
	 * itself.
	 */
	static JsonNode of(JsonNode node) {
		return (node instanceof ObjectNode object && !(node instanceof RenderedObjectNode))
				? new RenderedObjectNode(object) : node;
	}

	private static Map<String, JsonNode> copyOfProperties(ObjectNode source) {
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		source.properties().forEach((entry) -> properties.put(entry.getKey(), entry.getValue()));
		return properties;
	}

	/**
	 * Writes the rendered text into JSON text; any other generator (a tree or token
	 * buffer being built) gets the nodes.
	 */
	@Override
	public void serialize(JsonGenerator generator, SerializationContext context) throws JacksonException {
		if (generator instanceof JsonGeneratorBase) {
			generator.writeRawValue(this.json);
		}
		else {
			super.serialize(generator, context);
		}
	}

}
