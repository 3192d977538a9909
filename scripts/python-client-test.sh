#!/usr/bin/env bash
# Runs the official LoRAX Python client (lorax-client from PyPI) against `lorabench sim`, in a throwaway venv.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
venv=.build/python-client-venv
if [ ! -x "$venv/bin/pytest" ] || ! "$venv/bin/python" -c "import lorax" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  if ! "$venv/bin/pip" install -q lorax-client pytest; then
    echo "error: could not install lorax-client and pytest from PyPI (is PyPI reachable?)" >&2
    exit 1
  fi
fi
bin=$(swift build --show-bin-path)/lorabench
[ -x "$bin" ] || swift build --product lorabench
LORABENCH_BIN="$bin" "$venv/bin/pytest" -q Tests/python
