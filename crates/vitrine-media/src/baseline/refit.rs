//! Huffman tables fitted to one picture, written without touching a pixel:
//! what `jpegtran -optimize` does. The encoder writes the standard tables of
//! ITU T.81 Annex K.3; this reads the scan's symbols back, counts them,
//! builds the optimal length-limited code for each table (Annex K.2, as
//! libjpeg's `jpeg_gen_optimal_table`) and writes the same symbols and value
//! bits with it. The coefficients, and so the pixels, stay exactly the same;
//! the file is about a sixth smaller.
//!
//! It stays one interleaved scan, the form every decoder reads:
//! `jpeg-encoder`'s own fitted tables come with one scan per component,
//! which the `image` crate's decoder (zune-jpeg 0.5.15) misreads.
//!
//! Only the JPEGs this crate writes are refitted (baseline, 4:2:0, one
//! scan, no restart markers); for anything else, or a stream that does not
//! read back cleanly, the answer is `None` and the caller keeps its file.

use super::header::{read_header, read_scan};
use super::huffman::Bits;

/// A table's place in the token stream and the DHT: class (0 DC, 1 AC) × 4 + id.
type TableKey = usize;

/// One symbol of the scan, with the value bits that follow it:
/// `table << 24 | symbol << 16 | raw value bits` (at most 11 of them).
pub(super) type Token = u32;

/// The token of `symbol` in table `key`, followed by its value `bits`.
#[inline]
pub(super) fn token(key: u32, symbol: u32, bits: u32) -> Token {
    key << 24 | symbol << 16 | bits
}

/// Rewrites `jpeg`'s scan with Huffman tables fitted to it, or `None` to
/// keep it as it is (see the module docs).
pub(crate) fn refit(jpeg: &[u8]) -> Option<Vec<u8>> {
    let (header, scan_start) = read_header(jpeg)?;
    if header.restart_interval != 0 {
        return None;
    }
    let (width, height) = header.size?;
    let rest = jpeg.get(scan_start..)?;
    let (scan, data) = read_scan(&header, rest)?;
    // The SOS segment, written again as it is: what `read_scan` read before the data.
    let sos = &rest[..rest.len() - data.len()];

    let mcus = width.div_ceil(16) as usize * height.div_ceil(16) as usize;
    let mut tokens = Vec::with_capacity(data.len() * 2);
    let mut bits = Bits::new(data);
    for _ in 0..mcus {
        for component in &scan {
            let (dc, ac) = component.table_ids;
            for _ in 0..component.h * component.v {
                read_block(
                    &mut bits,
                    component.dc,
                    component.ac,
                    dc,
                    4 + ac,
                    &mut tokens,
                )?;
            }
        }
    }
    if bits.overran() {
        return None;
    }

    let mut out = Vec::with_capacity(jpeg.len());
    copy_segments_but_tables(jpeg, scan_start - 2, &mut out)?;
    write_fitted(&tokens, sos, &mut out)?;
    Some(out)
}

/// Writes the rest of a JPEG after its frame header: one DHT with tables
/// fitted to `tokens`, the SOS segment `sos` (everything after its marker),
/// the scan's entropy-coded data and EOI. `None` when a token names a table
/// that has no symbols (which counting them rules out).
pub(super) fn write_fitted(tokens: &[Token], sos: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let mut counts = [[0u32; 257]; 8];
    for &token in tokens {
        counts[(token >> 24) as usize][((token >> 16) & 0xFF) as usize] += 1;
    }
    let tables: Vec<(TableKey, Table)> = counts
        .iter()
        .enumerate()
        .filter(|(_, counts)| counts.iter().any(|&c| c > 0))
        .map(|(key, counts)| (key, Table::fitted(counts)))
        .collect();

    write_tables(&tables, out);
    out.extend_from_slice(&[0xFF, 0xDA]);
    out.extend_from_slice(sos);
    let mut codes = [const { None }; 8];
    for (key, table) in tables {
        codes[key] = Some(table.codes());
    }
    let mut writer = BitWriter::new(out);
    for &token in tokens {
        let table = codes[(token >> 24) as usize].as_ref()?;
        let symbol = ((token >> 16) & 0xFF) as u8;
        let (code, length) = table[usize::from(symbol)];
        writer.put(u32::from(code), u32::from(length));
        // DC symbols are the value's size; AC symbols hold it in the low half.
        let size = if token >> 24 < 4 { symbol } else { symbol & 15 };
        writer.put(token & 0xFFFF, u32::from(size));
    }
    writer.finish();
    out.extend_from_slice(&[0xFF, 0xD9]);
    Some(())
}

