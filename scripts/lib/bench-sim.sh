# Sourced by the by-hand benchmark scripts: release build, and a `lorabench sim` in the background that is
# stopped when the script exits. Sets $bin (the release binary) and $out (a fresh temporary folder).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product lorabench >/dev/null
bin=.build/release/lorabench
out=$(mktemp -d)

# start_sim PORT SETTINGS_JSON: serves the simulator with those settings on 127.0.0.1:PORT
# (SIM_CPUS: a taskset CPU list for it, so client and server need not share cores; SIM_REALTIME=1: under
# `chrt -f 10`, so its own lateness in reading requests and writing tokens does not pass for the client's error).
start_sim() {
  echo "$2" > "$out/sim.json"
  ${SIM_CPUS:+taskset -c "$SIM_CPUS"} ${SIM_REALTIME:+chrt -f 10} "$bin" sim --port "$1" --config "$out/sim.json" > "$out/sim.log" 2>&1 &
  sim_pid=$!
  trap 'kill $sim_pid 2>/dev/null || true' EXIT
  sleep 1
}
