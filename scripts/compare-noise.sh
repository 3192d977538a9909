#!/usr/bin/env bash
# The regression gate's honesty, by hand: N pairs of runs of one seeded simulator scenario (no change between them)
# must give no regression, and a simulator whose decode is 20 % slower must be flagged on TPOT/ITL/E2E and on no
# unrelated metric. Prints one line per comparison and a tally.
# Usage: scripts/compare-noise.sh [PAIRS=10] [SECONDS=5]; LORABENCH picks the binary (default .build/release/lorabench).
set -uo pipefail
cd "$(dirname "$0")/.."
pairs="${1:-10}"; secs="${2:-5}"
lb="${LORABENCH:-.build/release/lorabench}"
work="$(mktemp -d)"
scenario() {
  cat > "$work/s-$1.json" <<JSON
{"name":"noise","target":{"simulator":{"profile":"fast","decode_base_ms":$1,"seed":7}},"seed":7,
 "concurrency":8,"duration":"${secs}s","input_words":{"min":5,"max":8},"max_new_tokens":{"min":16,"max":16},
 "health":{"interval":"50ms","timeout":"5s"}}
JSON
  echo "$work/s-$1.json"
}
base="$(scenario 12)"; slow="$(scenario 14.4)"
run() { "$lb" run "$1" --out "$work/$2" --quiet --no-progress >/dev/null || { echo "run $2 failed" >&2; exit 1; }; echo "$work/$2"; }
false_alarms=0
for i in $(seq 1 "$pairs"); do
  a="$(run "$base" "a$i")"; b="$(run "$base" "b$i")"
  out="$("$lb" compare "$a" "$b" --format json)"; rc=$?
  flagged="$(python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)["regressions"]) or "-")' <<< "$out")"
  [ "$rc" -ne 0 ] && false_alarms=$((false_alarms + 1))
  echo "same scenario, pair $i: exit $rc, regressions: $flagged"
done
s="$(run "$slow" slow)"
out="$("$lb" compare "$work/a1" "$s" --format json)"; rc=$?
flagged="$(python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)["regressions"]) or "-")' <<< "$out")"
echo "decode 12 -> 14.4 ms (+20 %): exit $rc, regressions: $flagged"
echo "false alarms: $false_alarms of $pairs pairs"
rm -rf "$work"
