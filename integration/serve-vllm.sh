#!/usr/bin/env bash
# Starts vLLM's OpenAI-compatible server (CPU build) on 127.0.0.1 with the tiny model and its four LoRA adapters,
# waits until GET /health answers 200, and prints the server's PID. stop-vllm.sh stops it.
#
#   VLLM_VENV        venv from setup-vllm.sh               (default /work/.venv-vllm)
#   VLLM_MODEL_DIR   folder from make-model.py             (default /work/.vllm-model)
#   VLLM_PORT        port on 127.0.0.1                     (default 8000)
#   MAX_LORAS        adapters resident at once (--max-loras; 2 makes 4 adapters swap)   (default 4)
#   MAX_CPU_LORAS    adapters cached in CPU memory (--max-cpu-loras)                   (default MAX_LORAS)
#   VLLM_SERVED_NAME name of the base model in requests (--served-model-name)          (default base)
#   VLLM_DTYPE       --dtype                               (default bfloat16)
#   VLLM_RUN_DIR     where server.log and server.pid go    (default /work/.vllm-run)
#   VLLM_START_TIMEOUT  seconds to wait for /health        (default 600)
#   VLLM_CHAT_TEMPLATE  Jinja chat template for /v1/chat/completions (make-model.py's tokenizer has none, and
#                    transformers refuses a default one); default: the messages' contents joined, no role markers
#   VLLM_EXTRA_ARGS  more arguments for the server, word-split
#   SERVER_CPUS      taskset CPU list for the server (e.g. 1, with lorabench on 0: neither takes the other's core)
set -euo pipefail

VENV="${VLLM_VENV:-/work/.venv-vllm}"
MODEL_DIR="${VLLM_MODEL_DIR:-/work/.vllm-model}"
PORT="${VLLM_PORT:-8000}"
MAX_LORAS="${MAX_LORAS:-4}"
MAX_CPU_LORAS="${MAX_CPU_LORAS:-$MAX_LORAS}"
SERVED_NAME="${VLLM_SERVED_NAME:-base}"
DTYPE="${VLLM_DTYPE:-bfloat16}"
RUN_DIR="${VLLM_RUN_DIR:-/work/.vllm-run}"
TIMEOUT="${VLLM_START_TIMEOUT:-600}"
URL="http://127.0.0.1:$PORT"
# A literal template (vLLM reads --chat-template as a file when one exists by that name, else as the template).
CHAT_TEMPLATE="{% for m in messages %}{{ m['content'] }}{% endfor %}"
[ -n "${VLLM_CHAT_TEMPLATE:-}" ] && CHAT_TEMPLATE="$VLLM_CHAT_TEMPLATE"

mkdir -p "$RUN_DIR"
PIDFILE="$RUN_DIR/server.pid"
LOG="$RUN_DIR/server.log"

if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  echo "serve-vllm: a server is already running (PID $(cat "$PIDFILE")); run stop-vllm.sh first" >&2
  exit 1
fi
if curl -s -o /dev/null --max-time 2 "$URL/health"; then
  echo "serve-vllm: something already answers on $URL" >&2
  exit 1
fi
[ -x "$VENV/bin/python" ] || { echo "serve-vllm: no venv at $VENV (run setup-vllm.sh)" >&2; exit 1; }
[ -f "$MODEL_DIR/base/config.json" ] || { echo "serve-vllm: no model in $MODEL_DIR (run make-model.py)" >&2; exit 1; }

LORA_ARGS=()
for a in a1 a2 a3 a4; do LORA_ARGS+=("$a=$MODEL_DIR/adapters/$a"); done

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export VLLM_CPU_KVCACHE_SPACE="${VLLM_CPU_KVCACHE_SPACE:-1}"   # GiB of KV cache
export VLLM_NO_USAGE_STATS=1 DO_NOT_TRACK=1
export TOKENIZERS_PARALLELISM=false

# The server must not keep any descriptor of whoever started this script beyond 0-2: a caller that waits for them to
# close (lorabench sweep --cell-setup waits on a socket its child inherits) would otherwise wait as long as the server
# runs. So close every inherited descriptor above 2 before starting it.
for fd in $(ls /proc/$$/fd 2>/dev/null); do
  if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
done

# The `vllm` console script looks up the distribution "vllm", but the CPU build is installed as "vllm-cpu",
# so start the server module directly.
# shellcheck disable=SC2086
setsid ${SERVER_CPUS:+taskset -c "$SERVER_CPUS"} "$VENV/bin/python" -m vllm.entrypoints.openai.api_server \
  --model "$MODEL_DIR/base" \
  --served-model-name "$SERVED_NAME" \
  --tokenizer "$MODEL_DIR/base" \
  --dtype "$DTYPE" \
  --enable-lora --max-lora-rank 8 --max-loras "$MAX_LORAS" --max-cpu-loras "$MAX_CPU_LORAS" \
  --lora-modules "${LORA_ARGS[@]}" \
  --max-model-len 1024 \
  --chat-template "$CHAT_TEMPLATE" \
  --host 127.0.0.1 --port "$PORT" \
  ${VLLM_EXTRA_ARGS:-} \
  >"$LOG" 2>&1 </dev/null &
PID=$!
echo "$PID" >"$PIDFILE"
echo "serve-vllm: started PID $PID (max-loras $MAX_LORAS), log $LOG; waiting for $URL/health" >&2

deadline=$(( $(date +%s) + TIMEOUT ))
while :; do
  if ! kill -0 "$PID" 2>/dev/null; then
    echo "serve-vllm: the server exited during start-up; last lines of $LOG:" >&2
    tail -n 40 "$LOG" >&2
    rm -f "$PIDFILE"
    exit 1
  fi
  if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/health")" = "200" ]; then break; fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "serve-vllm: no healthy answer within ${TIMEOUT}s; stopping it" >&2
    tail -n 40 "$LOG" >&2
    "$(dirname "$0")/stop-vllm.sh" >&2 || true
    exit 1
  fi
  sleep 2
done
echo "serve-vllm: healthy after $(( TIMEOUT - (deadline - $(date +%s)) ))s" >&2
echo "$PID"
