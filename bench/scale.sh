#!/usr/bin/env bash
# Scale test (issue 15): three `vitrine serve` instances on one PostgreSQL database
# and one S3-compatible store (moto), behind the round-robin proxy `vitrine bench
# scale` runs itself, under a mixed open-loop load: public pages and images, 1 %
# workspace writes, one publish and one withdrawal. Prints the result line and exits
# non-zero on any error, any withdrawn entry served after the withdrawal returned or
# any stale page after the publish returned (docs/benchmarks.md).
#   usage: bench/scale.sh [--rate 1000] [--seconds 60] [--debug] [--bin PATH] [--s3 URL | --s3s] [-- BENCH_FLAGS]
# --debug builds and uses the debug binary; --bin uses a binary as is (CI passes the
# one its tests built); flags after -- go to `vitrine bench scale` (see its --help,
# e.g. --media-percent); --s3 uses an S3-compatible server already running (CI's moto)
# instead of starting moto; --s3s starts s3s-fs (a Rust S3 server on a folder, which
# holds up at 1,000 req/s where moto loses objects), installing it into
# ~/.cache/vitrine-s3s with cargo the first time (about 3 minutes). Needs a local
# PostgreSQL server whose role vitrine_ci (password vitrine_ci) may create databases
# (.ci/run makes it; VITRINE_SCALE_PG names another server) and, without --s3 or
# --s3s, moto_server on PATH (pip install 'moto[server]'). A fresh database and
# bucket each run, dropped afterwards. Ports 18101-18103 (instances) and 19010 (the
# S3 server); VITRINE_SCALE_PORT and VITRINE_SCALE_S3_PORT move them.
set -euo pipefail
cd "$(dirname "$0")/.."
rate=1000 seconds=60 profile=release BIN="" S3="" S3S=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate=$2; shift 2;;
    --seconds) seconds=$2; shift 2;;
    --debug) profile=debug; shift;;
    --bin) BIN=$2; shift 2;;
    --s3) S3=$2; shift 2;;
    --s3s) S3S=1; shift;;
    --) shift; break;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
if [ -z "$BIN" ]; then
  if [ "$profile" = release ]; then cargo build --release --quiet; else cargo build --quiet; fi
  BIN=$PWD/target/$profile/vitrine
fi
S3S_BIN="${XDG_CACHE_HOME:-$HOME/.cache}/vitrine-s3s/bin/s3s-fs"
if [ -n "$S3S" ]; then
  [ -x "$S3S_BIN" ] || cargo install --locked --quiet s3s-fs --version 0.14.1 --features binary \
    --root "$(dirname "$(dirname "$S3S_BIN")")"
elif [ -z "$S3" ]; then
  command -v moto_server >/dev/null \
    || { echo "moto_server is not on PATH (pip install 'moto[server]')" >&2; exit 2; }
fi
PG=${VITRINE_SCALE_PG:-postgres://vitrine_ci:vitrine_ci@127.0.0.1}
PORT=${VITRINE_SCALE_PORT:-18101}
S3_PORT=${VITRINE_SCALE_S3_PORT:-19010}
DB=vitrine_scale_$$
BUCKET=vitrine-scale-$$
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

psql -q -v ON_ERROR_STOP=1 "$PG/postgres" -c "CREATE DATABASE $DB" >/dev/null
if [ -n "$S3S" ]; then
  S3="http://127.0.0.1:$S3_PORT"
  # s3s-fs keeps each bucket as a folder: the bucket is made here.
  mkdir -p "$WORK/s3/$BUCKET"
  "$S3S_BIN" --host 127.0.0.1 --port "$S3_PORT" --access-key scale --secret-key scale \
    "$WORK/s3" >"$WORK/s3.log" 2>&1 &
  PIDS+=($!)
elif [ -z "$S3" ]; then
  S3="http://127.0.0.1:$S3_PORT"
  moto_server -H 127.0.0.1 -p "$S3_PORT" >"$WORK/s3.log" 2>&1 &
  PIDS+=($!)
fi
export AWS_ACCESS_KEY_ID=scale AWS_SECRET_ACCESS_KEY=scale AWS_REGION=us-east-1 AWS_ENDPOINT_URL="$S3"
for _ in $(seq 1 60); do curl -sS -o /dev/null "$S3" 2>/dev/null && break; sleep 0.5; done
# moto takes an unsigned request.
[ -n "$S3S" ] || curl -fsS -o /dev/null -X PUT "$S3/$BUCKET" \
  || { cat "$WORK/s3.log" 2>/dev/null; echo "cannot make the bucket at $S3" >&2; exit 1; }
# Shared by every instance and command: the database, the bucket and the data
# folder (which holds only the identity key file, docs/deploy.md).
export VITRINE_DATABASE_URL="$PG/$DB" VITRINE_BLOBS_URL="s3://$BUCKET/blobs" \
  VITRINE_LOG=${VITRINE_LOG:-warn}
V=("$BIN" --data "$WORK/data")

start() { # N: starts instance N on PORT+N-1 and waits until it is ready
  local port=$((PORT + $1 - 1))
  "${V[@]}" serve --listen "127.0.0.1:$port" >"$WORK/vitrine$1.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && return 0
    kill -0 "${PIDS[-1]}" 2>/dev/null || break
    sleep 0.5
  done
  cat "$WORK/vitrine$1.log"; echo "instance $1 did not start" >&2; exit 1
}
# The first instance imports and publishes the demo into the empty database.
start 1
start 2
start 3
PASSWORD='scale test passphrase'
printf '%s\n' "$PASSWORD" | "${V[@]}" admin create --email scale@example.org --name "Scale Test" >/dev/null
"${V[@]}" admin grant --email scale@example.org --study link-worker-retention --role owner >/dev/null

echo "instances: 3 ($BIN) on PostgreSQL database $DB and bucket $BUCKET at $S3; rate $rate/s for $seconds s"
status=0
VITRINE_BENCH_PASSWORD=$PASSWORD "$BIN" bench scale --rate "$rate" --seconds "$seconds" \
  --email scale@example.org "$@" \
  "http://127.0.0.1:$PORT" "http://127.0.0.1:$((PORT + 1))" "http://127.0.0.1:$((PORT + 2))" || status=$?
if [ "$status" -ne 0 ]; then
  for n in 1 2 3; do echo "--- instance $n"; tail -n 20 "$WORK/vitrine$n.log"; done
fi
exit "$status"