/// Reads one block's symbols into `tokens`; `None` on anything a block of a
/// baseline scan cannot hold.
fn read_block(
    bits: &mut Bits<'_>,
    dc: &super::huffman::Huffman,
    ac: &super::huffman::Huffman,
    dc_key: TableKey,
    ac_key: TableKey,
    tokens: &mut Vec<Token>,
) -> Option<()> {
    let size = bits.symbol(dc)?;
    if size > 11 {
        return None;
    }
    tokens.push(token(
        dc_key as u32,
        u32::from(size),
        bits.raw(u32::from(size)),
    ));
    let mut k = 1;
    while k < 64 {
        let symbol = bits.symbol(ac)?;
        let (run, size) = (usize::from(symbol >> 4), u32::from(symbol & 15));
        tokens.push(token(ac_key as u32, u32::from(symbol), bits.raw(size)));
        match (run, size) {
            (15, 0) => k += 16,
            (_, 0) => return Some(()),
            _ => k += run + 1,
        }
    }
    (k == 64).then_some(())
}

/// Copies the segments from SOI to `end` (the SOS marker), leaving out the
/// DHT segments that the fitted tables replace.
fn copy_segments_but_tables(jpeg: &[u8], end: usize, out: &mut Vec<u8>) -> Option<()> {
    out.extend_from_slice(jpeg.get(..2)?);
    let mut pos = 2;
    while pos < end {
        let marker = *jpeg.get(pos + 1)?;
        let len = usize::from(u16::from_be_bytes(
            *jpeg.get(pos + 2..)?.first_chunk::<2>()?,
        ));
        let segment = jpeg.get(pos..pos + 2 + len)?;
        if marker != 0xC4 {
            out.extend_from_slice(segment);
        }
        pos += 2 + len;
    }
    (pos == end).then_some(())
}

/// One DHT segment holding every fitted table.
fn write_tables(tables: &[(TableKey, Table)], out: &mut Vec<u8>) {
    let len: usize = 2 + tables
        .iter()
        .map(|(_, t)| 17 + t.symbols.len())
        .sum::<usize>();
    out.extend_from_slice(&[0xFF, 0xC4]);
    out.extend_from_slice(&(len as u16).to_be_bytes());
    for (key, table) in tables {
        out.push((((key / 4) << 4) | (key % 4)) as u8);
        out.extend_from_slice(&table.counts);
        out.extend_from_slice(&table.symbols);
    }
}

/// A Huffman table as a DHT states it: how many codes of each length 1..=16,
/// and the symbols in code order.
#[derive(Debug, PartialEq)]
struct Table {
    counts: [u8; 16],
    symbols: Vec<u8>,
}

impl Table {
    /// The optimal code for these symbol counts with no code longer than 16
    /// bits and none all ones (ITU T.81 Annex K.2, as libjpeg builds it).
    fn fitted(counts: &[u32; 257]) -> Table {
        let mut freq = *counts;
        // A reserved symbol, so no real code is all ones.
        freq[256] = 1;
        let mut code_size = [0usize; 257];
        let mut others = [usize::MAX; 257];
        loop {
            // The two least frequent; on ties the higher symbol, as libjpeg.
            let least = |skip: usize| {
                (0..257)
                    .filter(|&i| freq[i] > 0 && i != skip)
                    .min_by_key(|&i| (freq[i], std::cmp::Reverse(i)))
            };
            let Some(c1) = least(usize::MAX) else { break };
            let Some(c2) = least(c1) else { break };
            freq[c1] += freq[c2];
            freq[c2] = 0;
            let mut c = c1;
            code_size[c] += 1;
            while others[c] != usize::MAX {
                c = others[c];
                code_size[c] += 1;
            }
            others[c] = c2;
            let mut c = c2;
            code_size[c] += 1;
            while others[c] != usize::MAX {
                c = others[c];
                code_size[c] += 1;
            }
        }
        let mut bits = [0u32; 33];
        for &size in code_size.iter().filter(|&&s| s > 0) {
            bits[size.min(32)] += 1;
        }
        // Lengths over 16: move pairs up, as Annex K.3 (Figure K.3) does.
        for i in (17..=32).rev() {
            while bits[i] > 0 {
                let mut j = i - 2;
                while bits[j] == 0 {
                    j -= 1;
                }
                bits[i] -= 2;
                bits[i - 1] += 1;
                bits[j + 1] += 2;
                bits[j] -= 1;
            }
        }
        // Give back the reserved symbol's code, one of the longest.
        if let Some(longest) = (1..=16).rev().find(|&i| bits[i] > 0) {
            bits[longest] -= 1;
        }
        let mut table = Table {
            counts: [0; 16],
            symbols: Vec::new(),
        };
        for (count, &n) in table.counts.iter_mut().zip(&bits[1..=16]) {
            *count = n as u8;
        }
        for size in 1..=32 {
            for (symbol, _) in (0..=255u8).zip(&code_size).filter(|(_, s)| **s == size) {
                table.symbols.push(symbol);
            }
        }
        table
    }

