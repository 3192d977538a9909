#!/usr/bin/env bash
# Quick start: install what is missing, build in release, run scenarios/quickstart.json on the embedded simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
bash scripts/install-deps.sh
swift build -c release --product lorabench
exec .build/release/lorabench run scenarios/quickstart.json "$@"
