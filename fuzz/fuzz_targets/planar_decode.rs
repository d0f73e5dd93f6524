//! The planar JPEG decoder (vitrine-media's `baseline/`) on arbitrary bytes,
//! behind the same header probe the pipeline puts in front of it; the body is
//! `vitrine_media::fuzzing::check_planar_decode`, which the corpus replay test
//! (`tests/ops/fuzz_corpus.rs`) runs too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| vitrine_media::fuzzing::check_planar_decode(bytes));
