#!/usr/bin/env bash
# Makes sure isoinfo is available for the cidata ISO tests (tests/it/cidata_iso.rs). As root on
# Debian it installs Debian's genisoimage package; otherwise it stops and prints the one command.
set -euo pipefail
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  echo "Usage: scripts/ensure-isoinfo.sh"
  echo "Installs Debian's genisoimage (isoinfo) for the cidata ISO tests when missing (as root with"
  echo "apt-get); otherwise prints the command to install it and exits 1."
  exit 0
fi
if command -v isoinfo >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing genisoimage (isoinfo) from Debian's packages for the cidata ISO tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends genisoimage >/dev/null
  exit 0
fi
echo "The cidata ISO tests need isoinfo. Install it with: sudo apt-get install -y genisoimage" >&2
exit 1
