//! Table files: many chunks in one immutable object, with a sorted index at the end so a
//! reader finds a chunk with two small ranged reads instead of reading the whole file.
//!
//! ```text
//! records  one per chunk, back to back, in the order they were written; in version 2 a
//!          codec byte (0 stored, 1 LZ4) and the chunk in that form, in version 1 the
//!          chunk's bytes alone
//! index    one 32-byte entry per chunk, sorted by address:
//!          address [20] | offset u64 LE | record length u32 LE
//! footer   48 bytes:
//!          index hash [20]      BLAKE3-160 of the index; the file's name is its base32
//!          data length u64 LE   bytes of records; the index starts here
//!          chunk count u32 LE
//!          version u16 LE       2 (1: records without codec byte, still read)
//!          reserved u16 LE      0
//!          footer check u32 LE  first 4 bytes, read LE, of BLAKE3 of footer bytes 0..36
//!          magic [8]            "CAIRNTBL"
//! ```
//! docs/FORMAT.md is the full description; the test vectors pin it.

use alloc::borrow::Cow;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::hash::{Hash, HASH_LEN};

/// The version this build writes: compressed records.
pub const VERSION: u16 = 2;
/// The first version, whose records are the chunks' bytes alone; still read.
pub const VERSION_1: u16 = 1;
pub const MAGIC: &[u8; 8] = b"CAIRNTBL";
pub const FOOTER_LEN: usize = 48;
pub const ENTRY_LEN: usize = 32;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableError {
    TooShort {
        size: u64,
    },
    BadMagic,
    UnsupportedVersion(u16),
    FooterChecksum,
    IndexChecksum,
    /// Sizes, offsets or order that do not fit together.
    BadLayout(&'static str),
    /// The name under which the file was found is not the hash of its index.
    NameMismatch {
        actual: String,
    },
    /// A record whose bytes do not hash to the address its index entry gives.
    ChunkMismatch {
        address: String,
    },
    /// A record that does not decode to a chunk: an unknown codec, or a compressed form that
    /// is damaged.
    BadRecord {
        address: String,
        why: &'static str,
    },
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableError::TooShort { size } => write!(
                f,
                "{size} bytes is too short for a table file (truncated or empty)"
            ),
            TableError::BadMagic => f.write_str("not a Cairn table file (bad magic)"),
            TableError::UnsupportedVersion(v) => write!(
                f,
                "table file format version {v} is not supported (this build reads versions \
                 {VERSION_1} to {VERSION}; a newer cairn wrote it)"
            ),
            TableError::FooterChecksum => f.write_str("footer checksum mismatch"),
            TableError::IndexChecksum => f.write_str("index checksum mismatch"),
            TableError::BadLayout(what) => write!(f, "inconsistent layout: {what}"),
            TableError::NameMismatch { actual } => {
                write!(f, "contents belong to table file '{actual}'")
            }
            TableError::ChunkMismatch { address } => {
                write!(f, "the bytes of chunk {address} do not hash to its address")
            }
            TableError::BadRecord { address, why } => {
                write!(f, "the record of chunk {address} cannot be decoded: {why}")
            }
        }
    }
}

/// One chunk's place in a table file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub hash: Hash,
    pub offset: u64,
    pub len: u32,
}

/// The decoded footer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Footer {
    pub index_hash: Hash,
    pub data_len: u64,
    pub chunk_count: u32,
    /// How its records are laid out (`VERSION_1` or `VERSION`).
    pub version: u16,
}

impl Footer {
    pub fn index_len(&self) -> u64 {
        u64::from(self.chunk_count) * ENTRY_LEN as u64
    }

    pub fn file_len(&self) -> u64 {
        self.data_len + self.index_len() + FOOTER_LEN as u64
    }

    pub fn name(&self) -> String {
        self.index_hash.to_base32()
    }

