package io.toolgate.loadtest.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.toolgate.loadtest.fleet.Fleet;
import io.toolgate.loadtest.fleet.ManagedProcess;

/**
 * Starts and stops the Toolgates of the measurements on the fleet: on the fleet's Redis
 * with rate limits off or on, or as shipped. With profiling, each one records JFR into
 * the output directory, and stopping it adds the WARN/ERROR lines of its log to the
 * report.
 */
final class Toolgates {

	/** The API key every benchmark Toolgate (and the floor proxy) accepts. */
	static final String KEY = "bench-key";

	/**
	 * Generous enough that nothing is denied while limits are checked (Bucket4j refills
	 * at most one token per nanosecond, so a minute's budget stays well under 6·10¹⁰).
	 */
	static final List<String> GENEROUS_PLAN = List.of("--toolgate.ratelimit.enabled=true",
			"--toolgate.ratelimit.plans.default.requests-per-minute=1000000000",
			"--toolgate.ratelimit.plans.default.tokens-per-minute=10000000000");

	static final List<String> NO_LIMITS = List.of("--toolgate.ratelimit.enabled=false");

	private final Fleet fleet;

	private final String redisUrl;

	private final Path out;

	private final boolean profile;

	private final Report report;

	Toolgates(Fleet fleet, int redisPort, Path out, boolean profile, Report report) {
		this.fleet = fleet;
		this.redisUrl = "redis://127.0.0.1:" + redisPort;
		this.out = out;
		this.profile = profile;
		this.report = report;
	}

	/** Starts a Toolgate on the fleet's Redis with rate limits off. */
	ManagedProcess withoutLimitsNow(String phase, String heap, ManagedProcess upstream, String registry,
			List<String> extra) {
		List<String> arguments = new ArrayList<>(NO_LIMITS);
		arguments.addAll(extra);
		return startNow(phase, heap, upstream, registry, arguments);
	}

	/**
	 * Starts a Toolgate on the fleet's Redis; {@code arguments} must say whether rate
	 * limits are on.
	 */
	ManagedProcess startNow(String phase, String heap, ManagedProcess upstream, String registry,
			List<String> arguments) {
		Path registryFile = this.fleet.writeFile(phase + "-registry.yaml", registry);
		List<String> all = new ArrayList<>(
				List.of("--toolgate.upstream.base-url=" + base(upstream), "--toolgate.tools.registry=" + registryFile,
						"--toolgate.admission.max-concurrent-turns=20000", "--logging.level.root=WARN"));
		all.addAll(arguments);
		return this.fleet.toolgateNow(jvmOptions(phase, heap), all,
				Map.of("TOOLGATE_API_KEYS", "bench:" + KEY, "REDIS_URL", this.redisUrl));
	}

	/**
	 * Starts a Toolgate as shipped: the demo registry, metrics on, the in-memory store
	 * and local rate limits (no Redis, even if the caller's environment names one), with
	 * a plan that denies nothing.
	 */
	ManagedProcess shippedNow(String phase, String heap, ManagedProcess upstream) {
		List<String> arguments = new ArrayList<>(
				List.of("--toolgate.upstream.base-url=" + base(upstream), "--logging.level.root=WARN"));
		arguments.addAll(GENEROUS_PLAN);
		return this.fleet.toolgateNow(jvmOptions(phase, heap), arguments,
				Map.of("TOOLGATE_API_KEYS", "bench:" + KEY, "REDIS_URL", ""));
	}

	/** Stops a Toolgate and notes the problems its log shows. */
	void stop(String phase, ManagedProcess toolgate) {
		this.report.log(phase, toolgate.log());
		this.fleet.stop(toolgate);
	}

	/**
	 * Returns where the Toolgate of a phase spent its CPU, or nothing without profiling.
	 */
	String profileOf(String phase) {
		return this.profile ? JfrSummary.markdownNow(jfr(phase), 15) : "";
	}

	/** Returns the {@code .../v1} URL of a Toolgate, an upstream or a proxy. */
	static String base(ManagedProcess process) {
		return "http://127.0.0.1:" + process.port() + "/v1";
	}

	private List<String> jvmOptions(String phase, String heap) {
		List<String> jvm = new ArrayList<>(List.of(heap, "-XX:+UseG1GC"));
		if (this.profile) {
			jvm.add("-XX:StartFlightRecording=filename=" + jfr(phase) + ",settings=profile,dumponexit=true");
		}
		return jvm;
	}

	private Path jfr(String phase) {
		return this.out.toAbsolutePath().resolve("toolgate-" + phase + ".jfr");
	}

}
