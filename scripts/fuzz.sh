#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer of the SSE decoder + stream event parser (`sse`) and of the scenario
# loader (`scenario`). Builds the harness in Fuzz/ together with the few LoadGen/Stats sources it needs (no
# package dependencies) into .build-fuzz/, then runs it for SECONDS on a scratch copy of the seed corpus.
#
#   scripts/fuzz.sh sse 300            # fuzz the SSE path for 5 minutes
#   scripts/fuzz.sh scenario 300 -jobs=1
#   scripts/fuzz.sh all 120            # each target in turn
#   scripts/fuzz.sh sse coverage       # line coverage of the target's sources by the corpus found so far
#
# Crashes are written to .build-fuzz/<target>/crashes/; reproduce one with
#   .build-fuzz/<target>/fuzz-<target> .build-fuzz/<target>/crashes/crash-…
# New inputs found go to .build-fuzz/<target>/corpus (not the repo; minimise and copy by hand if worth keeping).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

target="${1:-}"; seconds="${2:-60}"; shift 2 2>/dev/null || true
if [ "$target" = all ]; then  # every target runs even when one finds a crash; the exit status says if any did
  status=0
  for t in summary; do "$0" "$t" "$seconds" "$@" || status=$?; done
  exit "$status"
fi

S=Sources/Stats L=Sources/LoadGen
config_files=(Sources/ConfigIssues/ConfigIssue.swift Sources/ConfigIssues/Suggestion.swift)
case "$target" in
  sse|scenario)
    # The scenario type now reaches the task workloads' Quality module, which builds on Yams (C sources): this
    # script compiles modules from plain Swift files and cannot build those targets any more. Said, not faked.
    echo "fuzz.sh: the $target target does not build since task workloads (Scenario -> Quality -> Yams, C sources);" \
         "its last figures are in docs/reliability.md; the summary target still runs" >&2
    exit 2 ;;
  summary)
    # The readers of summary.json need the whole Stats module and the HDR histogram package it builds on.
    [ -d .build/checkouts/hdrhistogram-swift ] || swift package resolve >/dev/null
    histogram_files=(.build/checkouts/hdrhistogram-swift/Sources/Histogram/*.swift)
    numerics=.build/checkouts/swift-numerics/Sources
    mapfile -t stats_files < <(find $S -name '*.swift' | sort)
    loadgen_files=()
    harness=Fuzz/SummaryFuzz.swift
    max_len=262144; dict=Fuzz/summary.dict ;;
  *)
    echo "usage: $0 sse|scenario|summary|all SECONDS [libFuzzer flags...]" >&2
    exit 2 ;;
esac

out=".build-fuzz/$target"
mkdir -p "$out/crashes" "$out/corpus"

build() {  # build DIR FLAGS...: the modules the target needs, then the harness linked with libFuzzer
  local dir="$1"; shift
  mkdir -p "$dir"
  if [ "$target" = summary ]; then
    # Histogram needs swift-numerics' RealModule (and its C shim headers); a one-line Numerics re-exports it.
    local shims="$numerics/_NumericsShims/include"
    swiftc "$@" -wmo -module-name RealModule -I "$shims" -emit-module -emit-module-path "$dir/RealModule.swiftmodule" \
      -c -o "$dir/RealModule.o" "$numerics"/RealModule/*.swift
    echo '@_exported import RealModule' > "$dir/Numerics.swift"
    swiftc "$@" -wmo -module-name Numerics -I "$dir" -I "$shims" -emit-module -emit-module-path "$dir/Numerics.swiftmodule" \
      -c -o "$dir/Numerics.o" "$dir/Numerics.swift"
    swiftc "$@" -wmo -module-name Histogram -I "$dir" -I "$shims" -emit-module -emit-module-path "$dir/Histogram.swiftmodule" \
      -c -o "$dir/Histogram.o" "${histogram_files[@]}"
    swiftc "$@" -wmo -module-name Stats -I "$dir" -I "$shims" -emit-module -emit-module-path "$dir/Stats.swiftmodule" \
      -c -o "$dir/Stats.o" "${stats_files[@]}"
    swiftc "$@" -module-name "Fuzz_$target" -I "$dir" -I "$shims" "$harness" "$dir/RealModule.o" "$dir/Numerics.o" \
      "$dir/Histogram.o" "$dir/Stats.o" -o "$dir/fuzz-$target"
    return
  fi
  swiftc "$@" -wmo -module-name ConfigIssues -emit-module -emit-module-path "$dir/ConfigIssues.swiftmodule" \
    -c -o "$dir/ConfigIssues.o" "${config_files[@]}"
  swiftc "$@" -wmo -module-name Stats -emit-module -emit-module-path "$dir/Stats.swiftmodule" \
    -c -o "$dir/Stats.o" "${stats_files[@]}"
  swiftc "$@" -wmo -module-name LoadGen -I "$dir" -emit-module -emit-module-path "$dir/LoadGen.swiftmodule" \
    -c -o "$dir/LoadGen.o" "${loadgen_files[@]}"
  swiftc "$@" -module-name "Fuzz_$target" -I "$dir" "$harness" "$dir/ConfigIssues.o" "$dir/Stats.o" "$dir/LoadGen.o" -o "$dir/fuzz-$target"
}

if [ "$seconds" = coverage ]; then
  # Same harness with clang-style coverage instead of ASan; runs every corpus input once.
  echo "building $out/cov/fuzz-$target (coverage)"
  build "$out/cov" -parse-as-library -sanitize=fuzzer -profile-generate -profile-coverage-mapping -Onone -swift-version 6
  rm -f "$out"/cov/*.profraw
  LLVM_PROFILE_FILE="$out/cov/%p.profraw" "$out/cov/fuzz-$target" -runs=0 "$out/corpus" Fuzz/corpus/"$target" \
    >"$out/cov/run.log" 2>&1
  llvm-profdata merge -sparse "$out"/cov/*.profraw -o "$out/cov/merged.profdata"
  llvm-cov report "$out/cov/fuzz-$target" -instr-profile="$out/cov/merged.profdata" "${loadgen_files[@]}" "${stats_files[@]}"
  exit 0
fi

# -sanitize=fuzzer instruments for coverage (and links libFuzzer's main into the final binary only).
echo "building $out/fuzz-$target"
build "$out" -parse-as-library -sanitize=fuzzer,address -O -g -swift-version 6

echo "running $target for ${seconds}s"
# -timeout: one input taking over 10 s is a hang worth reporting; -rss_limit_mb guards the 2-core box.
"$out/fuzz-$target" "$out/corpus" Fuzz/corpus/"$target" -max_total_time="$seconds" -max_len="$max_len" \
  -dict="$dict" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/crashes/" "$@" 2>&1 | tee "$out/last-run.log"