    pub fn encode(&self) -> [u8; FOOTER_LEN] {
        let mut out = [0u8; FOOTER_LEN];
        out[..20].copy_from_slice(&self.index_hash.0);
        out[20..28].copy_from_slice(&self.data_len.to_le_bytes());
        out[28..32].copy_from_slice(&self.chunk_count.to_le_bytes());
        out[32..34].copy_from_slice(&self.version.to_le_bytes());
        let check = footer_check(&out[..36]);
        out[36..40].copy_from_slice(&check.to_le_bytes());
        out[40..].copy_from_slice(MAGIC);
        out
    }

    /// Decodes the last `FOOTER_LEN` bytes of a file of `file_len` bytes.
    pub fn decode(bytes: &[u8], file_len: u64) -> Result<Footer, TableError> {
        if file_len < FOOTER_LEN as u64 || bytes.len() != FOOTER_LEN {
            return Err(TableError::TooShort { size: file_len });
        }
        if &bytes[40..] != MAGIC {
            return Err(TableError::BadMagic);
        }
        let version = u16::from_le_bytes([bytes[32], bytes[33]]);
        if !(VERSION_1..=VERSION).contains(&version) {
            return Err(TableError::UnsupportedVersion(version));
        }
        if u32::from_le_bytes(bytes[36..40].try_into().unwrap()) != footer_check(&bytes[..36]) {
            return Err(TableError::FooterChecksum);
        }
        if bytes[34..36] != [0, 0] {
            return Err(TableError::BadLayout("reserved footer bytes are not zero"));
        }
        let footer = Footer {
            index_hash: Hash::from_slice(&bytes[..20]).unwrap(),
            data_len: u64::from_le_bytes(bytes[20..28].try_into().unwrap()),
            chunk_count: u32::from_le_bytes(bytes[28..32].try_into().unwrap()),
            version,
        };
        // Checked: a forged footer's lengths must not wrap around to a plausible size.
        let total = footer
            .data_len
            .checked_add(footer.index_len())
            .and_then(|n| n.checked_add(FOOTER_LEN as u64));
        match total {
            Some(n) if n == file_len => Ok(footer),
            _ => Err(TableError::BadLayout(
                "file size does not match the footer's data length and chunk count",
            )),
        }
    }
}

fn footer_check(bytes: &[u8]) -> u32 {
    let h = Hash::of(bytes);
    u32::from_le_bytes(h.0[..4].try_into().unwrap())
}

/// Decodes and checks an index: its hash, its order, and that its records tile the data
/// section exactly, so one index describes exactly one file.
pub fn decode_index(bytes: &[u8], footer: &Footer) -> Result<Vec<Entry>, TableError> {
    if bytes.len() as u64 != footer.index_len() {
        return Err(TableError::BadLayout(
            "index length does not match chunk count",
        ));
    }
    if Hash::of(bytes) != footer.index_hash {
        return Err(TableError::IndexChecksum);
    }
    let mut entries: Vec<Entry> = bytes
        .chunks_exact(ENTRY_LEN)
        .map(|e| Entry {
            hash: Hash::from_slice(&e[..HASH_LEN]).unwrap(),
            offset: u64::from_le_bytes(e[20..28].try_into().unwrap()),
            len: u32::from_le_bytes(e[28..32].try_into().unwrap()),
        })
        .collect();
    if entries.windows(2).any(|w| w[0].hash >= w[1].hash) {
        return Err(TableError::BadLayout("index is not sorted by address"));
    }
    let mut by_offset: Vec<(u64, u32)> = entries.iter().map(|e| (e.offset, e.len)).collect();
    by_offset.sort_unstable();
    let mut next = 0u64;
    for (offset, len) in by_offset {
        if offset != next {
            return Err(TableError::BadLayout("records overlap or leave gaps"));
        }
        next = offset + u64::from(len);
    }
    if next != footer.data_len {
        return Err(TableError::BadLayout(
            "records do not fill the data section",
        ));
    }
    entries.shrink_to_fit();
    Ok(entries)
}

