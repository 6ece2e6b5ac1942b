#!/usr/bin/env bash
# Builds a Nimbus release into one directory: the portal, then the release binaries of the
# workspace for this machine's architecture (and for the other Linux architecture when its rustup
# target and cross compiler are installed), quickinstall.sh and SHA256SUMS over every asset.
# Works from any directory: the repository is found from this script's own path.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/build.sh [--out DIR]

Builds the portal (frontend/: `npm ci` when node_modules is missing or older than the lock file,
`npm run build` when a portal source changed) and the release binaries
(`cargo build --release --locked --workspace --bins`, into $CARGO_TARGET_DIR or target/), then
writes into DIR (default: dist/ in the repository):

  nimbus-linux-<arch>         the service binary, portal embedded (arch as `uname -m`: x86_64, aarch64)
  gx10-worker-linux-<arch>    the GPU worker daemon
  quickinstall.sh             scripts/quickinstall.sh, with NIMBUS_RELEASE_BASE filled in when set
  SHA256SUMS                  sha256sum of every asset above

The other Linux architecture (x86_64 <-> aarch64) is built too when its rustup target is installed
(`rustup target add aarch64-unknown-linux-gnu`) along with its C cross compiler
(gcc-aarch64-linux-gnu or gcc-x86-64-linux-gnu); otherwise a note says why it was skipped.
Assets left in DIR by an earlier build are removed first; nothing else in DIR is touched.

Environment:
  CARGO_TARGET_DIR       where Cargo builds (default: target/ in the repository)
  NIMBUS_RELEASE_BASE    the URL the release's assets will be downloaded from, written into
                         DIR/quickinstall.sh so it installs with no arguments
EOF
}

die() {
  echo "build.sh: $*" >&2
  exit 1
}

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo/dist"
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --out)
      [ -n "${2:-}" ] || die "--out needs a directory, e.g. --out dist"
      out="$2"; shift 2 ;;
    --out=*) out="${1#--out=}"; [ -n "$out" ] || die "--out needs a directory, e.g. --out dist"; shift ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

# Relative paths the caller gave are relative to where they ran this, not to the repository.
absolute() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "$1" ;;
  esac
}
out="$(absolute "$out")"
target_dir="$(absolute "${CARGO_TARGET_DIR:-$repo/target}")"
export CARGO_TARGET_DIR="$target_dir"

case "$(uname -s)" in
  Linux) ;;
  *) die "releases are built on Linux (this is $(uname -s))" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x86_64; other=aarch64 ;;
  aarch64 | arm64) arch=aarch64; other=x86_64 ;;
  *) die "unsupported architecture $(uname -m): releases are x86_64 and aarch64" ;;
esac
command -v cargo >/dev/null 2>&1 || die "cargo is not installed: run scripts/install-deps.sh"
command -v npm >/dev/null 2>&1 || die "npm is not installed: run scripts/install-deps.sh"
command -v sha256sum >/dev/null 2>&1 || die "sha256sum is not installed (Debian package coreutils)"
if [ -n "${NIMBUS_RELEASE_BASE:-}" ]; then
  case "$NIMBUS_RELEASE_BASE" in
    *\'* | *[[:space:]]*) die "NIMBUS_RELEASE_BASE must be a URL without quotes or spaces" ;;
    http://* | https://*) ;;
    *) die "NIMBUS_RELEASE_BASE must start with https:// (or http://), e.g. https://example.org/releases/v1.0.0" ;;
  esac
fi

# --- the portal -------------------------------------------------------------------------------
frontend="$repo/frontend"
if [ ! -f "$frontend/node_modules/.package-lock.json" ] ||
  [ "$frontend/package-lock.json" -nt "$frontend/node_modules/.package-lock.json" ] ||
  [ "$frontend/package.json" -nt "$frontend/node_modules/.package-lock.json" ]; then
  echo "==> npm ci (frontend/node_modules is missing or stale)"
  (cd "$frontend" && npm ci --no-audit --no-fund --loglevel=error)
