#!/usr/bin/env bash
# Runs the browser journeys against the real server, first on SQLite, then on PostgreSQL.
# Usage: e2e/run.sh [path/to/roei]   (default: target/debug/roei, built if missing)
# Screenshots of each main page are left in e2e/artifacts/<backend>/.
set -euo pipefail
ROEI=${1:-}
[ -z "$ROEI" ] || ROEI=$(realpath -m "$ROEI")
cd "$(dirname "$0")"
ROOT=$(cd .. && pwd)
ROEI=${ROEI:-$ROOT/target/debug/roei}
[ -x "$ROEI" ] || (cd "$ROOT" && cargo build --locked -p roei-cli)
PGURL_BASE=${ROEI_E2E_PG:-postgres://postgres@127.0.0.1:5432}

if [ ! -d node_modules/@playwright/test ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT

run_on() {
  local backend=$1; shift
  local work; work=$(mktemp -d)
  rm -rf "artifacts/$backend"; mkdir -p "artifacts/$backend"
  "$ROEI" serve --demo --listen 127.0.0.1:0 --data-dir "$work" "$@" >"$work/server.log" 2>&1 &
  server_pid=$!
  local url=""
  for _ in $(seq 1 100); do
    url=$(grep -o 'listening on http://[0-9.:]*' "$work/server.log" | head -n1 | sed 's/listening on //') || true
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.2
  done
  [ -n "$url" ] || { echo "the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
  echo "== e2e on $backend at $url"
  local status=0
  ROEI_URL=$url ROEI_BACKEND=$backend npx playwright test || status=$?
  stop_server
  cp "$work/server.log" "artifacts/$backend/server.log"
  rm -rf "$work"
  return $status
}

status=0
run_on sqlite || status=$?

db="roei_e2e_$$_$(date +%s)"
psql "$PGURL_BASE/postgres" -qc "CREATE DATABASE $db" >/dev/null
run_on postgres --database-url "$PGURL_BASE/$db" || status=$?
psql "$PGURL_BASE/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
exit $status