/// Decodes the footer and index of a whole table file's bytes.
pub fn decode_whole(bytes: &[u8]) -> Result<(Footer, Vec<Entry>), TableError> {
    let size = bytes.len() as u64;
    let footer_at = bytes
        .len()
        .checked_sub(FOOTER_LEN)
        .ok_or(TableError::TooShort { size })?;
    let footer = Footer::decode(&bytes[footer_at..], size)?;
    // Footer::decode checked that data, index and footer add up to `size`.
    let index = &bytes[footer.data_len as usize..footer_at];
    Ok((footer, decode_index(index, &footer)?))
}

/// Checks a whole table file that is to be stored under `name`: its layout, that `name` is
/// its index's hash, and every chunk against its address. What a server checks before it
/// accepts an upload, so that it never stores a file a reader would refuse.
pub fn check_whole(name: &str, bytes: &[u8]) -> Result<(), TableError> {
    let (footer, entries) = decode_whole(bytes)?;
    if footer.name() != name {
        return Err(TableError::NameMismatch {
            actual: footer.name(),
        });
    }
    for e in entries {
        // The index tiles the data section (decode_index checked it): the slice is in bounds.
        let record = &bytes[e.offset as usize..e.offset as usize + e.len as usize];
        if Hash::of(&chunk_of(footer.version, &e, record)?) != e.hash {
            return Err(TableError::ChunkMismatch {
                address: e.hash.to_base32(),
            });
        }
    }
    Ok(())
}

/// Codec bytes of version-2 records.
const STORED: u8 = 0;
const LZ4: u8 = 1;
/// An LZ4 record: codec byte, the chunk's length (u32 LE), the LZ4 block.
const LZ4_HEAD: usize = 5;
/// LZ4 turns a byte of block into at most 255 bytes of output: a record claiming more is
/// damaged or hostile, and its claim is refused before anything is allocated for it.
const LZ4_MAX_RATIO: usize = 255;

/// The chunk that a record (of a file of `version`, at `entry`) holds. Not checked against
/// the address: the caller hashes what it gets.
pub fn chunk_of<'a>(
    version: u16,
    entry: &Entry,
    record: &'a [u8],
) -> Result<Cow<'a, [u8]>, TableError> {
    if version == VERSION_1 {
        return Ok(Cow::Borrowed(record));
    }
    let bad = |why| TableError::BadRecord {
        address: entry.hash.to_base32(),
        why,
    };
    match record.split_first() {
        Some((&STORED, chunk)) => Ok(Cow::Borrowed(chunk)),
        Some((&LZ4, rest)) if rest.len() >= LZ4_HEAD - 1 => {
            let len = u32::from_le_bytes(rest[..4].try_into().unwrap()) as usize;
            let block = &rest[4..];
            if len > block.len().saturating_mul(LZ4_MAX_RATIO) {
                return Err(bad("its length is more than LZ4 can make of its bytes"));
            }
            let mut chunk = alloc::vec![0u8; len];
            match lz4_flex::block::decompress_into(block, &mut chunk) {
                Ok(n) if n == len => Ok(Cow::Owned(chunk)),
                _ => Err(bad("its LZ4 block is damaged")),
            }
        }
        Some((&LZ4, _)) => Err(bad("its LZ4 header is cut short")),
        Some(_) => Err(bad("unknown codec")),
        None => Err(bad("it is empty")),
    }
}

/// A version-2 record of `chunk`: LZ4 where that is smaller, else stored as it is.
fn record_of(chunk: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.push(LZ4);
    out.extend_from_slice(&(chunk.len() as u32).to_le_bytes());
    out.resize(
        start + LZ4_HEAD + lz4_flex::block::get_maximum_output_size(chunk.len()),
        0,
    );
    let written = lz4_flex::block::compress_into(chunk, &mut out[start + LZ4_HEAD..]);
    match written {
        Ok(n) if LZ4_HEAD + n < 1 + chunk.len() => out.truncate(start + LZ4_HEAD + n),
        _ => {
            out.truncate(start);
            out.push(STORED);
            out.extend_from_slice(chunk);
        }
    }
}

