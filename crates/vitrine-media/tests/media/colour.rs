//! Output files carry no ICC profile, so pixels tagged with a wide-gamut
//! profile must be converted to sRGB or they would look washed out. Also
//! covers transparency: flattened onto white for JPEG, kept in WebP.

use vitrine_media::{DEFAULT_WIDTHS, Limits, OutputFormat, Processed, process};

use crate::common::inspect::{assert_near, decode_rgba, sample};
use crate::common::{Picture, jpeg, png};

const STORED: [u8; 3] = [200, 60, 60];

fn flat() -> Picture {
    Picture::from_fn(64, 64, false, |_, _| [STORED[0], STORED[1], STORED[2], 255])
}

fn centre(out: &Processed, format: OutputFormat) -> [u8; 3] {
    let variant = out.variants.iter().find(|v| v.format == format).unwrap();
    sample(&decode_rgba(&variant.bytes), 0.5, 0.5)
}

fn profile(p: moxcms::ColorProfile) -> Vec<u8> {
    p.encode().unwrap()
}

#[test]
fn display_p3_png_is_converted_to_srgb() {
    let input = png::with_chunks(
        &png::encode(&flat()),
        &[png::iccp(
            "Display P3",
            &profile(moxcms::ColorProfile::new_display_p3()),
        )],
    );
    let out = process(&input, &Limits::default(), &DEFAULT_WIDTHS).unwrap();
    for format in [OutputFormat::Jpeg, OutputFormat::Webp] {
        let [r, g, b] = centre(&out, format);
        // P3 red (200, 60, 60) lies outside what the same numbers mean in
        // sRGB: the converted red is stronger and green/blue weaker.
        assert!(
            r >= 212 && g <= 50 && b <= 52,
            "{format:?}: got {r},{g},{b}"
        );
    }
}

#[test]
fn display_p3_jpeg_is_converted_and_srgb_jpeg_is_left_alone() {
    let p3 = jpeg::with_segments(
        &jpeg::encode(&flat()),
        &[jpeg::app2_icc(&profile(
            moxcms::ColorProfile::new_display_p3(),
        ))],
    );
    let [r, g, _] = centre(
        &process(&p3, &Limits::default(), &DEFAULT_WIDTHS).unwrap(),
        OutputFormat::Jpeg,
    );
    assert!(r >= 212 && g <= 50, "got {r},{g}");

    let srgb = jpeg::with_segments(
        &jpeg::encode(&flat()),
        &[jpeg::app2_icc(&profile(moxcms::ColorProfile::new_srgb()))],
    );
    let got = centre(
        &process(&srgb, &Limits::default(), &DEFAULT_WIDTHS).unwrap(),
        OutputFormat::Jpeg,
    );
    assert_near(got, STORED, 5, "sRGB-tagged JPEG");
}

#[test]
fn transparency_becomes_white_in_jpeg_and_stays_transparent_in_webp() {
    // Left half transparent black, right half opaque blue.
    let picture = Picture::from_fn(80, 40, true, |x, _| {
        if x < 40 {
            [0, 0, 0, 0]
        } else {
            [20, 40, 220, 255]
        }
    });
    let out = process(&png::encode(&picture), &Limits::default(), &DEFAULT_WIDTHS).unwrap();
    let jpeg = out
        .variants
        .iter()
        .find(|v| v.format == OutputFormat::Jpeg)
        .unwrap();
    let image = decode_rgba(&jpeg.bytes);
    assert_near(
        sample(&image, 0.2, 0.5),
        [255, 255, 255],
        6,
        "JPEG transparent half",
    );
    assert_near(
        sample(&image, 0.8, 0.5),
        [20, 40, 220],
        12,
        "JPEG opaque half",
    );
    let webp = out
        .variants
        .iter()
        .find(|v| v.format == OutputFormat::Webp)
        .unwrap();
    let image = decode_rgba(&webp.bytes);
    assert!(image.get_pixel(10, 20).0[3] < 16, "WebP lost transparency");
    assert!(image.get_pixel(70, 20).0[3] > 240, "WebP lost opacity");
}
