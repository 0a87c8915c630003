#!/usr/bin/env bash
# Toolgate benchmark: builds once, starts a private Redis, the simulators and Toolgate, runs the six measurements
# (overhead against a direct baseline, open streams, tool fan-out, concurrent agents, Redis round trips and the
# rate-limit check's cost, and the comparison with the Boot floor proxy) and writes
# bench-results/<timestamp>/report.md.
#
#   bench/run.sh [--quick] [--profile] [--no-build] [--jar=PATH] [--only=overhead,streams,fanout,agents,redis,floor]
#                [--floor-jar=PATH] [--floor-seconds=N] [--floor-warmup-seconds=N] [--floor-repeats=N]
#
#   --quick                   smaller and shorter
#   --profile                 record every Toolgate with JFR and summarise where its CPU went
#   --no-build                reuse the jars already built (bench/run.sh builds with `./mvnw package`, no install)
#   --jar=PATH                the Toolgate jar (default dispatcher/target/toolgate.jar)
#   --only=LIST               run only these measurements (default: all six)
#   --floor-jar=PATH          the floor proxy jar (default bench/floor-proxy/target/floor-proxy.jar)
#   --floor-seconds=N         floor comparison: length of each run (default 15, quick 5)
#   --floor-warmup-seconds=N  floor comparison: load on each target before measuring (default 60, quick 10)
#   --floor-repeats=N         floor comparison: runs per target, mode and concurrency (default 3, quick 1)
#   --help                    print this and exit
#
# The floor comparison alone, as a quick check: bench/run.sh --only=floor --quick
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

build=1
args=()
for arg in "$@"; do
	case "$arg" in
		--help | -h) usage; exit 0 ;;
		--no-build) build=0 ;;
		--quick | --profile | --jar=* | --only=* | --floor-jar=* | --floor-seconds=* | --floor-warmup-seconds=* \
			| --floor-repeats=*) args+=("$arg") ;;
		*) echo "Unknown option: $arg (see bench/run.sh --help)" >&2; exit 2 ;;
	esac
done

# A JDK >= 21: keep JAVA_HOME if it qualifies, otherwise pick the newest one installed.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p'; }
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(java_major "$JAVA_HOME")" -lt 21 ]; then
	JAVA_HOME=""
	for candidate in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
		candidate=${candidate%/}
		if [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate")" -ge 21 ]; then
			JAVA_HOME=$candidate
			break
		fi
	done
	[ -n "$JAVA_HOME" ] || { echo "A JDK >= 21 is required" >&2; exit 1; }
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
command -v redis-server >/dev/null || { echo "redis-server must be on the PATH (apt-get install redis-server)" >&2; exit 1; }

# Ten thousand streams need three sockets each across the processes started here.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

if [ "$build" = 1 ]; then
	# The loadtest and floor-proxy modules are part of the root build.
	./mvnw -q -B package -DskipTests
fi
# The class path comes from the reactor, so sibling modules are this checkout's classes, never a copy some other
# build installed in ~/.m2 (test-compile, as the ratelimit tests use the context-store test jar; a no-op when
# the classes are up to date).
./mvnw -q -B -o -pl loadtest -am test-compile dependency:build-classpath -DincludeScope=runtime \
	-Dmdep.outputFile=target/runtime-classpath.txt

out="bench-results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
echo "Writing $out/report.md (logs in $out/work)"
export BENCH_COMMAND="bench/run.sh $*"
exec java -Xmx2g -XX:+UseParallelGC -cp "loadtest/target/classes:$(cat loadtest/target/runtime-classpath.txt)" \
	io.toolgate.loadtest.bench.BenchmarkRunner --out="$out" "${args[@]}"
