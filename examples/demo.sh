#!/usr/bin/env bash
# Headwatch demo: builds everything, starts the collector, runs the semantic-search example under
# the agent, and shows what arrived. Usage: bash examples/demo.sh [--no-wait]
set -euo pipefail
cd "$(dirname "$0")/.."

OTLP_PORT=${HEADWATCH_DEMO_OTLP_PORT:-4318}
API_PORT=${HEADWATCH_DEMO_API_PORT:-9464}
API="http://127.0.0.1:${API_PORT}"
DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/headwatch-demo.XXXXXX")
MODEL=all-minilm-l6-v2

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Building the agent, the collector and the example (mvn package, tests skipped)"
mvn -B -q -DskipTests -pl agent,collector,examples/semantic-search -am package

say "Starting the collector (OTLP on :${OTLP_PORT}, API and /metrics on :${API_PORT}, data in ${DATA_DIR})"
java -Xmx640m -jar collector/target/headwatch-collector.jar --otlp-port "$OTLP_PORT" --http-port "$API_PORT" \
  --data-dir "$DATA_DIR" > "$DATA_DIR/collector.log" 2>&1 &
COLLECTOR=$!
trap 'kill "$COLLECTOR" 2>/dev/null || true; wait "$COLLECTOR" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "API and /metrics on" "$DATA_DIR/collector.log" 2>/dev/null && break
  if ! kill -0 "$COLLECTOR" 2>/dev/null; then cat "$DATA_DIR/collector.log"; exit 1; fi
  sleep 0.2
done
head -n 1 "$DATA_DIR/collector.log"

say "Running the semantic-search example under the agent (every inference sampled)"
echo "java -javaagent:agent/target/headwatch-agent.jar=sampling.rate=1.0,overhead.budget=none,queue.capacity=1000,model.name=${MODEL} -jar examples/semantic-search/target/semantic-search.jar --query ..."
OTEL_SERVICE_NAME=semantic-search \
OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:${OTLP_PORT}" \
OTEL_METRIC_EXPORT_INTERVAL=2000 \
java -javaagent:agent/target/headwatch-agent.jar=sampling.rate=1.0,overhead.budget=none,queue.capacity=1000,model.name=${MODEL} \
  -jar examples/semantic-search/target/semantic-search.jar \
  --query "how do I get my money back" \
  --query "my parcel has not arrived" \
  --query "what makes the sky blue" \
  --top 3

sleep 1
say "Models the collector has seen (GET ${API}/api/models)"
curl -s "${API}/api/models"; echo

say "Attention heads of ${MODEL}: normalised entropy per layer and head (GET ${API}/api/models/${MODEL}/heads)"
java examples/demo/HeadGrid.java "$API" "$MODEL" entropy
say "... and the first-token (sink) mass"
java examples/demo/HeadGrid.java "$API" "$MODEL" sink_mass

say "The most unusual predictions (GET ${API}/api/predictions?model=${MODEL}&limit=3)"
curl -s "${API}/api/predictions?model=${MODEL}&limit=3" \
  | grep -oE '"(trace_id|input_tokens|max_deviation)":[^,]*' | paste - - - || true

say "Some of what Prometheus would scrape (GET ${API}/metrics)"
curl -s "${API}/metrics" | grep -E '^headwatch_(inference_duration_seconds_count|agent_inferences_total|attention_entropy_sum\{[^}]*headwatch_head="0",[^}]*headwatch_layer="0")' | head -5

# The most unusual prediction: the first of the API's default order (largest deviation first).
TOP_TRACE=$(curl -s "${API}/api/predictions?model=${MODEL}&limit=1" \
  | grep -oE '"trace_id":"[0-9a-f]{32}"' | head -n 1 | cut -d '"' -f 4 || true)

echo
echo "Where to look next (in a browser; docs/pages.md):"
printf '  %-62s %s\n' "${API}/models" "the models" \
  "${API}/models/${MODEL}" "each head against its own baseline" \
  "${API}/predictions?model=${MODEL}" "predictions, most unusual first"
echo "and the JSON behind them under ${API}/api/ (docs/api.md); Prometheus: ${API}/metrics"

if [ -n "$TOP_TRACE" ]; then
  say "The most unusual prediction's page"
  echo "${API}/predictions/${TOP_TRACE}"
fi

if [ "${1:-}" != "--no-wait" ] && [ -t 0 ]; then
  echo
  read -r -p "The collector keeps running; press Enter to stop it. " _
fi
