#!/usr/bin/env bash
# Removes an installed Nimbus by running the installed binary's `nimbus uninstall`.
set -euo pipefail

usage() {
  cat <<'EOF_USAGE'
Usage: scripts/uninstall.sh [--yes] [--keep-data]

Finds the installed Nimbus (/usr/lib/nimbus/nimbus, else `nimbus` on PATH) and runs
`nimbus uninstall` as root (through sudo when needed): stops and disables the service, removes the
unit, the binary and the `nimbus` user, and asks before deleting /etc/nimbus and /var/lib/nimbus
(the configuration, the database and the encryption key). It says what it deletes.

  --yes         do not ask: delete the data too (unless --keep-data)
  --keep-data   keep /etc/nimbus and /var/lib/nimbus
  -h, --help    this text
EOF_USAGE
}

die() {
  echo "uninstall.sh: $*" >&2
  exit 1
}

args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --yes | -y) args+=(--yes); shift ;;
    --keep-data) args+=(--keep-data); shift ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

if [ -x /usr/lib/nimbus/nimbus ]; then
  bin=/usr/lib/nimbus/nimbus
elif bin="$(command -v nimbus 2>/dev/null)"; then
  :
else
  die "Nimbus is not installed here: neither /usr/lib/nimbus/nimbus nor 'nimbus' on PATH was found"
fi

cmd=("$bin" uninstall "${args[@]}")
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "nimbus uninstall must run as root and sudo is not installed: run this as root"
  cmd=(sudo "${cmd[@]}")
fi
echo "running: ${cmd[*]}"
"${cmd[@]}"
