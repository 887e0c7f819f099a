//! Table files: many chunks in one immutable object, with a sorted index at the end so a
//! reader finds a chunk with two small ranged reads instead of reading the whole file.
//!
//! ```text
//! records  back to back, in the order written. Versions 3 and 4: blocks, each the chunks of
//!          about BLOCK_TARGET bytes written one after another, as a codec byte (0 stored,
//!          2 zstd) and the block in that form. Version 2: one record per chunk, a codec byte
//!          (0 stored, 1 LZ4) and the chunk in that form. Version 1: the chunk's bytes alone
//! index    one entry per chunk, sorted by address:
//!          address [20] | record offset u64 LE | record length u32 LE
//!          and in versions 3 and 4 where the chunk lies in its decoded block:
//!          | offset in block u32 LE | chunk length u32 LE
//!          and in version 4 its record's check (44 bytes; version 3: 40, else 32):
//!          | record check u32 LE  first 4 bytes, read LE, of BLAKE3 of the record
//! footer   48 bytes:
//!          index hash [20]      BLAKE3-160 of the index; the file's name is its base32
//!          data length u64 LE   bytes of records; the index starts here
//!          chunk count u32 LE
//!          version u16 LE       4 (1 to 3 still read)
//!          reserved u16 LE      0
//!          footer check u32 LE  first 4 bytes, read LE, of BLAKE3 of footer bytes 0..36
//!          magic [8]            "CAIRNTBL"
//! ```
//! docs/FORMAT.md is the full description; the test vectors pin it.

use alloc::borrow::Cow;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::borrow::Borrow;
use core::cmp::Ordering;
use core::fmt;
use core::ops::Range;

use crate::hash::{Hash, HASH_LEN};

/// The version this build writes: chunks compressed together in blocks, and each entry
/// carrying its record's check, so that a copy of a whole file checks its records without
/// decoding them.
pub const VERSION: u16 = 4;
/// Blocks without checks; still read.
pub const VERSION_3: u16 = 3;
/// Each chunk compressed on its own (LZ4); still read.
pub const VERSION_2: u16 = 2;
/// The first version, whose records are the chunks' bytes alone; still read.
pub const VERSION_1: u16 = 1;
pub const MAGIC: &[u8; 8] = b"CAIRNTBL";
pub const FOOTER_LEN: usize = 48;
/// An index entry's length in versions 1 and 2, in version 3, and in version 4.
pub const ENTRY_LEN: usize = 32;
pub const ENTRY_LEN_3: usize = 40;
pub const ENTRY_LEN_4: usize = 44;
/// A block is closed once it holds this many bytes of chunks. Compressing 4 KiB chunks
/// together in blocks is what makes zstd find their shared structure (a table's rows repeat
/// each other), but a point lookup that misses the block cache decodes its leaf's whole
/// block: 128 KiB costs 12 % more bytes than 256 KiB and half the decoding of a cold lookup
/// (docs/BENCHMARKS.md, "Point lookups over zstd blocks"). Readers take any size.
pub const BLOCK_TARGET: usize = 128 << 10;
/// The most a compressed block may decode to, so that a hostile index cannot make a reader
/// allocate more; a chunk larger than this goes alone into a stored block.
pub const MAX_BLOCK: usize = 16 << 20;
/// zstd's level 1: in 128 KiB blocks it compresses about twice as fast as level 3 (the
/// default), from 1 % smaller to 9 % larger depending on the rows, and decoding it takes as
/// many instructions, so bulk inserts, restores and gc pay less and reads no more; level 7
/// is 8-12 % smaller at a third of level 3's speed (docs/BENCHMARKS.md).
const ZSTD_LEVEL: i32 = 1;

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
    /// The record that holds the chunk: in version 3 its block, shared with its neighbours.
    pub offset: u64,
    pub len: u32,
    /// Versions 3 and 4: where in the decoded block the chunk lies. Earlier versions:
    /// `None`, the record decodes to the chunk alone.
    pub part: Option<Part>,
    /// Version 4: its record's check (`check_of` the record's bytes); earlier, `None`.
    pub check: Option<u32>,
}

/// A chunk's bytes within its decoded block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    pub at: u32,
    pub len: u32,
}

impl Entry {
    /// The chunk within what its record decodes to (`decode_record`).
    pub fn chunk_in<'a>(&self, decoded: &'a [u8]) -> Result<&'a [u8], TableError> {
        Ok(&decoded[self.chunk_range(decoded.len())?])
    }

    /// Where the chunk lies within the `decoded_len` bytes its record decodes to.
    pub fn chunk_range(&self, decoded_len: usize) -> Result<Range<usize>, TableError> {
        let Some(p) = self.part else {
            return Ok(0..decoded_len);
        };
        let (at, len) = (p.at as usize, p.len as usize);
        match at.checked_add(len) {
            Some(end) if end <= decoded_len => Ok(at..end),
            _ => Err(TableError::BadRecord {
                address: self.hash.to_base32(),
                why: "its block is shorter than the index says",
            }),
        }
    }

    /// Encodes the entry as a file of `version` holds it.
    pub fn encode(&self, version: u16, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.hash.0);
        out.extend_from_slice(&self.offset.to_le_bytes());
        out.extend_from_slice(&self.len.to_le_bytes());
        if has_blocks(version) {
            let part = self.part.unwrap_or(Part { at: 0, len: 0 });
            out.extend_from_slice(&part.at.to_le_bytes());
            out.extend_from_slice(&part.len.to_le_bytes());
        }
        if version >= VERSION {
            out.extend_from_slice(&self.check.unwrap_or(0).to_le_bytes());
        }
    }
}

/// Whether two entries name the same record: in version 3 the chunks of one block do. (In
/// earlier versions an empty chunk's record may start where another's does: offsets alone
/// do not tell records apart.)
pub fn same_record(a: &Entry, b: &Entry) -> bool {
    (a.offset, a.len) == (b.offset, b.len)
}

/// The run of whole records that starts at `entries[start]` (`entries` sorted by offset):
/// about `max` bytes, more only when one record is longer, so that a file is read in pieces of
/// bounded size. Answers the index past the run and the bytes it spans from its first offset.
pub fn run<E: Borrow<Entry>>(entries: &[E], start: usize, max: u64) -> (usize, u64) {
    let first = entries[start].borrow().offset;
    let (mut end, mut len) = (start, 0u64);
    // Records whole: the chunks of one block (one offset) are never split between runs.
    while let Some(e) = entries.get(end).map(Borrow::borrow) {
        let e_end = e.offset + u64::from(e.len) - first;
        if end > start && !same_record(e, entries[end - 1].borrow()) && e_end > max {
            break;
        }
        len = len.max(e_end);
        end += 1;
    }
    (end, len)
}

