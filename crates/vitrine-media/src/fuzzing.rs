//! Internal entry points for the fuzz targets in `fuzz/`, compiled only with
//! the `fuzzing` feature. The planar decoder is private (the pipeline picks
//! it), so it is reached here the way the pipeline reaches it: the header is
//! probed against the limits first, then the decoder gets the probed size.

use crate::limits::Limits;
use crate::probe::probe;

/// Probes `bytes` against `limits` and, if it is an accepted JPEG, decodes
/// it with the planar decoder at `numerator`/8 (1..=8). Returns the decoded
/// size, or `None` for anything the probe or the decoder refuses.
pub fn planar_decode(bytes: &[u8], limits: &Limits, numerator: u8) -> Option<(u32, u32)> {
    let header = probe(bytes, limits).ok()?;
    let pixels = crate::baseline::decode(bytes, (header.width, header.height), numerator)?;
    Some((pixels.width, pixels.height))
}
