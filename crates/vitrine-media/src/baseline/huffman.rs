//! Huffman tables and the bit reader of a baseline JPEG scan.
//!
//! Decoding follows the usual fast design (stb_image, libjpeg-turbo): a
//! 64-bit bit buffer refilled four bytes at a time when none of them is
//! 0xFF, a 9-bit look-up table that resolves most codes in one step, and for
//! AC tables a second look-up that also reads the coefficient's value bits
//! when code and value fit in the same 9 bits. Every failure is `None`: the
//! caller then hands the file to libjpeg, which is lenient with damage.

/// Bits resolved by one table look-up.
const FAST_BITS: u32 = 9;

/// The run [`Bits::fast_ac`] gives for end-of-block: past the last index.
pub(super) const END_OF_BLOCK: usize = 64;
const FAST_SIZE: usize = 1 << FAST_BITS;

/// One DHT table, ready for decoding.
pub(super) struct Huffman {
    /// By the next FAST_BITS bits: `length << 8 | symbol`, or 0 when the code
    /// is longer.
    fast: [u16; FAST_SIZE],
    /// By the next FAST_BITS bits, for AC tables: the whole coefficient when
    /// code and value bits fit, as `value << 16 | run << 8 | bits`, else 0.
    /// End-of-block has run [`END_OF_BLOCK`]; sixteen zeros (ZRL) are run
    /// 15 and value 0.
    fast_ac: [i32; FAST_SIZE],
    /// Largest code of each length (index 1..=16), -1 where there is none.
    max_code: [i32; 17],
    /// For each length, `symbols` index of its first code minus that code.
    offset: [i32; 17],
    symbols: Vec<u8>,
}

impl Huffman {
    /// Builds a table from a DHT's 16 code counts and its symbols; `None`
    /// when the counts describe more codes than the lengths can hold.
    pub(super) fn new(counts: &[u8; 16], symbols: &[u8]) -> Option<Huffman> {
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        if total != symbols.len() || total > 256 {
            return None;
        }
        let mut table = Huffman {
            fast: [0; FAST_SIZE],
            fast_ac: [0; FAST_SIZE],
            max_code: [-1; 17],
            offset: [0; 17],
            symbols: symbols.to_vec(),
        };
        let (mut code, mut index) = (0i32, 0usize);
        for (len, &count) in (1u32..=16).zip(counts) {
            let count = usize::from(count);
            table.offset[len as usize] = i32::try_from(index).ok()? - code;
            for &symbol in &symbols[index..index + count] {
                if code >= 1 << len {
                    return None;
                }
                if len <= FAST_BITS {
                    let first = usize::try_from(code).ok()? << (FAST_BITS - len);
                    let entry = u16::try_from(len).ok()? << 8 | u16::from(symbol);
                    table.fast[first..first + (1 << (FAST_BITS - len))].fill(entry);
                }
                code += 1;
            }
            index += count;
            if count > 0 {
                table.max_code[len as usize] = code - 1;
            }
            code <<= 1;
        }
        table.fill_fast_ac();
        Some(table)
    }

    /// Precomputes whole AC coefficients whose code and value bits fit in
    /// FAST_BITS (harmless for DC tables, which never read it).
    fn fill_fast_ac(&mut self) {
        for (bits, &entry) in self.fast.iter().enumerate() {
            if entry == 0 {
                continue;
            }
            let (len, symbol) = (u32::from(entry >> 8), entry & 0xFF);
            let (run, size) = (i32::from(symbol >> 4), u32::from(symbol & 15));
            if size == 0 {
                // The commonest symbol of all is end-of-block: one a block.
                let run = if run == 15 { 15 } else { END_OF_BLOCK as i32 };
                self.fast_ac[bits] = run << 8 | len as i32;
                continue;
            }
            if len + size > FAST_BITS {
                continue;
            }
            let raw = (bits as i32 >> (FAST_BITS - len - size)) & ((1 << size) - 1);
            let value = extend(raw, size);
            self.fast_ac[bits] = value << 16 | run << 8 | (len + size) as i32;
        }
    }
}

/// JPEG's sign extension of an `size`-bit magnitude category value.
fn extend(raw: i32, size: u32) -> i32 {
    if size == 0 {
        0
    } else if raw < 1 << (size - 1) {
        raw - (1 << size) + 1
    } else {
        raw
    }
}

/// Reads the entropy-coded segment of a scan, removing byte stuffing
/// (0xFF 0x00) and stopping at markers.
///
/// `Copy`, and every method inlined, so that a block's decoder can work on a
/// local copy held in registers and write it back once (see
/// `baseline::read_block`): through a pointer, the bit buffer went to memory
/// and back for every coefficient.
#[derive(Clone, Copy)]
pub(super) struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    /// Unread bits, most significant first.
    acc: u64,
    count: u32,
    /// A marker (or the end of the data) was reached: zeros are fed from
    /// here on, as libjpeg does.
    at_marker: bool,
    /// Bits of those zeros put in `acc` so far.
    fed: u32,
}

impl<'a> Bits<'a> {
    pub(super) fn new(data: &'a [u8]) -> Self {
        Bits {
            data,
            pos: 0,
            acc: 0,
            count: 0,
            at_marker: false,
            fed: 0,
        }
    }

    /// Makes sure at least 32 bits are buffered.
    #[inline(always)]
    fn refill(&mut self) {
        if self.count > 32 {
            return;
        }
        if !self.at_marker
            && let Some(&[a, b, c, d]) = self.data.get(self.pos..self.pos + 4)
        {
            let word = u32::from_be_bytes([a, b, c, d]);
            // No byte of `word` is 0xFF exactly when no byte of !word is 0.
            let inverted = !word;
            if inverted.wrapping_sub(0x0101_0101) & word & 0x8080_8080 == 0 {
                self.acc |= u64::from(word) << (32 - self.count);
                self.count += 32;
                self.pos += 4;
                return;
            }
        }
        while self.count <= 56 {
            let byte = self.next_byte();
            self.acc |= u64::from(byte) << (56 - self.count);
            self.count += 8;
        }
    }

