#!/usr/bin/env bash
# API conformance: runs schemathesis against a live `nimbus demo`, checking that every answer
# matches the committed OpenAPI document (status codes, content types, schemas) and that nothing
# answers 500. Installs schemathesis into a private virtualenv on first use.
set -euo pipefail
bin="${1:?usage: api-conformance.sh PATH/TO/nimbus}"
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${NIMBUS_PY_VENV:-$root/.venv}"
if [ ! -x "$venv/bin/st" ]; then
  echo "installing schemathesis into $venv ..."
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/tests/api/requirements.txt"
fi

dir=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

PORT=0 NIMBUS_DATA_DIR="$dir/data" "$bin" demo >"$dir/stdout" 2>"$dir/stderr" &
pid=$!
url=""
for _ in $(seq 1 600); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/stdout" | head -n1 || true)
  [ -n "$url" ] && curl -fs "$url/api/health" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "nimbus demo exited:"; cat "$dir/stderr"; exit 1; }
  sleep 0.05
done
[ -n "$url" ] || { echo "nimbus demo did not come up within 30 s"; tail -n 40 "$dir/stderr"; exit 1; }

"$venv/bin/st" run "$url/api/openapi.json" --checks all --max-examples 25 --no-color --seed 1
