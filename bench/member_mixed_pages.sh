#!/usr/bin/env bash
# A member's pages made on every request (members' pages not kept), asked for in a mix as a member
# browses: three thread pages, then a page that reads inside a transaction (settings, by default),
# in turn. Before extensions.end_reading_with_commit each such page rolled its transaction back,
# and psycopg forgot the connection's prepared statements, so PostgreSQL planned the thread page's
# statements afresh (a statement is prepared on its fifth run on a connection).
# Usage: bench/member_mixed_pages.sh [checkout, default this one] [duration, default 15s]
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
CHECKOUT=$(cd "${1:-$HERE}" && pwd)
DURATION=${2:-15s}
PORT=${PORT:-8098}
export DATABASE_URL=${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1/bench_forums}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/14}
export KINDRED_ENV=production SECRET_KEY=${SECRET_KEY:-bench-only-secret-bench-only-secret-bench-only} RATELIMIT_ENABLED=false
export SESSION_COOKIE_SECURE=false SITE_URL=${SITE_URL:-http://127.0.0.1:8000}
export HERE PAGES=${PAGES:-/threads/1 /threads/2 /threads/3 /settings}
COOKIE=$(cd "$HERE" && PYTHONPATH=. .venv/bin/python bench/member_cookie.py "${MEMBER:-2}" | tail -1)
cd "$CHECKOUT"
env PYTHONPATH=. PAGE_CACHE_MEMBERS=false "$HERE/.venv/bin/gunicorn" --workers "${WORKERS:-$(( $(nproc) * 2 ))}" \
  --bind "127.0.0.1:$PORT" --log-level warning bench.wsgi_bench:app &
SERVER=$!
trap 'kill $SERVER' EXIT
for _ in $(seq 80); do curl -sf "http://127.0.0.1:$PORT/bench/ping" >/dev/null && break; sleep 0.25; done
for path in $PAGES; do curl -sf -o /dev/null -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$path" || { echo "$path did not answer 200"; exit 1; }; done
wrk -t2 -c16 -d4s -H "Cookie: $COOKIE" -s "$HERE/bench/mixed_pages.lua" "http://127.0.0.1:$PORT" >/dev/null  # warm up
echo "checkout=$CHECKOUT commit=$(git -C "$CHECKOUT" rev-parse --short HEAD 2>/dev/null || echo '?') pages=\"$PAGES\""
echo "member: mixed pages, made each time|$(wrk -t2 -c16 -d"$DURATION" -H "Cookie: $COOKIE" -s "$HERE/bench/mixed_pages.lua" "http://127.0.0.1:$PORT" | grep RESULT) load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
