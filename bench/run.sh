#!/usr/bin/env bash
# Toolgate benchmark: builds once, starts a private Redis, the simulators and Toolgate, runs the five measurements
# (overhead against a direct baseline, open streams, tool fan-out, concurrent agents, Redis round trips and the
# rate-limit check's cost) and writes bench-results/<timestamp>/report.md.
#
#   bench/run.sh [--quick] [--profile] [--no-build] [--jar=PATH] [--only=overhead,streams,fanout,agents,redis]
#
#   --quick     smaller and shorter
#   --profile   record every Toolgate with JFR and summarise where its CPU went
#   --no-build  reuse the jars already built
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
args=()
for arg in "$@"; do
	case "$arg" in
		--no-build) build=0 ;;
		--quick | --profile | --jar=* | --only=*) args+=("$arg") ;;
		*) echo "Unknown option: $arg" >&2; exit 2 ;;
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
	# The loadtest module is part of the root build.
	./mvnw -q -B install -DskipTests
fi
./mvnw -q -B -o -f loadtest/pom.xml dependency:build-classpath -Dmdep.includeScope=runtime \
	-Dmdep.outputFile=target/runtime-classpath.txt

out="bench-results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
echo "Writing $out/report.md (logs in $out/work)"
export BENCH_COMMAND="bench/run.sh $*"
exec java -Xmx2g -XX:+UseParallelGC -cp "loadtest/target/classes:$(cat loadtest/target/runtime-classpath.txt)" \
	io.toolgate.loadtest.bench.BenchmarkRunner --out="$out" "${args[@]}"
