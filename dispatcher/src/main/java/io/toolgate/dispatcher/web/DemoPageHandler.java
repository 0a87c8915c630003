package io.toolgate.dispatcher.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.toolgate.dispatcher.error.ToolgateException;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Serves the demo chat page: {@code GET /} and its few static files under {@code /chat/},
 * read from {@code classpath:toolgate-chat/} once at start-up and answered from memory,
 * so serving them never touches a file on an event loop. The page uses only the public
 * API, with the API key the user types in.
 */
public class DemoPageHandler {

	/** The class-path folder of the page. */
	public static final String LOCATION = "toolgate-chat/";

	private static final Map<String, MediaType> FILES = Map.of("index.html", MediaType.TEXT_HTML, "chat.js",
			MediaType.parseMediaType("text/javascript"), "chat.css", MediaType.parseMediaType("text/css"));

	// Same origin only: the page talks to the gateway that served it and loads nothing
	// from elsewhere.
	private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
			+ "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

	private final Map<String, byte[]> contents = new LinkedHashMap<>();

	/**
	 * Loads the page's files.
	 * @throws UncheckedIOException if one is missing from the class path
	 */
	public DemoPageHandler() {
		FILES.keySet().forEach(name -> this.contents.put(name, read(name)));
	}

	/** {@code GET /}. */
	public Mono<ServerResponse> index(ServerRequest request) {
		return serve("index.html");
	}

	/** {@code GET /chat/{file}}. */
	public Mono<ServerResponse> file(ServerRequest request) {
		String name = request.pathVariable("file");
		if (!this.contents.containsKey(name) || "index.html".equals(name)) {
			return Mono.error(ToolgateException.notFound("File"));
		}
		return serve(name);
	}

	private Mono<ServerResponse> serve(String name) {
		return ServerResponse.ok()
			.contentType(FILES.get(name))
			.header("Cache-Control", "no-cache")
			.header("X-Content-Type-Options", "nosniff")
			.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
			.bodyValue(this.contents.get(name));
	}

	private static byte[] read(String name) {
		try (InputStream in = new ClassPathResource(LOCATION + name).getInputStream()) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Demo page file " + LOCATION + name + " is missing", ex);
		}
	}

}
