//! Redaction (issue 13): regions hidden in the original's full-size pixels
//! leave nothing to recover in any public size or format, the rest of the
//! picture is untouched, and the master carries no metadata.
//!
//! "Nothing to recover" is measured with [`vitrine_media::hidden_detail`]:
//! the correlation between the fine detail of a public file and of the
//! original inside the region. The thresholds this file states:
//! - every hidden region, every width, JPEG and WebP: |correlation| < 0.1
//!   (measured: below 0.05 everywhere);
//! - a solid fill also has a brightness spread below 4 levels (of 255);
//! - the same measure on a region left alone finds the original's detail
//!   (correlation > 0.3; measured 0.42 for the full-size WebP, which smooths
//!   the finest noise, and 0.9-0.96 elsewhere), so the measure can fail.

use crate::common::{Picture, inspect, jpeg, noise};
use vitrine_core::redaction::{Edit, Method, Rect, Region, Shape};
use vitrine_media::{
    DEFAULT_WIDTHS, Limits, MediaError, OutputFormat, RedactOutput, hidden_detail, process, redact,
};

/// A busy picture: blocks of 4 × 4 random colours on a gradient, so every
/// region has detail at every size the tests look at.
fn busy(width: u32, height: u32) -> Picture {
    let random = noise((width * height) as usize, 7);
    Picture::from_fn(width, height, false, |x, y| {
        let n = random[((y / 4) * width + x / 4) as usize];
        let g = (x * 200 / width) as u8;
        [n, n.wrapping_add(g) / 2 + 40, 255 - n / 2, 255]
    })
}

const fn region(shape: Shape, method: Method, x: u32, y: u32, w: u32, h: u32) -> Region {
    Region::new(shape, method, x, y, w, h)
}

/// Two faces and a name badge, one of each method, and one region left alone.
fn regions() -> ([Region; 3], Region) {
    (
        [
            region(Shape::Ellipse, Method::Fill, 200, 150, 320, 400),
            region(Shape::Ellipse, Method::Blur, 1100, 180, 300, 380),
            region(Shape::Rectangle, Method::Pixelate, 640, 800, 420, 160),
        ],
        region(Shape::Rectangle, Method::Fill, 1500, 700, 300, 300),
    )
}

#[test]
fn hidden_regions_leave_no_detail_in_any_public_size_or_format() {
    // A camera JPEG turned by EXIF (6: the camera held upright), with GPS,
    // XMP, IPTC and a thumbnail: region coordinates are the upright ones.
    let upright = busy(2000, 1200);
    let stored = crate::common::stored_for_orientation(&upright, 6);
    let original = jpeg::camera(&stored, 6, &[]);
    let (hidden, untouched) = regions();
    let edit = Edit {
        regions: hidden.to_vec(),
        ..Edit::default()
    };
    let limits = Limits::default();
    let master = redact(&original, &limits, &edit, RedactOutput::Master).unwrap();
    assert_eq!((master.width, master.height), (2000, 1200));
    inspect::assert_clean_jpeg(&master.bytes, "the master");
    inspect::assert_no_secrets(&master.bytes, "the master");
    let processed = process(&master.bytes, &limits, &DEFAULT_WIDTHS).unwrap();
    inspect::assert_all_clean(&processed, "the redacted photo");
    let mut measured = 0;
    for variant in &processed.variants {
        let what = format!("{} {} px", variant.format.name(), variant.width);
        for r in &hidden {
            let detail = match hidden_detail(&original, &variant.bytes, r, &limits) {
                Ok(d) => d,
                // The smallest sizes shrink a region below a measurable box.
                Err(MediaError::Edit(_)) if variant.width <= 320 => continue,
                Err(e) => panic!("{what}: {e}"),
            };
            measured += 1;
            assert!(
                detail.correlation.abs() < 0.1,
                "{what}, {:?} {:?}: correlation {:.3}",
                r.shape,
                r.method,
                detail.correlation
            );
            if r.method == Method::Fill {
                assert!(
                    detail.spread < 4.0,
                    "{what}: fill spread {:.2}",
                    detail.spread
                );
            }
        }
        if variant.width >= 640 {
            let control = hidden_detail(&original, &variant.bytes, &untouched, &limits).unwrap();
            assert!(
                control.correlation > 0.3,
                "{what}: the measure misses the detail of a region left alone ({:.3})",
                control.correlation
            );
        }
    }
    let formats: Vec<OutputFormat> = processed.variants.iter().map(|v| v.format).collect();
    assert!(formats.contains(&OutputFormat::Webp) && formats.contains(&OutputFormat::Jpeg));
    assert!(measured >= 24, "only {measured} measurements");
}

