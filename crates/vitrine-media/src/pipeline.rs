//! The full upload path: probe, decode (scaled where the format allows),
//! convert colour, resize, orient, encode. Each stage is a separate function
//! in its own module so that a faster implementation of one can replace it
//! without touching the others. Orientation comes after the first resize
//! because turning a 1600 px copy is a fraction of the work of turning the
//! decoded photo, and the two steps commute.

use image::metadata::Orientation;

use crate::decode::{Decoded, decode};
use crate::error::MediaError;
use crate::format::{Format, OutputFormat};
use crate::limits::Limits;
use crate::orient::{swaps_sides, upright};
use crate::pixels::Pixels;
use crate::placeholder::{Placeholder, placeholder};
use crate::probe::probe;
use crate::resize::{height_for, plan_widths, resize};
use crate::{colour, encode};

/// Widths, in pixels, published for each photo by default: phone, large
/// phone, tablet, laptop and high-density desktop screens.
pub const DEFAULT_WIDTHS: [u32; 5] = [320, 640, 1024, 1600, 2400];

/// One file a visitor can download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// File type of `bytes`.
    pub format: OutputFormat,
    /// The encoded file, free of any metadata from the upload.
    pub bytes: Vec<u8>,
}

/// The result of processing one upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    /// Type of the uploaded file.
    pub source_format: Format,
    /// Upright width of the source, after EXIF orientation.
    pub width: u32,
    /// Upright height of the source, after EXIF orientation.
    pub height: u32,
    /// Stand-in to show while a variant loads.
    pub placeholder: Placeholder,
    /// Ascending by width; for each width a JPEG, then a WebP (the WebP is
    /// left out only when a side exceeds WebP's 16 383-pixel maximum).
    pub variants: Vec<Variant>,
}

/// How the numbers in [`Request::sizes`] measure an output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Width in pixels, as `srcset` width descriptors use: Vitrine's own
    /// variants.
    Width,
    /// Longer side in pixels ("fit inside a square"), as thumbnailers and
    /// other pipelines usually size; benchmarks use it to run their job.
    LongEdge,
}

/// What to make from one upload: which sizes and which formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    /// Output sizes; 0 is ignored and sizes at or above the source collapse
    /// into one full-size output (see [`process`]).
    pub sizes: &'a [u32],
    /// What `sizes` measure.
    pub measure: Measure,
    /// Encode each size as JPEG.
    pub jpeg: bool,
    /// Encode each size as WebP. Import asks for the JPEGs only, which is what
    /// a curator waits for; a background job asks for the WebP afterwards.
    pub webp: bool,
}

impl<'a> Request<'a> {
    /// JPEG and WebP at each of `widths`: what [`process`] makes.
    pub fn widths(widths: &'a [u32]) -> Self {
        Request {
            sizes: widths,
            measure: Measure::Width,
            jpeg: true,
            webp: true,
        }
    }

    /// Only the JPEGs at each of `widths` (what ingest makes at once).
    pub fn jpeg_widths(widths: &'a [u32]) -> Self {
        Request {
            webp: false,
            ..Self::widths(widths)
        }
    }

    /// Only the WebPs at each of `widths` (the background job's part).
    pub fn webp_widths(widths: &'a [u32]) -> Self {
        Request {
            jpeg: false,
            ..Self::widths(widths)
        }
    }
}

/// Checks, decodes and re-encodes an upload into metadata-free variants.
///
/// Steps: [`probe`](crate::probe()) the header against `limits`; decode the
/// first frame (a JPEG at the smallest DCT scale, M/8, that still covers the
/// widest variant); convert an embedded ICC profile's colours to sRGB;
/// resize to each width of `widths` that is below the upright source width,
/// plus one variant at the source width if any requested width reaches it
/// (never upscaling), each narrowed if needed so that no variant is taller
/// than [`MAX_HEIGHT_PER_SIZE`] times the largest width; apply the EXIF orientation (all eight values); encode
/// each as baseline JPEG (quality 80, fitted Huffman tables, transparency on white) and lossy
/// WebP (quality 78). A variant is resized from the smallest larger variant
/// that is at least twice its width, else from the decoded source, so that
/// no filter is applied on top of another at a nearby scale. The output is
/// deterministic: the same input gives the same bytes.
///
/// # Errors
/// Everything [`probe`](crate::probe()) refuses, plus corrupt or truncated
/// pixel data, an empty `widths`, and encoder failures.
pub fn process(bytes: &[u8], limits: &Limits, widths: &[u32]) -> Result<Processed, MediaError> {
    process_request(bytes, limits, &Request::widths(widths))
}

