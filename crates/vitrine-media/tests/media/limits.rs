//! Decompression bombs and oversized uploads must be refused from the
//! header, before any pixel buffer exists. These fixtures are headers with
//! no image data at all: if anything tried to decode them the error would be
//! "truncated or corrupt", not the limit error asserted here.

use vitrine_media::{DEFAULT_WIDTHS, Format, Limits, MediaError, Side, probe, process};

use crate::common::{Picture, be16, jpeg, png, webp};

/// SOI and a baseline frame header claiming `width` × `height`, 3 components.
fn jpeg_header_only(width: u16, height: u16) -> Vec<u8> {
    let mut sof = vec![8];
    sof.extend(be16(height));
    sof.extend(be16(width));
    sof.extend([3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]);
    [
        vec![0xFF, 0xD8],
        jpeg::segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"),
        jpeg::segment(0xC0, &sof),
    ]
    .concat()
}

#[test]
fn jpeg_claiming_65500_square_is_refused_as_too_wide() {
    let bomb = jpeg_header_only(65_500, 65_500);
    let err = probe(&bomb, &Limits::default()).unwrap_err();
    assert_eq!(
        err,
        MediaError::SideTooLong {
            side: Side::Width,
            size: 65_500,
            limit: 30_000
        }
    );
    assert_eq!(
        err.to_string(),
        "image too wide: 65500 pixels, the limit is 30000 per side"
    );
    assert_eq!(
        process(&bomb, &Limits::default(), &DEFAULT_WIDTHS),
        Err(err)
    );
}

#[test]
fn png_claiming_65500_square_is_refused_as_too_wide() {
    let bomb = png::header_only(65_500, 65_500);
    let err = process(&bomb, &Limits::default(), &DEFAULT_WIDTHS).unwrap_err();
    assert_eq!(
        err,
        MediaError::SideTooLong {
            side: Side::Width,
            size: 65_500,
            limit: 30_000
        }
    );
}

#[test]
fn tall_narrow_bomb_names_the_height() {
    let err = probe(&png::header_only(10, 1_000_000), &Limits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "image too tall: 1000000 pixels, the limit is 30000 per side"
    );
}

#[test]
fn headers_within_the_side_limit_but_over_the_pixel_limit_are_refused() {
    let err = probe(&png::header_only(20_000, 20_000), &Limits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "image too large: 400 megapixels, the limit is 100 megapixels"
    );
    let err = probe(&jpeg_header_only(12_000, 10_000), &Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            MediaError::TooManyPixels {
                count: 120_000_000,
                ..
            }
        ),
        "{err}"
    );
    let vp8x = webp::riff(&[webp::vp8x(0, 16_384, 16_384)]);
    let err = probe(&vp8x, &Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            MediaError::TooManyPixels {
                count: 268_435_456,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn long_animations_are_refused_by_frame_count() {
    let err = probe(&webp::animated_header(300), &Limits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "animated image with 300 frames, the limit is 100"
    );
    let apng = png::with_chunks(&png::header_only(64, 64), &[png::actl(300)]);
    assert_eq!(
        probe(&apng, &Limits::default()).unwrap_err(),
        MediaError::TooManyFrames {
            frames: 300,
            limit: 100
        }
    );
    let short = probe(&webp::animated_header(3), &Limits::default()).unwrap();
    assert_eq!((short.format, short.frames), (Format::Webp, 3));
}

#[test]
fn probe_reports_type_and_size_of_real_files() {
    let picture = Picture::gradient(33, 17);
    for (bytes, format) in [
        (jpeg::encode(&picture), Format::Jpeg),
        (png::encode(&picture), Format::Png),
        (webp::encode(&picture), Format::Webp),
    ] {
        let p = probe(&bytes, &Limits::default()).unwrap();
        assert_eq!((p.format, p.width, p.height, p.frames), (format, 33, 17, 1));
    }
}

#[test]
fn custom_limits_apply_to_real_files() {
    let bytes = jpeg::encode(&Picture::gradient(96, 64));
    let small = Limits {
        max_side: 50,
        ..Limits::default()
    };
    assert_eq!(
        probe(&bytes, &small).unwrap_err(),
        MediaError::SideTooLong {
            side: Side::Width,
            size: 96,
            limit: 50
        }
    );
    let few = Limits {
        max_pixels: 96 * 64 - 1,
        ..Limits::default()
    };
    assert!(matches!(
        process(&bytes, &few, &DEFAULT_WIDTHS),
        Err(MediaError::TooManyPixels { .. })
    ));
    let tiny = Limits {
        max_bytes: 100,
        ..Limits::default()
    };
    let err = probe(&bytes, &tiny).unwrap_err();
    assert!(err.to_string().starts_with("file too large: "), "{err}");
    assert!(
        err.to_string().ends_with(", the limit is 100 bytes"),
        "{err}"
    );
}
