//! Reads an upload's type, size and frame count from its header alone, and
//! checks them against the [`Limits`]. No pixel is decoded and nothing larger
//! than a few integers is allocated, so a decompression bomb (a small file
//! claiming billions of pixels) is refused in microseconds.
//!
//! The parsers are hand-written rather than borrowed from the decoders
//! because decoders are free to allocate while "reading the header" and we
//! want a guarantee, not an implementation detail.

use crate::error::MediaError;
use crate::format::Format;
use crate::limits::Limits;
use crate::sniff::sniff;

/// What the header of an accepted upload says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    /// The type, from the bytes.
    pub format: Format,
    /// Stored width in pixels, before any EXIF orientation is applied.
    pub width: u32,
    /// Stored height in pixels, before any EXIF orientation is applied.
    pub height: u32,
    /// Animation frames; 1 for still images.
    pub frames: u32,
}

/// Sniffs the type from the bytes (never the file name), reads only the
/// header and checks the limits. No pixel decoding happens here.
///
/// # Errors
/// Empty, oversized, unsupported or corrupt headers, and headers that
/// break any of the `limits`.
pub fn probe(bytes: &[u8], limits: &Limits) -> Result<Probe, MediaError> {
    limits.check_bytes(bytes.len())?;
    let format = sniff(bytes)?;
    let (width, height, frames) = match format {
        Format::Jpeg => jpeg_header(bytes).map(|(w, h)| (w, h, 1))?,
        Format::Png => png_header(bytes)?,
        Format::Webp => webp_header(bytes)?,
    };
    limits.check_header(width, height, frames)?;
    Ok(Probe {
        format,
        width,
        height,
        frames,
    })
}

fn truncated(what: &str) -> MediaError {
    MediaError::Corrupt(format!("the file ends inside its {what}"))
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(3)?)?;
    Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
}

/// Start-of-frame markers carry the size. C4 (DHT), C8 (reserved) and CC
/// (DAC) share the range but are not frames.
pub(crate) fn is_start_of_frame(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

/// Walks JPEG marker segments from the start of the file to the first marker
/// that `wanted` accepts, returning it and the offset of its length field.
/// Stops with an error at the first scan or end-of-image marker otherwise,
/// so metadata segments (which may hold whole embedded JPEGs) are skipped
/// by their declared length, never searched.
pub(crate) fn find_jpeg_marker(
    b: &[u8],
    wanted: impl Fn(u8) -> bool,
) -> Result<(u8, usize), MediaError> {
    let mut pos = 2;
    loop {
        match b.get(pos) {
            Some(0xFF) => {}
            Some(_) => {
                return Err(MediaError::Corrupt(format!(
                    "expected a JPEG marker at byte {pos}"
                )));
            }
            None => return Err(truncated("JPEG header")),
        }
        // Any number of 0xFF fill bytes may precede a marker code.
        while b.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let marker = *b.get(pos + 1).ok_or_else(|| truncated("JPEG header"))?;
        pos += 2;
        if wanted(marker) {
            return Ok((marker, pos));
        }
        match marker {
            0x01 | 0xD0..=0xD8 => continue,
            0xD9 => {
                return Err(MediaError::Corrupt(
                    "the JPEG ends before its image data".into(),
                ));
            }
            0xDA => {
                return Err(MediaError::Corrupt(
                    "the JPEG has no frame header before its image data".into(),
                ));
            }
            _ => {}
        }
        let len = usize::from(be16(b, pos).ok_or_else(|| truncated("JPEG header"))?);
        if len < 2 {
            return Err(MediaError::Corrupt(format!(
                "a JPEG segment at byte {pos} has length {len}"
            )));
        }
        pos += len;
    }
}

/// Reads the size from the first start-of-frame segment.
fn jpeg_header(b: &[u8]) -> Result<(u32, u32), MediaError> {
    let (_, pos) = find_jpeg_marker(b, is_start_of_frame)?;
    let height = be16(b, pos + 3).ok_or_else(|| truncated("JPEG frame header"))?;
    let width = be16(b, pos + 5).ok_or_else(|| truncated("JPEG frame header"))?;
    if height == 0 {
        return Err(MediaError::UnsupportedFeature(
            "a JPEG whose height is only given after the image data (DNL marker)".into(),
        ));
    }
    Ok((u32::from(width), u32::from(height)))
}

/// Reads IHDR, then scans the chunks before the image data for an APNG
/// animation-control chunk, which must precede IDAT.
fn png_header(b: &[u8]) -> Result<(u32, u32, u32), MediaError> {
    if b.get(12..16) != Some(b"IHDR") {
        return Err(match b.len() {
            0..16 => truncated("PNG header"),
            _ => MediaError::Corrupt("the PNG does not start with an IHDR chunk".into()),
        });
    }
    let width = be32(b, 16).ok_or_else(|| truncated("PNG header"))?;
    let height = be32(b, 20).ok_or_else(|| truncated("PNG header"))?;
    let mut frames = 1;
    let mut pos: usize = 8;
    while let (Some(len), Some(kind)) = (be32(b, pos), b.get(pos + 4..pos + 8)) {
        match kind {
            b"IDAT" => break,
            b"acTL" => {
                frames = be32(b, pos + 8).ok_or_else(|| truncated("PNG animation header"))?
            }
            _ => {}
        }
        let Some(next) = usize::try_from(len)
            .ok()
            .and_then(|l| pos.checked_add(l)?.checked_add(12))
        else {
            break;
        };
        pos = next;
    }
    Ok((width, height, frames))
}

/// Reads the first chunk of a WebP: a lossy or lossless bitstream header,
/// or the extended-format header, whose animation flag makes us count frames.
fn webp_header(b: &[u8]) -> Result<(u32, u32, u32), MediaError> {
    let kind = b.get(12..16).ok_or_else(|| truncated("WebP header"))?;
    let data = b.get(20..).ok_or_else(|| truncated("WebP header"))?;
    match kind {
        b"VP8 " => {
            if data.get(3..6) != Some(&[0x9D, 0x01, 0x2A]) {
                return Err(MediaError::Corrupt(
                    "the lossy WebP frame header is damaged".into(),
                ));
            }
            let w = le32(data, 6).ok_or_else(|| truncated("WebP header"))?;
            Ok((w & 0x3FFF, (w >> 16) & 0x3FFF, 1))
        }
        b"VP8L" => {
            if data.first() != Some(&0x2F) {
                return Err(MediaError::Corrupt(
                    "the lossless WebP header is damaged".into(),
                ));
            }
            let bits = le32(data, 1).ok_or_else(|| truncated("WebP header"))?;
            Ok(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, 1))
        }
        b"VP8X" => {
            let flags = *data.first().ok_or_else(|| truncated("WebP header"))?;
            let w = le24(data, 4).ok_or_else(|| truncated("WebP header"))? + 1;
            let h = le24(data, 7).ok_or_else(|| truncated("WebP header"))? + 1;
            let frames = if flags & 0x02 != 0 {
                count_webp_frames(b)?
            } else {
                1
            };
            Ok((w, h, frames))
        }
        _ => Err(MediaError::Corrupt(
            "the WebP has no image chunk where one is required".into(),
        )),
    }
}

