//! Integration tests of the public media API, grouped by the promise each
//! group protects: privacy (no metadata reaches visitors), orientation,
//! limits against decompression bombs, clean errors on bad input, the
//! width rule, and colour handling. One test binary shares the fixture
//! builders in `common/`.

// Fixture builders are test code outside `#[test]` functions: a failed
// unwrap there is a broken fixture and should fail the test loudly.
#[expect(clippy::unwrap_used, clippy::expect_used, reason = "test fixtures")]
#[path = "common/mod.rs"]
mod common;

// Test helpers beside the `#[test]` functions unwrap for the same reason.
#[expect(clippy::unwrap_used, reason = "test helpers")]
mod media {
    mod colour;
    mod corrupt;
    mod encoding;
    mod faces;
    mod limits;
    mod orientation;
    mod privacy;
    mod redaction;
    mod widths;
}
