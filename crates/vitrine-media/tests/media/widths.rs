//! The width rule: each requested width below the upright source width is
//! produced as asked; all requested widths at or above it collapse into one
//! variant at the source width. Nothing is ever upscaled.

use vitrine_media::{DEFAULT_WIDTHS, Limits, MediaError, OutputFormat, process};

use crate::common::inspect::decode_rgba;
use crate::common::{Picture, png};

fn jpeg_widths(bytes: &[u8], widths: &[u32]) -> Vec<(u32, u32)> {
    let out = process(bytes, &Limits::default(), widths).unwrap();
    for v in &out.variants {
        assert_eq!(
            decode_rgba(&v.bytes).dimensions(),
            (v.width, v.height),
            "declared size is the real size"
        );
    }
    let formats: Vec<OutputFormat> = out.variants.iter().map(|v| v.format).collect();
    assert!(
        formats
            .chunks(2)
            .all(|p| p == [OutputFormat::Jpeg, OutputFormat::Webp]),
        "{formats:?}"
    );
    out.variants
        .iter()
        .filter(|v| v.format == OutputFormat::Jpeg)
        .map(|v| (v.width, v.height))
        .collect()
}

#[test]
fn a_1000_pixel_photo_gets_320_640_and_its_own_width() {
    let input = png::encode(&Picture::gradient(1000, 600));
    assert_eq!(
        jpeg_widths(&input, &DEFAULT_WIDTHS),
        [(320, 192), (640, 384), (1000, 600)]
    );
}

#[test]
fn a_photo_narrower_than_every_width_is_published_once_at_its_size() {
    let input = png::encode(&Picture::gradient(200, 150));
    assert_eq!(jpeg_widths(&input, &DEFAULT_WIDTHS), [(200, 150)]);
}

#[test]
fn custom_widths_are_sorted_deduplicated_and_capped() {
    let input = png::encode(&Picture::gradient(900, 300));
    assert_eq!(
        jpeg_widths(&input, &[500, 100, 500, 0, 4000]),
        [(100, 33), (500, 167), (900, 300)]
    );
    assert_eq!(
        process(&input, &Limits::default(), &[]),
        Err(MediaError::NoWidths)
    );
    assert_eq!(
        process(&input, &Limits::default(), &[0]),
        Err(MediaError::NoWidths)
    );
}

#[test]
fn placeholder_describes_the_picture() {
    let input = png::encode(&Picture::from_fn(300, 100, false, |_, _| {
        [40, 90, 200, 255]
    }));
    let out = process(&input, &Limits::default(), &DEFAULT_WIDTHS).unwrap();
    assert_eq!(out.placeholder.color, "#285ac8");
    let ratio =
        thumbhash::thumb_hash_to_approximate_aspect_ratio(&out.placeholder.thumbhash).unwrap();
    assert!(
        ratio > 2.0,
        "a 3:1 photo must have a wide placeholder, got {ratio}"
    );
}

#[test]
fn a_strip_far_taller_than_wide_gets_no_variant_taller_than_twice_the_largest_width() {
    // Issue 10: a tall narrow 100-megapixel upload made 100-megapixel
    // variants (819 MB to process). Variants now stay within twice the
    // largest requested width in height: here 400 px, so 20 px wide.
    let input = png::encode(&Picture::gradient(300, 6000));
    assert_eq!(jpeg_widths(&input, &[100, 200]), [(20, 400)]);
    // A portrait photo up to 1:2 keeps every width asked for.
    let portrait = png::encode(&Picture::gradient(300, 400));
    assert_eq!(
        jpeg_widths(&portrait, &[100, 200]),
        [(100, 133), (200, 267)]
    );
}
