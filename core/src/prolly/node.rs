//! A node chunk's encoding (see the module documentation of `prolly` for the layout), and a
//! decoded node that keeps the chunk's bytes and reads its entries in place.

use alloc::vec::Vec;

use super::NODE_KIND;
use crate::codec::{put_uvarint, read_uvarint};
use crate::hash::{Hash, HASH_LEN};

/// What an entry carries after its key: a value in a leaf, a child reference in an internal
/// node (its hash and how many leaf entries lie under it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PayloadRef<'a> {
    Value(&'a [u8]),
    Child(Hash, u64),
}

impl PayloadRef<'_> {
    /// Leaf entries under this entry.
    pub fn count(&self) -> u64 {
        match self {
            PayloadRef::Value(_) => 1,
            PayloadRef::Child(_, count) => *count,
        }
    }
}

/// An owned `PayloadRef`, for edits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Payload {
    Value(Vec<u8>),
    Child(Hash, u64),
}

impl Payload {
    pub fn as_ref(&self) -> PayloadRef<'_> {
        match self {
            Payload::Value(v) => PayloadRef::Value(v),
            Payload::Child(hash, count) => PayloadRef::Child(*hash, *count),
        }
    }
}

pub(crate) fn encode_header(out: &mut Vec<u8>, level: u8, entries: u64) {
    out.push(NODE_KIND);
    out.push(level);
    put_uvarint(out, entries);
}

pub(crate) fn encode_entry(out: &mut Vec<u8>, key: &[u8], payload: PayloadRef<'_>) {
    put_uvarint(out, key.len() as u64);
    out.extend_from_slice(key);
    match payload {
        PayloadRef::Value(value) => {
            put_uvarint(out, value.len() as u64);
            out.extend_from_slice(value);
        }
        PayloadRef::Child(hash, count) => {
            out.extend_from_slice(&hash.0);
            put_uvarint(out, count);
        }
    }
}

/// Where an entry's parts lie in the chunk, as offsets that `decode` checked fit in a u32.
/// `value` is the value of a leaf entry, the child hash of an internal one. Sixteen bytes
/// (an entry's leaf count is kept apart, for internal nodes only): a leaf of 4 KiB holds
/// about a hundred entries, and its slots are part of what the decoded-node cache holds.
#[derive(Clone, Copy)]
struct Slot {
    key: [u32; 2],
    value: [u32; 2],
}

/// A decoded node. `decode` checked every slot against the bytes, so the accessors index
/// them without further checks; an index past `len()` is a bug of the caller.
#[derive(Clone)]
pub(crate) struct Node {
    bytes: Vec<u8>,
    level: u8,
    slots: Vec<Slot>,
    /// Per entry of an internal node, the leaf entries under it; empty for a leaf.
    counts: Vec<u64>,
    total: u64,
}