#[test]
fn the_rest_of_the_picture_is_kept_and_the_same_edit_gives_the_same_bytes() {
    let upright = busy(600, 400);
    let original = crate::common::png::encode(&upright);
    let edit =
        Edit::parse_spec("rectangle fill 100 100 50 40; ellipse pixelate 300 50 120 90").unwrap();
    let limits = Limits::default();
    let master = redact(&original, &limits, &edit, RedactOutput::Master).unwrap();
    assert_eq!(
        master,
        redact(&original, &limits, &edit, RedactOutput::Master).unwrap()
    );
    // The master is a JPEG at quality 95: outside the regions the picture
    // is the original's within JPEG's error, inside them far from it.
    let decoded = image::load_from_memory(&master.bytes).unwrap().to_rgb8();
    let (mut outside, mut outside_error, mut hidden) = (0u64, 0u64, 0u64);
    for (x, y, px) in decoded.enumerate_pixels() {
        let at = ((y * 600 + x) * 3) as usize;
        let error: u64 =
            px.0.iter()
                .zip(&upright.data[at..at + 3])
                .map(|(a, b)| u64::from(a.abs_diff(*b)))
                .sum();
        // JPEG's 8 × 8 blocks next to a box may blend with it.
        let within = |r: Rect, m: u32| {
            x + m >= r.x && x < r.x + r.width + m && y + m >= r.y && y < r.y + r.height + m
        };
        if edit.regions.iter().any(|r| within(r.rect, 0)) {
            hidden += u64::from(error > 60);
        } else if !edit.regions.iter().any(|r| within(r.rect, 8)) {
            outside += 1;
            outside_error += error;
        }
    }
    let mean_error = outside_error as f64 / outside as f64 / 3.0;
    assert!(
        mean_error < 3.0,
        "outside the regions pixels moved by {mean_error:.2} on average"
    );
    assert!(hidden > 5000, "only {hidden} pixels hidden");
    // The fill is the documented colour.
    inspect::assert_near(
        decoded.get_pixel(120, 120).0,
        vitrine_media::FILL,
        3,
        "the fill",
    );
}

#[test]
fn crop_and_turn_make_the_size_asked_for() {
    let original = crate::common::png::encode(&busy(600, 400));
    let edit = Edit::parse_spec("rectangle 0 0 10 10; crop 100 50 300 200; turn 90").unwrap();
    let limits = Limits::default();
    let master = redact(&original, &limits, &edit, RedactOutput::Master).unwrap();
    assert_eq!((master.width, master.height), (200, 300));
    let preview = redact(&original, &limits, &edit, RedactOutput::Preview).unwrap();
    inspect::assert_clean_jpeg(&preview.bytes, "the preview");
    assert_eq!((preview.width, preview.height), (200, 300));
}

#[test]
fn a_region_outside_the_photo_is_refused_with_its_number_and_the_size() {
    let original = crate::common::png::encode(&busy(600, 400));
    let edit = Edit::parse_spec("rectangle 0 0 10 10; ellipse blur 550 0 100 100").unwrap();
    let err = redact(&original, &Limits::default(), &edit, RedactOutput::Master).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("region 2") && text.contains("600 × 400"),
        "{text}"
    );
}
