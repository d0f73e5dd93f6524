//! Photos taken with the phone turned must be published upright, because
//! the EXIF tag that says how to turn them is stripped with the rest of the
//! metadata. Each of the eight EXIF orientations is checked by sampling the
//! four quadrants of an asymmetric, non-square pattern.

use vitrine_media::{
    DEFAULT_WIDTHS, Limits, OutputFormat, Processed, Request, process, process_request,
};

use crate::common::inspect::{assert_near, decode_rgba, sample};
use crate::common::{QUADRANT_COLOURS, jpeg, png, quadrants, stored_for_orientation, tiff};

const CENTRES: [(f32, f32); 4] = [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)];

fn assert_upright(out: &Processed, width: u32, height: u32, what: &str) {
    assert_eq!(
        (out.width, out.height),
        (width, height),
        "{what}: upright size"
    );
    for variant in &out.variants {
        let image = decode_rgba(&variant.bytes);
        assert_eq!(
            image.dimensions(),
            (variant.width, variant.height),
            "{what}: declared size"
        );
        assert_eq!(
            variant.width * height,
            variant.height * width,
            "{what}: aspect ratio"
        );
        for ((fx, fy), expected) in CENTRES.into_iter().zip(QUADRANT_COLOURS) {
            let label = format!("{what} {} quadrant ({fx},{fy})", variant.format.name());
            assert_near(sample(&image, fx, fy), expected, 40, &label);
        }
    }
}

#[test]
fn every_exif_orientation_of_a_jpeg_comes_out_upright() {
    let upright = quadrants(96, 64);
    for orientation in 1..=8 {
        let input = jpeg::oriented(&stored_for_orientation(&upright, orientation), orientation);
        let out = process(&input, &Limits::default(), &DEFAULT_WIDTHS).unwrap();
        assert_upright(&out, 96, 64, &format!("JPEG orientation {orientation}"));
        assert_eq!(out.variants.len(), 2);
    }
}

/// A phone's 4:2:0 JPEG bound only for JPEG outputs takes the planar path
/// (decoded at 4/8 here, then resized, turned and encoded plane by plane).
#[test]
fn every_exif_orientation_of_a_phone_jpeg_comes_out_upright_on_the_planar_path() {
    let upright = quadrants(800, 600);
    for orientation in 1..=8 {
        let stored = stored_for_orientation(&upright, orientation);
        let input = jpeg::phone_oriented(&stored, orientation);
        let request = Request::jpeg_widths(&[200, 320]);
        let out = process_request(&input, &Limits::default(), &request).unwrap();
        assert_upright(
            &out,
            800,
            600,
            &format!("phone JPEG orientation {orientation}"),
        );
        let sizes: Vec<_> = out.variants.iter().map(|v| (v.width, v.height)).collect();
        assert_eq!(sizes, [(200, 150), (320, 240)], "orientation {orientation}");
    }
}

#[test]
fn png_exif_orientation_comes_out_upright_after_resizing() {
    let upright = quadrants(400, 700);
    for orientation in [5, 8] {
        let stored = stored_for_orientation(&upright, orientation);
        let input = png::with_chunks(
            &png::encode(&stored),
            &[png::exif(&tiff::orientation_only(orientation))],
        );
        let out = process(&input, &Limits::default(), &DEFAULT_WIDTHS).unwrap();
        assert_upright(&out, 400, 700, &format!("PNG orientation {orientation}"));
        let widths: Vec<u32> = out
            .variants
            .iter()
            .filter(|v| v.format == OutputFormat::Jpeg)
            .map(|v| v.width)
            .collect();
        assert_eq!(widths, [320, 400]);
    }
}

#[test]
fn an_unknown_orientation_value_leaves_the_image_as_stored() {
    let upright = quadrants(96, 64);
    let input = jpeg::oriented(&upright, 9);
    let out = process(&input, &Limits::default(), &DEFAULT_WIDTHS).unwrap();
    assert_upright(&out, 96, 64, "orientation 9");
}
