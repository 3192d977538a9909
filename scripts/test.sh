#!/usr/bin/env bash
# The whole test suite: Swift unit and integration tests, then the official Python LoRAX client against `lorabench sim`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
bash scripts/install-deps.sh
bash scripts/deploy-tools.sh
swift build --build-tests
swift test --skip-build --disable-swift-testing 2>&1 | tee .build/swift-test.log
bash scripts/python-client-test.sh
