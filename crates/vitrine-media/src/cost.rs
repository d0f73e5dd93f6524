//! How much memory processing an upload will take, known from its header
//! before anything is decoded, so that a server can admit image work against
//! a memory budget instead of finding out from the kernel.
//!
//! The estimate is an upper bound built from the same numbers the pipeline
//! uses: the file itself; what the decoder holds while decoding (at full
//! size for the paths that cannot scale: the reference decoder behind the
//! JPEG fast path, a progressive JPEG's coefficients, an interlaced PNG, a
//! WebP); the decoded source at the scale the pipeline reduces it to, with
//! the resize's copies of it; and every output size with its encoded file.
//! Since the EXIF orientation is not read here, both orientations are
//! costed and the larger taken.

use crate::error::MediaError;
use crate::format::Format;
use crate::jpeg::scale_for;
use crate::limits::Limits;
use crate::pipeline::{Request, planned_widths};
use crate::probe::{Probe, find_jpeg_marker, is_start_of_frame, probe};
use crate::reduce::{factor_for, reduced_len};
use crate::resize::height_for;

/// Bytes of fixed overhead per image: decoder tables, zlib windows, the
/// resizer's and encoders' scratch rows.
const OVERHEAD_BYTES: u64 = 8 * 1024 * 1024;

/// Bytes per pixel of the widest interleaved layout after decoding (RGBA).
const DECODED_BYTES_PER_PIXEL: u64 = 4;

/// An upper bound, in bytes, on the memory [`crate::process_request`] needs
/// for `bytes` with `request`, from the header alone.
///
/// # Errors
/// Everything [`probe`](crate::probe()) refuses, and a request with no
/// usable size, so a file that would be refused is refused before any wait
/// for memory.
pub fn peak_memory(
    bytes: &[u8],
    limits: &Limits,
    request: &Request<'_>,
) -> Result<u64, MediaError> {
    let header = probe(bytes, limits)?;
    let (w, h) = (header.width, header.height);
    let work = working_set(&header, request, (w, h))?.max(working_set(&header, request, (h, w))?);
    let input = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    Ok(input
        .saturating_add(decoder_bytes(bytes, &header))
        .saturating_add(work)
        .saturating_add(OVERHEAD_BYTES))
}

/// What the decoder holds beyond the decoded source, at its peak.
fn decoder_bytes(bytes: &[u8], header: &Probe) -> u64 {
    let pixels = u64::from(header.width) * u64::from(header.height);
    let per_pixel = match header.format {
        // The reference decoder's full-size RGB, should the fast path
        // refuse the file, plus 16-bit coefficients for up to three
        // full-resolution components when it is progressive.
        Format::Jpeg if jpeg_is_progressive(bytes) => 3 + 6,
        Format::Jpeg => 3,
        // Interlaced rows arrive out of order: the whole 8-bit picture.
        Format::Png if png_is_interlaced(bytes) => DECODED_BYTES_PER_PIXEL,
        // Two rows of up to 16-bit RGBA.
        Format::Png => return u64::from(header.width).saturating_mul(2 * 8),
        // The whole RGBA picture and the decoder's own planes.
        Format::Webp => DECODED_BYTES_PER_PIXEL * 2,
    };
    pixels.saturating_mul(per_pixel)
}

/// The decoded source at the scale the pipeline works on, the resize's
/// copies of it (premultiplied source, one-direction intermediate), and
/// every output with its encoded file, for an upright `width` × `height`.
fn working_set(
    header: &Probe,
    request: &Request<'_>,
    (width, height): (u32, u32),
) -> Result<u64, MediaError> {
    let planned = planned_widths(request, width, height)?;
    let widest = planned.last().copied().unwrap_or(width);
    let factor = factor_for(width, widest);
    let mut source = u64::from(reduced_len(width, factor)) * u64::from(reduced_len(height, factor));
    if header.format == Format::Jpeg {
        // The fast path's M/8 scale can be larger than the whole-factor one.
        let m = u64::from(scale_for(width, widest));
        let scaled = (u64::from(width) * m).div_ceil(8) * (u64::from(height) * m).div_ceil(8);
        source = source.max(scaled);
    }
    let outputs: u64 = planned
        .iter()
        .map(|&w| u64::from(w) * u64::from(height_for(width, height, w)))
        .sum();
    Ok((source * 3 + outputs * 2).saturating_mul(DECODED_BYTES_PER_PIXEL))
}

/// Whether the first frame header says progressive (SOF2, SOF6, SOF10,
/// SOF14); unreadable headers count as progressive, the costlier case.
fn jpeg_is_progressive(bytes: &[u8]) -> bool {
    find_jpeg_marker(bytes, is_start_of_frame).map_or(true, |(marker, _)| {
        matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE)
    })
}

/// The interlace method byte of IHDR; unreadable counts as interlaced.
fn png_is_interlaced(bytes: &[u8]) -> bool {
    bytes.get(28).is_none_or(|&method| method != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEFAULT_WIDTHS;

    /// A PNG header (signature and IHDR) of `width` × `height`, 16-bit RGBA.
    fn png_header(width: u32, height: u32, interlace: u8) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend(width.to_be_bytes());
        b.extend(height.to_be_bytes());
        b.extend([16, 6, 0, 0, interlace, 0, 0, 0, 0]);
        b
    }

    #[test]
    fn a_large_flat_png_costs_its_reduced_size_not_its_full_size() {
        let request = Request::jpeg_widths(&DEFAULT_WIDTHS);
        let streamed =
            peak_memory(&png_header(10_000, 10_000, 0), &Limits::default(), &request).unwrap();
        // Full size at 16-bit RGBA would be 800 MB; reduced by 4 it is
        // 2500 × 2500 pixels.
        assert!((50_000_000..250_000_000).contains(&streamed), "{streamed}");
        let interlaced =
            peak_memory(&png_header(10_000, 10_000, 1), &Limits::default(), &request).unwrap();
        assert!(interlaced > streamed + 390_000_000, "{interlaced}");
    }

    #[test]
    fn a_tall_narrow_strip_costs_little_because_its_variants_are_capped_in_height() {
        // Issue 10: 100 megapixels as a 3334 × 29 990 strip planned
        // variants up to 2400 × 21 588 and cost about 700 MB.
        let request = Request::jpeg_widths(&DEFAULT_WIDTHS);
        let strip =
            peak_memory(&png_header(3334, 29_990, 0), &Limits::default(), &request).unwrap();
        assert!(strip < 150_000_000, "{strip}");
    }

    #[test]
    fn files_that_would_be_refused_are_refused_before_costing() {
        let request = Request::jpeg_widths(&DEFAULT_WIDTHS);
        assert!(matches!(
            peak_memory(&png_header(20_000, 20_000, 0), &Limits::default(), &request),
            Err(MediaError::TooManyPixels { .. })
        ));
        assert_eq!(
            peak_memory(b"", &Limits::default(), &request),
            Err(MediaError::Empty)
        );
    }
}
