//! Redaction: hides regions of a photo in its full-size pixels, crops and
//! turns it, and writes the result as a new private *master*, from which every
//! public size is then made like any upload's (issue 13). Always from the
//! original's pixels, never from a derivative, so a redaction can be
//! reopened, changed and applied again without loss.
//!
//! Each method is built so that the hidden area keeps nothing to recover,
//! whatever a visitor does with the public files:
//!
//! - **fill** paints one solid colour ([`FILL`]);
//! - **pixelate** paints blocks whose side is a quarter of the region's
//!   shorter side (at least [`MIN_CELL`] pixels), so a face becomes about 4 × 5
//!   flat blocks, each its mean colour shifted by noise;
//! - **blur** keeps only a 3 × 3 grid of mean colours of the region,
//!   blended smoothly between them, with noise on every pixel: a blur with a
//!   radius of a third of the region, far beyond what deblurring can undo.
//!
//! The noise is pseudo-random but seeded by the region, so the same edit of
//! the same photo gives the same bytes. An ellipse changes only the pixels
//! inside it; its means are taken over its whole box.
//!
//! The master is RGB: transparency is flattened onto white first, as the
//! public JPEGs show it, so no colour under a transparent pixel survives.

use image::metadata::Orientation;
use vitrine_core::redaction::{Edit, Method, Rect, Region, Shape, Turn};

use crate::decode::{Decoded, decode};
use crate::error::MediaError;
use crate::limits::Limits;
use crate::orient::upright;
use crate::pipeline::Request;
use crate::pixels::{Pixels, Samples};
use crate::probe::probe;
use crate::{colour, encode};

/// The colour of a solid fill: a dark neutral grey that reads as "hidden"
/// on light and dark photos alike.
pub const FILL: [u8; 3] = [48, 48, 48];
/// JPEG quality of a master.
pub const MASTER_QUALITY: u8 = 95;
/// The smallest block side of a pixelated region, in pixels.
pub const MIN_CELL: u32 = 8;
/// How far noise moves a pixelated block's colour, at most, each way.
const BLOCK_NOISE: i32 = 24;
/// How far noise moves a blurred pixel's colour, at most, each way.
const PIXEL_NOISE: i32 = 10;
/// The blur keeps this many mean colours across and down the region.
const BLUR_GRID: u32 = 3;

/// What [`redact`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedactOutput {
    /// The private master that public sizes are made from: a JPEG at
    /// [`MASTER_QUALITY`] with full colour resolution.
    Master,
    /// A JPEG at full size, for a curator to look at before applying.
    Preview,
}

/// The redacted picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    /// Width in pixels, after crop and turn.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The encoded JPEG, free of any metadata of the original.
    pub bytes: Vec<u8>,
}

/// The memory [`redact`] may take for `bytes` at its peak, for the image
/// budget: the full-size decode and its copies.
///
/// # Errors
/// Everything [`probe`](crate::probe()) refuses.
pub fn redaction_peak_memory(bytes: &[u8], limits: &Limits) -> Result<u64, MediaError> {
    crate::peak_memory(bytes, limits, &Request::jpeg_widths(&[u32::MAX]))
}

/// The upright, sRGB, full-size pixels of `bytes` with `edit` applied, encoded
/// as `output`. The edit is checked against the upright size first.
///
/// # Errors
/// Everything [`probe`](crate::probe()) refuses, corrupt pixel data, an edit
/// whose regions or crop do not lie inside the photo
/// ([`MediaError::Edit`]), and encoder failures.
pub fn redact(
    bytes: &[u8],
    limits: &Limits,
    edit: &Edit,
    output: RedactOutput,
) -> Result<Redacted, MediaError> {
    let mut picture = upright_rgb(bytes, limits)?;
    if let Err(problems) = edit.check(picture.width, picture.height) {
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(MediaError::Edit(text.join("; ")));
    }
    for region in &edit.regions {
        hide(&mut picture, region);
    }
    if let Some(crop) = edit.crop {
        picture = cropped(&picture, crop);
    }
    let picture = upright(picture, turn_orientation(edit.turn));
    let bytes = match output {
        RedactOutput::Master => master_jpeg(&picture)?,
        RedactOutput::Preview => encode::jpeg(&picture)?,
    };
    Ok(Redacted {
        width: picture.width,
        height: picture.height,
        bytes,
    })
}