/// The length of one index entry in a file of `version`.
pub fn entry_len(version: u16) -> usize {
    match version {
        VERSION_3 => ENTRY_LEN_3,
        v if v >= VERSION => ENTRY_LEN_4,
        _ => ENTRY_LEN,
    }
}

/// Whether a file of `version` keeps its chunks in blocks (versions 3 and 4).
pub fn has_blocks(version: u16) -> bool {
    version >= VERSION_3
}

/// The first 4 bytes, read LE, of BLAKE3 of `bytes`: a footer's check (of its first 36
/// bytes) and a record's (version 4).
pub fn check_of(bytes: &[u8]) -> u32 {
    let h = Hash::of(bytes);
    u32::from_le_bytes(h.0[..4].try_into().unwrap())
}

/// The first entry (of a version-4 file's `entries`) whose record in the whole file's
/// `bytes` does not match its check: what a copy of the whole file checks instead of
/// decoding every chunk and hashing it. Each record is checked once.
pub fn damaged_record<'a>(entries: &'a [Entry], bytes: &[u8]) -> Option<&'a Entry> {
    let mut checked: Option<&Entry> = None;
    let mut order: Vec<&Entry> = entries.iter().collect();
    order.sort_unstable_by_key(|e| (e.offset, e.len));
    for e in order {
        if checked.is_some_and(|c| same_record(c, e)) {
            continue;
        }
        checked = Some(e);
        let record = bytes
            .get(e.offset as usize..)
            .and_then(|rest| rest.get(..e.len as usize));
        if record.map(check_of) != Some(e.check?) {
            return Some(e);
        }
    }
    None
}

/// The decoded footer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Footer {
    pub index_hash: Hash,
    pub data_len: u64,
    pub chunk_count: u32,
    /// How its records are laid out (`VERSION_1` to `VERSION`).
    pub version: u16,
}

