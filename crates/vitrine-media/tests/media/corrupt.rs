//! Bad input must end in a clear error, never a panic or a half-grey photo:
//! truncated files, random bytes, other document types, empty and oversized
//! files, and a sweep of cut and bit-flipped variants of valid images.

use vitrine_media::{DEFAULT_WIDTHS, Limits, MediaError, process};

use crate::common::{Picture, jpeg, noise, png, webp};

fn error_of(bytes: &[u8]) -> MediaError {
    process(bytes, &Limits::default(), &DEFAULT_WIDTHS).unwrap_err()
}

#[test]
fn truncated_files_are_reported_as_truncated_or_corrupt() {
    let picture = Picture::gradient(120, 90);
    for (name, full) in [
        ("JPEG", jpeg::encode(&picture)),
        ("PNG", png::encode(&picture)),
        ("WebP", webp::encode(&picture)),
    ] {
        assert!(
            process(&full, &Limits::default(), &DEFAULT_WIDTHS).is_ok(),
            "{name} fixture must be valid"
        );
        let err = error_of(&full[..full.len() / 2]);
        assert!(matches!(err, MediaError::Corrupt(_)), "{name}: {err:?}");
        assert!(
            err.to_string()
                .starts_with("the image is truncated or corrupt: "),
            "{name}: {err}"
        );
    }
}

#[test]
fn non_images_are_named_and_rejected() {
    let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
    assert_eq!(
        error_of(pdf).to_string(),
        "not a supported image: the file starts like a PDF document; supported types are JPEG, PNG and WebP"
    );
    let random = noise(4096, 7);
    assert!(matches!(error_of(&random), MediaError::Unsupported { .. }));
    assert_eq!(error_of(b""), MediaError::Empty);
    assert_eq!(error_of(b"").to_string(), "the file is empty");
}

#[test]
fn oversized_files_are_refused_before_reading() {
    // 1.5 MB of zeros that merely start like a JPEG.
    let mut big = vec![0xFF, 0xD8, 0xFF];
    big.resize(1_500_000, 0);
    let limits = Limits {
        max_bytes: 1_000_000,
        ..Limits::default()
    };
    let err = process(&big, &limits, &DEFAULT_WIDTHS).unwrap_err();
    assert_eq!(err.to_string(), "file too large: 1.5 MB, the limit is 1 MB");
}

#[test]
fn cut_and_bit_flipped_images_never_panic() {
    let picture = Picture::gradient(40, 30);
    for valid in [
        jpeg::encode(&picture),
        png::encode(&picture),
        webp::encode(&picture),
    ] {
        for cut in (0..valid.len()).step_by(valid.len() / 40 + 1) {
            let _ = process(&valid[..cut], &Limits::default(), &DEFAULT_WIDTHS);
        }
        let flips = noise(200, valid.len() as u64);
        for pair in flips.chunks_exact(2) {
            let mut broken = valid.clone();
            let at = (usize::from(pair[0]) * 256 + usize::from(pair[1])) % broken.len();
            broken[at] ^= 0x5A;
            let _ = process(&broken, &Limits::default(), &DEFAULT_WIDTHS);
        }
    }
}

#[test]
fn an_image_header_without_pixel_data_is_corrupt_not_a_crash() {
    let err = error_of(&png::header_only(64, 64));
    assert!(matches!(err, MediaError::Corrupt(_)), "{err:?}");
}
