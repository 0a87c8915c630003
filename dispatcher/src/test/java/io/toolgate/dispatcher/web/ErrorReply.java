package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway answer read whole, whatever its status, with assertions on the error body
 * {@code {"error":{"type","message","code"}}}.
 *
 * @param status the HTTP status
 * @param headers the response headers
 * @param raw the body as sent
 */
record ErrorReply(int status, HttpHeaders headers, String raw) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(20);

	/**
	 * Fragments that only a leaked stack trace or exception name would put into a body.
	 */
	private static final List<String> LEAKS = List.of("Exception", "\tat ", "at io.", "at java.", "at org.",
			"java.lang", "tools.jackson", "com.fasterxml", "org.springframework", "reactor.", "io.toolgate", "io.netty",
			"stackTrace", "trace");

	/** Sends a request and reads the answer, never treating a status as an error. */
	static ErrorReply of(WebClient.RequestHeadersSpec<?> request) {
		return request
			.exchangeToMono(response -> response.bodyToMono(String.class)
				.defaultIfEmpty("")
				.map(body -> new ErrorReply(response.statusCode().value(), response.headers().asHttpHeaders(), body)))
			.block(WAIT);
	}

	/**
	 * Reads a whole HTTP/1.1 response as received on a socket (headers, then a body of
	 * Content-Length).
	 */
	static ErrorReply parse(String response) {
		int split = response.indexOf("\r\n\r\n");
		assertThat(split).as("end of headers in %s", response).isPositive();
		String[] lines = response.substring(0, split).split("\r\n");
		int status = Integer.parseInt(lines[0].split(" ")[1]);
		HttpHeaders headers = new HttpHeaders();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			headers.add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
		}
		return new ErrorReply(status, headers, response.substring(split + 4));
	}

	/** The parsed body. */
	JsonNode json() {
		return JSON.readTree(this.raw);
	}

	/** The {@code error.message}. */
	String message() {
		return json().path("error").path("message").asString();
	}

	/**
	 * Asserts the status, a JSON content type, the exact error shape, its type and code,
	 * and that the body names no exception class or stack frame.
	 * @return this, for further assertions
	 */
	ErrorReply assertError(int expectedStatus, String type, String code) {
		assertThat(this.status).as("status of %s", this.raw).isEqualTo(expectedStatus);
		assertThat(this.headers.getContentType()).as("content type").isNotNull();
		assertThat(this.headers.getContentType().isCompatibleWith(MediaType.APPLICATION_JSON))
			.as("JSON content type, was %s", this.headers.getContentType())
			.isTrue();
		JsonNode body = json();
		assertThat(fieldNames(body)).as("top-level fields of %s", this.raw).containsExactly("error");
		JsonNode error = body.path("error");
		assertThat(fieldNames(error)).as("error fields of %s", this.raw)
			.containsExactlyInAnyOrder("type", "message", "code");
		assertThat(error.path("type").isString()).isTrue();
		assertThat(error.path("message").isString()).isTrue();
		assertThat(error.path("code").isString()).isTrue();
		assertThat(error.path("type").asString()).as("type").isEqualTo(type);
		assertThat(error.path("code").asString()).as("code").isEqualTo(code);
		assertThat(error.path("message").asString()).as("message").isNotBlank();
		assertThat(this.raw).as("no stack trace or class name in the body").doesNotContain(LEAKS);
		return this;
	}

	/**
	 * Asserts that the message names a field, quoted as the gateway quotes field names.
	 */
	ErrorReply assertNames(String field) {
		assertThat(message()).as("message").contains("'" + field + "'");
		return this;
	}

	private static List<String> fieldNames(JsonNode node) {
		return StreamSupport.stream(node.propertyNames().spliterator(), false).toList();
	}

}
