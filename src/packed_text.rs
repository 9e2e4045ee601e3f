//! An export's text as the inventory keeps it for quoting evidence: LZ4-compressed in blocks.
//!
//! Evidence quotes the file verbatim, so the inventory holds every recognised file's text
//! through evaluation, yet reads only the few entries findings cite, and only once evaluation
//! is over. Held plainly, the text was the inventory's second-largest item (the input's size
//! again, 100 MB of a 100 MB bundle's ~570 MB); packed, it is 13-22 % of that on the bench's
//! exports. Blocks, rather than one stream, so that quoting an entry unpacks only the blocks it
//! lies in: LZ4 because unpacking is cheaper than the walk that quotes from the text.

use std::fmt;
use std::ops::Range;

/// Bytes of text per block. Larger blocks pack better (the window spans more of the file) and
/// cost more to unpack for a quote from them: at 64 KiB an entry's quote unpacks ~20 µs of
/// text, and packing gives 13-17 % on the bench's exports against 18-22 % at 16 KiB.
const BLOCK: usize = 64 * 1024;

/// Blocks packed as one piece of work (1 MiB of text).
const BLOCKS_PER_RUN: usize = 16;

/// A text packed in blocks of [`BLOCK`] bytes (the last shorter). Block boundaries fall
/// anywhere, even inside a character; only the ranges asked for must be whole characters.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PackedText {
    /// The text's length in bytes.
    len: usize,
    /// The packed blocks, one after another.
    packed: Vec<u8>,
    /// Where each block ends in `packed`.
    ends: Vec<usize>,
}

impl fmt::Debug for PackedText {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "PackedText({} bytes in {})", self.len, self.packed.len())
    }
}

impl PackedText {
    /// Packs `text`, in runs of blocks spread over the machine's cores (see
    /// [`crate::parallel`]): packing reads every byte of the export, and natively the other
    /// core is otherwise idle while a single large file is read.
    pub fn pack(text: &str) -> PackedText {
        let bytes = text.as_bytes();
        let runs: Vec<&[u8]> = bytes.chunks(BLOCK * BLOCKS_PER_RUN).collect();
        let threads = if runs.len() > 1 {
            crate::parallel::threads()
        } else {
            1
        };
        let runs = crate::parallel::map_ordered(runs, threads, |run| {
            let mut scratch = vec![0; lz4_flex::block::get_maximum_output_size(BLOCK)];
            let mut packed = Vec::new();
            let mut sizes = Vec::with_capacity(BLOCKS_PER_RUN);
            for block in run.chunks(BLOCK) {
                // The scratch buffer holds the largest output a block can have, so this does
                // not fail; if it did, the text would quote nothing, and evidence would show
                // the values the rules saw instead of the export's own text.
                let n = lz4_flex::block::compress_into(block, &mut scratch).ok()?;
                packed.extend_from_slice(&scratch[..n]);
                sizes.push(n);
            }
            Some((packed, sizes))
        });
        let mut out = PackedText {
            len: bytes.len(),
            packed: Vec::with_capacity(runs.iter().flatten().map(|(p, _)| p.len()).sum()),
            ends: Vec::with_capacity(bytes.len().div_ceil(BLOCK)),
        };
        for run in runs {
            let Some((packed, sizes)) = run else {
                return PackedText::default();
            };
            let mut end = out.packed.len();
            for n in sizes {
                end += n;
                out.ends.push(end);
            }
            out.packed.extend_from_slice(&packed);
        }
        out
    }

    /// The text's length in bytes (unpacked).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes the packed blocks take.
    pub fn packed_len(&self) -> usize {
        self.packed.len()
    }

    /// The whole text; `None` if a block does not unpack (which packing never makes).
    pub fn unpack(&self) -> Option<String> {
        let mut reader = self.reader();
        reader.get(0..self.len)?;
        reader.buf.truncate(reader.held);
        String::from_utf8(reader.buf).ok()
    }