/// The full-size picture of `bytes`, upright, in sRGB, as interleaved RGB.
fn upright_rgb(bytes: &[u8], limits: &Limits) -> Result<Pixels, MediaError> {
    let header = probe(bytes, limits)?;
    let Decoded {
        pixels: mut source,
        orientation,
        icc_profile,
    } = decode(bytes, &header, |w, _| w, false)?;
    colour::convert_to_srgb(&mut source, icc_profile.as_deref());
    Ok(upright(rgb(source), orientation))
}

/// Interleaved RGB with any transparency flattened onto white.
fn rgb(pixels: Pixels) -> Pixels {
    if pixels.samples == Samples::Rgb {
        return pixels;
    }
    Pixels {
        data: pixels.flattened_rgb().into_owned(),
        samples: Samples::Rgb,
        ..pixels
    }
}

/// The EXIF orientation that turns a picture by `turn` clockwise.
fn turn_orientation(turn: Turn) -> Orientation {
    match turn {
        Turn::None => Orientation::NoTransforms,
        Turn::Quarter => Orientation::Rotate90,
        Turn::Half => Orientation::Rotate180,
        Turn::ThreeQuarters => Orientation::Rotate270,
    }
}

/// The part of an RGB picture inside `crop` (checked to fit).
fn cropped(picture: &Pixels, crop: Rect) -> Pixels {
    let stride = picture.width as usize * 3;
    let (x, w) = (crop.x as usize * 3, crop.width as usize * 3);
    let mut data = Vec::with_capacity(w * crop.height as usize);
    for row in picture
        .data
        .chunks_exact(stride)
        .skip(crop.y as usize)
        .take(crop.height as usize)
    {
        data.extend_from_slice(&row[x..x + w]);
    }
    Pixels {
        width: crop.width,
        height: crop.height,
        samples: Samples::Rgb,
        data,
    }
}

/// A small deterministic generator (SplitMix64) for the noise, seeded by the
/// region so that the same edit always gives the same pixels.
struct Noise(u64);

