#!/usr/bin/env bash
# The Swift test suite under AddressSanitizer and ThreadSanitizer, each in its own build folder so the normal
# .build is untouched. Extra arguments go to `swift test` (e.g. --filter LoadGenTests to run a subset).
#
#   scripts/sanitizers.sh                 # both sanitizers, whole suite
#   SANITIZERS=thread scripts/sanitizers.sh --filter 'FaultTests|GroundTruthTests'
#
# Logs: .build-asan/sanitizer-test.log and .build-tsan/sanitizer-test.log. Exit status is non-zero when a
# sanitizer reported anything, the test process crashed, or a test failed other than the ones that assert
# wall-clock precision (TIMING_TESTS): those compare client and server latencies to the millisecond and cannot
# hold under a 2-20x sanitizer slowdown; their failures are listed but do not count (they still run, so the
# sanitizers see the 200-VU code paths they drive).
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
bash scripts/install-deps.sh

# halt_on_error=0 keeps TSan going after the first report so one run lists every race.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}"
TIMING_TESTS="${TIMING_TESTS:-GroundTruthTests\.testTTFTAndITLAgreeWithServerGroundTruthUnder200VUs|GroundTruthTests\.testRecordsMatchTheClient|LatencyModelTests\.}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1:history_size=4}"

status=0
for san in ${SANITIZERS:-address thread}; do
  case "$san" in
    address) dir=.build-asan ;;
    thread) dir=.build-tsan ;;
    *) echo "unknown sanitizer $san" >&2; exit 2 ;;
  esac
  mkdir -p "$dir"
  log="$dir/sanitizer-test.log"
  echo "== $san sanitizer: building in $dir"
  if ! swift build --build-tests --sanitize="$san" --scratch-path "$dir" 2>&1 | tail -n 3; then status=1; continue; fi
  echo "== $san sanitizer: testing (log in $log)"
  swift test --skip-build --sanitize="$san" --scratch-path "$dir" --disable-swift-testing "$@" >"$log" 2>&1
  rc=$?
  reports=$(grep -c -E "^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: AddressSanitizer)" "$log" || true)
  summary=$(grep -E "Executed [0-9]+ tests" "$log" | tail -n 1)
  failed=$(grep -oE "Test Case '[^']+' failed" "$log" | sed -E "s/Test Case '(.*)' failed/\1/" | sort -u || true)
  timing=$(printf '%s\n' "$failed" | grep -E "$TIMING_TESTS" || true)
  real=$(printf '%s\n' "$failed" | grep -vE "$TIMING_TESTS" | grep -v '^$' || true)
  echo "== $san sanitizer: exit $rc, ${reports} sanitizer report(s); ${summary:-no test summary (crashed?)}"
  [ -n "$timing" ] && echo "   timing-precision failures (not counted): $(echo $timing)"
  [ -n "$real" ] && echo "   FAILED: $(echo $real)"
  if [ "$reports" -ne 0 ] || [ -z "$summary" ] || [ -n "$real" ]; then status=1; fi
done
exit "$status"