    /// A reader of ranges of the text, which keeps the blocks it last unpacked: quotes are
    /// asked for in the order of the text, so most come from blocks already unpacked.
    pub fn reader(&self) -> Reader<'_> {
        Reader {
            text: self,
            first: 0,
            held: 0,
            buf: Vec::new(),
        }
    }

    /// Unpacks block `k` into `out`, which must have room for it; returns its size.
    fn unblock(&self, k: usize, out: &mut [u8]) -> Option<usize> {
        let start = k.checked_sub(1).map_or(0, |p| self.ends[p]);
        let size = BLOCK.min(self.len - k * BLOCK);
        let n = lz4_flex::block::decompress_into(&self.packed[start..self.ends[k]], out).ok()?;
        (n == size).then_some(n)
    }
}

/// Reads ranges of a [`PackedText`], unpacking the blocks each lies in unless the last range's
/// blocks hold it too.
pub struct Reader<'p> {
    text: &'p PackedText,
    /// Where in the text `buf` starts (a block boundary).
    first: usize,
    /// How many bytes of `buf` hold whole blocks unpacked, from `first` on.
    held: usize,
    /// Only ever grows, so that it is zeroed once rather than for each unpacking.
    buf: Vec<u8>,
}

impl Reader<'_> {
    /// The text at `range`; `None` if it is out of bounds or does not begin and end on
    /// character boundaries.
    pub fn get(&mut self, range: Range<usize>) -> Option<&str> {
        if range.start > range.end || range.end > self.text.len {
            return None;
        }
        if range.start < self.first || range.end > self.first + self.held {
            let (a, b) = (range.start / BLOCK, range.end.div_ceil(BLOCK));
            let size = (b * BLOCK).min(self.text.len) - a * BLOCK;
            if self.buf.len() < size {
                self.buf.resize(size, 0);
            }
            self.first = a * BLOCK;
            self.held = 0;
            for k in a..b {
                let Some(n) = self.text.unblock(k, &mut self.buf[self.held..]) else {
                    self.held = 0;
                    return None;
                };
                self.held += n;
            }
        }
        std::str::from_utf8(&self.buf[range.start - self.first..range.end - self.first]).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text of at least `len` bytes, with multi-byte characters across block boundaries.
    fn sample(len: usize) -> String {
        let mut s = String::new();
        let mut i = 0;
        while s.len() < len {
            s.push_str(&format!(
                "{{\"Name\":\"bucket-{i}\",\"Tag\":\"Zürich ☃ {}\"}},",
                i % 7
            ));
            i += 1;
        }
        s
    }

    #[test]
    fn unpacks_to_the_same_text_and_smaller() {
        // One run of blocks, and several (packed on several threads where there are cores).
        for len in [3 * BLOCK + 1000, 2 * BLOCK * BLOCKS_PER_RUN + 5] {
            let text = sample(len);
            let packed = PackedText::pack(&text);
            assert_eq!(packed.len(), text.len());
            assert!(packed.packed_len() < text.len() / 3, "{packed:?}");
            assert_eq!(packed.unpack().as_deref(), Some(text.as_str()));
        }
        assert_eq!(PackedText::pack("").unpack().as_deref(), Some(""));
    }

    #[test]
    fn ranges_read_alike_within_and_across_blocks() {
        let text = sample(3 * BLOCK + 1000);
        let packed = PackedText::pack(&text);
        let mut reader = packed.reader();
        // In order, backwards, across boundaries, empty, and the whole text.
        let mut ranges = vec![
            0..10,
            5..BLOCK + 40,
            BLOCK - 3..BLOCK + 3,
            2 * BLOCK..2 * BLOCK,
        ];
        ranges.extend([text.len() - 50..text.len(), 100..200, 0..text.len()]);
        for range in ranges {
            assert_eq!(
                reader.get(range.clone()),
                text.get(range.clone()),
                "{range:?}"
            );
        }
        assert_eq!(reader.get(0..text.len() + 1), None);
        // Inside a character: refused, as `str::get` refuses it.
        let snowman = text.find('☃').expect("sample has one");
        assert_eq!(reader.get(snowman..snowman + 1), None);
    }
}