impl Footer {
    pub fn index_len(&self) -> u64 {
        u64::from(self.chunk_count) * entry_len(self.version) as u64
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
        let check = check_of(&out[..36]);
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
        if u32::from_le_bytes(bytes[36..40].try_into().unwrap()) != check_of(&bytes[..36]) {
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

/// Decodes and checks an index: its hash, its order, that its records tile the data section
/// exactly and (versions 3 and 4) that the chunks of each block tile it, and (version 4) that
/// they give it one check, so one index describes exactly one file.
pub fn decode_index(bytes: &[u8], footer: &Footer) -> Result<Vec<Entry>, TableError> {
    if bytes.len() as u64 != footer.index_len() {
        return Err(TableError::BadLayout(
            "index length does not match chunk count",
        ));
    }
    if Hash::of(bytes) != footer.index_hash {
        return Err(TableError::IndexChecksum);
    }
    let u32_at = |e: &[u8], at: usize| u32::from_le_bytes(e[at..at + 4].try_into().unwrap());
    let blocks = has_blocks(footer.version);
    let checks = footer.version >= VERSION;
    let mut entries: Vec<Entry> = bytes
        .chunks_exact(entry_len(footer.version))
        .map(|e| Entry {
            hash: Hash::from_slice(&e[..HASH_LEN]).unwrap(),
            offset: u64::from_le_bytes(e[20..28].try_into().unwrap()),
            len: u32_at(e, 28),
            part: blocks.then(|| Part {
                at: u32_at(e, 32),
                len: u32_at(e, 36),
            }),
            check: checks.then(|| u32_at(e, 40)),
        })
        .collect();
    if entries.windows(2).any(|w| w[0].hash >= w[1].hash) {
        return Err(TableError::BadLayout("index is not sorted by address"));
    }
    // (offset, length, chunk's offset in block, chunk's length, record's check)
    let mut by_offset: Vec<(u64, u32, u32, u32, u32)> = entries
        .iter()
        .map(|e| {
            let p = e.part.unwrap_or(Part { at: 0, len: 0 });
            (e.offset, e.len, p.at, p.len, e.check.unwrap_or(0))
        })
        .collect();
    by_offset.sort_unstable();
    let mut next = 0u64;
    let mut in_block = 0u64;
    for (i, &(offset, len, at, part_len, check)) in by_offset.iter().enumerate() {
        let same_block = blocks && i > 0 && by_offset[i - 1].0 == offset;
        if same_block {
            if by_offset[i - 1].1 != len {
                return Err(TableError::BadLayout("records overlap or leave gaps"));
            }
            if by_offset[i - 1].4 != check {
                return Err(TableError::BadLayout(
                    "the chunks of a block give it different checks",
                ));
            }
        } else {
            if offset != next {
                return Err(TableError::BadLayout("records overlap or leave gaps"));
            }
            next = offset + u64::from(len);
            in_block = 0;
        }
        if blocks {
            if u64::from(at) != in_block {
                return Err(TableError::BadLayout(
                    "the chunks of a block overlap or leave gaps",
                ));
            }
            in_block += u64::from(part_len);
        }
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
    let (footer, index) = footer_and_index(bytes)?;
    Ok((footer, decode_index(index, &footer)?))
}

/// The decoded footer of a whole table file's bytes, and the bytes of its index, not yet
/// checked against the footer's hash.
pub fn footer_and_index(bytes: &[u8]) -> Result<(Footer, &[u8]), TableError> {
    let size = bytes.len() as u64;
    let footer_at = bytes
        .len()
        .checked_sub(FOOTER_LEN)
        .ok_or(TableError::TooShort { size })?;
    let footer = Footer::decode(&bytes[footer_at..], size)?;
    // Footer::decode checked that data, index and footer add up to `size`.
    Ok((footer, &bytes[footer.data_len as usize..footer_at]))
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
    each_chunk_of_file(footer.version, &entries, bytes, |e, chunk| {
        if Hash::of(chunk?) != e.hash {
            return Err(TableError::ChunkMismatch {
                address: e.hash.to_base32(),
            });
        }
        Ok(())
    })
}

/// Codec bytes: of version-2 records (stored or LZ4) and blocks (stored or zstd).
const STORED: u8 = 0;
const LZ4: u8 = 1;
const ZSTD: u8 = 2;
/// A compressed record: codec byte, the length it decodes to (u32 LE), the compressed form.
const HEAD: usize = 5;
/// LZ4 turns a byte of block into at most 255 bytes of output: a record claiming more is
/// damaged or hostile, and its claim is refused before anything is allocated for it.
const LZ4_MAX_RATIO: usize = 255;

/// The chunk that a record (of a file of `version`, at `entry`) holds. Not checked against
/// the address: the caller hashes what it gets. A reader of many chunks of one block calls
/// `decode_record` once and `Entry::chunk_in` for each.
pub fn chunk_of<'a>(
    version: u16,
    entry: &Entry,
    record: &'a [u8],
) -> Result<Cow<'a, [u8]>, TableError> {
    Ok(match decode_record(version, entry, record)? {
        Cow::Borrowed(decoded) => Cow::Borrowed(entry.chunk_in(decoded)?),
        Cow::Owned(decoded) if entry.part.is_none() => Cow::Owned(decoded),
        Cow::Owned(decoded) => Cow::Owned(entry.chunk_in(&decoded)?.to_vec()),
    })
}

/// `decode_record` of a record the caller owns, answered as the bytes it decodes to at
/// `.1` of `.0`: a block stored as it is stays in its record, after the codec byte, rather
/// than being copied out of it (what a store keeps of a block it read).
pub fn decode_owned_record(
    version: u16,
    entry: &Entry,
    record: Vec<u8>,
) -> Result<(Vec<u8>, usize), TableError> {
    let start = match decode_record(version, entry, &record)? {
        // What `decode_record` borrows is the record's tail: all of it, or all but the codec.
        Cow::Borrowed(decoded) => record.len() - decoded.len(),
        Cow::Owned(decoded) => return Ok((decoded, 0)),
    };
    Ok((record, start))
}

/// What a record decodes to: in versions 3 and 4 its whole block, which holds `entry`'s
/// chunk where `entry.part` says, else the chunk itself.
pub fn decode_record<'a>(
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
    let (codec, rest) = record.split_first().ok_or_else(|| bad("it is empty"))?;
    let compressed = match (version, *codec) {
        (_, STORED) => None,
        (VERSION_2, LZ4) => Some(LZ4_MAX_RATIO.saturating_mul(rest.len())),
        (v, ZSTD) if has_blocks(v) => Some(MAX_BLOCK),
        _ => return Err(bad("unknown codec")),
    };
    Ok(match compressed {
        None => Cow::Borrowed(rest),
        Some(_) if rest.len() < HEAD - 1 => return Err(bad("its header is cut short")),
        Some(most) => {
            let len = u32::from_le_bytes(rest[..4].try_into().unwrap()) as usize;
            if len > most {
                return Err(bad("it claims to decode to more than it can"));
            }
            let mut out = alloc::vec![0u8; len];
            let written = if *codec == LZ4 {
                lz4_flex::block::decompress_into(&rest[4..], &mut out).ok()
            } else {
                structured_zstd::decoding::FrameDecoder::new()
                    .decode_all(&rest[4..], &mut out)
                    .ok()
            };
            if written != Some(len) {
                return Err(bad("its compressed form is damaged"));
            }
            Cow::Owned(out)
        }
    })
}

/// A version-3 block of `chunks`: zstd where that is smaller, else stored as they are.
fn block_of(chunks: &[u8], out: &mut Vec<u8>) {
    if chunks.len() <= MAX_BLOCK {
        let level = structured_zstd::encoding::CompressionLevel::from_level(ZSTD_LEVEL);
        let frame = structured_zstd::encoding::compress_slice_to_vec(chunks, level);
        if HEAD + frame.len() < 1 + chunks.len() {
            out.push(ZSTD);
            out.extend_from_slice(&(chunks.len() as u32).to_le_bytes());
            out.extend_from_slice(&frame);
            return;
        }
    }
    out.push(STORED);
    out.extend_from_slice(chunks);
}

/// Calls `f` with every chunk of a whole table file (`bytes`, whose index is `entries`), in
/// file order, decoding each record once however many chunks its block holds. Stops at the
/// first error `f` returns.
pub fn each_chunk_of_file<E>(
    version: u16,
    entries: &[Entry],
    bytes: &[u8],
    mut f: impl FnMut(&Entry, Result<&[u8], TableError>) -> Result<(), E>,
) -> Result<(), E> {
    let mut order = entries.to_vec();
    order.sort_unstable_by_key(|e| (e.offset, e.len, e.part.map(|p| p.at)));
    each_chunk(
        version,
        (0, bytes),
        order.into_iter().map(|e| (e, ())),
        |e, (), chunk| f(e, chunk),
    )
}

/// Calls `f` with the chunk of each of `wanted` (an entry and what the caller tells it by)
/// within `bytes`, which hold the file from offset `at`. A record is decoded once for each
/// run of its chunks, so `wanted` comes sorted by offset. A record outside `bytes`, or one
/// that does not decode, is an error for each of its chunks. Stops at the first error `f`
/// returns.
pub fn each_chunk<T, E>(
    version: u16,
    (at, bytes): (u64, &[u8]),
    wanted: impl IntoIterator<Item = (Entry, T)>,
    mut f: impl FnMut(&Entry, T, Result<&[u8], TableError>) -> Result<(), E>,
) -> Result<(), E> {
    // The record last decoded, and what it decoded to.
    let mut current: Option<Entry> = None;
    let mut decoded = Ok(Cow::Borrowed(&[][..]));
    for (e, tag) in wanted {
        if !current.is_some_and(|d| same_record(&d, &e)) {
            let record = e
                .offset
                .checked_sub(at)
                .and_then(|start| bytes.get(start as usize..)?.get(..e.len as usize))
                .ok_or(TableError::BadLayout(
                    "a record lies outside the bytes read",
                ));
            current = Some(e);
            decoded = record.and_then(|r| decode_record(version, &e, r));
        }
        match &decoded {
            Ok(block) => f(&e, tag, e.chunk_in(block))?,
            Err(err) => f(&e, tag, Err(err.clone()))?,
        }
    }
    Ok(())
}

/// Interpolation steps a search by address takes before it halves what is left.
const GUESSES: usize = 4;

/// A decoded index, made to be searched: its entries, and each one's address prefix (the
/// address's first 8 bytes) in an array of its own. A search reads the prefixes, 8 bytes an
/// entry against an entry's 56, so the few lines of them a search touches stay in the CPU's
/// caches between reads that stream chunks through it (the index of a 32 MiB file of 4 KiB
/// chunks: 64 KiB of prefixes, 448 KiB of entries), and only the entry found is read whole.
#[derive(Debug)]
pub struct Index {
    entries: Vec<Entry>,
    prefixes: Vec<u64>,
}

impl From<Vec<Entry>> for Index {
    fn from(entries: Vec<Entry>) -> Index {
        let prefixes = entries.iter().map(|e| e.hash.prefix()).collect();
        Index { entries, prefixes }
    }
}

impl core::ops::Deref for Index {
    type Target = [Entry];

