//! The markers before the scan: frame, tables, restart interval, and the
//! start-of-scan that ties components to tables. Only what the planar
//! decoder takes is accepted; anything else is `None`.

use super::huffman::Huffman;

/// A frame component: its id, sampling factors and quantisation table.
#[derive(Clone, Copy)]
pub(super) struct Component {
    pub(super) id: u8,
    pub(super) h: usize,
    pub(super) v: usize,
    pub(super) quant: usize,
}

/// What the markers before the scan said.
#[derive(Default)]
pub(super) struct Header {
    pub(super) size: Option<(u32, u32)>,
    pub(super) components: Vec<Component>,
    /// Quantisation tables in zigzag order.
    pub(super) quant: [Option<[u16; 64]>; 4],
    pub(super) dc: [Option<Huffman>; 4],
    pub(super) ac: [Option<Huffman>; 4],
    pub(super) restart_interval: usize,
}

/// One component of the scan with its tables resolved.
pub(super) struct ScanComponent<'a> {
    pub(super) h: usize,
    pub(super) v: usize,
    /// Dequantisation factors in zigzag order.
    pub(super) quant: [f32; 64],
    pub(super) dc: &'a Huffman,
    pub(super) ac: &'a Huffman,
    /// The ids (0-3) of those two tables, as the SOS names them.
    pub(super) table_ids: (usize, usize),
}

fn be16(bytes: &[u8], at: usize) -> Option<usize> {
    let pair = bytes.get(at..at + 2)?;
    Some(usize::from(u16::from_be_bytes([pair[0], pair[1]])))
}

/// Reads the markers up to the start of scan; returns what they said and
/// where the SOS segment starts.
pub(super) fn read_header(bytes: &[u8]) -> Option<(Header, usize)> {
    if bytes.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut header = Header::default();
    let mut pos = 2;
    loop {
        if *bytes.get(pos)? != 0xFF {
            return None;
        }
        while *bytes.get(pos)? == 0xFF {
            pos += 1;
        }
        let marker = *bytes.get(pos)?;
        pos += 1;
        if marker == 0xDA {
            return Some((header, pos));
        }
        if matches!(marker, 0x01 | 0xD0..=0xD7) {
            continue;
        }
        let len = be16(bytes, pos)?;
        let body = bytes.get(pos + 2..pos + len.checked_sub(2)? + 2)?;
        pos += len;
        match marker {
            0xC0 | 0xC1 => read_frame(&mut header, body)?,
            // Other frame types (progressive, lossless, arithmetic), a
            // second image, or the end before any scan.
            0xC2..=0xCF if marker != 0xC4 => return None,
            0xC4 => read_huffman(&mut header, body)?,
            0xDB => read_quant(&mut header, body)?,
            0xDD => header.restart_interval = be16(body, 0)?,
            // Adobe's APP14 with transform 0: the components are RGB.
            0xEE if body.starts_with(b"Adobe") && body.get(11) == Some(&0) => return None,
            0xD8 | 0xD9 => return None,
            _ => {}
        }
    }
}

/// SOF0/SOF1: 8-bit, three components, luma 2×2 and chroma 1×1.
fn read_frame(header: &mut Header, body: &[u8]) -> Option<()> {
    if header.size.is_some() || *body.first()? != 8 || *body.get(5)? != 3 {
        return None;
    }
    let (height, width) = (be16(body, 1)?, be16(body, 3)?);
    if height == 0 || width == 0 {
        return None;
    }
    for spec in body.get(6..15)?.chunks_exact(3) {
        header.components.push(Component {
            id: spec[0],
            h: usize::from(spec[1] >> 4),
            v: usize::from(spec[1] & 15),
            quant: usize::from(spec[2]),
        });
    }
    let sampling: Vec<_> = header.components.iter().map(|c| (c.h, c.v)).collect();
    let ids: Vec<_> = header.components.iter().map(|c| c.id).collect();
    if sampling != [(2, 2), (1, 1), (1, 1)] || ids == b"RGB" {
        return None;
    }
    header.size = Some((u32::try_from(width).ok()?, u32::try_from(height).ok()?));
    Some(())
}

fn read_huffman(header: &mut Header, mut body: &[u8]) -> Option<()> {
    while let Some((&class_id, rest)) = body.split_first() {
        let counts: &[u8; 16] = rest.first_chunk()?;
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let symbols = rest.get(16..16 + total)?;
        let table = Huffman::new(counts, symbols)?;
        let id = usize::from(class_id & 15);
        match class_id >> 4 {
            0 => *header.dc.get_mut(id)? = Some(table),
            1 => *header.ac.get_mut(id)? = Some(table),
            _ => return None,
        }
        body = rest.get(16 + total..)?;
    }
    Some(())
}

fn read_quant(header: &mut Header, mut body: &[u8]) -> Option<()> {
    while let Some((&precision_id, rest)) = body.split_first() {
        let mut table = [0u16; 64];
        let used = if precision_id >> 4 == 0 {
            for (q, &b) in table.iter_mut().zip(rest.get(..64)?) {
                *q = u16::from(b);
            }
            64
        } else {
            for (q, pair) in table.iter_mut().zip(rest.get(..128)?.chunks_exact(2)) {
                *q = u16::from_be_bytes([pair[0], pair[1]]);
            }
            128
        };
        *header.quant.get_mut(usize::from(precision_id & 15))? = Some(table);
        body = rest.get(used..)?;
    }
    Some(())
}

/// The SOS segment at the start of `rest`: all three components, in frame
/// order, over the whole spectrum. Returns them and the entropy-coded data.
pub(super) fn read_scan<'h, 'b>(
    header: &'h Header,
    rest: &'b [u8],
) -> Option<(Vec<ScanComponent<'h>>, &'b [u8])> {
    let len = be16(rest, 0)?;
    let body = rest.get(2..len)?;
    if *body.first()? != 3 || body.get(7..10)? != [0, 63, 0] {
        return None;
    }
    let mut scan = Vec::with_capacity(3);
    for (spec, component) in body.get(1..7)?.chunks_exact(2).zip(&header.components) {
        if spec[0] != component.id {
            return None;
        }
        let table = header.quant.get(component.quant)?.as_ref()?;
        let mut quant = [0f32; 64];
        for (q, &t) in quant.iter_mut().zip(table) {
            *q = f32::from(t);
        }
        let table_ids = (usize::from(spec[1] >> 4), usize::from(spec[1] & 15));
        scan.push(ScanComponent {
            h: component.h,
            v: component.v,
            quant,
            dc: header.dc.get(table_ids.0)?.as_ref()?,
            ac: header.ac.get(table_ids.1)?.as_ref()?,
            table_ids,
        });
    }
    Some((scan, rest.get(len..)?))
}