/// [`process`] with a choice of sizes and formats; see [`Request`].
///
/// # Errors
/// As [`process`].
pub fn process_request(
    bytes: &[u8],
    limits: &Limits,
    request: &Request<'_>,
) -> Result<Processed, MediaError> {
    let header = probe(bytes, limits)?;
    // Refuse a useless request before the expensive decode.
    if !request.sizes.iter().any(|&w| w > 0) {
        return Err(MediaError::NoWidths);
    }
    let needed = |w: u32, h: u32| {
        let widths = planned_widths(request, w, h).unwrap_or_default();
        widths.last().copied().unwrap_or(w)
    };
    let decoded = decode(bytes, &header, needed, !request.webp)?;
    let (width, height) = decoded.upright_size(&header);
    let Decoded {
        pixels: mut source,
        orientation,
        icc_profile,
    } = decoded;
    colour::convert_to_srgb(&mut source, icc_profile.as_deref());
    let planned = planned_widths(request, width, height)?;
    let images = scale_all(&source, orientation, (width, height), &planned)?;
    drop(source);

    let mut variants = Vec::with_capacity(images.len() * 2);
    for image in &images {
        variants.extend(encode_all(image, request.jpeg, request.webp)?);
    }
    let smallest = images.first().ok_or(MediaError::NoWidths)?;
    Ok(Processed {
        source_format: header.format,
        width,
        height,
        placeholder: placeholder(smallest)?,
        variants,
    })
}

/// How many times the largest requested size a variant may be tall.
///
/// A photo up to twice as tall as it is wide (every camera's portrait
/// format) keeps the widths asked for; a taller one, such as a 1000 × 100 000
/// strip, gets narrower variants, so that no variant is taller than twice the
/// largest size (4800 px with the default widths). Without this cap such a
/// strip's 1000 px variant would be 100 megapixels: useless on any screen,
/// and hundreds of megabytes to make.
pub const MAX_HEIGHT_PER_SIZE: u32 = 2;

/// The widths to publish for an upright `width` × `height` photo.
pub(crate) fn planned_widths(
    request: &Request<'_>,
    width: u32,
    height: u32,
) -> Result<Vec<u32>, MediaError> {
    let sizes: Vec<u32> = match request.measure {
        Measure::Width => request.sizes.to_vec(),
        Measure::LongEdge if width >= height => request.sizes.to_vec(),
        Measure::LongEdge => request
            .sizes
            .iter()
            .filter(|&&edge| edge > 0)
            .map(|&edge| height_for(height, width, edge))
            .collect(),
    };
    let tallest = request
        .sizes
        .iter()
        .max()
        .copied()
        .unwrap_or(0)
        .saturating_mul(MAX_HEIGHT_PER_SIZE);
    // The widest variant whose height stays within `tallest`.
    let widest = if height > tallest && tallest > 0 {
        height_for(height, width, tallest).max(1)
    } else {
        u32::MAX
    };
    let capped: Vec<u32> = sizes
        .into_iter()
        .map(|w| if w > 0 { w.min(widest) } else { w })
        .collect();
    plan_widths(width, &capped)
}

/// Upright images at each of `widths` (ascending), made from the largest
/// down so each can start from an already reduced one.
fn scale_all(
    source: &Pixels,
    orientation: Orientation,
    (width, height): (u32, u32),
    widths: &[u32],
) -> Result<Vec<Pixels>, MediaError> {
    let mut made: Vec<Pixels> = Vec::with_capacity(widths.len());
    for &w in widths.iter().rev() {
        let h = height_for(width, height, w);
        // `made` is descending: the last match is the smallest good base.
        let base = made.iter().rev().find(|p| p.width >= w.saturating_mul(2));
        let image = match base {
            Some(base) => resize(base, w, h)?,
            None => {
                let (sw, sh) = if swaps_sides(orientation) {
                    (h, w)
                } else {
                    (w, h)
                };
                let stored = if (sw, sh) == (source.width, source.height) {
                    source.clone()
                } else {
                    resize(source, sw, sh)?
                };
                upright(stored, orientation)
            }
        };
        made.push(image);
    }
    made.reverse();
    Ok(made)
}

/// The JPEG when asked for and, when asked for and WebP can hold the size, the
/// WebP of one size.
fn encode_all(pixels: &Pixels, jpeg: bool, webp: bool) -> Result<Vec<Variant>, MediaError> {
    let variant = |format, bytes| Variant {
        width: pixels.width,
        height: pixels.height,
        format,
        bytes,
    };
    let mut out = Vec::with_capacity(2);
    if jpeg {
        out.push(variant(OutputFormat::Jpeg, encode::jpeg(pixels)?));
    }
    if webp && let Some(webp) = encode::webp(pixels)? {
        out.push(variant(OutputFormat::Webp, webp));
    }
    Ok(out)
}