    fn deref(&self) -> &[Entry] {
        &self.entries
    }
}

impl Index {
    /// Finds a chunk: as `position_of` does, by interpolation and then halving, over the
    /// prefixes; the entries whose prefix is the address's (one, but for a prefix that two
    /// addresses share) are then searched by their whole addresses.
    pub fn find(&self, hash: &Hash) -> Option<Entry> {
        let (key, prefixes) = (hash.prefix(), &self.prefixes);
        let place = |at: usize| {
            let p = prefixes[at];
            let order = p.cmp(&key);
            (p, order.then_with(|| self.entries[at].hash.cmp(hash)))
        };
        let (lo, hi) = match interpolate(prefixes.len(), key, place) {
            Ok(at) => return Some(self.entries[at]),
            Err(rest) => (rest.start, rest.end),
        };
        let start = lo + prefixes.get(lo..hi)?.partition_point(|&p| p < key);
        let end = start + prefixes[start..hi].partition_point(|&p| p == key);
        let same_prefix = &self.entries[start..end];
        let at = same_prefix.binary_search_by(|e| e.hash.cmp(hash)).ok()?;
        Some(same_prefix[at])
    }
}

/// Where `hash` is in `items`, sorted by `address`. Addresses are BLAKE3 output, spread evenly
/// over their range, so an address's place in the range says about where it lies in a sorted
/// list: a few guesses by interpolation land on it (5 reads of an index on average for 16,384
/// random addresses in a simulation, a quarter of them ending in a short halving search,
/// against 14 for halving alone, each likely a cache miss). A hostile list that is not
/// spread evenly costs the guesses and then the halving search.
#[inline]
pub fn position_of<T>(items: &[T], hash: &Hash, address: impl Fn(&T) -> &Hash) -> Option<usize> {
    let place = |at: usize| {
        let found = address(&items[at]);
        (found.prefix(), found.cmp(hash))
    };
    let rest = match interpolate(items.len(), hash.prefix(), place) {
        Ok(at) => return Some(at),
        Err(rest) => rest,
    };
    let lo = rest.start;
    items
        .get(rest)?
        .binary_search_by(|item| address(item).cmp(hash))
        .ok()
        .map(|at| lo + at)
}

/// The interpolation guesses of a search for an address whose prefix is `key` among `len`
/// items sorted by address: `place(at)` gives the item at `at`'s prefix and its order against
/// the address sought. `Ok` where a guess found it, else the range left to search.
#[inline]
fn interpolate(
    len: usize,
    key: u64,
    place: impl Fn(usize) -> (u64, Ordering),
) -> Result<usize, Range<usize>> {
    // The item sought, if present, lies in `lo..hi`, with a prefix within `low..=high`:
    // each bound is set from an item compared with the address, so `low <= key <= high`.
    let (mut lo, mut hi, mut low, mut high) = (0, len, 0u64, u64::MAX);
    for _ in 0..GUESSES {
        if lo >= hi {
            break;
        }
        // In floating point: a u128 division is a slow library call in wasm.
        let share = (key - low) as f64 / ((high - low) as f64 + 1.0);
        let at = lo + ((share * (hi - lo) as f64) as usize).min(hi - lo - 1);
        match place(at) {
            (prefix, Ordering::Less) => (lo, low) = (at + 1, prefix),
            (prefix, Ordering::Greater) => (hi, high) = (at, prefix),
            (_, Ordering::Equal) => return Ok(at),
        }
    }
    Err(lo..hi)
}

/// Builds one table file in memory, compressing each block as it closes: it holds the
/// file's records so far (about a tenth of the chunks' bytes, as zstd finds rows) and the
/// one open block, not every chunk as added. A store's writer gathers up to 32 MiB of chunks
/// before it writes a file; holding them whole was a third of a restore's peak memory.
#[derive(Default)]
pub struct TableWriter {
    /// The records of the closed blocks, back to back: the file's bytes so far.
    records: Vec<u8>,
    /// The chunks of the open block, back to back.
    open: Vec<u8>,
    /// Every chunk added, in order: where the file has it, for those in closed blocks; its
    /// offset in `open` and no `part` yet, for those in the open block.
    entries: Vec<Entry>,
    /// The first entry of the open block.
    open_from: usize,
    positions: BTreeMap<Hash, usize>,
    /// Bytes of chunks added, before compression: what a store cuts its files at.
    data_len: usize,
    /// The closed block `get` decoded last, by its offset: a writer's caller reads back
    /// chunks it wrote together (a tree's new nodes) together.
    last_read: spin::Mutex<Option<(u64, Vec<u8>)>>,
    /// Whether closed blocks are kept, decoded, for `take_closed`.
    keep_closed: bool,
    /// Blocks closed since the last `take_closed`: each one's offset and decoded bytes.
    closed: Vec<(u64, Vec<u8>)>,
    /// Where the records end while `finish` has the file's index and footer after them in
    /// `records`, which is then the whole file: a copy of every record would cost a second
    /// file's worth of memory (up to 32 MiB) and its fresh pages.
    tail_at: Option<usize>,
}

impl TableWriter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Hands each block closed from now on, as it was before compression, to `take_closed`:
    /// a store keeps what it just wrote decoded, for the reads that follow.
    pub fn keep_blocks(&mut self) {
        self.keep_closed = true;
    }

    /// The blocks closed since the last call (see `keep_blocks`): each one's offset in the
    /// file and its bytes as a reader decodes them.
    pub fn take_closed(&mut self) -> Vec<(u64, Vec<u8>)> {
        core::mem::take(&mut self.closed)
    }

