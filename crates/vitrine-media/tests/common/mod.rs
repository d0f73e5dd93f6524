//! Deterministic fixture builders for media tests: images are generated from
//! formulas, then wrapped by hand in the metadata structures real cameras
//! and editors write (EXIF/TIFF, XMP, IPTC, ICC, PNG text chunks, WebP
//! metadata chunks), so no binary file from elsewhere is needed. Other crates
//! can copy these ideas; `inspect` holds the checks that output is clean.

pub mod inspect;
pub mod jpeg;
pub mod png;
pub mod tiff;
pub mod webp;

/// An 8-bit RGB(A) picture made from a formula.
#[derive(Debug, Clone)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub alpha: bool,
    pub data: Vec<u8>,
}

impl Picture {
    /// Builds a picture from a per-pixel RGBA function.
    pub fn from_fn(width: u32, height: u32, alpha: bool, f: impl Fn(u32, u32) -> [u8; 4]) -> Self {
        let mut data = Vec::new();
        for y in 0..height {
            for x in 0..width {
                let px = f(x, y);
                data.extend_from_slice(if alpha { &px[..] } else { &px[..3] });
            }
        }
        Picture {
            width,
            height,
            alpha,
            data,
        }
    }

    /// A smooth opaque gradient; compresses like a photo, not like a flat fill.
    pub fn gradient(width: u32, height: u32) -> Self {
        Picture::from_fn(width, height, false, |x, y| {
            [
                (x * 255 / width.max(1)) as u8,
                (y * 255 / height.max(1)) as u8,
                128,
                255,
            ]
        })
    }
}

/// The four quadrant colours of [`quadrants`]: top-left, top-right,
/// bottom-left, bottom-right, chosen far apart so JPEG error cannot blur one
/// into another.
pub const QUADRANT_COLOURS: [[u8; 3]; 4] =
    [[230, 20, 20], [20, 200, 20], [20, 20, 230], [240, 240, 240]];

/// An upright quadrant pattern `width` × `height`.
pub fn quadrants(width: u32, height: u32) -> Picture {
    Picture::from_fn(width, height, false, |x, y| {
        let index = usize::from(y >= height / 2) * 2 + usize::from(x >= width / 2);
        let [r, g, b] = QUADRANT_COLOURS[index];
        [r, g, b, 255]
    })
}

/// Stores `upright` the way a camera holding the sensor in another position
/// would, so that applying EXIF `orientation` gives `upright` back. The
/// mapping is written out per value rather than derived from the code under
/// test.
pub fn stored_for_orientation(upright: &Picture, orientation: u16) -> Picture {
    let (w, h) = (upright.width, upright.height);
    let swapped = orientation >= 5;
    let (sw, sh) = if swapped { (h, w) } else { (w, h) };
    let channels = if upright.alpha { 4 } else { 3 };
    Picture::from_fn(sw, sh, upright.alpha, |sx, sy| {
        let (ux, uy) = match orientation {
            1 => (sx, sy),
            2 => (w - 1 - sx, sy),
            3 => (w - 1 - sx, h - 1 - sy),
            4 => (sx, h - 1 - sy),
            5 => (sy, sx),
            6 => (w - 1 - sy, sx),
            7 => (w - 1 - sy, h - 1 - sx),
            8 => (sy, h - 1 - sx),
            other => panic!("no EXIF orientation {other}"),
        };
        let at = ((uy * w + ux) as usize) * channels;
        let mut px = [255u8; 4];
        px[..channels].copy_from_slice(&upright.data[at..at + channels]);
        px
    })
}

/// Big-endian u16.
pub fn be16(v: u16) -> [u8; 2] {
    v.to_be_bytes()
}

/// Big-endian u32.
pub fn be32(v: u32) -> [u8; 4] {
    v.to_be_bytes()
}

/// Deterministic pseudo-random bytes (xorshift), for noise and fuzz inputs.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// The distinctive strings planted in fixtures; none may reach any output.
pub const SECRETS: &[&str] = &[
    "SECRET-GPS-51.7520",
    "SECRET-MAKE",
    "SECRET-MODEL",
    "SECRET-SERIAL",
    "SECRET-THUMBNAIL",
    "SECRET-XMP",
    "SECRET-IPTC",
    "SECRET-COMMENT",
    "SECRET-ICC",
    "SECRET-MPF-IMAGE",
    "SECRET-TRAILER",
    "SECRET-PNG-TEXT",
    "SECRET-PNG-ITXT",
    "SECRET-PNG-ZTXT",
    "SECRET-WEBP-XMP",
];

/// Container signatures that betray copied metadata even if a marker string
/// were somehow encoded differently.
pub const METADATA_SIGNATURES: &[&[u8]] = &[
    b"Exif\0\0",
    b"http://ns.adobe.com/xap",
    b"Photoshop 3.0",
    b"8BIM",
    b"ICC_PROFILE",
    b"acsp",
    b"MPF\0",
    b"MM\0*",
    b"II*\0",
];
