#!/usr/bin/env bash
# A member's pages made on every request (members' pages not kept), under wrk, beside the ceiling
# and a visitor's kept thread page:
# the short run for comparing two versions of the code on the same machine, minutes apart. The last
# member row asks for a mix of pages in turn (MIXED_PAGES, bench/mixed_pages.lua): three thread
# pages and one that reads inside a transaction (settings). Before extensions.end_reading_with_commit
# each such page rolled its transaction back and psycopg forgot the connection's prepared
# statements, so PostgreSQL planned the thread page's statements afresh (a statement is prepared on
# its fifth run on a connection); a page alone does not show that.
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
export HERE PAGES=${MIXED_PAGES:-/threads/1 /threads/2 /threads/3 /settings}  # read by bench/mixed_pages.lua
COOKIE=$(cd "$HERE" && PYTHONPATH=. .venv/bin/python bench/member_cookie.py "${MEMBER:-2}" | tail -1)
cd "$CHECKOUT"
env PYTHONPATH=. PAGE_CACHE_MEMBERS=false "$HERE/.venv/bin/gunicorn" --workers "${WORKERS:-$(( $(nproc) * 2 ))}" \
  --bind "127.0.0.1:$PORT" --log-level warning bench.wsgi_bench:app &
SERVER=$!
trap 'kill $SERVER' EXIT
for _ in $(seq 80); do curl -sf "http://127.0.0.1:$PORT/bench/ping" >/dev/null && break; sleep 0.25; done
run() {  # name path [cookie] [wrk script, default bench/report.lua]
  local name=$1 path=$2 cookie=${3:-} script=${4:-$HERE/bench/report.lua}
  local header=()
  [ -n "$cookie" ] && header=(-H "Cookie: $cookie")
  wrk -t2 -c16 -d4s "${header[@]}" -s "$script" "http://127.0.0.1:$PORT$path" >/dev/null  # warm up
  echo "$name|$path|$(wrk -t2 -c16 -d"$DURATION" "${header[@]}" -s "$script" "http://127.0.0.1:$PORT$path" | grep RESULT) load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
}
echo "checkout=$CHECKOUT commit=$(git -C "$CHECKOUT" rev-parse --short HEAD 2>/dev/null || echo '?')"
run "trivial route (ceiling)" /bench/ping
run "visitor: thread page 1 (kept: visitors' pages are still kept here)" /threads/1
run "member: bare request" /bench/ping "$COOKIE"
run "member: category page, made each time" "$CATEGORY" "$COOKIE"
run "member: thread page 1, made each time" /threads/1 "$COOKIE"
run "member: $PAGES in turn, made each time" / "$COOKIE" "$HERE/bench/mixed_pages.lua"
run "trivial route (ceiling), again" /bench/ping
