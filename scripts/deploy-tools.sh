#!/usr/bin/env bash
# Installs kubernetes-validate (PyPI) into .build/deploy-venv, only if missing (idempotent), for the offline check of
# deploy/kubernetes against Kubernetes' schemas (DeployManifestTests). Without PyPI the test skips and says why.
set -uo pipefail
cd "$(dirname "$0")/.."
venv=.build/deploy-venv
if [ -x "$venv/bin/kubernetes-validate" ] && "$venv/bin/kubernetes-validate" --version >/dev/null 2>&1; then
  exit 0
fi
rm -rf "$venv"
mkdir -p .build
if ! python3 -m venv "$venv" || ! "$venv/bin/pip" install -q kubernetes-validate; then
  echo "warning: could not install kubernetes-validate from PyPI; DeployManifestTests.testManifestsPassKubernetesSchemas will skip" >&2
  rm -rf "$venv"
fi
exit 0
