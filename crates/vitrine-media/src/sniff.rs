//! Decides a file's type from its first bytes. The file name and any type the
//! browser claims are ignored: both are under the uploader's control and say
//! nothing reliable about what a decoder will be fed.
//!
//! Files that are not JPEG, PNG or WebP are still recognised when common, so
//! that the error can tell a researcher what they uploaded (a PDF, an iPhone
//! HEIC photo…) and so what to export instead.

use crate::error::MediaError;
use crate::format::Format;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Common non-image or unsupported-image prefixes and how to describe them.
const OTHER_TYPES: &[(&[u8], &str)] = &[
    (b"%PDF", "starts like a PDF document"),
    (b"GIF87a", "is a GIF image; export it as PNG or JPEG"),
    (b"GIF89a", "is a GIF image; export it as PNG or JPEG"),
    (
        b"II*\0",
        "is a TIFF image or camera raw file; export it as JPEG",
    ),
    (
        b"MM\0*",
        "is a TIFF image or camera raw file; export it as JPEG",
    ),
    (b"8BPS", "is a Photoshop document; export it as JPEG or PNG"),
    (b"\xFF\x0A", "is a JPEG XL image; export it as JPEG"),
    (b"\0\0\0\x0CJXL ", "is a JPEG XL image; export it as JPEG"),
    (b"BM", "is a BMP image; export it as PNG"),
    (b"PK\x03\x04", "is a ZIP archive or an Office document"),
    (b"\x1F\x8B", "is a gzip archive"),
    (b"{\\rtf", "is a rich-text document"),
    (b"\xD0\xCF\x11\xE0", "is an old-style Office document"),
];

/// Returns the upload's type, or an error describing what it looks like.
pub(crate) fn sniff(bytes: &[u8]) -> Result<Format, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if bytes.starts_with(PNG_SIGNATURE) {
        return Ok(Format::Png);
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Ok(Format::Webp);
    }
    Err(MediaError::Unsupported {
        found: describe_other(bytes).to_owned(),
    })
}

/// Describes a file that is not a supported image, completing "the file …".
fn describe_other(bytes: &[u8]) -> &'static str {
    if let Some((_, found)) = OTHER_TYPES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
    {
        return found;
    }
    if bytes.get(4..8) == Some(b"ftyp") {
        return describe_iso_media(bytes.get(8..12).unwrap_or_default());
    }
    if bytes.starts_with(b"RIFF") {
        return "is a RIFF audio or video file";
    }
    let text = bytes.trim_ascii_start();
    if text.starts_with(b"<") {
        return "is text (HTML, XML or SVG), not a photo";
    }
    if bytes.len() < 12 {
        return "is too short to be an image";
    }
    "is of a type that was not recognised"
}

/// ISO base media files share a layout; the brand says which kind.
fn describe_iso_media(brand: &[u8]) -> &'static str {
    match brand {
        b"heic" | b"heix" | b"hevc" | b"hevx" | b"mif1" | b"msf1" => {
            "is a HEIC photo (the iPhone default); export it as JPEG, or set the camera to \"Most Compatible\""
        }
        b"avif" | b"avis" => "is an AVIF image; export it as JPEG or WebP",
        _ => "is a video or other MP4-family file",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(bytes: &[u8]) -> String {
        match sniff(bytes) {
            Err(MediaError::Unsupported { found }) => found,
            other => panic!("expected Unsupported, got {other:?}"),
        }
    }

    #[test]
    fn supported_types_are_recognised_by_content() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Ok(Format::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Ok(Format::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Ok(Format::Webp));
    }

    #[test]
    fn common_mistakes_are_named() {
        assert_eq!(found(b"%PDF-1.7\n"), "starts like a PDF document");
        assert!(found(b"\0\0\0\x18ftypheic\0\0\0\0").contains("HEIC"));
        assert!(found(b"  <svg xmlns=").contains("SVG"));
        assert!(found(b"GIF89a\x01\0\x01\0").contains("GIF"));
        assert!(found(b"RIFF\0\0\0\0WAVEfmt ").contains("RIFF"));
    }

    #[test]
    fn unknown_and_empty_inputs_are_errors() {
        assert_eq!(sniff(b""), Err(MediaError::Empty));
        assert_eq!(
            found(b"\x13\x37\x42\x42 random bytes here"),
            "is of a type that was not recognised"
        );
        assert_eq!(found(b"\xFF\xD8"), "is too short to be an image");
    }
}
