#!/usr/bin/env bash
# A member's pages made on every request (members' pages not kept), under wrk, beside the ceiling
# and a visitor's kept thread page:
# the short run for comparing two versions of the code on the same machine, minutes apart.
# Usage: bench/member_pages_made.sh [checkout, default this one] [duration, default 15s]
# e.g. git worktree add /tmp/before <commit>; bench/member_pages_made.sh /tmp/before; bench/member_pages_made.sh
# Uses this checkout's .venv and bench/ scripts, and the other checkout's app.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
CHECKOUT=$(cd "${1:-$HERE}" && pwd)
DURATION=${2:-15s}
PORT=${PORT:-8097}
export DATABASE_URL=${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1/bench_forums}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/14}
export KINDRED_ENV=production SECRET_KEY=${SECRET_KEY:-bench-only-secret-bench-only-secret-bench-only} RATELIMIT_ENABLED=false
export SESSION_COOKIE_SECURE=false SITE_URL=${SITE_URL:-http://127.0.0.1:8000}
CATEGORY=${CATEGORY:-/forums/welcome-and-introductions}
COOKIE=$(cd "$HERE" && PYTHONPATH=. .venv/bin/python bench/member_cookie.py "${MEMBER:-2}" | tail -1)
cd "$CHECKOUT"
env PYTHONPATH=. PAGE_CACHE_MEMBERS=false "$HERE/.venv/bin/gunicorn" --workers "${WORKERS:-$(( $(nproc) * 2 ))}" \
  --bind "127.0.0.1:$PORT" --log-level warning bench.wsgi_bench:app &
SERVER=$!
trap 'kill $SERVER' EXIT
for _ in $(seq 80); do curl -sf "http://127.0.0.1:$PORT/bench/ping" >/dev/null && break; sleep 0.25; done
run() {
  local name=$1 path=$2 cookie=${3:-}
  local header=()
  [ -n "$cookie" ] && header=(-H "Cookie: $cookie")
  wrk -t2 -c16 -d4s "${header[@]}" -s "$HERE/bench/report.lua" "http://127.0.0.1:$PORT$path" >/dev/null  # warm up
  echo "$name|$path|$(wrk -t2 -c16 -d"$DURATION" "${header[@]}" -s "$HERE/bench/report.lua" "http://127.0.0.1:$PORT$path" | grep RESULT) load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
}
echo "checkout=$CHECKOUT commit=$(git -C "$CHECKOUT" rev-parse --short HEAD 2>/dev/null || echo '?')"
run "trivial route (ceiling)" /bench/ping
run "visitor: thread page 1 (kept: visitors' pages are still kept here)" /threads/1
run "member: bare request" /bench/ping "$COOKIE"
run "member: category page, made each time" "$CATEGORY" "$COOKIE"
run "member: thread page 1, made each time" /threads/1 "$COOKIE"
run "trivial route (ceiling), again" /bench/ping
