#!/usr/bin/env bash
# Installs (or upgrades) Nimbus from a published release: downloads the binary for this machine's
# architecture and the release's SHA256SUMS, refuses the binary unless its checksum is listed and
# matches, then runs `nimbus install` with it.
set -euo pipefail

# Filled in by scripts/build.sh when NIMBUS_RELEASE_BASE is set at build time.
built_in_base=""

usage() {
  cat <<'EOF'
Usage: quickinstall.sh [--upgrade] [--base URL] [-- INSTALL-ARGS...]

Downloads nimbus-linux-<arch> (x86_64 or aarch64) and SHA256SUMS from the release base URL,
checks the binary against SHA256SUMS, and runs `nimbus install` with it as root (through sudo
when needed). INSTALL-ARGS after `--` go to `nimbus install` (see `nimbus install --help`).

  --upgrade     run `nimbus install --upgrade`: swap the binary of an installed Nimbus and
                restart it, putting the old one back if the new one does not become healthy
  --base URL    where the release's assets are, e.g. https://example.org/nimbus/releases/v1.0.0
                (else NIMBUS_RELEASE_BASE from the environment, else the base built into this
                script when it was published with a release)
  -h, --help    this text

The binary is refused, and nothing is installed, when SHA256SUMS cannot be downloaded, does not
list the binary, or lists another checksum. The sums come from the same place as the binary, so
they prove it arrived intact, not who made it: anyone able to change the release can change both.
Use an https base you trust.

Needs Linux, curl or wget, and sha256sum. Downloads go to a temporary directory (under $TMPDIR,
else /tmp) that is removed on exit; if that file system is mounted noexec, set TMPDIR to one that
is not.
EOF
}

die() {
  echo "quickinstall.sh: $*" >&2
  exit 1
}

# Everything runs inside main, so a download cut short (curl ... | bash) runs nothing.
main() {
  local upgrade=0 base="" arch asset expected actual
  while [ $# -gt 0 ]; do
    case "$1" in
      -h | --help) usage; exit 0 ;;
      --upgrade) upgrade=1; shift ;;
      --base)
        [ -n "${2:-}" ] || die "--base needs a URL, e.g. --base https://example.org/nimbus/releases/v1.0.0"
        base="$2"; shift 2 ;;
      --base=*) base="${1#--base=}"; shift ;;
      --) shift; break ;;
      *) die "unknown argument '$1' (install arguments go after --; see --help)" ;;
    esac
  done

  [ "$(uname -s)" = Linux ] || die "Nimbus runs on Linux only (this is $(uname -s))"
  case "$(uname -m)" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) die "no Nimbus release for $(uname -m): releases are built for x86_64 and aarch64" ;;
  esac

  if [ -z "$base" ]; then
    base="${NIMBUS_RELEASE_BASE:-$built_in_base}"
  fi
  if [ -z "$base" ]; then
    die "no release base: give the URL the release's assets are published under with --base URL" \
      "or NIMBUS_RELEASE_BASE=URL (e.g. https://github.com/OWNER/nimbus/releases/download/v1.0.0)," \
      "or use the quickinstall.sh published with a release, which has it built in"
  fi
  case "$base" in
    http://* | https://*) ;;
    *) die "the release base must be an https:// URL (got '$base')" ;;
  esac
  base="${base%/}"

  if command -v curl >/dev/null 2>&1; then
    fetch() { curl -fsSL --retry 2 -o "$2" "$1"; }
  elif command -v wget >/dev/null 2>&1; then
    fetch() { wget -q -O "$2" "$1"; }
  else
    die "needs curl or wget to download the release: install one (e.g. sudo apt-get install -y curl)"
  fi
  command -v sha256sum >/dev/null 2>&1 ||
    die "needs sha256sum to check the download (Debian/Ubuntu package coreutils)"

  asset="nimbus-linux-$arch"
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/nimbus-quickinstall.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT # tmp is global: the trap runs after main returns

  echo "downloading $base/SHA256SUMS"
  fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS" ||
    die "cannot download SHA256SUMS from $base: refusing to install a binary that cannot be checked" \
      "(is the base right? it must hold $asset and SHA256SUMS)"
  # sha256sum lines: "<64 hex>  NAME" (or " *NAME" for binary mode).
  expected="$(awk -v name="$asset" '($2 == name || $2 == "*" name) && $1 ~ /^[0-9a-f]+$/ && length($1) == 64 { print $1; exit }' "$tmp/SHA256SUMS")"
  [ -n "$expected" ] ||
    die "SHA256SUMS does not list $asset: refusing to install an unchecked binary (is this release built for $arch?)"

  echo "downloading $base/$asset"
  fetch "$base/$asset" "$tmp/$asset" || die "cannot download $base/$asset"
  actual="$(sha256sum "$tmp/$asset" | awk '{ print $1 }')"
  [ "$actual" = "$expected" ] ||
    die "$asset does not match SHA256SUMS (expected $expected, got $actual): the download is corrupt or" \
      "was changed; nothing was installed"
  echo "$asset: checksum matches SHA256SUMS"
  chmod 0755 "$tmp/$asset"

  cmd=("$tmp/$asset" install)
  [ "$upgrade" = 1 ] && cmd+=(--upgrade)
  cmd+=("$@")
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 ||
      die "nimbus install must run as root and sudo is not installed: run this script as root"
    cmd=(sudo "${cmd[@]}")
  fi
  echo "running: ${cmd[*]}"
  "${cmd[@]}"
}

main "$@"
