package io.toolgate.loadtest.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The report's section on Redis: round trips and commands per request with rate limits on
 * and off, and the rate-limit check's added latency.
 */
final class RedisSection {

	private final StringBuilder body = new StringBuilder();

	private RedisSection() {
	}

	/** Returns section 5: both parts, commands per request and the added latency. */
	static String markdown(List<RedisCommandCounter.Count> counts, List<String> descriptions, Map<String, Double> idle,
			List<RateLimitLatency.Pair> pairs, Scale scale) {
		RedisSection section = new RedisSection();
		section.kinds(counts, descriptions);
		section.totals(counts);
		section.breakdowns(counts);
		section.byKey(counts);
		section.idle(idle);
		section.latency(pairs, scale);
		return section.body.toString();
	}

	/** The section's head and the kinds of request measured. */
	private void kinds(List<RedisCommandCounter.Count> counts, List<String> descriptions) {
		int turns = counts.isEmpty() ? 0 : counts.get(0).turns();
		this.body.append("## 5. Redis round trips and rate-limit cost\n\n")
			.append("### Commands per turn\n\n")
			.append(String.format("Each kind: %d requests one after another against one Toolgate while the other ",
					turns))
			.append("Toolgates on this Redis are idle, between `CONFIG RESETSTAT` and `INFO commandstats` (every ")
			.append("command Redis executed, including the commands Lua scripts ran), with a `MONITOR` feed alongside ")
			.append("that separates the commands clients sent (**round trips**) from those run inside scripts. ")
			.append("*limits*: Toolgate with Bucket4j-over-Redis rate limits on and a plan generous enough that nothing ")
			.append("is denied; *no limits*: `--toolgate.ratelimit.enabled=false`; the difference is the rate ")
			.append(String.format(
					"limiter's share. Upstream simulator: first token after 5 ms, 8 words %d ms apart; tool worker ",
					Scale.UPSTREAM_INTER_TOKEN_MS))
			.append("answers after 2 ms. Kinds:\n\n");
		for (int i = 0; i < descriptions.size(); i++) {
			this.body.append("- **")
				.append(counts.get(2 * i).kind())
				.append("**: ")
				.append(descriptions.get(i))
				.append('\n');
		}
	}

	/**
	 * Round trips and commands executed per turn, with limits, without, and the
	 * difference.
	 */
	private void totals(List<RedisCommandCounter.Count> counts) {
		this.body.append("\n| kind | round trips, limits | round trips, no limits | **round trips for limits** | ")
			.append("executed, limits | executed, no limits | executed for limits | failed (limits/no limits) |\n")
			.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
		for (int i = 0; i + 1 < counts.size(); i += 2) {
			RedisCommandCounter.Count on = counts.get(i);
			RedisCommandCounter.Count off = counts.get(i + 1);
			this.body.append(String.format(Locale.ROOT,
					"| %s | %.2f | %.2f | **%.2f** | %.2f | %.2f | %.2f | %d/%d |%n", on.kind(), on.sentTotal(),
					off.sentTotal(), on.sentTotal() - off.sentTotal(), on.executedTotal(), off.executedTotal(),
					on.executedTotal() - off.executedTotal(), on.failed(), off.failed()));
		}
	}

	private void breakdowns(List<RedisCommandCounter.Count> counts) {
		this.body.append("\nRound trips per turn by command (sent by Toolgate; `MONITOR`), limits / no limits:\n\n");
		breakdown(counts, RedisCommandCounter.Count::sent);
		this.body.append("\nCommands executed per turn by command (`INFO commandstats`, `cmdstat_*` calls ÷ turns; ")
			.append("includes the commands run inside Lua scripts), limits / no limits:\n\n");
		breakdown(counts, RedisCommandCounter.Count::executed);
	}