fi
# The portal is rebuilt only when a source is newer than the last build: a rebuilt frontend/dist
# makes Cargo re-embed it and relink the binary.
portal_stale() {
  [ -f "$frontend/dist/index.html" ] || return 0
  local newer
  newer="$(find "$frontend/src" "$frontend/public" "$frontend/index.html" "$frontend/vite.config.ts" \
    "$frontend"/tsconfig*.json "$frontend/package-lock.json" -newer "$frontend/dist/index.html" \
    -print -quit 2>/dev/null)"
  [ -n "$newer" ]
}
if portal_stale; then
  echo "==> npm run build (frontend/)"
  (cd "$frontend" && npm run build)
else
  echo "==> portal up to date (frontend/dist)"
fi

# --- the binaries -----------------------------------------------------------------------------
echo "==> cargo build --release --locked --workspace --bins (target: $target_dir)"
(cd "$repo" && cargo build --release --locked --workspace --bins)

# Where the other architecture's binaries were built, or empty with the reason printed.
other_release=""
other_triple="$other-unknown-linux-gnu"
cross_gcc="$other-linux-gnu-gcc"
if ! command -v rustup >/dev/null 2>&1; then
  echo "note: rustup is not installed, so only $arch is built"
elif ! rustup target list --installed 2>/dev/null | grep -qx "$other_triple"; then
  echo "note: skipping $other: its target is not installed (rustup target add $other_triple)"
elif ! command -v "$cross_gcc" >/dev/null 2>&1; then
  echo "note: skipping $other: the C cross compiler $cross_gcc is missing" \
    "(apt-get install gcc-${other//_/-}-linux-gnu)"
else
  echo "==> cargo build --release --locked --workspace --bins --target $other_triple"
  triple_env="$(printf '%s' "$other_triple" | tr 'a-z-' 'A-Z_')"
  linker_var="CARGO_TARGET_${triple_env}_LINKER"
  cc_var="CC_${other_triple//-/_}"
  (cd "$repo" && env "$linker_var=${!linker_var:-$cross_gcc}" "$cc_var=${!cc_var:-$cross_gcc}" \
    cargo build --release --locked --workspace --bins --target "$other_triple")
  other_release="$target_dir/$other_triple/release"
fi

# --- the assets -------------------------------------------------------------------------------
mkdir -p "$out"
rm -f "$out"/nimbus-linux-* "$out"/gx10-worker-linux-* "$out/quickinstall.sh" "$out/SHA256SUMS"

copy_binaries() { # release-dir arch
  install -m 0755 "$1/nimbus" "$out/nimbus-linux-$2"
  if [ -f "$1/gx10-worker" ]; then
    install -m 0755 "$1/gx10-worker" "$out/gx10-worker-linux-$2"
  fi
}
copy_binaries "$target_dir/release" "$arch"
if [ -n "$other_release" ]; then
  copy_binaries "$other_release" "$other"
fi

# quickinstall.sh, with the base this release will be published under.
while IFS= read -r line || [ -n "$line" ]; do
  if [ "$line" = 'built_in_base=""' ] && [ -n "${NIMBUS_RELEASE_BASE:-}" ]; then
    printf "built_in_base='%s'\n" "${NIMBUS_RELEASE_BASE%/}"
  else
    printf '%s\n' "$line"
  fi
done <"$repo/scripts/quickinstall.sh" >"$out/quickinstall.sh"
chmod 0755 "$out/quickinstall.sh"

(
  cd "$out"
  shopt -s nullglob
  assets=(nimbus-linux-* gx10-worker-linux-* quickinstall.sh)
  sha256sum "${assets[@]}" >SHA256SUMS
)

echo "==> release assets in $out"
(cd "$out" && shopt -s nullglob && du -h --apparent-size -- nimbus-linux-* gx10-worker-linux-* quickinstall.sh SHA256SUMS | awk '{ printf "  %-28s %s\n", $2, $1 }')
if [ -n "${NIMBUS_RELEASE_BASE:-}" ]; then
  echo "quickinstall.sh downloads from ${NIMBUS_RELEASE_BASE%/}"
else
  echo "quickinstall.sh has no release base built in (set NIMBUS_RELEASE_BASE when building to fill it in)"
fi