/// Finds a chunk in a decoded index.
pub fn find(entries: &[Entry], hash: &Hash) -> Option<Entry> {
    entries
        .binary_search_by(|e| e.hash.cmp(hash))
        .ok()
        .map(|i| entries[i])
}

/// Builds one table file in memory.
#[derive(Default)]
pub struct TableWriter {
    data: Vec<u8>,
    entries: Vec<Entry>,
    positions: BTreeMap<Hash, usize>,
}

impl TableWriter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a chunk whose address the caller has computed or checked; a chunk already
    /// added is skipped. The caller keeps chunks under 4 GiB (`u32` lengths).
    pub fn add(&mut self, hash: Hash, chunk: &[u8]) {
        if self.positions.contains_key(&hash) {
            return;
        }
        self.positions.insert(hash, self.entries.len());
        self.entries.push(Entry {
            hash,
            offset: self.data.len() as u64,
            len: chunk.len() as u32,
        });
        self.data.extend_from_slice(chunk);
    }

    pub fn chunk_count(&self) -> usize {
        self.entries.len()
    }

    pub fn data_len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn contains(&self, hash: &Hash) -> bool {
        self.positions.contains_key(hash)
    }

    /// A chunk added but not yet written out.
    pub fn get(&self, hash: &Hash) -> Option<&[u8]> {
        let e = self.entries[*self.positions.get(hash)?];
        Some(&self.data[e.offset as usize..e.offset as usize + e.len as usize])
    }

    /// The file of the chunks added so far: its footer (whose `name()` the file goes by), its
    /// bytes, and its sorted index. Each chunk is compressed on the way; the writer keeps
    /// them as they are, so a file that could not be stored can be written again.
    pub fn finish(&self) -> (Footer, Vec<u8>, Vec<Entry>) {
        let mut bytes = Vec::with_capacity(self.data.len() / 2);
        let mut entries = Vec::with_capacity(self.entries.len());
        // In the order added: neighbours in the file are what was written together.
        for e in &self.entries {
            let offset = bytes.len();
            let chunk = &self.data[e.offset as usize..e.offset as usize + e.len as usize];
            record_of(chunk, &mut bytes);
            entries.push(Entry {
                hash: e.hash,
                offset: offset as u64,
                len: (bytes.len() - offset) as u32,
            });
        }
        entries.sort_unstable_by_key(|e| e.hash);
        let data_len = bytes.len() as u64;
        bytes.reserve(entries.len() * ENTRY_LEN + FOOTER_LEN);
        let index_start = bytes.len();
        for e in &entries {
            bytes.extend_from_slice(&e.hash.0);
            bytes.extend_from_slice(&e.offset.to_le_bytes());
            bytes.extend_from_slice(&e.len.to_le_bytes());
        }
        let footer = Footer {
            index_hash: Hash::of(&bytes[index_start..]),
            data_len,
            chunk_count: entries.len() as u32,
            version: VERSION,
        };
        bytes.extend_from_slice(&footer.encode());
        (footer, bytes, entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(chunks: &[&[u8]]) -> (Footer, Vec<u8>) {
        let mut w = TableWriter::new();
        for c in chunks {
            w.add(Hash::of(c), c);
        }
        let (footer, bytes, _) = w.finish();
        (footer, bytes)
    }

    fn parse(bytes: &[u8]) -> Result<Vec<Entry>, TableError> {
        let len = bytes.len() as u64;
        let tail = &bytes[bytes.len().saturating_sub(FOOTER_LEN)..];
        let footer = Footer::decode(tail, len)?;
        let start = footer.data_len as usize;
        decode_index(&bytes[start..start + footer.index_len() as usize], &footer)
    }

    #[test]
    fn a_forged_footer_whose_lengths_wrap_around_is_refused() {
        // The footer's own checksum passes: only its lengths are hostile.
        let forged = Footer {
            index_hash: Hash::of(b"x"),
            data_len: u64::MAX - 40,
            chunk_count: 1,
            version: VERSION,
        };
        // data_len + 32 + 48 wraps to 39 in u64 arithmetic.
        let wrapped = forged
            .data_len
            .wrapping_add(forged.index_len())
            .wrapping_add(FOOTER_LEN as u64);
        for file_len in [wrapped.max(FOOTER_LEN as u64), FOOTER_LEN as u64, 4096] {
            assert!(
                matches!(
                    Footer::decode(&forged.encode(), file_len),
                    Err(TableError::BadLayout(_))
                ),
                "{file_len}"
            );
        }
    }

    #[test]
    fn check_whole_takes_only_a_file_whose_name_and_chunks_match() {
        let (footer, bytes) = build(&[b"one", b"two"]);
        let name = footer.name();
        assert_eq!(check_whole(&name, &bytes), Ok(()));
        let other = build(&[b"three"]).0.name();
        assert_eq!(
            check_whole(&other, &bytes),
            Err(TableError::NameMismatch {
                actual: name.clone()
            })
        );
        // A flipped record byte: footer and index still check, the chunk does not.
        for at in 0..footer.data_len as usize {
            let mut flipped = bytes.clone();
            flipped[at] ^= 1;
            assert!(
                matches!(
                    check_whole(&name, &flipped),
                    Err(TableError::ChunkMismatch { .. } | TableError::BadRecord { .. })
                ),
                "flip at {at}"
            );
        }
        assert!(matches!(
            check_whole(&name, &bytes[1..]),
            Err(TableError::BadMagic | TableError::BadLayout(_) | TableError::FooterChecksum)
                | Err(TableError::IndexChecksum)
        ));
        assert_eq!(
            check_whole(&name, b"short"),
            Err(TableError::TooShort { size: 5 })
        );
    }

    #[test]
    fn round_trip() {
        let chunks: [&[u8]; 4] = [b"one", b"two", b"", b"one"];
        let (footer, bytes) = build(&chunks);
        assert_eq!(footer.chunk_count, 3, "a repeated chunk is stored once");
        assert_eq!(footer.file_len(), bytes.len() as u64);
        let entries = parse(&bytes).unwrap();
        for c in chunks {
            let e = find(&entries, &Hash::of(c)).unwrap();
            let record = &bytes[e.offset as usize..][..e.len as usize];
            assert_eq!(&*chunk_of(footer.version, &e, record).unwrap(), c);
        }
        assert!(find(&entries, &Hash::of(b"three")).is_none());
    }

    #[test]
    fn repetitive_chunks_are_stored_compressed_and_others_one_byte_longer() {
        let row = b"row 0000042 of a generated table for the benchmark ".repeat(80);
        let noise: Vec<u8> = (0u8..200).flat_map(|i| Hash::of(&[i]).0).collect();
        let (footer, bytes) = build(&[&row, &noise]);
        let entries = parse(&bytes).unwrap();
        let record = |c: &[u8]| find(&entries, &Hash::of(c)).unwrap();
        assert!(
            record(&row).len < row.len() as u32 / 10,
            "{}",
            record(&row).len
        );
        assert_eq!(
            record(&noise).len,
            noise.len() as u32 + 1,
            "stored as it is"
        );
        for c in [&row[..], &noise[..]] {
            let e = record(c);
            let bytes = &bytes[e.offset as usize..][..e.len as usize];
            assert_eq!(&*chunk_of(footer.version, &e, bytes).unwrap(), c);
        }
    }

    #[test]
    fn a_version_1_file_still_reads() {
        // Version 1, as the first cairn wrote it: the records are the chunks themselves.
        let chunks: [&[u8]; 2] = [b"alpha", b"beta"];
        let mut bytes = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        for c in chunks {
            entries.push(Entry {
                hash: Hash::of(c),
                offset: bytes.len() as u64,
                len: c.len() as u32,
            });
            bytes.extend_from_slice(c);
        }
        entries.sort_by_key(|e| e.hash);
        let data_len = bytes.len();
        for e in &entries {
            bytes.extend_from_slice(&e.hash.0);
            bytes.extend_from_slice(&e.offset.to_le_bytes());
            bytes.extend_from_slice(&e.len.to_le_bytes());
        }
        let footer = Footer {
            index_hash: Hash::of(&bytes[data_len..]),
            data_len: data_len as u64,
            chunk_count: 2,
            version: VERSION_1,
        };
        bytes.extend_from_slice(&footer.encode());
        assert_eq!(check_whole(&footer.name(), &bytes), Ok(()));
        let (read, entries) = decode_whole(&bytes).unwrap();
        assert_eq!(read.version, VERSION_1);
        for c in chunks {
            let e = find(&entries, &Hash::of(c)).unwrap();
            let record = &bytes[e.offset as usize..][..e.len as usize];
            assert_eq!(&*chunk_of(read.version, &e, record).unwrap(), c);
        }
    }

    #[test]
    fn records_that_do_not_decode_are_named_not_trusted() {
        let e = Entry {
            hash: Hash::of(b"x"),
            offset: 0,
            len: 0,
        };
        let why = |record: &[u8]| match chunk_of(VERSION, &e, record) {
            Err(TableError::BadRecord { address, why }) => {
                assert_eq!(address, e.hash.to_base32());
                why
            }
            other => panic!("{record:?}: {other:?}"),
        };
        assert_eq!(why(b""), "it is empty");
        assert_eq!(why(&[9, 1, 2]), "unknown codec");
        assert_eq!(why(&[LZ4, 1, 0]), "its LZ4 header is cut short");
        // A claim of 4 GiB from four bytes: refused before anything is allocated.
        assert_eq!(
            why(&[LZ4, 0xff, 0xff, 0xff, 0xff, 0x10, 0x61, 0, 0]),
            "its length is more than LZ4 can make of its bytes"
        );
        // A claim the block does not keep.
        assert_eq!(
            why(&[LZ4, 5, 0, 0, 0, 0x10, 0x61]),
            "its LZ4 block is damaged"
        );
        assert_eq!(
            chunk_of(VERSION, &e, &[STORED, b'x']).unwrap().as_ref(),
            b"x"
        );
    }

    #[test]
    fn every_single_byte_flip_outside_records_is_caught() {
        let (footer, bytes) = build(&[b"alpha", b"beta", b"gamma"]);
        for i in footer.data_len as usize..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x01;
            assert!(parse(&bad).is_err(), "flip at byte {i} went unnoticed");
        }
    }

    #[test]
    fn truncated_and_garbage_input_is_an_error() {
        let (_, bytes) = build(&[b"alpha", b"beta"]);
        for len in 0..bytes.len() {
            assert!(parse(&bytes[..len]).is_err(), "truncated to {len}");
        }
        assert_eq!(parse(&[]), Err(TableError::TooShort { size: 0 }));
        assert_eq!(parse(&[0x5a; 100]), Err(TableError::BadMagic));
    }

    #[test]
    fn overlapping_records_are_rejected() {
        // Two entries claiming the same bytes: consistent hashes, impossible layout.
        let mut index = Vec::new();
        let (a, b) = (Hash::of(b"x"), Hash::of(b"y"));
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        for h in [lo, hi] {
            index.extend_from_slice(&h.0);
            index.extend_from_slice(&0u64.to_le_bytes());
            index.extend_from_slice(&1u32.to_le_bytes());
        }
        let footer = Footer {
            index_hash: Hash::of(&index),
            data_len: 2,
            chunk_count: 2,
            version: VERSION,
        };
        assert_eq!(
            decode_index(&index, &footer),
            Err(TableError::BadLayout("records overlap or leave gaps"))
        );
    }
}
