//! The probe and sniff layer on arbitrary bytes: it reads sizes from headers
//! before anything is decoded, so it must refuse any input with an error,
//! never a panic. The body is `vitrine_media::fuzzing::check_probe`, which the
//! corpus replay test (`tests/ops/fuzz_corpus.rs`) runs too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| vitrine_media::fuzzing::check_probe(bytes));