impl Noise {
    fn for_region(region: &Region) -> Self {
        let r = region.rect;
        Noise(
            (u64::from(r.x) << 48)
                ^ (u64::from(r.y) << 32)
                ^ (u64::from(r.width) << 16)
                ^ u64::from(r.height)
                ^ 0x9E37_79B9_7F4A_7C15,
        )
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `-amplitude..=amplitude`.
    fn shift(&mut self, amplitude: i32) -> i32 {
        let span = u64::try_from(2 * amplitude + 1).unwrap_or(1);
        i32::try_from(self.next() % span).unwrap_or(0) - amplitude
    }
}

fn clamp(value: i32) -> u8 {
    u8::try_from(value.clamp(0, 255)).unwrap_or(u8::MAX)
}

/// Whether pixel (`x`, `y`) of the picture belongs to `region`.
fn inside(region: &Region, x: u32, y: u32) -> bool {
    match region.shape {
        Shape::Rectangle => true,
        Shape::Ellipse => {
            // Pixel centres against the ellipse inscribed in the box.
            let r = region.rect;
            let (a, b) = (f64::from(r.width) / 2.0, f64::from(r.height) / 2.0);
            let dx = (f64::from(x - r.x) + 0.5 - a) / a;
            let dy = (f64::from(y - r.y) + 0.5 - b) / b;
            dx * dx + dy * dy <= 1.0
        }
    }
}

/// The mean colour of the picture's pixels in `x0..x1` × `y0..y1`.
fn mean(picture: &Pixels, (x0, x1): (u32, u32), (y0, y1): (u32, u32)) -> [i32; 3] {
    let stride = picture.width as usize * 3;
    let mut sums = [0u64; 3];
    for y in y0..y1 {
        let row = &picture.data[y as usize * stride..][x0 as usize * 3..x1 as usize * 3];
        for px in row.chunks_exact(3) {
            for (sum, &c) in sums.iter_mut().zip(px) {
                *sum += u64::from(c);
            }
        }
    }
    let count = (u64::from(x1 - x0) * u64::from(y1 - y0)).max(1);
    sums.map(|s| i32::try_from(s / count).unwrap_or(0))
}

/// Paints one region (checked to fit) of an RGB picture.
fn hide(picture: &mut Pixels, region: &Region) {
    let r = region.rect;
    let (x0, y0, x1, y1) = (r.x, r.y, r.x + r.width, r.y + r.height);
    let mut noise = Noise::for_region(region);
    let colour_at: Box<dyn FnMut(u32, u32) -> [u8; 3]> = match region.method {
        Method::Fill => Box::new(|_, _| FILL),
        Method::Pixelate => {
            let cell = (r.width.min(r.height) / 4).max(MIN_CELL);
            let (across, down) = (r.width.div_ceil(cell), r.height.div_ceil(cell));
            let mut blocks = Vec::with_capacity((across * down) as usize);
            for by in 0..down {
                for bx in 0..across {
                    let xs = (x0 + bx * cell, (x0 + (bx + 1) * cell).min(x1));
                    let ys = (y0 + by * cell, (y0 + (by + 1) * cell).min(y1));
                    let m = mean(picture, xs, ys);
                    let shift = noise.shift(BLOCK_NOISE);
                    blocks.push(m.map(|c| clamp(c + shift)));
                }
            }
            Box::new(move |x, y| blocks[((y - y0) / cell * across + (x - x0) / cell) as usize])
        }
        Method::Blur => {
            let grid = BLUR_GRID.min(r.width).min(r.height).max(1);
            let mut means = Vec::with_capacity((grid * grid) as usize);
            for gy in 0..grid {
                for gx in 0..grid {
                    let xs = (x0 + r.width * gx / grid, x0 + r.width * (gx + 1) / grid);
                    let ys = (y0 + r.height * gy / grid, y0 + r.height * (gy + 1) / grid);
                    means.push(mean(picture, xs, ys).map(f64::from));
                }
            }
            let (w, h) = (f64::from(r.width), f64::from(r.height));
            let g = f64::from(grid);
            Box::new(move |x, y| {
                // Bilinear between the cell centres, clamped at the edges.
                let fx = ((f64::from(x - x0) + 0.5) / w * g - 0.5).clamp(0.0, g - 1.0);
                let fy = ((f64::from(y - y0) + 0.5) / h * g - 0.5).clamp(0.0, g - 1.0);
                let (ix, iy) = (fx.floor(), fy.floor());
                let (tx, ty) = (fx - ix, fy - iy);
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let (ix, iy, n) = (ix as usize, iy as usize, grid as usize);
                let at = |cx: usize, cy: usize| means[cy.min(n - 1) * n + cx.min(n - 1)];
                let (a, b, c, d) = (
                    at(ix, iy),
                    at(ix + 1, iy),
                    at(ix, iy + 1),
                    at(ix + 1, iy + 1),
                );
                let shift = noise.shift(PIXEL_NOISE);
                std::array::from_fn(|k| {
                    let top = a[k] + (b[k] - a[k]) * tx;
                    let bottom = c[k] + (d[k] - c[k]) * tx;
                    #[allow(clippy::cast_possible_truncation)]
                    let v = (top + (bottom - top) * ty).round() as i32;
                    clamp(v + shift)
                })
            })
        }
    };
    let mut colour_at = colour_at;
    let stride = picture.width as usize * 3;
    for y in y0..y1 {
        for x in x0..x1 {
            if !inside(region, x, y) {
                continue;
            }
            let at = y as usize * stride + x as usize * 3;
            picture.data[at..at + 3].copy_from_slice(&colour_at(x, y));
        }
    }
}

/// The master's JPEG: quality 95 with colour at full resolution (4:4:4),
/// nothing but the picture in it. Not lossless, but one generation only:
/// every redaction starts again from the original, never from a master, and
/// it stays well under the upload limit that every stored image must meet
/// (a lossless PNG of a 24-megapixel photo would not).
fn master_jpeg(picture: &Pixels) -> Result<Vec<u8>, MediaError> {
    let fail = |reason: String| MediaError::Encode {
        format: "JPEG",
        width: picture.width,
        reason,
    };
    let width = u16::try_from(picture.width).map_err(|_| fail("wider than JPEG allows".into()))?;
    let height =
        u16::try_from(picture.height).map_err(|_| fail("taller than JPEG allows".into()))?;
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, MASTER_QUALITY);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4);
    encoder
        .encode(&picture.data, width, height, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| fail(e.to_string()))?;
    Ok(out)
}

