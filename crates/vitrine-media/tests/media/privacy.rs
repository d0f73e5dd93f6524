//! No byte a visitor can fetch may carry metadata from the upload. Each
//! fixture plants `SECRET-…` markers in every metadata container a real
//! device writes; the tests first prove the markers are in the input (so
//! they can fail) and that the metadata was really parsed (its orientation
//! took effect), then that no output contains any of them.

use vitrine_media::{DEFAULT_WIDTHS, Limits, OutputFormat, Request, process, process_request};

use crate::common::inspect::{assert_all_clean, assert_no_secrets};
use crate::common::{Picture, SECRETS, jpeg, png, tiff, webp};

fn secret_icc() -> Vec<u8> {
    let mut profile = moxcms::ColorProfile::new_srgb();
    profile.description = Some(moxcms::ProfileText::PlainString("SECRET-ICC sRGB".into()));
    profile.encode().unwrap()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn camera_jpeg_metadata_never_reaches_any_variant() {
    let input = jpeg::camera(&Picture::gradient(700, 500), 6, &secret_icc());
    for secret in [
        "SECRET-GPS-51.7520",
        "SECRET-SERIAL",
        "SECRET-THUMBNAIL",
        "SECRET-XMP",
        "SECRET-IPTC",
        "SECRET-COMMENT",
        "SECRET-MPF-IMAGE",
        "SECRET-TRAILER",
        "SECRET-MAKE",
        "SECRET-MODEL",
    ] {
        assert!(contains(&input, secret), "fixture lacks {secret}");
    }
    let out = process(&input, &Limits::default(), &DEFAULT_WIDTHS).unwrap();
    // Orientation 6 from the EXIF block was honoured: the EXIF was parsed.
    assert_eq!((out.width, out.height), (500, 700));
    assert_eq!(
        out.variants.len(),
        4,
        "320 and 500 wide, each as JPEG and WebP"
    );
    assert_all_clean(&out, "camera JPEG");
}

/// The same on the path a phone photo takes at import (4:2:0, no colour
/// profile, JPEG outputs only: decoded and re-encoded as planar YCbCr).
#[test]
fn phone_jpeg_metadata_never_reaches_any_variant_on_the_planar_path() {
    let input = jpeg::camera_as(&Picture::gradient(700, 500), 6, &[], true);
    assert!(contains(&input, "SECRET-GPS-51.7520") && contains(&input, "SECRET-TRAILER"));
    let out = process_request(
        &input,
        &Limits::default(),
        &Request::jpeg_widths(&DEFAULT_WIDTHS),
    )
    .unwrap();
    assert_eq!((out.width, out.height), (500, 700));
    assert_eq!(out.variants.len(), 2, "320 and 500 wide, JPEG only");
    assert_all_clean(&out, "phone JPEG");
}

#[test]
fn png_text_and_exif_chunks_never_reach_any_variant() {
    let thumb = jpeg::with_segments(
        &jpeg::encode(&Picture::gradient(8, 8)),
        &[jpeg::comment("SECRET-THUMBNAIL")],
    );
    let input = png::with_chunks(
        &png::encode(&Picture::gradient(400, 300)),
        &[
            png::iccp("SECRET-ICC", &secret_icc()),
            png::exif(&tiff::camera_exif(6, &thumb)),
            png::text("Comment", "SECRET-PNG-TEXT"),
            png::itxt("Description", "SECRET-PNG-ITXT"),
            png::ztxt("Author", "SECRET-PNG-ZTXT"),
        ],
    );
    for secret in [
        "SECRET-PNG-TEXT",
        "SECRET-PNG-ITXT",
        "SECRET-PNG-ZTXT",
        "SECRET-GPS-51.7520",
        "SECRET-ICC",
    ] {
        assert!(contains(&input, secret), "fixture lacks {secret}");
    }
    let out = process(&input, &Limits::default(), &DEFAULT_WIDTHS).unwrap();
    assert_eq!(
        (out.width, out.height),
        (300, 400),
        "eXIf orientation 6 was not applied"
    );
    assert_all_clean(&out, "PNG with text chunks");
}

#[test]
fn webp_metadata_chunks_never_reach_any_variant() {
    let input = webp::with_metadata(
        &Picture::gradient(400, 300),
        &secret_icc(),
        &tiff::camera_exif(6, b"SECRET-THUMBNAIL not a real jpeg"),
        "<x:xmpmeta>SECRET-WEBP-XMP</x:xmpmeta>",
    );
    assert!(contains(&input, "SECRET-WEBP-XMP") && contains(&input, "SECRET-GPS-51.7520"));
    let out = process(&input, &Limits::default(), &DEFAULT_WIDTHS).unwrap();
    assert_eq!(
        (out.width, out.height),
        (300, 400),
        "WebP EXIF orientation 6 was not applied"
    );
    assert_all_clean(&out, "WebP with metadata");
}

#[test]
fn placeholder_carries_no_metadata_either() {
    let input = jpeg::camera(&Picture::gradient(64, 48), 1, &secret_icc());
    let out = process(&input, &Limits::default(), &DEFAULT_WIDTHS).unwrap();
    assert_no_secrets(&out.placeholder.thumbhash, "thumbhash");
    assert!(
        out.placeholder.thumbhash.len() < 40,
        "a placeholder must stay tiny"
    );
    assert!(SECRETS.iter().all(|s| !out.placeholder.color.contains(s)));
}

#[test]
fn same_input_gives_the_same_bytes() {
    let input = jpeg::camera(&Picture::gradient(700, 500), 3, &secret_icc());
    let a = process(&input, &Limits::default(), &DEFAULT_WIDTHS).unwrap();
    let b = process(&input, &Limits::default(), &DEFAULT_WIDTHS).unwrap();
    assert_eq!(a, b);
    assert!(a.variants.iter().any(|v| v.format == OutputFormat::Webp));
}

/// Issue 13: an upload that recorded where it was taken is recognised, in
/// each format's EXIF, so its reviewer can be told; one without GPS is not.
#[test]
fn a_recorded_location_is_recognised_in_jpeg_png_and_webp() {
    let picture = Picture::gradient(64, 48);
    let exif = tiff::camera_exif(1, b"thumbnail");
    let camera = jpeg::camera(&picture, 1, &[]);
    let png = png::with_chunks(&png::encode(&picture), &[png::exif(&exif)]);
    let webp = webp::with_metadata(&picture, &[], &exif, "<x:xmpmeta/>");
    for (what, bytes) in [("JPEG", &camera), ("PNG", &png), ("WebP", &webp)] {
        assert!(vitrine_media::records_location(bytes), "{what} with GPS");
    }
    let orientation_only = jpeg::oriented(&picture, 6);
    for (what, bytes) in [
        ("plain JPEG", jpeg::encode(&picture)),
        ("JPEG with EXIF but no GPS", orientation_only),
        ("plain PNG", png::encode(&picture)),
        ("not an image", b"hello".to_vec()),
    ] {
        assert!(!vitrine_media::records_location(&bytes), "{what}");
    }
}
