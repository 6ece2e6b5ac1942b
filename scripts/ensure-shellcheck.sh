#!/usr/bin/env bash
# Makes sure shellcheck is available for `make test-scripts`. As root on Debian it installs
# Debian's package; otherwise it stops and prints the one command to run.
set -euo pipefail
case "${1:-}" in
  -h | --help)
    echo "Usage: scripts/ensure-shellcheck.sh"
    echo "Installs shellcheck from Debian's packages when it is missing and this runs as root with"
    echo "apt-get; otherwise prints the command to install it and exits 1."
    exit 0 ;;
esac
if command -v shellcheck >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing shellcheck from Debian's packages for the script checks..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends shellcheck >/dev/null
  exit 0
fi
echo "The script checks need shellcheck. Install it with: sudo apt-get install -y shellcheck" >&2
exit 1
