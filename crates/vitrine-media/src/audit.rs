//! Checking a finished public image file, byte by byte, for anything that is
//! not pixels: the last guard before a file leaves Vitrine in an export.
//!
//! A JPEG may hold only the JFIF APP0 header, quantisation and Huffman tables,
//! the frame and scans, restart intervals and the end marker, with nothing
//! after it. A WebP may hold only its bitstream chunks (`VP8 `, `VP8L`,
//! `ALPH`, and `VP8X` with no ICC, EXIF or XMP flag), with a RIFF size that
//! covers the file exactly. Anything else (EXIF, XMP, IPTC, ICC, comments,
//! thumbnails in APPn segments, trailing bytes) is a finding.

/// What is wrong with `bytes` as a public image file, or `None` when it
/// holds nothing but pixels. Files that are neither JPEG nor WebP are
/// findings too.
pub fn public_image_problem(bytes: &[u8]) -> Option<String> {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg(bytes)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        webp(bytes)
    } else {
        Some("not a JPEG or WebP file".to_owned())
    }
}

fn jpeg(bytes: &[u8]) -> Option<String> {
    let mut at = 2;
    loop {
        if at + 2 > bytes.len() || bytes[at] != 0xFF {
            return Some(format!("broken marker structure at byte {at}"));
        }
        let marker = bytes[at + 1];
        match marker {
            0xD9 => {
                return (at + 2 != bytes.len())
                    .then(|| format!("{} bytes after the end of the image", bytes.len() - at - 2));
            }
            0xFF => {
                at += 1;
                continue;
            }
            _ => {}
        }
        if at + 4 > bytes.len() {
            return Some("the file ends inside a segment header".to_owned());
        }
        let len = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let body = at + 4;
        let end = at + 2 + len;
        if len < 2 || end > bytes.len() {
            return Some(format!("a segment at byte {at} runs past the end"));
        }
        match marker {
            0xE0 if bytes[body..end].starts_with(b"JFIF\0") => {}
            0xDB | 0xC4 | 0xDD | 0xC0 | 0xC1 | 0xC2 => {}
            0xDA => {
                at = skip_entropy_data(bytes, end);
                continue;
            }
            0xE0..=0xEF => return Some(format!("an APP{} segment (metadata)", marker - 0xE0)),
            0xFE => return Some("a comment segment".to_owned()),
            other => return Some(format!("an unexpected segment FF{other:02X}")),
        }
        at = end;
    }
}

/// The offset of the next marker after a scan's entropy-coded data
/// (skipping byte stuffing and restart markers).
fn skip_entropy_data(bytes: &[u8], mut at: usize) -> usize {
    while at + 1 < bytes.len() {
        if bytes[at] == 0xFF {
            let next = bytes[at + 1];
            if next != 0x00 && !(0xD0..=0xD7).contains(&next) {
                return at;
            }
        }
        at += 1;
    }
    bytes.len()
}

fn webp(bytes: &[u8]) -> Option<String> {
    let riff = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    if riff + 8 != bytes.len() {
        return Some(format!(
            "the RIFF size says {} bytes but the file has {}",
            riff + 8,
            bytes.len()
        ));
    }
    let mut at = 12;
    while at < bytes.len() {
        if at + 8 > bytes.len() {
            return Some("the file ends inside a chunk header".to_owned());
        }
        let id = &bytes[at..at + 4];
        let size = u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]])
            as usize;
        let end = at + 8 + size + (size & 1);
        if end > bytes.len() {
            return Some(format!("a chunk at byte {at} runs past the end"));
        }
        match id {
            b"VP8 " | b"VP8L" | b"ALPH" => {}
            b"VP8X" => {
                // ICC profile, EXIF and XMP flags (and animation).
                if size < 1 || bytes[at + 8] & (0x20 | 0x08 | 0x04 | 0x02) != 0 {
                    return Some("a VP8X header announcing metadata or animation".to_owned());
                }
            }
            other => {
                return Some(format!(
                    "a \"{}\" chunk (metadata)",
                    String::from_utf8_lossy(other)
                ));
            }
        }
        at = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Limits, Request, process_request};
    use image::ImageEncoder as _;

    fn outputs() -> Vec<Vec<u8>> {
        let mut png = Vec::new();
        let pixels: Vec<u8> = (0..64 * 48 * 3).map(|i| (i % 251) as u8).collect();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(&pixels, 64, 48, image::ExtendedColorType::Rgb8)
            .unwrap();
        process_request(&png, &Limits::default(), &Request::widths(&[32]))
            .unwrap()
            .variants
            .into_iter()
            .map(|v| v.bytes)
            .collect()
    }

    #[test]
    fn our_own_jpeg_and_webp_output_is_clean() {
        let files = outputs();
        assert_eq!(files.len(), 2);
        for file in files {
            assert_eq!(public_image_problem(&file), None);
        }
    }

    #[test]
    fn metadata_comments_and_trailing_bytes_are_findings() {
        let files = outputs();
        let jpeg = files.iter().find(|f| f.starts_with(&[0xFF, 0xD8])).unwrap();
        let mut exif = jpeg[..2].to_vec();
        exif.extend_from_slice(&[0xFF, 0xE1, 0x00, 0x08]);
        exif.extend_from_slice(b"Exif\0\0");
        exif.extend_from_slice(&jpeg[2..]);
        assert!(public_image_problem(&exif).unwrap().contains("APP1"));
        let mut comment = jpeg[..2].to_vec();
        comment.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x04, b'h', b'i']);
        comment.extend_from_slice(&jpeg[2..]);
        assert!(public_image_problem(&comment).unwrap().contains("comment"));
        let mut trailing = jpeg.clone();
        trailing.extend_from_slice(b"SECRET");
        assert!(
            public_image_problem(&trailing)
                .unwrap()
                .contains("after the end")
        );

        let webp = files.iter().find(|f| f.starts_with(b"RIFF")).unwrap();
        let mut with_exif = webp.clone();
        with_exif.extend_from_slice(b"EXIF\x04\0\0\0GPS!");
        let riff = u32::try_from(with_exif.len() - 8).unwrap();
        with_exif[4..8].copy_from_slice(&riff.to_le_bytes());
        assert!(public_image_problem(&with_exif).unwrap().contains("EXIF"));
        assert!(public_image_problem(b"GIF89a").is_some());
    }
}
