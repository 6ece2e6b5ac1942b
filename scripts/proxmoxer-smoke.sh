#!/usr/bin/env bash
# proxmoxer smoke test: starts `nimbus sim-proxmox` (3 nodes, instant profile, fixed seed) on
# loopback and drives its PVE-compatible REST face with proxmoxer, an independent Python client
# (tests/pve/proxmoxer_smoke.py). Installs tests/api/requirements.txt into a private virtualenv
# when proxmoxer is missing from it.
set -euo pipefail
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  echo "Usage: scripts/proxmoxer-smoke.sh PATH/TO/nimbus"
  echo "Drives nimbus sim-proxmox with the Python proxmoxer client (tests/pve/proxmoxer_smoke.py)."
  exit 0
fi
bin="${1:?usage: proxmoxer-smoke.sh PATH/TO/nimbus}"
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${NIMBUS_PY_VENV:-$root/.venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import proxmoxer' 2>/dev/null; then
  echo "installing tests/api/requirements.txt into $venv ..."
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/tests/api/requirements.txt"
fi

dir=$(mktemp -d)
pid=""
cleanup() {
  [ "$BASHPID" = "$$" ] || return 0 # not in the background job's subshell
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

: >"$dir/stdout"
"$bin" sim-proxmox --listen 127.0.0.1:0 --profile instant --nodes 3 --seed 7 >"$dir/stdout" 2>"$dir/stderr" &
pid=$!

# Wait (polling every 50 ms, at most 30 s) for the two lines the simulator prints when ready:
# `listening: https://127.0.0.1:<port>` and `token: USER@REALM!TOKENID=SECRET`.
url=""
token=""
deadline=$((SECONDS + 30))
while :; do
  while IFS= read -r line; do
    case "$line" in
      "listening: https://127.0.0.1:"[0-9]*) url="${line#listening: }" ;;
      "token: "*"!"*"="?*) token="${line#token: }" ;;
    esac
  done <"$dir/stdout"
  [ -n "$url" ] && [ -n "$token" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "nimbus sim-proxmox exited early:"; cat "$dir/stderr"; exit 1; }
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "nimbus sim-proxmox did not print 'listening: https://127.0.0.1:<port>' and 'token: ...' within 30 s"
    cat "$dir/stdout"
    tail -n 40 "$dir/stderr"
    exit 1
  fi
  sleep 0.05
done

# token: USER@REALM!TOKENID=SECRET
user="${token%%!*}"
rest="${token#*!}"
token_name="${rest%%=*}"
secret="${rest#*=}"
port="${url##*:}"
echo "simulator at $url (token $user!$token_name)"

"$venv/bin/python" "$root/tests/pve/proxmoxer_smoke.py" \
  --host 127.0.0.1 --port "$port" --user "$user" --token-name "$token_name" --token-value "$secret"
