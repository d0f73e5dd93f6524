//! The image types Vitrine accepts and the ones it serves. Kept apart from the
//! parsers so that the web layer can name types (for `Content-Type` headers
//! and file extensions) without pulling in any decoding code.

/// An accepted upload type, decided from the file's bytes, never its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JPEG / JFIF / Exif JPEG.
    Jpeg,
    /// PNG, including APNG (only the first frame is used).
    Png,
    /// WebP, lossy, lossless or animated (only the first frame is used).
    Webp,
}

impl Format {
    /// The name researchers know the type by, e.g. "JPEG".
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Webp => "WebP",
        }
    }

    /// The IANA media type, e.g. "image/jpeg".
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
        }
    }
}

/// A type Vitrine serves to visitors. Both are re-encoded from pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// Baseline JPEG with only a JFIF APP0 segment.
    Jpeg,
    /// Lossy WebP (`VP8 ` or, with transparency, `VP8X` + `ALPH` + `VP8 `).
    Webp,
}

impl OutputFormat {
    /// File extension without the dot: "jpg" or "webp".
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "jpg",
            OutputFormat::Webp => "webp",
        }
    }

    /// The IANA media type, e.g. "image/webp".
    pub fn media_type(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "image/jpeg",
            OutputFormat::Webp => "image/webp",
        }
    }

    /// The name used in messages, e.g. "WebP".
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "JPEG",
            OutputFormat::Webp => "WebP",
        }
    }
}
