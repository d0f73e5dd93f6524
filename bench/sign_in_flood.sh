#!/usr/bin/env bash
# Public-page latency while 500 sign-ins arrive at once (issue 10): starts a fresh
# server on the demo with 127.0.0.1 as a trusted proxy, then runs
# `vitrine bench sign-in-flood` twice: once from one address (the throttle answers
# all but 20), once with a different X-Forwarded-For per sign-in (every one reaches a
# password check). Prints each result line and the server's peak memory.
#   usage: bench/sign_in_flood.sh [--bin PATH] [--sign-ins 500] [--rate 200] [--no-pin]
# --bin runs another build as the server (e.g. an older commit's, for before/after);
# the load generator is always this checkout's. On a machine with two or more cores
# the server runs on the first core and the load generator on the others (taskset),
# so the page latency measures the server, not the two competing; --no-pin lets them
# share. Port 18092. docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
server="" sign_ins=500 rate=200 profile=release pin=1
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) server=$2; shift 2;;
    --sign-ins) sign_ins=$2; shift 2;;
    --rate) rate=$2; shift 2;;
    --debug) profile=debug; shift;;
    --no-pin) pin=""; shift;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
if [ "$profile" = release ]; then cargo build --release --quiet; else cargo build --quiet; fi
BIN=$PWD/target/$profile/vitrine
server=${server:-$BIN}
WORK=$(mktemp -d)
cleanup() { kill "${VPID:-}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
BASE=http://127.0.0.1:18092
SERVER_CPU=() LOAD_CPU=()
cores=$(nproc)
if [ -n "$pin" ] && [ "$cores" -ge 2 ] && command -v taskset >/dev/null; then
  SERVER_CPU=(taskset -c 0) LOAD_CPU=(taskset -c "1-$((cores - 1))")
  echo "server on core 0, load generator on cores 1-$((cores - 1))"
fi
VITRINE_LOG=error VITRINE_TRUSTED_PROXIES=127.0.0.1 "${SERVER_CPU[@]}" "$server" --data "$WORK/data" serve --listen 127.0.0.1:18092 >"$WORK/vitrine.log" 2>&1 &
VPID=$!
for _ in $(seq 1 240); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.5; done
printf '%s\n' 'flood account passphrase' | "$server" --data "$WORK/data" admin add-user --email flood@example.org >/dev/null
rss() { awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$VPID/status"; }
echo "server: $server; idle peak RSS $(rss) MB"
"${LOAD_CPU[@]}" "$BIN" bench sign-in-flood "$BASE" --page /link-worker-retention/ --sign-ins "$sign_ins" --rate "$rate"
echo "peak RSS $(rss) MB"
sleep 1
"${LOAD_CPU[@]}" "$BIN" bench sign-in-flood "$BASE" --page /link-worker-retention/ --sign-ins "$sign_ins" --rate "$rate" --forwarded
echo "peak RSS $(rss) MB"
