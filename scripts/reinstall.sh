#!/usr/bin/env bash
# Builds Nimbus from this checkout (scripts/build.sh) and installs the new binary over the
# installed one, or, with --clean, uninstalls first (asking before it deletes any data) and
# installs afresh.
set -euo pipefail

usage() {
  cat <<'EOF_USAGE'
Usage: scripts/reinstall.sh [--clean] [-- INSTALL-ARGS...]

Builds the portal and the release binary from this checkout with scripts/build.sh (into dist/ in
the repository), then, as root (through sudo when needed):

  (default)   dist/nimbus-linux-<arch> install --upgrade: swaps the installed binary atomically,
              restarts the service, waits for health and puts the old binary back if it fails
  --clean     dist/nimbus-linux-<arch> uninstall, then install: uninstall lists the settings and
              the data (/etc/nimbus, /var/lib/nimbus: configuration, database, encryption key) and
              asks before deleting them; answer no to keep them for the fresh install

INSTALL-ARGS after `--` go to `nimbus install` (and to `nimbus uninstall` with --clean, only
--root DIR and --systemctl PATH).
  -h, --help  this text
EOF_USAGE
}

die() {
  echo "reinstall.sh: $*" >&2
  exit 1
}

clean=0
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --clean) clean=1; shift ;;
    --) shift; break ;;
    *) die "unknown argument '$1' (install arguments go after --; see --help)" ;;
  esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "$(uname -m)" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) die "unsupported architecture $(uname -m)" ;;
esac
sudo=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "installing needs root and sudo is not installed: run this as root"
  sudo=(sudo)
fi

"$repo/scripts/build.sh" --out "$repo/dist"
bin="$repo/dist/nimbus-linux-$arch"

if [ "$clean" = 1 ]; then
  # Only the options uninstall shares with install.
  uninstall_args=()
  rest=("$@")
  for ((i = 0; i < ${#rest[@]}; i++)); do
    case "${rest[i]}" in
      --root | --systemctl) uninstall_args+=("${rest[i]}" "${rest[i + 1]:-}"); i=$((i + 1)) ;;
      --root=* | --systemctl=*) uninstall_args+=("${rest[i]}") ;;
    esac
  done
  echo "running: ${sudo[*]} $bin uninstall ${uninstall_args[*]}"
  "${sudo[@]}" "$bin" uninstall "${uninstall_args[@]}"
  echo "running: ${sudo[*]} $bin install $*"
  "${sudo[@]}" "$bin" install "$@"
else
  echo "running: ${sudo[*]} $bin install --upgrade $*"
  "${sudo[@]}" "$bin" install --upgrade "$@"
fi
