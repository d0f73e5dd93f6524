//! The whole upload pipeline (`process_request`: probe, decode, colour,
//! resize, orient, encode) on arbitrary bytes with small limits. The body is
//! `vitrine_media::fuzzing::check_process`, which the corpus replay test
//! (`tests/ops/fuzz_corpus.rs`) runs too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| vitrine_media::fuzzing::check_process(bytes));
