#!/usr/bin/env bash
# Makes sure Chromium is available for the browser tests. As root on Debian it installs Debian's
# package; otherwise it stops and prints the one command to run.
set -euo pipefail
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  echo "Usage: scripts/ensure-chromium.sh"
  echo "Installs Debian's chromium for the browser tests when missing (as root with apt-get); otherwise"
  echo "prints the command to install it and exits 1."
  exit 0
fi
bin="${CHROMIUM_BIN:-/usr/bin/chromium}"
if [ -x "$bin" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Chromium from Debian's packages for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi
echo "The browser tests need Chromium. Install it with: sudo apt-get install -y chromium" >&2
exit 1
