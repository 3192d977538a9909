# Sourced by by-hand harnesses that time requests on the wire (integration/wire.py): a packet capture of one
# loopback port around a run, and the Python (with dpkt, from PyPI, in a throwaway venv under .build/) to read it.
# Needs tcpdump (Debian's tcpdump) and the right to capture on lo (root); without them, wire_start says why and
# returns 1, and the harness goes on without the wire's figures.

# wire_python: prints a python3 that imports dpkt (WIRE_PYTHON, else .build/wire-venv, made on first use).
wire_python() {
  if [ -n "${WIRE_PYTHON:-}" ]; then echo "$WIRE_PYTHON"; return; fi
  local venv="${WIRE_VENV:-$(pwd)/.build/wire-venv}"
  if ! "$venv/bin/python" -c 'import dpkt' 2>/dev/null; then
    python3 -m venv "$venv" >&2 && "$venv/bin/pip" install -q dpkt >&2 || return 1
  fi
  echo "$venv/bin/python"
}

# wire_start PORT FILE: starts tcpdump on lo for tcp port PORT into FILE; sets wire_pid.
wire_start() {
  wire_pid=""
  command -v tcpdump >/dev/null || { echo "wire: no tcpdump (apt-get install tcpdump); no packet timing" >&2; return 1; }
  tcpdump -i lo -s 0 -B 65536 -U -w "$2" "tcp port $1" 2> "$2.log" &
  wire_pid=$!
  sleep 1
  kill -0 "$wire_pid" 2>/dev/null || { echo "wire: tcpdump could not capture on lo: $(tail -1 "$2.log")" >&2; wire_pid=""; return 1; }
}

# wire_stop: stops the capture (flushing it).
wire_stop() {
  [ -n "${wire_pid:-}" ] || return 0
  kill -INT "$wire_pid" 2>/dev/null || true
  wait "$wire_pid" 2>/dev/null || true
  wire_pid=""
}
