#!/usr/bin/env bash
# Checks the dashboards and alert rules against a running Toolgate with a real Prometheus:
#   1. promtool check rules / promtool test rules on alerts/;
#   2. starts Prometheus (Debian's package) scraping the app every 2 seconds, waits for a few good scrapes;
#   3. evaluates every dashboard panel query through /api/v1/query and fails if any returns no series.
# Usage: grafana/check-dashboards.sh --app http://127.0.0.1:9090 [--skip METRIC]...
# --app is the management port (management.server.port, default 9090), where /actuator/prometheus is served.
# Queries referring to a --skip metric (one the app cannot export in the environment at hand) are reported
# and not evaluated. Needs prometheus, promtool, curl and python3; exits non-zero if any is missing.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
app=""
skips=()
while [[ $# -gt 0 ]]; do
	case "$1" in
		--app) app="$2"; shift 2 ;;
		--skip) skips+=("$2"); shift 2 ;;
		*) echo "unknown argument: $1" >&2; exit 2 ;;
	esac
done
[[ -n "$app" ]] || { echo "usage: $0 --app MANAGEMENT_BASE_URL [--skip METRIC]..." >&2; exit 2; }

for tool in prometheus promtool curl python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "FAIL: '$tool' is not installed (apt-get install -y --no-install-recommends prometheus curl python3)" >&2
		exit 3
	fi
done

echo "== promtool check rules"
promtool check rules "$here/alerts/toolgate-rules.yaml"
echo "== promtool test rules"
promtool test rules "$here/alerts/toolgate-rules.test.yaml"

work="$(mktemp -d)"
prom_pid=""
cleanup() {
	if [[ -n "$prom_pid" ]]; then
		kill "$prom_pid" 2>/dev/null || true
		wait "$prom_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
target="${app#*://}"
target="${target%%/*}"
cat > "$work/prometheus.yml" <<CONF
global:
  scrape_interval: 2s
  scrape_timeout: 2s
  evaluation_interval: 2s
scrape_configs:
  - job_name: toolgate
    metrics_path: /actuator/prometheus
    static_configs:
      - targets: ['$target']
CONF

echo "== starting Prometheus on 127.0.0.1:$port scraping $target"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
	--web.listen-address="127.0.0.1:$port" >"$work/prometheus.log" 2>&1 &
prom_pid=$!

export PROM_URL="http://127.0.0.1:$port" DASHBOARDS="$here/dashboards" SKIPS="${skips[*]:-}" PROM_LOG="$work/prometheus.log"
python3 - <<'PY'
import glob, json, os, re, sys, time, urllib.parse, urllib.request

prom = os.environ["PROM_URL"]
skips = set(os.environ["SKIPS"].split())

def query(expr):
    url = prom + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=10) as response:
        body = json.load(response)
    if body.get("status") != "success":
        raise RuntimeError(body)
    return body["data"]["result"]

WINDOW = "30s"

def good_scrapes(window):
    result = query('sum_over_time(up{job="toolgate"}[%s])' % window)
    return int(float(result[0]["value"][1])) if result else 0

# Wait for Prometheus, then for enough good scrapes that every rate window holds several samples. On a busy
# machine a scrape may time out (up == 0); those are tolerated as long as enough succeed.
deadline = time.time() + 120
good = 0
while time.time() < deadline:
    try:
        good = good_scrapes(WINDOW)
        if good >= 4:
            break
    except Exception:
        pass
    time.sleep(1)
else:
    try:
        with urllib.request.urlopen(prom + "/api/v1/targets", timeout=10) as response:
            print(json.dumps(json.load(response)["data"]["activeTargets"], indent=1)[:3000])
    except Exception as ex:
        print(open(os.environ["PROM_LOG"]).read()[-3000:], ex)
    sys.exit("FAIL: Prometheus did not scrape the app (%d good scrapes in %s)" % (good, WINDOW))
print("Prometheus scraped the app: %d good scrapes in the last %s" % (good, WINDOW))

failures, checked, skipped = [], 0, 0
for path in sorted(glob.glob(os.path.join(os.environ["DASHBOARDS"], "*.json"))):
    dashboard = json.load(open(path))
    for panel in dashboard.get("panels", []):
        for target in panel.get("targets", []):
            expr = target["expr"].replace("$__rate_interval", WINDOW).replace("$__interval", WINDOW)
            name = "%s / %s [%s]" % (os.path.basename(path), panel["title"], target["refId"])
            if any(re.search(r"\b%s\w*\b" % re.escape(s), expr) for s in skips):
                skipped += 1
                print("SKIP  %s (metric not exported in this environment)" % name)
                continue
            checked += 1
            try:
                result = query(expr)
            except Exception as ex:
                failures.append("%s: query error %s" % (name, ex))
                continue
            if not result:
                failures.append("%s: no series for %s" % (name, expr))
            else:
                print("OK    %s (%d series)" % (name, len(result)))
print("%d queries evaluated, %d skipped" % (checked, skipped))
if failures:
    print("\n".join("FAIL  " + f for f in failures))
    sys.exit(1)
PY
echo "== all dashboard queries return data"
