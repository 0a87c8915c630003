package io.toolgate.dispatcher.web;

import io.toolgate.dispatcher.error.ToolgateException;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads request bodies strictly: a number or boolean where the body type has a string
 * ({@code "content": 5}) is a 400 naming the field, not the string {@code "5"}. The body
 * is parsed by the server codecs (so malformed JSON, size limits and media types are
 * answered as everywhere else), then bound with a mapper that refuses scalar coercion to
 * text.
 */
final class JsonBodyReader {

	private final JsonMapper strict;

	/**
	 * Creates a reader.
	 * @param jsonMapper the application's mapper; the reader binds with a strict copy of
	 * it
	 * @param bodyTypes the types it will bind, whose deserializers are built now
	 */
	JsonBodyReader(JsonMapper jsonMapper, Class<?>... bodyTypes) {
		this.strict = jsonMapper.rebuild()
			.withCoercionConfig(LogicalType.Textual,
					config -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.build();
		// Deserializers are built under a lock on first use; built here, requests on
		// event loops only read them.
		for (Class<?> type : bodyTypes) {
			this.strict.readerFor(type);
		}
	}

	/** The body as a tree; empty without a body. */
	Mono<JsonNode> tree(ServerRequest request) {
		return request.bodyToMono(JsonNode.class);
	}

	/**
	 * Binds a tree to a body type.
	 * @throws ServerWebInputException naming the offending field, which the error writer
	 * turns into a 400
	 */
	<T> T bind(JsonNode body, Class<T> type) {
		try {
			return this.strict.treeToValue(body, type);
		}
		catch (DatabindException ex) {
			throw new ServerWebInputException("Invalid request body", null, ex);
		}
	}

	/** Reads and binds the body; empty without a body. */
	<T> Mono<T> read(ServerRequest request, Class<T> type) {
		return tree(request).map(body -> bind(body, type));
	}

	/** Returns a 400 naming the field when the body is not a JSON object. */
	static JsonNode requireObject(JsonNode body) {
		if (!body.isObject()) {
			throw ToolgateException.invalidField("body", "must be a JSON object");
		}
		return body;
	}

}
