#!/usr/bin/env bash
# Installs the real programs the test suite checks lorabench against, only if missing (idempotent):
# Debian's Prometheus, promtool and Pushgateway (the push, PromQL read-back and `promtool check metrics` tests),
# and Chromium (the dashboards loaded in a headless browser, which the tests run with its networking off).
# Tests that need one skip with a message naming it when it is absent, so this is for CI and full local runs.
set -euo pipefail
need=()
command -v prometheus-pushgateway >/dev/null 2>&1 || need+=(prometheus-pushgateway)
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing test tools: ${need[*]}"
  $SUDO apt-get update -qq
  # No services are started here: the tests start their own instances on loopback ports.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
