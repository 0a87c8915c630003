package io.toolgate.store.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.toolgate.test.FreePorts;

/**
 * A private Redis Cluster of three masters (no replicas) for integration tests. Each node
 * is a {@code redis-server} on 127.0.0.1 with free client and bus ports, in a container
 * or as a process as {@link RedisContainers} decides; the slots are assigned with the
 * host's {@code redis-cli --cluster create} (needed in both cases), and {@link #start()}
 * returns once every node reports {@code cluster_state:ok}. Methods block and belong on
 * test threads only.
 */
public final class RedisClusterProcess implements AutoCloseable {

	private static final int MASTERS = 3;

	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);

	private final List<RedisNode> nodes;

	private RedisClusterProcess(List<RedisNode> nodes) {
		this.nodes = List.copyOf(nodes);
	}

	/**
	 * Starts three masters, joins them into one cluster and waits until it is ready.
	 * @return the running cluster
	 * @throws IllegalStateException if {@code redis-server} or {@code redis-cli} is
	 * missing or the cluster does not become ready
	 */
	public static RedisClusterProcess start() {
		int[] ports = FreePorts.free(MASTERS * 2);
		List<RedisNode> nodes = new ArrayList<>(MASTERS);
		try {
			for (int i = 0; i < MASTERS; i++) {
				RedisNode node = new RedisNode(ports[i],
						List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
								"--cluster-node-timeout", "2000", "--cluster-port",
								Integer.toString(ports[MASTERS + i])));
				nodes.add(node);
				node.start();
			}
			createCluster(nodes);
			awaitClusterOk(nodes);
		}
		catch (RuntimeException ex) {
			nodes.forEach(RedisNode::close);
			throw ex;
		}
		return new RedisClusterProcess(nodes);
	}

	/**
	 * The client ports of the masters.
	 * @return three ports
	 */
	public List<Integer> ports() {
		return this.nodes.stream().map(RedisNode::port).toList();
	}

	/**
	 * The masters' addresses, to seed a cluster client with.
	 * @return three {@code redis://127.0.0.1:<port>} addresses
	 */
	public List<String> seedUris() {
		return this.nodes.stream().map((node) -> "redis://127.0.0.1:" + node.port()).toList();
	}

	/** Stops every node and deletes their directories. */
	@Override
	public void close() {
		this.nodes.forEach(RedisNode::close);
	}

	/** Same as {@link #close()}. */
	public void stop() {
		close();
	}

	private static void createCluster(List<RedisNode> nodes) {
		List<String> command = new ArrayList<>(
				List.of(RedisTools.executable("redis-cli").toString(), "--cluster", "create"));
		nodes.forEach((node) -> command.add("127.0.0.1:" + node.port()));
		command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
		File log = nodes.get(0).dir().resolve("cluster-create.log").toFile();
		try {
			Process create = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log))
				.start();
			if (!create.waitFor(RedisNode.STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				create.destroyForcibly();
				throw new IllegalStateException("redis-cli --cluster create timed out: " + RedisTools.tail(log));
			}
			if (create.exitValue() != 0) {
				throw new IllegalStateException("redis-cli --cluster create failed: " + RedisTools.tail(log));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot run redis-cli", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while creating the cluster", ex);
		}
	}

	private static void awaitClusterOk(List<RedisNode> nodes) {
		long deadline = System.nanoTime() + RedisNode.STARTUP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (nodes.stream().allMatch(RedisClusterProcess::reportsOk)) {
				return;
			}
			RedisTools.pauseBriefly();
		}
		throw new IllegalStateException("The cluster did not reach cluster_state:ok");
	}

	private static boolean reportsOk(RedisNode node) {
		try {
			String info = RawRedis.call(node.port(), CALL_TIMEOUT, "CLUSTER", "INFO");
			return info != null && info.contains("cluster_state:ok");
		}
		catch (IOException ex) {
			return false;
		}
	}

}
