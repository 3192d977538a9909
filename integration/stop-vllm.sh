#!/usr/bin/env bash
# Stops the server that serve-vllm.sh started (by the PID it wrote), SIGTERM first, SIGKILL after 30 s.
# The server runs in its own session (setsid), so its engine-core child process is stopped with it.
set -uo pipefail
RUN_DIR="${VLLM_RUN_DIR:-/work/.vllm-run}"
PIDFILE="$RUN_DIR/server.pid"
[ -f "$PIDFILE" ] || { echo "stop-vllm: no $PIDFILE; nothing to stop"; exit 0; }
PID="$(cat "$PIDFILE")"
if ! kill -0 "$PID" 2>/dev/null; then echo "stop-vllm: PID $PID is not running"; rm -f "$PIDFILE"; exit 0; fi
# setsid made PID the leader of its own process group: signal the group (the API server and its engine core).
kill -TERM -- "-$PID" 2>/dev/null || kill -TERM "$PID"
for _ in $(seq 1 30); do
  kill -0 "$PID" 2>/dev/null || break
  sleep 1
done
if kill -0 "$PID" 2>/dev/null || pgrep -g "$PID" >/dev/null 2>&1; then
  echo "stop-vllm: still running after 30 s; sending SIGKILL"
  kill -KILL -- "-$PID" 2>/dev/null || kill -KILL "$PID" 2>/dev/null
fi
sleep 1
rm -f "$PIDFILE"
echo "stop-vllm: stopped PID $PID"