	private void byKey(List<RedisCommandCounter.Count> counts) {
		this.body.append("\n<details><summary>Round trips per turn by command and key (limits on)</summary>\n\n");
		for (int i = 0; i < counts.size(); i += 2) {
			RedisCommandCounter.Count on = counts.get(i);
			RedisCommandCounter.Count off = counts.get(i + 1);
			this.body.append("**")
				.append(on.kind())
				.append("**\n\n| command and key | limits | no limits |\n| --- | ---: | ---: |\n");
			TreeSet<String> keys = new TreeSet<>(on.sentByKey().keySet());
			keys.addAll(off.sentByKey().keySet());
			for (String key : keys) {
				this.body.append(String.format(Locale.ROOT, "| `%s` | %.2f | %.2f |%n", key.replace("|", "/"),
						on.sentByKey().getOrDefault(key, 0.0), off.sentByKey().getOrDefault(key, 0.0)));
			}
			this.body.append("\nRun inside scripts (limits on): ").append(perTurn(on.inScripts())).append("\n\n");
		}
		this.body.append("</details>\n\n");
	}

	private void idle(Map<String, Double> idle) {
		this.body.append("Background commands per second with every replica idle (5 s): ")
			.append(idle.isEmpty() ? "none" : perTurn(idle))
			.append(".\n\n");
	}

	private void latency(List<RateLimitLatency.Pair> pairs, Scale scale) {
		this.body.append("### Added latency of the rate-limit check\n\n")
			.append("Two Toolgates on the same Redis, *limits* (Bucket4j over Redis, generous plan) and *no limits*, ")
			.append("each sent the same fixed request rate at once (each request of the open-model schedule goes to ")
			.append("both, so machine noise hits both); upstream simulator instant (8 words, no delay). ")
			.append(String.format("%d s per row. Times in ms.%n%n", scale.redisDuration().toSeconds()))
			.append("*fell back*: rate-limit calls the per-replica limiter decided because Redis did not answer within ")
			.append("`toolgate.ratelimit.backend-timeout` or was skipped for the retry interval after such a timeout ")
			.append("(`toolgate.ratelimit.backend.failures` during the row).\n\n")
			.append("| request | rate/s (each) | limits p50 | limits p99 | no limits p50 | no limits p99 | ")
			.append("**added p50** | **added p99** | fell back | errors (limits/no limits) |\n")
			.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
		for (RateLimitLatency.Pair p : pairs) {
			this.body.append(String.format(Locale.ROOT,
					"| %s | %.0f | %.2f | %.2f | %.2f | %.2f | **%.2f** | **%.2f** | %.0f | %d/%d |%n", p.what(),
					p.rate(), p.limited().p50(), p.limited().p99(), p.unlimited().p50(), p.unlimited().p99(),
					p.limited().p50() - p.unlimited().p50(), p.limited().p99() - p.unlimited().p99(), p.fallbacks(),
					p.limited().errors(), p.unlimited().errors()));
		}
		this.body.append("\n");
	}

	private void breakdown(List<RedisCommandCounter.Count> counts,
			Function<RedisCommandCounter.Count, Map<String, Double>> values) {
		TreeSet<String> commands = new TreeSet<>();
		counts.forEach((count) -> commands.addAll(values.apply(count).keySet()));
		this.body.append("| command |");
		for (int i = 0; i < counts.size(); i += 2) {
			this.body.append(' ').append(counts.get(i).kind()).append(" |");
		}
		this.body.append("\n| --- |");
		for (int i = 0; i < counts.size(); i += 2) {
			this.body.append(" ---: |");
		}
		this.body.append('\n');
		for (String command : commands) {
			this.body.append("| `").append(command.replace("|", "/")).append("` |");
			for (int i = 0; i + 1 < counts.size(); i += 2) {
				this.body.append(String.format(Locale.ROOT, " %.2f / %.2f |",
						values.apply(counts.get(i)).getOrDefault(command, 0.0),
						values.apply(counts.get(i + 1)).getOrDefault(command, 0.0)));
			}
			this.body.append('\n');
		}
	}

	private static String perTurn(Map<String, Double> values) {
		StringBuilder text = new StringBuilder();
		values.forEach((name, value) -> text.append((text.length() > 0) ? ", " : "")
			.append(String.format(Locale.ROOT, "`%s` %.2f", name.replace("|", "/"), value)));
		return (text.length() == 0) ? "none" : text.toString();
	}

}
