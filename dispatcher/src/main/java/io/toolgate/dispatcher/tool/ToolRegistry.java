package io.toolgate.dispatcher.tool;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.toolgate.streaming.openai.ToolDefinition;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tools this gateway runs: the registry file's tools, resolved once at start-up, then
 * the tools discovered on MCP servers, which come and go as the servers do. Readers see
 * an immutable snapshot; {@link #replaceGroup} swaps it. Thread-safe.
 */
public final class ToolRegistry {

	private final Map<String, RegisteredTool> declared;

	/** The discovered tools by group (MCP server), in group name order. */
	private final Map<String, List<RegisteredTool>> groups = new TreeMap<>();

	private volatile Snapshot snapshot;

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	private ToolRegistry(List<RegisteredTool> tools) {
		Map<String, RegisteredTool> byName = new LinkedHashMap<>();
		for (RegisteredTool tool : tools) {
			if (byName.putIfAbsent(tool.name(), tool) != null) {
				throw new IllegalArgumentException("Duplicate tool '" + tool.name() + "'");
			}
		}
		this.declared = byName;
		this.snapshot = new Snapshot(byName);
	}

	/**
	 * Creates a registry of ready tools.
	 * @param tools the tools; names must be unique
	 * @return the registry, in the given order
	 */
	public static ToolRegistry of(List<RegisteredTool> tools) {
		return new ToolRegistry(List.copyOf(tools));
	}

	/**
	 * Compiles specs into ready tools: a schema validator, the executor for its
	 * {@link ExecutorSpec}, a bulkhead and a circuit breaker each.
	 * @param specs the specs, as the
	 * {@link io.toolgate.dispatcher.tool.registry.ToolRegistryLoader} returns them
	 * @param executors the executor for each executor spec (e.g. the shared HTTP executor
	 * for every {@link ExecutorSpec.Http})
	 * @param bulkheadMaxWaiting how many calls may wait for a permit of one tool
	 * @param json the mapper arguments are parsed with
	 * @return the registry, in the specs' order
	 * @throws IllegalArgumentException if a schema does not compile or names repeat
	 */
	public static ToolRegistry of(List<ToolSpec> specs, Function<ExecutorSpec, ToolExecutor> executors,
			int bulkheadMaxWaiting, JsonMapper json) {
		List<RegisteredTool> tools = new ArrayList<>();
		for (ToolSpec spec : specs) {
			tools.add(compile(spec, executors.apply(spec.executor()), bulkheadMaxWaiting, json));
		}
		return of(tools);
	}

	/**
	 * Compiles one spec into a ready tool.
	 * @param spec the spec
	 * @param executor the executor that runs it
	 * @param bulkheadMaxWaiting how many calls may wait for a permit
	 * @param json the mapper arguments are parsed with
	 * @return the tool
	 * @throws IllegalArgumentException if its schema does not compile
	 */
	public static RegisteredTool compile(ToolSpec spec, ToolExecutor executor, int bulkheadMaxWaiting,
			JsonMapper json) {
		return new RegisteredTool(spec, ToolArgumentsValidator.compile(spec.inputSchema(), json), executor,
				new ToolBulkhead(spec.name(), spec.maxConcurrency(), bulkheadMaxWaiting),
				ToolCircuitBreaker.of(spec.name(), spec.circuitBreaker()));
	}

	/**
	 * Replaces the discovered tools of a group (an MCP server): afterwards the registry
	 * lists the declared tools, then every group's tools in group name order. A tool
	 * whose name is taken by a declared tool or another group is left out.
	 * @param group the group's name
	 * @param tools its tools now; empty removes the group
	 * @return the names left out because they were taken
	 */
	public synchronized List<String> replaceGroup(String group, List<RegisteredTool> tools) {
		if (tools.isEmpty()) {
			this.groups.remove(group);
		}
		else {
			this.groups.put(group, List.copyOf(tools));
		}
		Map<String, RegisteredTool> byName = new LinkedHashMap<>(this.declared);
		List<String> clashes = new ArrayList<>();
		this.groups.forEach((name, members) -> {
			for (RegisteredTool tool : members) {
				if (byName.putIfAbsent(tool.name(), tool) != null && name.equals(group)) {
					clashes.add(tool.name());
				}
			}
		});
		List<RegisteredTool> before = this.snapshot.all();
		this.snapshot = new Snapshot(byName);
		notifyListeners(before, this.snapshot.all());
		return clashes;
	}

	/**
	 * Tells a listener of every tool registered now (as added), then of every change, in
	 * order, each as it happens. Called under the registry's lock: a listener must be
	 * quick and must not call back into {@link #replaceGroup}.
	 * @param listener hears of tools that join and leave
	 */
	public synchronized void subscribe(Listener listener) {
		listener.changed(this.snapshot.all(), List.of());
		this.listeners.add(listener);
	}

	private void notifyListeners(List<RegisteredTool> before, List<RegisteredTool> after) {
		Set<RegisteredTool> was = identities(before);
		Set<RegisteredTool> is = identities(after);
		List<RegisteredTool> removed = before.stream().filter((tool) -> !is.contains(tool)).toList();
		List<RegisteredTool> added = after.stream().filter((tool) -> !was.contains(tool)).toList();
		if (!removed.isEmpty() || !added.isEmpty()) {
			this.listeners.forEach((listener) -> listener.changed(added, removed));
		}
	}

	/** The tools as a set by identity: a recompiled tool is another tool. */
	private static Set<RegisteredTool> identities(List<RegisteredTool> tools) {
		Set<RegisteredTool> set = Collections.newSetFromMap(new IdentityHashMap<>());
		set.addAll(tools);
		return set;
	}

	/**
	 * Finds a tool by its exact name, whatever tenants it is for. For a tenant's calls
	 * and listings use {@link #find(String, String)}.
	 * @param name the name
	 * @return the tool, or empty if there is none
	 */
	public Optional<RegisteredTool> find(String name) {
		return Optional.ofNullable(this.snapshot.byName().get(name));
	}

	/**
	 * Finds a tool a tenant may use by its exact name: a tool kept for other tenants is
	 * not found, exactly as one that does not exist.
	 * @param name the name the model or client gave
	 * @param tenant the tenant asking
	 * @return the tool, or empty if there is none the tenant may use
	 */
	public Optional<RegisteredTool> find(String name, String tenant) {
		return find(name).filter((tool) -> tool.spec().visibleTo(tenant));
	}

	/** Every tool, whatever tenants it is for, in registry order. */
	public List<RegisteredTool> all() {
		return this.snapshot.all();
	}

	/**
	 * The tools a tenant may use, in registry order.
	 * @param tenant the tenant
	 * @return the tools
	 */
	public List<RegisteredTool> all(String tenant) {
		Snapshot current = this.snapshot;
		return current.restricted() ? current.all().stream().filter((tool) -> tool.spec().visibleTo(tenant)).toList()
				: current.all();
	}

	/**
	 * The OpenAI tool definitions of the tools a tenant may use, in registry order, for
	 * the model request.
	 * @param tenant the tenant
	 * @return the definitions
	 */
	public List<ToolDefinition> definitions(String tenant) {
		Snapshot current = this.snapshot;
		return current.restricted() ? all(tenant).stream().map(RegisteredTool::definition).toList()
				: current.definitions();
	}

	/**
	 * Whether some call of a tool the tenant may use may wait for a reviewer's approval:
	 * a tool whose approval policy holds some calls.
	 * @param tenant the tenant
	 * @return whether one of its tools may hold a call
	 */
	public boolean mayHoldCalls(String tenant) {
		Snapshot current = this.snapshot;
		return current.mayHoldCalls()
				&& (!current.restricted() || all(tenant).stream().anyMatch(ToolRegistry::mayHold));
	}

	private static boolean mayHold(RegisteredTool tool) {
		return tool.spec().approval().mayHold(tool.spec().riskTier());
	}

	/** Hears of the tools that join and leave the registry (MCP servers' tools). */
	@FunctionalInterface
	public interface Listener {

		/**
		 * Tools joined or left; a tool whose definition changed leaves and its new
		 * version joins. Removals are to be applied before additions.
		 * @param added the tools that joined
		 * @param removed the tools that left
		 */
		void changed(List<RegisteredTool> added, List<RegisteredTool> removed);

	}

	/**
	 * One state of the registry, read without locking; {@code restricted} when some tool
	 * is kept for some tenants, so listings must be filtered.
	 */
	private record Snapshot(Map<String, RegisteredTool> byName, List<RegisteredTool> all,
			List<ToolDefinition> definitions, boolean mayHoldCalls, boolean restricted) {

		Snapshot(Map<String, RegisteredTool> byName) {
			this(Map.copyOf(byName), List.copyOf(byName.values()),
					byName.values().stream().map(RegisteredTool::definition).toList(),
					byName.values().stream().anyMatch(ToolRegistry::mayHold),
					byName.values().stream().anyMatch(tool -> !tool.spec().tenants().isEmpty()));
		}

	}

}
