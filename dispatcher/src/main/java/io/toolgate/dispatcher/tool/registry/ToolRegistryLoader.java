package io.toolgate.dispatcher.tool.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import io.toolgate.dispatcher.tool.ToolSpec;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the tool registry YAML file (see {@link RegistryFile} for its shape) into
 * {@link ToolSpec}s and {@link io.toolgate.dispatcher.tool.mcp.McpServerSpec}s: reads it
 * through a {@link ResourceLoader}, binds it ({@link RegistryBinder}) and checks it
 * ({@link ToolRegistryValidator}). Binding stops at the first structural problem (an
 * unknown key, a value of the wrong type); rule checks report every problem, each naming
 * its tool. Blocking (file I/O): call at start-up only.
 */
public final class ToolRegistryLoader {

	/** The built-in registry used when no file is configured. */
	public static final String DEFAULT_REGISTRY = "classpath:tools/demo-tools.yaml";

	private final RegistryBinder binder = new RegistryBinder();

	private final ToolRegistryValidator validator;

	private final ResourceLoader resources;

	/**
	 * Creates a loader.
	 * @param json the mapper tool schemas are compiled with
	 * @param builtinNames the names of the built-in tools a {@code builtin} executor may
	 * reference
	 * @param resources resolves registry locations; Spring Boot's
	 * {@code ApplicationResourceLoader} reads a plain path as a file, {@code classpath:}
	 * and {@code file:} as usual
	 */
	public ToolRegistryLoader(JsonMapper json, Set<String> builtinNames, ResourceLoader resources) {
		this.validator = new ToolRegistryValidator(json, builtinNames);
		this.resources = resources;
	}

	/**
	 * Reads and checks a registry. Blocking.
	 * @param location a resource location, or {@code null} for {@link #DEFAULT_REGISTRY}
	 * @return the tools in file order
	 * @throws InvalidToolRegistryException if the file cannot be read or declares
	 * anything invalid
	 */
	public List<ToolSpec> load(@Nullable String location) {
		return loadAll(location).tools();
	}

	/**
	 * Reads and checks a registry, MCP server entries included. Blocking.
	 * @param location a resource location, or {@code null} for {@link #DEFAULT_REGISTRY}
	 * @return the tools and MCP servers in file order
	 * @throws InvalidToolRegistryException if the file cannot be read or declares
	 * anything invalid
	 */
	public LoadedRegistry loadAll(@Nullable String location) {
		String source = (location != null && !location.isBlank()) ? location : DEFAULT_REGISTRY;
		return parseAll(read(source), source);
	}

	/**
	 * Checks a registry document.
	 * @param document the YAML text
	 * @param source where it came from, for messages
	 * @return the tools in document order
	 * @throws InvalidToolRegistryException if it declares anything invalid
	 */
	public List<ToolSpec> parse(String document, String source) {
		return parseAll(document, source).tools();
	}

	/**
	 * Checks a registry document, MCP server entries included.
	 * @param document the YAML text
	 * @param source where it came from, for messages
	 * @return the tools and MCP servers in document order
	 * @throws InvalidToolRegistryException if it declares anything invalid
	 */
	public LoadedRegistry parseAll(String document, String source) {
		JsonNode root;
		try {
			root = this.binder.readTree(document);
		}
		catch (JacksonException ex) {
			throw new InvalidToolRegistryException(source, List.of("not valid YAML: " + ex.getOriginalMessage()), ex);
		}
		if (root == null || !root.isObject()) {
			throw new InvalidToolRegistryException(source, List.of("registry: must be a mapping with a 'tools' list"));
		}
		return this.validator.validate(this.binder.bind(root, source), source);
	}

	private String read(String location) {
		Resource resource = this.resources.getResource(location);
		try (InputStream in = resource.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new InvalidToolRegistryException(location, List.of("cannot read the file: " + ex), ex);
		}
	}

}