/// Counts ANMF chunks by walking the RIFF chunk list; each step moves
/// forward by at least 8 bytes so the walk always ends.
fn count_webp_frames(b: &[u8]) -> Result<u32, MediaError> {
    let mut frames: u32 = 0;
    let mut pos: usize = 12;
    while let (Some(kind), Some(len)) = (b.get(pos..pos + 4), le32(b, pos + 4)) {
        if kind == b"ANMF" {
            frames = frames.saturating_add(1);
        }
        // Chunk payloads are padded to an even length.
        let padded = usize::try_from(len)
            .unwrap_or(usize::MAX)
            .saturating_add(usize::from(len % 2 == 1));
        pos = pos.saturating_add(8).saturating_add(padded);
    }
    if frames == 0 {
        return Err(MediaError::Corrupt(
            "the animated WebP contains no frames".into(),
        ));
    }
    Ok(frames)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_fill_bytes_and_restart_markers_are_skipped() {
        // SOI, fill byte, APP0 with 2-byte body, SOF0 128 high × 300 wide.
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xFF, 0xE0, 0, 4, 0, 0];
        b.extend([0xFF, 0xC0, 0, 11, 8, 0, 128, 1, 44, 1, 1, 0x11, 0]);
        assert_eq!(jpeg_header(&b), Ok((300, 128)));
    }

    #[test]
    fn jpeg_without_frame_header_is_corrupt() {
        let b = [0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 0xFF, 0xD9];
        assert!(matches!(jpeg_header(&b), Err(MediaError::Corrupt(_))));
        assert!(matches!(
            jpeg_header(&[0xFF, 0xD8, 0xFF, 0xE1, 0]),
            Err(MediaError::Corrupt(_))
        ));
    }

    #[test]
    fn webp_lossless_and_extended_sizes() {
        let mut vp8l = b"RIFF\0\0\0\0WEBPVP8L\x05\0\0\0\x2F".to_vec();
        vp8l.extend(((99u32) | (49u32 << 14)).to_le_bytes());
        assert_eq!(webp_header(&vp8l), Ok((100, 50, 1)));

        let mut anim = b"RIFF\0\0\0\0WEBPVP8X\x0A\0\0\0\x02\0\0\0\x09\0\0\x04\0\0".to_vec();
        for _ in 0..3 {
            anim.extend(b"ANMF\x01\0\0\0\0\0");
        }
        assert_eq!(webp_header(&anim), Ok((10, 5, 3)));
    }
}