    /// Appends a chunk whose address the caller has computed or checked; a chunk already
    /// added is skipped. The caller keeps chunks under 4 GiB (`u32` lengths).
    pub fn add(&mut self, hash: Hash, chunk: &[u8]) {
        if self.positions.contains_key(&hash) {
            return;
        }
        // A block closes once it holds BLOCK_TARGET bytes (below), or before a chunk would
        // take it past MAX_BLOCK: such a chunk goes alone into a block of its own.
        if self.open_from < self.entries.len() && self.open.len() + chunk.len() > MAX_BLOCK {
            self.close_block();
        }
        self.positions.insert(hash, self.entries.len());
        self.entries.push(Entry {
            hash,
            offset: self.open.len() as u64,
            len: chunk.len() as u32,
            part: None,
            check: None,
        });
        self.open.extend_from_slice(chunk);
        self.data_len += chunk.len();
        if self.open.len() >= BLOCK_TARGET {
            self.close_block();
        }
    }

    /// Appends a version-3 block as another file holds it (`record`: its codec byte and
    /// compressed form), whose decoded bytes are exactly `chunks`' parts, checked against
    /// their addresses by the caller, who also gives the record's check (`check_of`, which a
    /// restore computes on its pool where it first read the record): a copy that need not
    /// compress again. Refused (`false`, nothing added) if the writer already holds one of the
    /// chunks, which the index may name only once.
    pub fn add_block(&mut self, record: &[u8], check: u32, chunks: &[(Hash, Part)]) -> bool {
        if chunks
            .iter()
            .any(|(hash, _)| self.positions.contains_key(hash))
        {
            return false;
        }
        if self.open_from < self.entries.len() {
            self.close_block();
        }
        self.drop_tail();
        let offset = self.records.len() as u64;
        self.records.extend_from_slice(record);
        let check = Some(check);
        for &(hash, part) in chunks {
            self.positions.insert(hash, self.entries.len());
            self.entries.push(Entry {
                hash,
                offset,
                len: record.len() as u32,
                part: Some(part),
                check,
            });
            self.data_len += part.len as usize;
        }
        self.open_from = self.entries.len();
        true
    }

    /// Compresses the open block into `records`: its chunks' entries then say where.
    fn close_block(&mut self) {
        self.drop_tail();
        let offset = self.records.len() as u64;
        block_of(&self.open, &mut self.records);
        let len = (self.records.len() as u64 - offset) as u32;
        let check = Some(check_of(&self.records[offset as usize..]));
        for e in &mut self.entries[self.open_from..] {
            e.part = Some(Part {
                at: e.offset as u32,
                len: e.len,
            });
            e.offset = offset;
            e.len = len;
            e.check = check;
        }
        self.open_from = self.entries.len();
        if self.keep_closed {
            // Room for a block that ends a few chunks past its target.
            let next = Vec::with_capacity(BLOCK_TARGET + BLOCK_TARGET / 8);
            let block = core::mem::replace(&mut self.open, next);
            self.closed.push((offset, block));
            return;
        }
        self.open.clear();
        // One outsized chunk must not keep its room for the blocks after it.
        if self.open.capacity() > 2 * BLOCK_TARGET {
            self.open = Vec::new();
        }
    }

    pub fn chunk_count(&self) -> usize {
        self.entries.len()
    }

