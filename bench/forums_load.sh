#!/usr/bin/env bash
# Measure, in ONE run against one gunicorn set-up: the trivial ceiling route, a visitor's category
# page, thread page (page 1 and a deep page), search for a rare and a common word, and a signed-in
# member's category and thread pages (wrk), and a category's page 300 (paged by key); then CPU ms per
# request for each, in-process.
# Usage: bench/forums_load.sh [duration, default 20s] [connections, default 16]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20s}
CONNECTIONS=${2:-16}
PORT=${PORT:-8099}
export DATABASE_URL=${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1/bench_forums}
# Production uses Redis (rate limits, Socket.IO, and the visitors' page cache shared by the workers).
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/14}
export KINDRED_ENV=production SECRET_KEY=${SECRET_KEY:-bench-only-secret-bench-only-secret-bench-only} RATELIMIT_ENABLED=false
export SESSION_COOKIE_SECURE=false PYTHONPATH=. SITE_URL=${SITE_URL:-http://127.0.0.1:8000}  # production needs the site address
WORKERS=${WORKERS:-$(( $(nproc) * 2 ))}
DEEP_PAGE=${DEEP_PAGE:-200}
CATEGORY=${CATEGORY:-/forums/welcome-and-introductions}
RARE=${RARE:-garden17}
COMMON=${COMMON:-garden}
MEMBER=${MEMBER:-2}

COOKIE=$(.venv/bin/python bench/member_cookie.py "$MEMBER" | tail -1)
# The category's page 300, reached by "Older threads" as a reader would (paged by key).
DEEP_CATEGORY=$(.venv/bin/python bench/category_page.py "${CATEGORY##*/}" "${DEEP_CATEGORY_PAGE:-300}" | tail -1)
start_server() {  # extra settings as VAR=value arguments
  env "$@" .venv/bin/gunicorn --workers "$WORKERS" --bind "127.0.0.1:$PORT" --log-level warning bench.wsgi_bench:app &
  SERVER=$!
  trap 'kill $SERVER' EXIT
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/bench/ping" >/dev/null && break; sleep 0.2; done
}
start_server

BROWSER_ENCODINGS="Accept-Encoding: gzip, deflate, br, zstd"  # what Chromium and Firefox send
run() {  # name path [cookie] [another header]
  local name=$1 path=$2 cookie=${3:-} extra=${4:-}
  local header=()
  [ -n "$cookie" ] && header=(-H "Cookie: $cookie")
  [ -n "$extra" ] && header+=(-H "$extra")
  local bytes
  bytes=$(curl -sf "${header[@]}" -o /dev/null -w '%{size_download}' "http://127.0.0.1:$PORT$path") || { echo "$name: $path did not answer 200"; exit 1; }
  wrk -t2 -c"$CONNECTIONS" -d5s "${header[@]}" -s bench/report.lua "http://127.0.0.1:$PORT$path" >/dev/null  # warm up
  local line
  line=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" "${header[@]}" -s bench/report.lua "http://127.0.0.1:$PORT$path" | grep RESULT)
  echo "$name|$path|$line bytes=$bytes load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
}

echo "workers=$WORKERS connections=$CONNECTIONS duration=$DURATION"
uptime
run "trivial route (ceiling)" "/bench/ping"
run "visitor: category page" "$CATEGORY"
run "visitor: category page ${DEEP_CATEGORY_PAGE:-300}" "$DEEP_CATEGORY"
run "visitor: thread page 1" "/threads/1"
run "visitor: thread page $DEEP_PAGE" "/threads/1?page=$DEEP_PAGE"
# As a browser asks: compressed (bytes= is then what is sent, compressed).
run "visitor: thread page 1, compressed (brotli)" "/threads/1" "" "$BROWSER_ENCODINGS"
run "visitor: search, rare word" "/search?q=$RARE"
run "visitor: search, common word" "/search?q=$COMMON"
run "member: category page" "$CATEGORY" "$COOKIE"
run "member: thread page 1" "/threads/1" "$COOKIE"
run "member: thread page 1, compressed (brotli)" "/threads/1" "$COOKIE" "$BROWSER_ENCODINGS"
# Again at the end: at the start the workers may still be loading (the safety model loads in a
# thread as each starts), which makes the first row low and every share too high; take the larger.
run "trivial route (ceiling), again" "/bench/ping"
uptime
kill $SERVER; trap - EXIT; wait $SERVER || true
# The same member pages made on every request (members' pages not kept): what a page the member
# has not seen yet costs, for instance every page of a thread they read through.
start_server PAGE_CACHE_MEMBERS=false
# What any member's request costs before its page: their session cookie read and who they are.
run "member: bare request (ping with their cookie)" "/bench/ping" "$COOKIE"
run "member: category page, made each time" "$CATEGORY" "$COOKIE"
run "member: category page ${DEEP_CATEGORY_PAGE:-300}, made each time" "$DEEP_CATEGORY" "$COOKIE"
run "member: thread page 1, made each time" "/threads/1" "$COOKIE"
uptime
kill $SERVER; trap - EXIT
.venv/bin/python bench/cpu_per_request.py "$COOKIE" ping=/bench/ping member-ping-made=/bench/ping "category=$CATEGORY" thread=/threads/1 \
  "deep=/threads/1?page=$DEEP_PAGE" "rare=/search?q=$RARE" "common=/search?q=$COMMON" \
  thread-br=/threads/1 "member-category=$CATEGORY" member-thread=/threads/1 member-thread-br=/threads/1 \
  "member-category-made=$CATEGORY" \
  "member-category-deep-made=$DEEP_CATEGORY" member-thread-made=/threads/1
uptime
