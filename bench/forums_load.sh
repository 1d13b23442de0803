#!/usr/bin/env bash
# Measure the trivial ceiling route and three forum pages with wrk against gunicorn + PostgreSQL.
# Usage: bench/forums_load.sh [duration, default 20s] [connections, default 16]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20s}
CONNECTIONS=${2:-16}
PORT=${PORT:-8099}
export DATABASE_URL=${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1/bench_forums}
export KINDRED_ENV=production SECRET_KEY=${SECRET_KEY:-bench-only-secret-bench-only-secret-bench-only} RATELIMIT_ENABLED=false
export SESSION_COOKIE_SECURE=false
WORKERS=${WORKERS:-$(( $(nproc) * 2 ))}
DEEP_PAGE=${DEEP_PAGE:-200}

.venv/bin/gunicorn --workers "$WORKERS" --bind "127.0.0.1:$PORT" --log-level warning bench.wsgi_bench:app &
SERVER=$!
trap 'kill $SERVER' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/bench/ping" >/dev/null && break; sleep 0.2; done

run() {
  local name=$1 path=$2
  curl -sf -o /dev/null "http://127.0.0.1:$PORT$path" || { echo "$name: $path did not answer 200"; exit 1; }
  wrk -t2 -c"$CONNECTIONS" -d5s -s bench/report.lua "http://127.0.0.1:$PORT$path" >/dev/null  # warm up
  local line
  line=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s bench/report.lua "http://127.0.0.1:$PORT$path" | grep RESULT)
  echo "$name|$path|$line"
}

echo "workers=$WORKERS connections=$CONNECTIONS duration=$DURATION"
run "trivial route (ceiling)" "/bench/ping"
run "category page" "/forums/welcome-and-introductions"
run "deep thread page" "/threads/1?page=$DEEP_PAGE"
run "search" "/search?q=${SEARCH:-garden17}"
