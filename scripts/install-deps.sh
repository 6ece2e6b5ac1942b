#!/usr/bin/env bash
# Installs, or with --check only reports, what building Nimbus from source needs on Debian and
# Ubuntu: the C toolchain and tools from apt, Node.js with npm for the portal, and Rust.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The minimum versions come from the repository: Cargo.toml's rust-version and the portal's
# engines.node in frontend/package.json.
rust_min="$(sed -n 's/^rust-version *= *"\([0-9.]*\)".*/\1/p' "$repo/Cargo.toml" | head -n1)"
node_min="$(sed -n 's/.*"node" *: *">= *\([0-9.]*\)".*/\1/p' "$repo/frontend/package.json" | head -n1)"
rust_min="${rust_min:-1.94}"
node_min="${node_min:-20}"
apt_packages=(build-essential pkg-config curl ca-certificates git)

usage() {
  cat <<EOF
Usage: scripts/install-deps.sh [--check]

The build dependencies of Nimbus on Debian/Ubuntu:
  apt packages   ${apt_packages[*]}
  Node.js        >= $node_min with npm (frontend/package.json engines.node)
  Rust           >= $rust_min with cargo (Cargo.toml rust-version), through rustup

Without --check, installs the missing apt packages (as root, or through sudo), Node.js from apt
when the distribution's nodejs is new enough, and updates Rust with rustup when rustup is present.
What it cannot install safely it prints the commands for (rustup itself, a newer Node.js), rather
than piping a script from the internet into a shell.

  --check      only report what is present (with versions) and what is missing; exits 1 if
               anything is missing or too old
  -h, --help   this text
EOF
}

check_only=0
case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  --check) check_only=1 ;;
  "") ;;
  *) echo "install-deps.sh: unknown argument '$1' (see --help)" >&2; exit 1 ;;
esac

# Whether version $1 >= $2.
version_ge() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

missing_apt=()
node_ok=0
rust_ok=0
problems=0

report() { # status what detail
  printf '  %-8s %-18s %s\n' "$1" "$2" "$3"
  [ "$1" = ok ] || problems=$((problems + 1))
}

check() {
  missing_apt=()
  node_ok=0
  rust_ok=0
  problems=0
  echo "build dependencies:"
  local pkg version
  for pkg in "${apt_packages[@]}"; do
    version=""
    if command -v dpkg-query >/dev/null 2>&1; then
      version="$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$pkg" 2>/dev/null |
        sed -n 's/^installed //p' || true)"
    fi
    if [ -n "$version" ]; then
      report ok "$pkg" "$version"
    else
      report missing "$pkg" "apt-get install $pkg"
      missing_apt+=("$pkg")
    fi
  done

  if command -v node >/dev/null 2>&1; then
    version="$(node --version 2>/dev/null | sed 's/^v//')"
    if version_ge "$version" "$node_min"; then
      report ok node "$version"
      node_ok=1
    else
      report old node "$version (needs >= $node_min)"
    fi
  else
    report missing node "needs >= $node_min"
  fi
  if command -v npm >/dev/null 2>&1; then
    report ok npm "$(npm --version 2>/dev/null)"
  else
    report missing npm "comes with Node.js (Debian: apt-get install npm)"
    node_ok=0
  fi

  if command -v rustc >/dev/null 2>&1 && command -v cargo >/dev/null 2>&1; then
    version="$(rustc --version | awk '{ print $2 }')"
    if version_ge "${version%%-*}" "$rust_min"; then
      report ok rust "$version ($(command -v rustc))"
      rust_ok=1
    else
      report old rust "$version (needs >= $rust_min: rustup update stable)"
    fi
  else
    report missing rust "needs rustc and cargo >= $rust_min"
  fi
  if command -v rustup >/dev/null 2>&1; then
    report ok rustup "$(rustup --version 2>/dev/null | awk '{ print $2; exit }')"
  elif [ "$rust_ok" = 1 ]; then
    echo "  note     rustup             not found (optional: Rust is new enough; build.sh uses it for other targets)"
  else
    report missing rustup "installs Rust: scripts/install-deps.sh prints how"
  fi
}

check
if [ "$check_only" = 1 ]; then
  if [ "$problems" -gt 0 ]; then
    echo "$problems missing or too old: run scripts/install-deps.sh to install them"
    exit 1
  fi
  echo "everything needed to build Nimbus is present"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || {
  echo "install-deps.sh installs on Debian/Ubuntu (apt-get); install the missing items above by hand" >&2
  exit 1
}
sudo=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps.sh: run as root (sudo is not installed)" >&2; exit 1; }
  sudo=(sudo)
fi
to_install=("${missing_apt[@]}")
if [ "$node_ok" = 0 ]; then
  candidate="$(apt-cache policy nodejs 2>/dev/null | sed -n 's/^ *Candidate: *\([0-9.]*\).*/\1/p' | sed 's/^[0-9]*://')"
  if [ -n "$candidate" ] && version_ge "$candidate" "$node_min"; then
    to_install+=(nodejs npm)
  else
    cat <<EOF
Node.js >= $node_min is not in this distribution's packages (its nodejs is ${candidate:-absent}).
Install it from NodeSource's apt repository (https://github.com/nodesource/distributions) or with
nvm (https://github.com/nvm-sh/nvm), reading their instructions first, then run this again.
EOF
  fi
fi
if [ "${#to_install[@]}" -gt 0 ]; then
  echo "installing with apt-get: ${to_install[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${to_install[@]}"
fi
if [ "$rust_ok" = 0 ]; then
  if command -v rustup >/dev/null 2>&1; then
    echo "updating Rust with rustup"
    rustup toolchain install stable --profile minimal
    rustup default stable
  else
    cat <<EOF
Rust >= $rust_min is needed, through rustup (as the user who builds, not root). Either
  sudo apt-get install rustup && rustup default stable      (Debian 13, Ubuntu 24.04 and newer)
or download the installer, read it, and run it:
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs -o rustup-init.sh
  less rustup-init.sh && sh rustup-init.sh --profile minimal
then open a new shell (or source ~/.cargo/env) and run this again.
EOF
  fi
fi
check
[ "$problems" = 0 ] || exit 1
echo "everything needed to build Nimbus is present"
