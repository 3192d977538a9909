#!/usr/bin/env bash
# lorabench nightly: one tagged run of SCENARIO, compared with the last good nights, pushed to a Pushgateway, and the
# trend dashboard rebuilt. A night is "good" (and joins later baselines) when its thresholds held and it did not regress.
#
# Usage: deploy/nightly/nightly.sh SCENARIO
# Environment (all optional):
#   LORABENCH      the lorabench binary (default: lorabench on PATH, else .build/release/lorabench)
#   RESULTS_ROOT   where nights accumulate, one folder each (default: results/nightly)
#   BASELINE_RUNS  how many of the last good nights make the baseline (default: 5)
#   TOLERANCE      compare's tolerance in percent (default: 10)
#   FAIL_ON        comma-separated gates, e.g. "ttft.p95:+10%,itl.p50:+10%,output_token_throughput:-10%"
#                  (default: every default metric beyond TOLERANCE and beyond noise)
#   PUSH_GATEWAY   a Pushgateway base URL; each night replaces the previous one in the group of its scenario and tags
#   TAGS           space-separated key=value tags (default: night=<UTC date>)
#   SETS           space-separated scenario overrides passed as --set (e.g. "target.url=http://gw:8080")
# Prints what it did; writes compare.md and compare.junit.xml into the night's folder and index.html into RESULTS_ROOT.
# Exit: 0 a good night; 99 thresholds crossed or a significant regression; 104 the scenario changed (not comparable);
# otherwise lorabench's own exit code (1: the run could not be carried out).
set -uo pipefail

scenario="${1:?usage: nightly.sh SCENARIO}"
lb="${LORABENCH:-$(command -v lorabench || echo .build/release/lorabench)}"
root="${RESULTS_ROOT:-results/nightly}"
keep="${BASELINE_RUNS:-5}"
tolerance="${TOLERANCE:-10}"
name="$(basename "$scenario" .json)"
night="$root/$name-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$root"

args=(run "$scenario" --out "$night" --quiet --no-progress --jsonl)
for t in ${TAGS:-night=$(date -u +%F)}; do args+=(--tag "$t"); done
for s in ${SETS:-}; do args+=(--set "$s"); done
[ -n "${PUSH_GATEWAY:-}" ] && args+=(--push-gateway "$PUSH_GATEWAY")

echo "nightly: $lb ${args[*]}"
"$lb" "${args[@]}"
run_rc=$?
if [ ! -f "$night/summary.json" ]; then
  echo "nightly: the run wrote no summary (exit $run_rc); nothing to compare" >&2
  exit "$run_rc"
fi

# The last good nights of this scenario, oldest first (folder names sort by time).
mapfile -t good < <(for d in "$root/$name"-*/; do [ -f "$d/GOOD" ] && echo "${d%/}"; done | sort | tail -n "$keep")
cmp_rc=0
if [ ${#good[@]} -eq 0 ]; then
  echo "nightly: no good night of $name yet; this one is the first baseline if it passes"
else
  gates=()
  IFS=',' read -ra fail_on <<< "${FAIL_ON:-}"
  for g in "${fail_on[@]}"; do [ -n "$g" ] && gates+=(--fail-on "$g"); done
  cmp=(compare "${good[@]}" "$night" --tolerance "$tolerance" "${gates[@]}")
  echo "nightly: $lb ${cmp[*]}"
  "$lb" "${cmp[@]}"
  cmp_rc=$?
  "$lb" "${cmp[@]}" --format markdown > "$night/compare.md" 2>/dev/null
  "$lb" "${cmp[@]}" --format junit > "$night/compare.junit.xml" 2>/dev/null
fi

summaries=()
for d in "$root"/*/; do [ -f "$d/summary.json" ] && summaries+=("$d"); done
"$lb" report "${summaries[@]}" --format html --out "$root/index.html" && echo "nightly: dashboard $root/index.html (${#summaries[@]} runs)"

if [ "$run_rc" -eq 0 ] && [ "$cmp_rc" -eq 0 ]; then
  touch "$night/GOOD"
  echo "nightly: $night is good"
  exit 0
fi
[ "$run_rc" -ne 0 ] && { echo "nightly: run exit $run_rc (thresholds crossed or the run failed): $night" >&2; exit "$run_rc"; }
echo "nightly: compare exit $cmp_rc ($( [ "$cmp_rc" -eq 99 ] && echo "significant regression" || echo "not comparable" )): $night" >&2
exit "$cmp_rc"
