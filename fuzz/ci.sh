#!/usr/bin/env bash
# A short fuzzing pass with libFuzzer, by hand or on a schedule (its build is too
# slow for .ci/run, which replays the corpus in tests/ops/fuzz_corpus.rs instead;
# docs/security.md has the long runs). Builds every target with cargo-fuzz
# (libFuzzer; the stable toolchain with RUSTC_BOOTSTRAP=1, because cargo-fuzz
# passes -Z flags),
# replays the committed corpus (the minimised inputs of the long runs and every
# input that once crashed), then fuzzes each target for FUZZ_SECONDS (default
# 30; 0 replays only) from that corpus. New inputs go to a temporary folder, so
# the committed corpus never changes under CI; a crashing input is kept in
# fuzz/artifacts/TARGET/. Exits non-zero on any crash.
#
# Installs cargo-fuzz itself if missing. Run time on the development machine
# (2 cores): 2.5 min once built, plus about 28 min for a cold build of the fuzz
# crate; see docs/security.md.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_PER_TARGET=${FUZZ_SECONDS:-30}
export RUSTC_BOOTSTRAP=1

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# The lock file is committed: refuse to resolve anything new.
cargo fetch --locked --quiet

# No sanitizer: the code under test is safe Rust, where AddressSanitizer finds
# nothing the bounds checks do not, and a run is about twice as fast without it.
# Debug assertions (overflow checks) stay on, as cargo-fuzz builds by default.
FUZZ_FLAGS=(--sanitizer none)
cargo fuzz build "${FUZZ_FLAGS[@]}"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for target in $(cargo fuzz list); do
  echo "=== fuzz: $target (replay the corpus, then ${SECONDS_PER_TARGET} s)"
  mkdir -p "$WORK/$target"
  cargo fuzz run "${FUZZ_FLAGS[@]}" "$target" "corpus/$target" -- -runs=0
  # libFuzzer reads -max_total_time=0 as "no limit": 0 here means replay only.
  if [ "$SECONDS_PER_TARGET" -gt 0 ]; then
    cargo fuzz run "${FUZZ_FLAGS[@]}" "$target" "$WORK/$target" "corpus/$target" -- \
      -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=20
  fi
done
echo "=== fuzz: no crash"