    pub fn data_len(&self) -> usize {
        self.data_len
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn contains(&self, hash: &Hash) -> bool {
        self.positions.contains_key(hash)
    }

    /// A chunk added but not yet written out; `None` also if its block, which this writer
    /// compressed itself, does not decode (which would be a bug, reported as a missing chunk
    /// rather than a panic).
    pub fn get(&self, hash: &Hash) -> Option<Vec<u8>> {
        let i = *self.positions.get(hash)?;
        let e = self.entries[i];
        if i >= self.open_from {
            let at = e.offset as usize;
            return Some(self.open[at..at + e.len as usize].to_vec());
        }
        let mut last = self.last_read.lock();
        if !matches!(&*last, Some((offset, _)) if *offset == e.offset) {
            let record = &self.records[e.offset as usize..][..e.len as usize];
            let block = decode_record(VERSION, &e, record).ok()?.into_owned();
            *last = Some((e.offset, block));
        }
        let (_, block) = last.as_ref()?;
        Some(e.chunk_in(block).ok()?.to_vec())
    }

    /// The file of the chunks added so far: its footer (whose `name()` the file goes by), its
    /// bytes, and its sorted index. The writer keeps what it holds, so a file that could not
    /// be stored can be written again, and more chunks can be added before that.
    pub fn finish(&mut self) -> (Footer, &[u8], Vec<Entry>) {
        // A block of empty chunks is a block too.
        if self.open_from < self.entries.len() {
            self.close_block();
        }
        self.drop_tail();
        let mut entries = self.entries.clone();
        entries.sort_unstable_by_key(|e| e.hash);
        let data_len = self.records.len();
        self.tail_at = Some(data_len);
        let bytes = &mut self.records;
        bytes.reserve_exact(entries.len() * entry_len(VERSION) + FOOTER_LEN);
        for e in &entries {
            e.encode(VERSION, bytes);
        }
        let footer = Footer {
            index_hash: Hash::of(&bytes[data_len..]),
            data_len: data_len as u64,
            chunk_count: entries.len() as u32,
            version: VERSION,
        };
        bytes.extend_from_slice(&footer.encode());
        (footer, bytes, entries)
    }

    /// Takes back the index and footer `finish` put after the records.
    fn drop_tail(&mut self) {
        if let Some(at) = self.tail_at.take() {
            self.records.truncate(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// `Index::find` and `position_of` answer as a halving search does, over addresses
        /// spread as BLAKE3's are or crowded into a corner of the range (sharing their first 7
        /// bytes, so that many share a prefix), and do not panic on an index out of order (a
        /// hostile file), where they may miss but never answer another address's entry.
        #[test]
        fn find_answers_as_a_halving_search(
            mut hashes in prop::collection::vec(any::<[u8; HASH_LEN]>(), 0..400),
            crowded in any::<bool>(),
            in_order in any::<bool>(),
            other in any::<[u8; HASH_LEN]>(),
        ) {
            if crowded {
                hashes.iter_mut().for_each(|h| h[..7].fill(0x5a));
            }
            if in_order {
                hashes.sort_unstable();
                hashes.dedup();
            }
            let entries: Vec<Entry> = hashes
                .iter()
                .enumerate()
                .map(|(i, h)| Entry { hash: Hash(*h), offset: i as u64, len: 1, part: None, check: None })
                .collect();
            let index = Index::from(entries.clone());
            for probe in hashes.iter().chain([&other]) {
                let found = index.find(&Hash(*probe));
                let at = position_of(&entries, &Hash(*probe), |e| &e.hash);
                if in_order {
                    let want = entries.binary_search_by(|e| e.hash.cmp(&Hash(*probe))).ok();
                    prop_assert_eq!(found, want.map(|i| entries[i]));
                    prop_assert_eq!(at, want);
                } else {
                    if let Some(e) = found {
                        prop_assert_eq!(e.hash, Hash(*probe));
                    }
                    if let Some(i) = at {
                        prop_assert_eq!(entries[i].hash, Hash(*probe));
                    }
                }
            }
        }
    }

    fn build(chunks: &[&[u8]]) -> (Footer, Vec<u8>) {
        let mut w = TableWriter::new();
        for c in chunks {
            w.add(Hash::of(c), c);
        }
        let (footer, bytes, _) = w.finish();
        (footer, bytes.to_vec())
    }

    fn parse(bytes: &[u8]) -> Result<Vec<Entry>, TableError> {
        let len = bytes.len() as u64;
        let tail = &bytes[bytes.len().saturating_sub(FOOTER_LEN)..];
        let footer = Footer::decode(tail, len)?;
        let start = footer.data_len as usize;
        decode_index(&bytes[start..start + footer.index_len() as usize], &footer)
    }

    /// `decode_owned_record` answers what `decode_record` does, the block of a record stored
    /// as it is in place (after the codec byte), a compressed one decoded.
    #[test]
    fn an_owned_record_decodes_as_a_borrowed_one() {
        let mut rows: Vec<Vec<u8>> = (0..200)
            .map(|i| alloc::format!("row {i:05} ").repeat(50).into_bytes())
            .collect();
        // Bytes zstd cannot shrink: stored blocks.
        let mut x = 1u64;
        rows.extend((0..200).map(|_| {
            (0..700)
                .map(|_| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (x >> 56) as u8
                })
                .collect::<Vec<u8>>()
        }));
        let refs: Vec<&[u8]> = rows.iter().map(|r| &r[..]).collect();
        let (_, bytes) = build(&refs);
        let (mut stored, mut compressed) = (0, 0);
        for e in parse(&bytes).expect("the file parses") {
            let raw = &bytes[e.offset as usize..][..e.len as usize];
            let borrowed = decode_record(VERSION, &e, raw).expect("its records decode");
            let (owned, start) = decode_owned_record(VERSION, &e, raw.to_vec()).expect("decodes");
            assert_eq!(&owned[start..], &borrowed[..]);
            assert!(e
                .chunk_in(&owned[start..])
                .is_ok_and(|c| Hash::of(c) == e.hash));
            match start {
                1 => stored += 1,
                0 => compressed += 1,
                other => panic!("a block at {other}"),
            }
        }
        assert!(
            stored > 0 && compressed > 0,
            "{stored} stored, {compressed} compressed"
        );
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
        let entries = Index::from(parse(&bytes).unwrap());
        for c in chunks {
            let e = entries.find(&Hash::of(c)).unwrap();
            let record = &bytes[e.offset as usize..][..e.len as usize];
            assert_eq!(&*chunk_of(footer.version, &e, record).unwrap(), c);
        }
        assert!(entries.find(&Hash::of(b"three")).is_none());
    }

    #[test]
    fn neighbours_share_compressed_blocks_and_noise_is_stored() {
        // 300 chunks of 4 KiB rows: several blocks, each shared by its neighbours.
        let rows: Vec<Vec<u8>> = (0..300)
            .map(|i| {
                alloc::format!("row {i:07} of a generated table ")
                    .repeat(128)
                    .into_bytes()
            })
            .collect();
        let refs: Vec<&[u8]> = rows.iter().map(|r| &r[..]).collect();
        let (footer, bytes) = build(&refs);
        assert_eq!(footer.version, VERSION);
        let entries = Index::from(parse(&bytes).unwrap());
        let raw: usize = rows.iter().map(Vec::len).sum();
        assert!(
            footer.data_len < raw as u64 / 20,
            "{} of {raw}",
            footer.data_len
        );
        let mut blocks: Vec<u64> = entries.iter().map(|e| e.offset).collect();
        blocks.sort_unstable();
        blocks.dedup();
        // A block closes with the chunk that reaches BLOCK_TARGET.
        let per_block = BLOCK_TARGET.div_ceil(rows[0].len());
        assert_eq!(blocks.len(), rows.len().div_ceil(per_block));
        assert!(blocks.len() > 1);
        for r in &rows {
            let e = entries.find(&Hash::of(r)).unwrap();
            let record = &bytes[e.offset as usize..][..e.len as usize];
            assert_eq!(&*chunk_of(footer.version, &e, record).unwrap(), &r[..]);
        }
        // Noise does not compress: its block is stored, one codec byte longer.
        let noise: Vec<u8> = (0u8..200).flat_map(|i| Hash::of(&[i]).0).collect();
        let (footer, bytes) = build(&[&noise]);
        assert_eq!(footer.data_len, noise.len() as u64 + 1);
        assert_eq!(bytes[0], STORED);
    }

    #[test]
    fn a_writer_holds_its_chunks_compressed_and_reads_them_back() {
        // 2 MiB of rows: sixteen blocks, all but the last closed (and compressed) as added.
        let rows: Vec<Vec<u8>> = (0..512)
            .map(|i| {
                alloc::format!("row {i:07} of a table ")
                    .repeat(200)
                    .into_bytes()
            })
            .collect();
        let mut w = TableWriter::new();
        for r in &rows {
            w.add(Hash::of(r), r);
        }
        let raw: usize = rows.iter().map(Vec::len).sum();
        assert_eq!(w.data_len(), raw);
        let held = w.records.len() + w.open.capacity();
        assert!(held < raw / 4, "holds {held} of {raw} bytes");
        // Chunks in closed blocks and in the open one, in any order, before and after the
        // file is made; and the file is the one made of all of them at once.
        for pass in 0..2 {
            for r in rows.iter().rev().step_by(7).chain(rows.iter().step_by(5)) {
                assert_eq!(w.get(&Hash::of(r)).as_deref(), Some(&r[..]), "pass {pass}");
            }
            let (footer, bytes, _) = w.finish();
            let refs: Vec<&[u8]> = rows.iter().map(|r| &r[..]).collect();
            assert_eq!((footer, bytes.to_vec()), build(&refs));
        }
        assert_eq!(w.get(&Hash::of(b"never added")), None);
    }

    /// The first block of the file `source`: its record, and its chunks' addresses and parts.
    fn first_block(source: &[u8]) -> (&[u8], Vec<(Hash, Part)>) {
        let mut entries = parse(source).unwrap();
        entries.sort_unstable_by_key(|e| (e.offset, e.part.map(|p| p.at)));
        let first = entries[0];
        let block = entries
            .iter()
            .filter(|e| same_record(e, &first))
            .map(|e| (e.hash, e.part.unwrap()))
            .collect();
        (
            &source[first.offset as usize..][..first.len as usize],
            block,
        )
    }

    /// `finish` puts the index and footer after the records it holds; chunks and blocks
    /// added after it go where the index was.
    #[test]
    fn what_is_added_after_a_file_is_made_goes_before_the_next_files_index() {
        let rows: Vec<Vec<u8>> = (0..300)
            .map(|i| alloc::format!("row {i:05} ").repeat(100).into_bytes())
            .collect();
        let refs: Vec<&[u8]> = rows.iter().map(|r| &r[..]).collect();
        let (_, source) = build(&refs[200..]);
        let (record, block) = first_block(&source);
        // Every chunk the file's index names is there, whole.
        let whole = |bytes: &[u8]| -> usize {
            let entries = parse(bytes).expect("the file parses");
            for e in &entries {
                let raw = &bytes[e.offset as usize..][..e.len as usize];
                let decoded = decode_record(VERSION, e, raw).expect("its records decode");
                assert!(e.chunk_in(&decoded).is_ok_and(|c| Hash::of(c) == e.hash));
            }
            entries.len()
        };

        let mut w = TableWriter::new();
        for r in &refs[..100] {
            w.add(Hash::of(r), r);
        }
        assert!(w.finish().1 == build(&refs[..100]).1, "as if made at once");
        for r in &refs[100..200] {
            w.add(Hash::of(r), r);
        }
        assert_eq!(whole(w.finish().1), 200);
        assert!(w.add_block(record, check_of(record), &block));
        assert_eq!(whole(w.finish().1), 200 + block.len());
    }

    #[test]
    fn a_block_copied_as_it_is_reads_back_beside_chunks_added_one_by_one() {
        let rows: Vec<Vec<u8>> = (0..100)
            .map(|i| alloc::format!("row {i:05} ").repeat(500).into_bytes())
            .collect();
        let refs: Vec<&[u8]> = rows.iter().map(|r| &r[..]).collect();
        let (_, source) = build(&refs);
        let (record, block) = first_block(&source);
        assert!(block.len() > 1 && block.len() < rows.len());

        let mut w = TableWriter::new();
        w.add(Hash::of(b"before"), b"before");
        assert!(w.add_block(record, check_of(record), &block));
        assert!(
            !w.add_block(record, check_of(record), &block),
            "its chunks are there already"
        );
        w.add(Hash::of(b"after"), b"after");
        let copied: usize = block.iter().map(|(_, p)| p.len as usize).sum();
        assert_eq!(w.data_len(), copied + b"before".len() + b"after".len());
        assert_eq!(w.get(&block[1].0).as_deref(), Some(&rows[1][..]));
        let (footer, bytes, _) = w.finish();
        assert!(
            bytes.windows(record.len()).any(|w| w == record),
            "the block is there as it was"
        );
        let entries = Index::from(parse(bytes).unwrap());
        let wanted = rows[..block.len()]
            .iter()
            .map(|r| &r[..])
            .chain([&b"before"[..], b"after"]);
        for c in wanted {
            let e = entries.find(&Hash::of(c)).unwrap();
            let record = &bytes[e.offset as usize..][..e.len as usize];
            assert_eq!(&*chunk_of(footer.version, &e, record).unwrap(), c);
        }
        assert_eq!(entries.len(), block.len() + 2);
    }

    #[test]
    fn chunks_read_from_part_of_a_file_decode_there_and_outside_it_are_errors() {
        let rows: Vec<Vec<u8>> = (0..200)
            .map(|i| alloc::format!("row {i:05} ").repeat(600).into_bytes())
            .collect();
        let refs: Vec<&[u8]> = rows.iter().map(|r| &r[..]).collect();
        let (footer, bytes) = build(&refs);
        let mut entries = parse(&bytes).unwrap();
        entries.sort_unstable_by_key(|e| (e.offset, e.part.map(|p| p.at)));
        // The bytes of the second block on: its chunks come out whole, each tagged.
        let second = entries
            .iter()
            .position(|e| e.offset != entries[0].offset)
            .unwrap();
        let at = entries[second].offset;
        let part = &bytes[at as usize..footer.data_len as usize];
        let wanted = entries.iter().enumerate().map(|(i, e)| (*e, i));
        let mut met = Vec::new();
        each_chunk(footer.version, (at, part), wanted, |e, i, chunk| {
            match (i < second, chunk) {
                (true, Err(TableError::BadLayout(_))) => met.push(i),
                (false, Ok(c)) if Hash::of(c) == e.hash => met.push(i),
                (_, other) => panic!("chunk {i}: {other:?}"),
            }
            Ok::<(), TableError>(())
        })
        .unwrap();
        assert_eq!(met, (0..entries.len()).collect::<Vec<_>>());
        // A record cut short by the end of the bytes is an error too, not a panic.
        let cut = &part[..part.len() - 1];
        let last = *entries.last().unwrap();
        let mut got = None;
        let _ = each_chunk(footer.version, (at, cut), [(last, ())], |_, (), c| {
            got = Some(c.map(<[u8]>::to_vec));
            Ok::<(), TableError>(())
        });
        assert!(matches!(got, Some(Err(TableError::BadLayout(_)))));
    }

    #[test]
    fn a_chunk_larger_than_a_block_may_be_goes_alone_into_a_stored_block() {
        let big = alloc::vec![7u8; MAX_BLOCK + 1];
        let (footer, bytes) = build(&[b"before", &big, b"after"]);
        let entries = Index::from(parse(&bytes).unwrap());
        let e = entries.find(&Hash::of(&big)).unwrap();
        assert_eq!(e.len as usize, big.len() + 1);
        assert_eq!(bytes[e.offset as usize], STORED);
        assert_eq!(
            e.part,
            Some(Part {
                at: 0,
                len: big.len() as u32
            })
        );
        assert_eq!(check_whole(&footer.name(), &bytes), Ok(()));
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
                part: None,
                check: None,
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
        let entries = Index::from(entries);
        assert_eq!(read.version, VERSION_1);
        for c in chunks {
            let e = entries.find(&Hash::of(c)).unwrap();
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
            part: None,
            check: None,
        };
        let why = |version, record: &[u8]| match chunk_of(version, &e, record) {
            Err(TableError::BadRecord { address, why }) => {
                assert_eq!(address, e.hash.to_base32());
                why
            }
            other => panic!("{record:?}: {other:?}"),
        };
        for version in [VERSION_2, VERSION] {
            assert_eq!(why(version, b""), "it is empty");
            assert_eq!(why(version, &[9, 1, 2]), "unknown codec");
        }
        // Each version knows its own codecs only.
        assert_eq!(why(VERSION_2, &[ZSTD, 1, 0, 0, 0, 0]), "unknown codec");
        assert_eq!(why(VERSION, &[LZ4, 1, 0, 0, 0, 0]), "unknown codec");
        for (version, codec) in [(VERSION_2, LZ4), (VERSION, ZSTD)] {
            assert_eq!(why(version, &[codec, 1, 0]), "its header is cut short");
            // A claim of 4 GiB from a few bytes: refused before anything is allocated.
            assert_eq!(
                why(version, &[codec, 0xff, 0xff, 0xff, 0xff, 0x10, 0x61, 0, 0]),
                "it claims to decode to more than it can"
            );
            // A claim the compressed form does not keep.
            assert_eq!(
                why(version, &[codec, 5, 0, 0, 0, 0x10, 0x61]),
                "its compressed form is damaged"
            );
            assert_eq!(
                chunk_of(version, &e, &[STORED, b'x']).unwrap().as_ref(),
                b"x"
            );
        }
        // A version-2 LZ4 record, as that version wrote it, still decodes.
        let lz4 = [LZ4, 3, 0, 0, 0, 0x30, b'a', b'b', b'c'];
        assert_eq!(chunk_of(VERSION_2, &e, &lz4).unwrap().as_ref(), b"abc");
        // A block shorter than the entry's part of it.
        let part = Entry {
            part: Some(Part { at: 1, len: 2 }),
            ..e
        };
        assert_eq!(
            chunk_of(VERSION, &part, &[STORED, 1, 2, 3])
                .unwrap()
                .as_ref(),
            [2, 3]
        );
        assert!(matches!(
            chunk_of(VERSION, &part, &[STORED, 1, 2]),
            Err(TableError::BadRecord {
                why: "its block is shorter than the index says",
                ..
            })
        ));
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
            version: VERSION_2,
        };
        assert_eq!(
            decode_index(&index, &footer),
            Err(TableError::BadLayout("records overlap or leave gaps"))
        );
    }

    /// A version-4 index of two chunks in one 10-byte block at `parts` (offset, length).
    fn block_index(parts: [(u32, u32); 2], lens: [u32; 2]) -> Result<Vec<Entry>, TableError> {
        checked_block_index(parts, lens, [7, 7])
    }

    /// The same, each chunk giving the block the check of `checks`.
    fn checked_block_index(
        parts: [(u32, u32); 2],
        lens: [u32; 2],
        checks: [u32; 2],
    ) -> Result<Vec<Entry>, TableError> {
        let mut hashes = [Hash::of(b"x"), Hash::of(b"y")];
        hashes.sort();
        let mut index = Vec::new();
        for (((hash, (at, len)), record_len), check) in
            hashes.iter().zip(parts).zip(lens).zip(checks)
        {
            Entry {
                hash: *hash,
                offset: 0,
                len: record_len,
                part: Some(Part { at, len }),
                check: Some(check),
            }
            .encode(VERSION, &mut index);
        }
        let footer = Footer {
            index_hash: Hash::of(&index),
            data_len: 10,
            chunk_count: 2,
            version: VERSION,
        };
        decode_index(&index, &footer)
    }

    #[test]
    fn the_chunks_of_a_block_must_tile_it() {
        assert!(block_index([(0, 4), (4, 6)], [10, 10]).is_ok());
        assert!(block_index([(4, 6), (0, 4)], [10, 10]).is_ok());
        let gaps = Err(TableError::BadLayout(
            "the chunks of a block overlap or leave gaps",
        ));
        assert_eq!(block_index([(0, 4), (5, 5)], [10, 10]), gaps);
        assert_eq!(block_index([(0, 4), (3, 7)], [10, 10]), gaps);
        assert_eq!(block_index([(1, 4), (5, 5)], [10, 10]), gaps);
        // Two entries naming one block with different lengths, or different checks.
        assert_eq!(
            block_index([(0, 4), (4, 6)], [9, 10]),
            Err(TableError::BadLayout("records overlap or leave gaps"))
        );
        assert_eq!(
            checked_block_index([(0, 4), (4, 6)], [10, 10], [7, 8]),
            Err(TableError::BadLayout(
                "the chunks of a block give it different checks"
            ))
        );
    }

    #[test]
    fn each_record_of_a_whole_file_is_checked_without_decoding_it() {
        let rows: Vec<Vec<u8>> = (0..100)
            .map(|i| alloc::format!("row {i:05} ").repeat(500).into_bytes())
            .collect();
        let refs: Vec<&[u8]> = rows.iter().map(|r| &r[..]).collect();
        let (footer, mut bytes) = build(&refs);
        assert_eq!(footer.version, VERSION);
        let entries = parse(&bytes).unwrap();
        assert_eq!(damaged_record(&entries, &bytes), None);
        // A flipped bit in the second block's compressed form: that block's first chunk is
        // named, and no other block's.
        let mut offsets: Vec<u64> = entries.iter().map(|e| e.offset).collect();
        offsets.sort_unstable();
        offsets.dedup();
        assert!(offsets.len() > 2);
        bytes[offsets[1] as usize + 20] ^= 1;
        let damaged = damaged_record(&entries, &bytes).unwrap();
        assert_eq!(damaged.offset, offsets[1]);
        // A record past the end of what was read is damaged too.
        assert!(damaged_record(&entries, &bytes[..offsets[1] as usize]).is_some());
    }
}
