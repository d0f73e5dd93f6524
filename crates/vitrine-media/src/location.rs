//! Whether an upload's own metadata records where it was taken (EXIF GPS).
//! Vitrine never publishes that metadata, so this is not about leaks: a
//! photo that carried a position was taken somewhere that matters, and its
//! reviewer should look at the picture itself for addresses, signs and
//! landmarks (issue 13). Only the header is read.

use std::io::Cursor;

use image::{ImageDecoder, ImageReader};

/// EXIF's pointer to the GPS IFD.
const GPS_IFD: u16 = 0x8825;
/// GPSLatitude and GPSLongitude.
const LATITUDE: u16 = 0x0002;
const LONGITUDE: u16 = 0x0004;

/// Whether the file's EXIF (JPEG APP1, PNG `eXIf`, WebP `EXIF`) holds a GPS
/// latitude or longitude. Unreadable metadata counts as none.
pub fn records_location(bytes: &[u8]) -> bool {
    let exif = std::panic::catch_unwind(|| exif(bytes)).ok().flatten();
    exif.is_some_and(|tiff| tiff_has_position(&tiff))
}

fn exif(bytes: &[u8]) -> Option<Vec<u8>> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut decoder = reader.into_decoder().ok()?;
    decoder.exif_metadata().ok().flatten()
}

/// Whether a TIFF structure (EXIF's body) has a GPS IFD with a position.
fn tiff_has_position(tiff: &[u8]) -> bool {
    let tiff = tiff.strip_prefix(b"Exif\0\0").unwrap_or(tiff);
    let big_endian = match tiff.get(..4) {
        Some(b"MM\0*") => true,
        Some(b"II*\0") => false,
        _ => return false,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at + 2)?.try_into().ok()?;
        Some(if big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<usize> {
        let b: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        let n = if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        };
        usize::try_from(n).ok()
    };
    // The tags of the IFD at `at`, with each entry's value field offset.
    let tags = |at: usize| -> Vec<(u16, usize)> {
        let count = u16_at(at).unwrap_or(0);
        (0..usize::from(count))
            .map_while(|i| {
                let entry = at + 2 + i * 12;
                Some((u16_at(entry)?, entry + 8))
            })
            .collect()
    };
    let Some(ifd0) = u32_at(4) else {
        return false;
    };
    let Some(gps) = tags(ifd0)
        .into_iter()
        .find(|(tag, _)| *tag == GPS_IFD)
        .and_then(|(_, value)| u32_at(value))
    else {
        return false;
    };
    tags(gps)
        .iter()
        .any(|(tag, _)| *tag == LATITUDE || *tag == LONGITUDE)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little-endian TIFF whose IFD0 points at a GPS IFD holding `tags`.
    fn tiff(tags: &[u16]) -> Vec<u8> {
        let mut t = b"II*\0".to_vec();
        t.extend(8u32.to_le_bytes());
        // IFD0: one entry, the GPS pointer to offset 26.
        t.extend(1u16.to_le_bytes());
        t.extend(GPS_IFD.to_le_bytes());
        t.extend(4u16.to_le_bytes());
        t.extend(1u32.to_le_bytes());
        t.extend(26u32.to_le_bytes());
        t.extend(0u32.to_le_bytes());
        t.extend(u16::try_from(tags.len()).unwrap_or(0).to_le_bytes());
        for tag in tags {
            t.extend(tag.to_le_bytes());
            t.extend([5, 0, 3, 0, 0, 0, 0, 0, 0, 0]);
        }
        t
    }

    #[test]
    fn a_gps_ifd_with_a_position_is_found() {
        assert!(tiff_has_position(&tiff(&[0x0001, LATITUDE])));
        assert!(tiff_has_position(&tiff(&[LONGITUDE])));
        // A GPS IFD with only a version or a time stamp records no position.
        assert!(!tiff_has_position(&tiff(&[0x0000, 0x0007])));
        assert!(!tiff_has_position(b"II*\0\x08\0\0\0\0\0"));
        // Truncated or foreign data is no position, and no panic.
        let whole = tiff(&[LATITUDE]);
        for cut in 0..whole.len() {
            let _ = tiff_has_position(&whole[..cut]);
        }
        assert!(!tiff_has_position(b"not a tiff"));
    }
}