    #[inline(always)]
    fn next_byte(&mut self) -> u8 {
        if self.at_marker {
            self.fed += 8;
            return 0;
        }
        match self.data.get(self.pos..) {
            Some([0xFF, 0x00, ..]) => {
                self.pos += 2;
                0xFF
            }
            Some([0xFF, ..]) | Some([]) | None => {
                self.at_marker = true;
                self.fed += 8;
                0
            }
            Some([byte, ..]) => {
                self.pos += 1;
                *byte
            }
        }
    }

    #[inline(always)]
    fn peek(&self, bits: u32) -> u32 {
        (self.acc >> (64 - bits)) as u32
    }

    #[inline(always)]
    fn consume(&mut self, bits: u32) {
        self.acc <<= bits;
        self.count = self.count.saturating_sub(bits);
    }

    /// The next Huffman symbol of `table`.
    #[inline(always)]
    pub(super) fn symbol(&mut self, table: &Huffman) -> Option<u8> {
        self.refill();
        let entry = table.fast[self.peek(FAST_BITS) as usize];
        if entry != 0 {
            self.consume(u32::from(entry >> 8));
            return Some((entry & 0xFF) as u8);
        }
        for len in FAST_BITS + 1..=16 {
            let code = self.peek(len) as i32;
            if code <= table.max_code[len as usize] {
                self.consume(len);
                let index = usize::try_from(code + table.offset[len as usize]).ok()?;
                return table.symbols.get(index).copied();
            }
        }
        None
    }

    /// A `size`-bit value, sign-extended (DC differences, AC coefficients).
    #[inline(always)]
    pub(super) fn value(&mut self, size: u32) -> i32 {
        extend(self.raw(size) as i32, size)
    }

    /// The next `size` bits as they are stored (a value before sign extension).
    #[inline(always)]
    pub(super) fn raw(&mut self, size: u32) -> u32 {
        if size == 0 {
            return 0;
        }
        self.refill();
        let raw = self.peek(size);
        self.consume(size);
        raw
    }

    /// An AC coefficient resolved in one look-up: `(run, value)`, or `None`
    /// when the slow path must decode it.
    #[inline(always)]
    pub(super) fn fast_ac(&mut self, table: &Huffman) -> Option<(usize, i32)> {
        self.refill();
        let entry = table.fast_ac[self.peek(FAST_BITS) as usize];
        if entry == 0 {
            return None;
        }
        self.consume((entry & 0xFF) as u32);
        Some((((entry >> 8) & 0xFF) as usize, entry >> 16))
    }

    /// Whether more bits were read than the segment holds (the reader has
    /// been handing out the zeros it feeds past the end).
    pub(super) fn overran(&self) -> bool {
        self.count < self.fed
    }

    /// Skips the restart marker that must come next, dropping the padding
    /// bits of the last byte; `false` when the data does not continue with
    /// one (the stream is out of step).
    pub(super) fn restart(&mut self) -> bool {
        let found = match self.data.get(self.pos..self.pos + 2) {
            Some(&[0xFF, m]) => (0xD0..=0xD7).contains(&m),
            _ => false,
        };
        if !found {
            return false;
        }
        self.pos += 2;
        self.acc = 0;
        self.count = 0;
        self.at_marker = false;
        self.fed = 0;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The standard luminance DC table of ITU T.81 Annex K.3.
    fn dc_table() -> Huffman {
        let counts = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
        Huffman::new(&counts, &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]).unwrap()
    }

    #[test]
    fn codes_are_read_by_the_canonical_order() {
        // Codes: 0→"00", 1→"010", 2→"011", 3→"100", 4→"101", 5→"110", 6→"1110".
        // Bits: 00 011 1110 101 then 1s as padding.
        let data = [0b0001_1111, 0b0101_1111, 0xFF, 0x00];
        let mut bits = Bits::new(&data);
        let table = dc_table();
        assert_eq!(bits.symbol(&table), Some(0));
        assert_eq!(bits.symbol(&table), Some(2));
        assert_eq!(bits.symbol(&table), Some(6));
        assert_eq!(bits.symbol(&table), Some(4));
    }

    #[test]
    fn values_are_sign_extended() {
        // "101" is +5, "010" is -5, "1" is +1, "0" is -1.
        let data = [0b1010_1010, 0b0000_0000];
        let mut bits = Bits::new(&data);
        assert_eq!(bits.value(3), 5);
        assert_eq!(bits.value(3), -5);
        assert_eq!(bits.value(1), 1);
        assert_eq!(bits.value(1), -1);
    }

    #[test]
    fn stuffed_bytes_are_data_and_markers_stop_the_stream() {
        let data = [0xFF, 0x00, 0xAB, 0xFF, 0xD0, 0x92];
        let mut bits = Bits::new(&data);
        assert_eq!(bits.value(8), 0xFF);
        assert_eq!(bits.value(8), 0xAB);
        // Past the marker only zeros come (a "0" of size 8 is -255).
        assert_eq!(bits.value(8), -255);
        assert!(bits.restart(), "RST0 follows");
        assert_eq!(bits.value(8), 0x92);
    }

    #[test]
    fn oversubscribed_counts_are_refused() {
        let mut counts = [0u8; 16];
        counts[0] = 3; // three 1-bit codes cannot exist
        assert!(Huffman::new(&counts, &[1, 2, 3]).is_none());
        assert!(Huffman::new(&[1; 16], &[0; 3]).is_none(), "count mismatch");
    }
}
