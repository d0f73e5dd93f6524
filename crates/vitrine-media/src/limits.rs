//! Upload limits and the checks that enforce them. The checks run on numbers
//! read from headers, before any pixel buffer exists, which is what makes
//! decompression bombs cheap to refuse.

use crate::error::{MediaError, Side};

/// Upper bounds on what an upload may claim to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted file, in bytes.
    pub max_bytes: u64,
    /// Largest accepted width × height.
    pub max_pixels: u64,
    /// Largest accepted width or height.
    pub max_side: u32,
    /// Most animation frames accepted. Animated uploads are allowed (phones
    /// make them) but only their first frame is published.
    pub max_frames: u32,
}

impl Default for Limits {
    /// 50 MB, 100 megapixels, 30 000 pixels per side, 100 frames: above any
    /// current phone or consumer camera, far below what would exhaust memory.
    fn default() -> Self {
        Limits {
            max_bytes: 50_000_000,
            max_pixels: 100_000_000,
            max_side: 30_000,
            max_frames: 100,
        }
    }
}

impl Limits {
    /// Refuses an empty or oversized file before anything reads it.
    pub(crate) fn check_bytes(&self, len: usize) -> Result<(), MediaError> {
        let size = u64::try_from(len).unwrap_or(u64::MAX);
        if size == 0 {
            return Err(MediaError::Empty);
        }
        if size > self.max_bytes {
            return Err(MediaError::FileTooLarge {
                size,
                limit: self.max_bytes,
            });
        }
        Ok(())
    }

    /// Refuses dimensions and frame counts read from a header. Sides are
    /// checked first because their message is the most concrete.
    pub(crate) fn check_header(
        &self,
        width: u32,
        height: u32,
        frames: u32,
    ) -> Result<(), MediaError> {
        if width == 0 || height == 0 {
            return Err(MediaError::Corrupt(format!(
                "the header gives a size of {width}×{height} pixels"
            )));
        }
        for (side, size) in [(Side::Width, width), (Side::Height, height)] {
            if size > self.max_side {
                return Err(MediaError::SideTooLong {
                    side,
                    size,
                    limit: self.max_side,
                });
            }
        }
        let count = u64::from(width) * u64::from(height);
        if count > self.max_pixels {
            return Err(MediaError::TooManyPixels {
                count,
                limit: self.max_pixels,
            });
        }
        if frames > self.max_frames {
            return Err(MediaError::TooManyFrames {
                frames,
                limit: self.max_frames,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_limits_accept_a_large_phone_photo() {
        assert_eq!(Limits::default().check_header(8_064, 6_048, 1), Ok(()));
    }

    #[test]
    fn tall_images_name_the_height() {
        let err = Limits::default().check_header(10, 40_000, 1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "image too tall: 40000 pixels, the limit is 30000 per side"
        );
    }

    #[test]
    fn pixel_limit_applies_when_sides_fit() {
        let err = Limits::default()
            .check_header(20_000, 20_000, 1)
            .unwrap_err();
        assert!(
            matches!(
                err,
                MediaError::TooManyPixels {
                    count: 400_000_000,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn frames_and_bytes_are_limited() {
        let limits = Limits::default();
        assert!(matches!(
            limits.check_header(10, 10, 101),
            Err(MediaError::TooManyFrames { .. })
        ));
        assert_eq!(limits.check_bytes(0), Err(MediaError::Empty));
        assert!(matches!(
            limits.check_bytes(50_000_001),
            Err(MediaError::FileTooLarge { .. })
        ));
    }
}