/// How much of the original's detail a public file still shows in a
/// region: what the redaction tests measure ([`hidden_detail`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detail {
    /// Correlation (Pearson, -1 to 1) between the fine detail (each
    /// pixel's brightness minus the mean of its 3 × 3 neighbourhood) of
    /// the public file and of the original scaled to the same size, inside
    /// the region. About 0 when nothing of the original's texture is left;
    /// near 1 where the original shows through.
    pub correlation: f64,
    /// Standard deviation of the public file's brightness in the region
    /// (0 to 255): about 0 for a solid fill.
    pub spread: f64,
    /// How many pixels were compared.
    pub pixels: usize,
}

/// Measures how much of `original`'s detail inside `region` (in the upright
/// original's pixels) the public file `public` (any size of it, JPEG, PNG
/// or WebP) still shows. For an ellipse the box inside it is measured; a
/// margin of two pixels of the public file keeps the edges' blending out.
/// The public file must show the whole original (an edit without crop or
/// turn), at any size.
///
/// # Errors
/// Either file failing to decode, or a region too small to measure at the
/// public file's size.
pub fn hidden_detail(
    original: &[u8],
    public: &[u8],
    region: &Region,
    limits: &Limits,
) -> Result<Detail, MediaError> {
    let full = upright_rgb(original, limits)?;
    let shown = image::load_from_memory(public)
        .map_err(|e| MediaError::Corrupt(e.to_string()))?
        .to_rgb8();
    let (w, h) = shown.dimensions();
    let scaled = crate::resize::resize(&full, w, h)?;
    let r = region.rect;
    let (mut x0, mut y0, mut x1, mut y1) = (
        f64::from(r.x),
        f64::from(r.y),
        f64::from(r.x + r.width),
        f64::from(r.y + r.height),
    );
    if region.shape == Shape::Ellipse {
        // The box inscribed in the ellipse: half-sides divided by sqrt(2).
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let (hx, hy) = (
            (x1 - x0) / 2.0 / std::f64::consts::SQRT_2,
            (y1 - y0) / 2.0 / std::f64::consts::SQRT_2,
        );
        (x0, y0, x1, y1) = (cx - hx, cy - hy, cx + hx, cy + hy);
    }
    let (sx, sy) = (
        f64::from(w) / f64::from(full.width),
        f64::from(h) / f64::from(full.height),
    );
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (bx0, by0, bx1, by1) = (
        (x0 * sx).ceil() as u32 + 2,
        (y0 * sy).ceil() as u32 + 2,
        ((x1 * sx).floor() as u32)
            .saturating_sub(2)
            .min(w.saturating_sub(1)),
        ((y1 * sy).floor() as u32)
            .saturating_sub(2)
            .min(h.saturating_sub(1)),
    );
    if bx1 < bx0 + 3 || by1 < by0 + 3 {
        return Err(MediaError::Edit(format!(
            "the region is too small to measure at {w} × {h} pixels"
        )));
    }
    let luma = |data: &[u8], x: u32, y: u32| {
        let at = (y as usize * w as usize + x as usize) * 3;
        0.299 * f64::from(data[at])
            + 0.587 * f64::from(data[at + 1])
            + 0.114 * f64::from(data[at + 2])
    };
    let detail = |data: &[u8], x: u32, y: u32| {
        let mut sum = 0.0;
        for dy in 0..3 {
            for dx in 0..3 {
                sum += luma(data, x + dx - 1, y + dy - 1);
            }
        }
        luma(data, x, y) - sum / 9.0
    };
    let (mut a, mut b, mut brightness) = (Vec::new(), Vec::new(), Vec::new());
    for y in by0..by1 {
        for x in bx0..bx1 {
            a.push(detail(shown.as_raw(), x, y));
            b.push(detail(&scaled.data, x, y));
            brightness.push(luma(shown.as_raw(), x, y));
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (ma, mb, ml) = (mean(&a), mean(&b), mean(&brightness));
    let (mut cov, mut va, mut vb) = (0.0, 0.0, 0.0);
    for (p, q) in a.iter().zip(&b) {
        cov += (p - ma) * (q - mb);
        va += (p - ma) * (p - ma);
        vb += (q - mb) * (q - mb);
    }
    let spread = (brightness.iter().map(|l| (l - ml) * (l - ml)).sum::<f64>()
        / brightness.len() as f64)
        .sqrt();
    let correlation = if va > 0.0 && vb > 0.0 {
        cov / (va * vb).sqrt()
    } else {
        0.0
    };
    Ok(Detail {
        correlation,
        spread,
        pixels: a.len(),
    })
}