impl Node {
    /// Decodes a node chunk; the error says what is wrong with it.
    pub fn decode(bytes: Vec<u8>) -> Result<Node, &'static str> {
        let mut entries = Entries::new(&bytes)?;
        let level = entries.level;
        let mut slots = Vec::with_capacity(entries.count as usize);
        let mut counts = Vec::with_capacity(if level == 0 {
            0
        } else {
            entries.count as usize
        });
        // One loop per level, so that a leaf's (a scan's every node) tests nothing else.
        if level == 0 {
            while let Some((slot, _)) = entries.next()? {
                slots.push(slot);
            }
        } else {
            while let Some((slot, count)) = entries.next()? {
                slots.push(slot);
                counts.push(count);
            }
        }
        let total = entries.total();
        Ok(Node {
            bytes,
            level,
            slots,
            counts,
            total,
        })
    }

    /// The bytes it holds in memory.
    pub fn size(&self) -> usize {
        self.bytes.len()
            + self.slots.len() * core::mem::size_of::<Slot>()
            + self.counts.len() * core::mem::size_of::<u64>()
    }

    pub fn level(&self) -> u8 {
        self.level
    }

    /// The node's chunk written again from its decoded entries: equal to the bytes it was
    /// decoded from, as the encoding is canonical (what the fuzz targets and property tests
    /// check).
    #[cfg(any(test, feature = "fuzzing"))]
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.bytes.len());
        encode_header(&mut out, self.level, self.len() as u64);
        for i in 0..self.len() {
            encode_entry(&mut out, self.key(i), self.payload(i));
        }
        out
    }

    /// Number of entries; at least 1.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn key(&self, i: usize) -> &[u8] {
        &self.bytes[range(self.slots[i].key)]
    }

    pub fn last_key(&self) -> &[u8] {
        self.key(self.len() - 1)
    }

    /// A leaf entry's value.
    pub fn value(&self, i: usize) -> &[u8] {
        &self.bytes[range(self.slots[i].value)]
    }

    /// An internal entry's child.
    pub fn child(&self, i: usize) -> Hash {
        hash_at(&self.bytes, self.slots[i].value)
    }

    pub fn payload(&self, i: usize) -> PayloadRef<'_> {
        if self.level == 0 {
            PayloadRef::Value(self.value(i))
        } else {
            PayloadRef::Child(self.child(i), self.counts[i])
        }
    }

    /// Leaf entries under entry `i`: 1 in a leaf.
    pub fn count(&self, i: usize) -> u64 {
        if self.level == 0 {
            1
        } else {
            self.counts[i]
        }
    }

    /// Leaf entries under this node.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The first entry whose key is ≥ `key` (`len()` if none).
    pub fn lower_bound(&self, key: &[u8]) -> usize {
        self.slots
            .partition_point(|s| &self.bytes[range(s.key)] < key)
    }

    /// The first entry whose key is > `key` (`len()` if none).
    pub fn upper_bound(&self, key: &[u8]) -> usize {
        self.slots
            .partition_point(|s| &self.bytes[range(s.key)] <= key)
    }

    /// The child whose subtree would hold `key`: the first whose last key is ≥ `key`, or the
    /// last child for a key past them all.
    pub fn child_index(&self, key: &[u8]) -> usize {
        self.lower_bound(key).min(self.len() - 1)
    }
}

/// The children a node chunk points at (none for a leaf), the chunk checked as `Node::decode`
/// checks it but no node built: a sync or a restore lists the children of every node it
/// copies, and building nodes for that (a copy of each chunk, its slots) cost a restore 3 % of
/// its instructions (issue 16).
pub(crate) fn children(bytes: &[u8]) -> Result<Vec<Hash>, &'static str> {
    let mut entries = Entries::new(bytes)?;
    let internal = entries.level != 0;
    let mut children = Vec::with_capacity(if internal { entries.count as usize } else { 0 });
    while let Some((slot, _)) = entries.next()? {
        if internal {
            children.push(hash_at(bytes, slot.value));
        }
    }
    Ok(children)
}

/// A node chunk's entries in order, each checked against the layout as it is read: the one
/// reading of the layout, for `Node::decode` and `children`.
struct Entries<'a> {
    r: Reader<'a>,
    level: u8,
    /// The entries the header announces.
    count: u64,
    left: u64,
    prev: Option<[u32; 2]>,
    /// Leaf entries under the internal entries read so far.
    total: u64,
}

