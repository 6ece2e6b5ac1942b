#!/usr/bin/env bash
# Makes sure systemd-analyze is available for the installer tests (tests/it/install), which
# verify the unit `nimbus install` writes and check its exposure score. As root on Debian it
# installs Debian's systemd package (the service manager does not need to run); otherwise those
# two checks are skipped with a printed reason.
set -euo pipefail
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  echo "Usage: scripts/ensure-systemd-analyze.sh"
  echo "Installs Debian's systemd (systemd-analyze) for the installer tests when missing (as root with"
  echo "apt-get); otherwise prints a note that those checks are skipped."
  exit 0
fi
if command -v systemd-analyze >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing systemd (systemd-analyze) from Debian's packages for the installer tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd >/dev/null
  exit 0
fi
echo "note: systemd-analyze is missing, so the installer tests skip verifying the unit (sudo apt-get install -y systemd)" >&2
