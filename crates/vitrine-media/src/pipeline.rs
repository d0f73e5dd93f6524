//! The full upload path: probe, decode, orient, convert colour, resize,
//! encode. Each stage is a separate function in its own module so that a
//! faster implementation of one (e.g. DCT-scaled JPEG decoding) can replace
//! it without touching the others.

use std::borrow::Cow;

use crate::decode::decode;
use crate::error::MediaError;
use crate::format::{Format, OutputFormat};
use crate::limits::Limits;
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

/// Checks, decodes and re-encodes an upload into metadata-free variants.
///
/// Steps: [`probe`](crate::probe()) the header against `limits`; decode the
/// first frame; apply the EXIF orientation (all eight values); convert an
/// embedded ICC profile's colours to sRGB; resize to each width of
/// `widths` that is below the upright source width, plus one variant at the
/// source width if any requested width reaches it (never upscaling); encode
/// each as progressive JPEG (quality 80, transparency on white) and lossy
/// WebP (quality 78). Each variant is resized from the full source rather
/// than from the next larger variant, to avoid compounding filter blur.
/// The output is deterministic: the same input gives the same bytes.
///
/// # Errors
/// Everything [`probe`](crate::probe()) refuses, plus corrupt or truncated
/// pixel data, an empty `widths`, and encoder failures.
pub fn process(bytes: &[u8], limits: &Limits, widths: &[u32]) -> Result<Processed, MediaError> {
    let header = probe(bytes, limits)?;
    // Refuse a useless request before the expensive decode.
    if !widths.iter().any(|&w| w > 0) {
        return Err(MediaError::NoWidths);
    }
    let decoded = decode(bytes, &header)?;
    let mut source = decoded.pixels;
    colour::convert_to_srgb(&mut source, decoded.icc_profile.as_deref());
    let planned = plan_widths(source.width, widths)?;

    let mut variants = Vec::with_capacity(planned.len() * 2);
    let mut preview = None;
    for width in planned {
        let scaled = scaled_to(&source, width)?;
        if preview.is_none() {
            preview = Some(placeholder(&scaled)?);
        }
        variants.extend(encode_both(&scaled)?);
    }
    let placeholder = match preview {
        Some(p) => p,
        None => placeholder(&source)?,
    };
    Ok(Processed {
        source_format: header.format,
        width: source.width,
        height: source.height,
        placeholder,
        variants,
    })
}

/// The source at `width`, borrowed when no resizing is needed.
fn scaled_to(source: &Pixels, width: u32) -> Result<Cow<'_, Pixels>, MediaError> {
    if width == source.width {
        return Ok(Cow::Borrowed(source));
    }
    let height = height_for(source.width, source.height, width);
    Ok(Cow::Owned(resize(source, width, height)?))
}

/// The JPEG and, when WebP can hold the size, the WebP of one size.
fn encode_both(pixels: &Pixels) -> Result<Vec<Variant>, MediaError> {
    let variant = |format, bytes| Variant {
        width: pixels.width,
        height: pixels.height,
        format,
        bytes,
    };
    let mut out = vec![variant(OutputFormat::Jpeg, encode::jpeg(pixels)?)];
    if let Some(webp) = encode::webp(pixels)? {
        out.push(variant(OutputFormat::Webp, webp));
    }
    Ok(out)
}