impl<'a> Entries<'a> {
    /// Checks the header.
    fn new(bytes: &'a [u8]) -> Result<Self, &'static str> {
        let mut r = Reader { bytes, pos: 0 };
        if r.byte()? != NODE_KIND {
            return Err("it is not a prolly tree node (wrong chunk kind byte)");
        }
        let level = r.byte()?;
        let count = r.varint()?;
        // The smallest entry is 2 bytes in a leaf, 22 in an internal node: an honest count
        // fits in the bytes left, and a forged one cannot make us allocate much.
        let min_entry = if level == 0 { 2 } else { 2 + HASH_LEN };
        if count == 0 {
            return Err("it has no entries");
        }
        if count > ((bytes.len() - r.pos) / min_entry) as u64 {
            return Err("its entry count exceeds its size (truncated?)");
        }
        if u32::try_from(bytes.len()).is_err() {
            return Err("it is larger than a chunk can be");
        }
        Ok(Entries {
            r,
            level,
            count,
            left: count,
            prev: None,
            total: 0,
        })
    }

    /// The next entry and the leaf entries under it (1 in a leaf); `None` after the last,
    /// once the chunk is known to end there. Always inlined: a scan decodes every entry of
    /// every leaf it reads, and a call an entry made that a quarter slower (issue 16).
    #[inline(always)]
    fn next(&mut self) -> Result<Option<(Slot, u64)>, &'static str> {
        let r = &mut self.r;
        if self.left == 0 {
            if r.pos != r.bytes.len() {
                return Err("it has bytes after its last entry");
            }
            return Ok(None);
        }
        self.left -= 1;
        let key_len = r.varint()?;
        let key = r.take(key_len)?;
        let (value, count) = if self.level == 0 {
            let value_len = r.varint()?;
            (r.take(value_len)?, 1)
        } else {
            let hash = r.take(HASH_LEN as u64)?;
            let count = r.varint()?;
            if count == 0 {
                return Err("an internal entry counts no leaf entries");
            }
            self.total = self
                .total
                .checked_add(count)
                .ok_or("its subtree counts overflow")?;
            (hash, count)
        };
        if let Some(p) = self.prev {
            if !before(&r.bytes[range(p)], &r.bytes[range(key)]) {
                return Err("its keys are not in strictly ascending order");
            }
        }
        self.prev = Some(key);
        Ok(Some((Slot { key, value }, count)))
    }

    /// The leaf entries under the node, once every entry is read.
    fn total(&self) -> u64 {
        if self.level == 0 {
            self.count
        } else {
            self.total
        }
    }
}

/// The child hash an internal entry's `value` slot holds.
fn hash_at(bytes: &[u8], value: [u32; 2]) -> Hash {
    let mut hash = Hash::EMPTY;
    hash.0.copy_from_slice(&bytes[range(value)]);
    hash
}

/// Whether `a` sorts before `b`, as `a < b` for slices, comparing eight bytes at a time
/// inline: keys are short (an integer's is 9 bytes), and a call of `memcmp` for each entry
/// was a fifth of a leaf's decoding (issue 16).
#[inline(always)]
pub(super) fn before(a: &[u8], b: &[u8]) -> bool {
    let n = a.len().min(b.len());
    let (mut x, mut y) = (a[..n].chunks_exact(8), b[..n].chunks_exact(8));
    for (p, q) in (&mut x).zip(&mut y) {
        let (p, q) = (word(p), word(q));
        if p != q {
            return p < q;
        }
    }
    match x
        .remainder()
        .iter()
        .zip(y.remainder())
        .find(|(p, q)| p != q)
    {
        Some((p, q)) => p < q,
        None => a.len() < b.len(),
    }
}

/// Eight bytes as a big-endian number: numbers compare as the bytes do.
#[inline(always)]
fn word(bytes: &[u8]) -> u64 {
    u64::from_be_bytes(bytes.try_into().unwrap_or_default())
}

/// A slot's offsets as a range of the node's bytes.
fn range([start, end]: [u32; 2]) -> core::ops::Range<usize> {
    start as usize..end as usize
}

/// Reads a chunk front to back; every read is bounds-checked and fails as "truncated".
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

const TRUNCATED: &str = "it ends in the middle of an entry (truncated)";

// Inline: `decode` calls them for every entry of every node a scan reads (issue 16).
impl Reader<'_> {
    #[inline]
    fn byte(&mut self) -> Result<u8, &'static str> {
        let b = *self.bytes.get(self.pos).ok_or(TRUNCATED)?;
        self.pos += 1;
        Ok(b)
    }

    #[inline]
    fn varint(&mut self) -> Result<u64, &'static str> {
        read_uvarint(self.bytes, &mut self.pos).ok_or("it holds a malformed or truncated varint")
    }

    /// The next `len` bytes, as offsets (which fit a u32: `decode` checked the chunk's size).
    #[inline]
    fn take(&mut self, len: u64) -> Result<[u32; 2], &'static str> {
        let left = (self.bytes.len() - self.pos) as u64;
        if len > left {
            return Err(TRUNCATED);
        }
        let start = self.pos;
        self.pos += len as usize;
        Ok([start as u32, self.pos as u32])
    }
}
