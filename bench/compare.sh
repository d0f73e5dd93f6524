#!/usr/bin/env bash
# Image ingest, Vitrine beside sharp and libvips, on the shared camera-like corpus:
# prints every tool's line and its ratio to sharp at 1 and 2 threads (docs/benchmarks.md).
#   usage: bench/compare.sh [--threads "1 2"] [--job jpeg]
# Environment: VITRINE_BENCH_DIR (default /tmp/vitrine-bench) holds the corpus and the
# Python venv that makes it; the peers tool runs from a copy in the user cache, because it
# installs node_modules beside itself and shared/ may be read-only.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED="$ROOT/../shared/tools"
WORK=${VITRINE_BENCH_DIR:-/tmp/vitrine-bench}
CORPUS="$WORK/corpus"
PEERS="${XDG_CACHE_HOME:-$HOME/.cache}/vitrine-peers"
threads="1 2" job=jpeg
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads=$2; shift 2;;
    --job) job=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done

if ! ls "$CORPUS"/*.jpg >/dev/null 2>&1; then
  echo "making the corpus in $CORPUS (about 90 s)" >&2
  mkdir -p "$WORK"
  [ -x "$WORK/.venv/bin/python" ] || python3 -m venv "$WORK/.venv"
  "$WORK/.venv/bin/pip" install -q pillow numpy >&2
  "$WORK/.venv/bin/python" "$SHARED/corpus/make_corpus.py" "$CORPUS" >&2
fi

mkdir -p "$PEERS"
cp -r "$SHARED/peers"/. "$PEERS"/
chmod -R u+w "$PEERS"

cargo build --release --locked --bin vitrine >&2
VITRINE="$ROOT/target/release/vitrine"

# Peers first, then Vitrine straight after, per thread count: ratios come from one run.
# The peers' job is JPEG only; --job full (all widths, JPEG and WebP) is printed beside it.
for n in $threads; do
  bash "$PEERS/run.sh" "$CORPUS" --threads "$n" --job jpeg
  "$VITRINE" bench ingest "$CORPUS" --threads "$n" --job "$job"
done | tee /dev/stderr | python3 "$PEERS/compare.py"