    /// Each symbol's canonical code and its length.
    fn codes(&self) -> [(u16, u8); 256] {
        let mut codes = [(0, 0); 256];
        let mut symbols = self.symbols.iter();
        let mut code = 0u16;
        for (length, &count) in (1u8..).zip(&self.counts) {
            for _ in 0..count {
                if let Some(&symbol) = symbols.next() {
                    codes[usize::from(symbol)] = (code, length);
                }
                code = code.wrapping_add(1);
            }
            code = code.wrapping_shl(1);
        }
        codes
    }
}

/// Writes an entropy-coded segment: bits most significant first, a 0x00
/// after every 0xFF byte, the last byte padded with ones.
struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    count: u32,
}

impl<'a> BitWriter<'a> {
    fn new(out: &'a mut Vec<u8>) -> Self {
        BitWriter {
            out,
            acc: 0,
            count: 0,
        }
    }

    #[inline]
    fn put(&mut self, value: u32, length: u32) {
        if length == 0 {
            return;
        }
        self.acc = self.acc << length | u64::from(value & ((1 << length) - 1));
        self.count += length;
        while self.count >= 8 {
            self.count -= 8;
            let byte = (self.acc >> self.count) as u8;
            self.out.push(byte);
            if byte == 0xFF {
                self.out.push(0);
            }
        }
    }

    fn finish(mut self) {
        if self.count > 0 {
            let pad = 8 - self.count;
            self.put((1 << pad) - 1, pad);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequent_symbols_get_short_codes_and_none_is_all_ones() {
        let mut counts = [0u32; 257];
        counts[0] = 1000;
        counts[1] = 10;
        counts[2] = 10;
        let table = Table::fitted(&counts);
        assert_eq!(table.symbols, [0, 1, 2]);
        let codes = table.codes();
        assert_eq!(codes[0], (0b0, 1));
        assert_eq!((codes[1].1, codes[2].1), (2, 3));
        assert_ne!(codes[2], (0b111, 3), "the all-ones code is reserved");
    }

    #[test]
    fn no_code_is_longer_than_sixteen_bits() {
        // Fibonacci counts make the longest codes in an unlimited tree.
        let mut counts = [0u32; 257];
        let (mut a, mut b) = (1u32, 1u32);
        for count in counts.iter_mut().take(30) {
            *count = a;
            (a, b) = (b, a.saturating_add(b));
        }
        let table = Table::fitted(&counts);
        assert_eq!(table.symbols.len(), 30);
        let total: u32 = table.counts.iter().map(|&c| u32::from(c)).sum();
        assert_eq!(total, 30);
        // Kraft: the code space is not overfull (with room for the reserved code).
        let space: f64 = (1..=16)
            .map(|l| f64::from(table.counts[l - 1]) / f64::powi(2.0, l as i32))
            .sum();
        assert!(space < 1.0, "{space}");
    }

    #[test]
    fn written_bits_are_stuffed_and_padded_with_ones() {
        let mut out = Vec::new();
        let mut writer = BitWriter::new(&mut out);
        writer.put(0xFF, 8);
        writer.put(0b101, 3);
        writer.finish();
        assert_eq!(out, [0xFF, 0x00, 0b1011_1111]);
    }
}
