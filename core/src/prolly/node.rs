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

/// Where an entry's parts lie in the chunk. `value` is the value of a leaf entry, the child
/// hash of an internal one.
#[derive(Clone, Copy)]
struct Slot {
    key: (usize, usize),
    value: (usize, usize),
    count: u64,
}

/// A decoded node. `decode` checked every slot against the bytes, so the accessors index
/// them without further checks; an index past `len()` is a bug of the caller.
#[derive(Clone)]
pub(crate) struct Node {
    bytes: Vec<u8>,
    level: u8,
    slots: Vec<Slot>,
    total: u64,
}

impl Node {
    /// Decodes a node chunk; the error says what is wrong with it.
    pub fn decode(bytes: Vec<u8>) -> Result<Node, &'static str> {
        let mut r = Reader {
            bytes: &bytes,
            pos: 0,
        };
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
        let mut slots = Vec::with_capacity(count as usize);
        let mut total = 0u64;
        let mut prev: Option<(usize, usize)> = None;
        for _ in 0..count {
            let key_len = r.varint()?;
            let key = r.take(key_len)?;
            let (value, count) = if level == 0 {
                let value_len = r.varint()?;
                (r.take(value_len)?, 1)
            } else {
                let hash = r.take(HASH_LEN as u64)?;
                let count = r.varint()?;
                if count == 0 {
                    return Err("an internal entry counts no leaf entries");
                }
                (hash, count)
            };
            if let Some(p) = prev {
                if bytes[p.0..p.1] >= bytes[key.0..key.1] {
                    return Err("its keys are not in strictly ascending order");
                }
            }
            prev = Some(key);
            total = total
                .checked_add(count)
                .ok_or("its subtree counts overflow")?;
            slots.push(Slot { key, value, count });
        }
        if r.pos != bytes.len() {
            return Err("it has bytes after its last entry");
        }
        Ok(Node {
            bytes,
            level,
            slots,
            total,
        })
    }

    /// The bytes it holds in memory.
    pub fn size(&self) -> usize {
        self.bytes.len() + self.slots.len() * core::mem::size_of::<Slot>()
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
        let (start, end) = self.slots[i].key;
        &self.bytes[start..end]
    }

    pub fn last_key(&self) -> &[u8] {
        self.key(self.len() - 1)
    }

    /// A leaf entry's value.
    pub fn value(&self, i: usize) -> &[u8] {
        let (start, end) = self.slots[i].value;
        &self.bytes[start..end]
    }

    /// An internal entry's child.
    pub fn child(&self, i: usize) -> Hash {
        let (start, end) = self.slots[i].value;
        let mut hash = Hash::EMPTY;
        hash.0.copy_from_slice(&self.bytes[start..end]);
        hash
    }

    pub fn payload(&self, i: usize) -> PayloadRef<'_> {
        if self.level == 0 {
            PayloadRef::Value(self.value(i))
        } else {
            PayloadRef::Child(self.child(i), self.slots[i].count)
        }
    }

    /// Leaf entries under entry `i`: 1 in a leaf.
    pub fn count(&self, i: usize) -> u64 {
        self.slots[i].count
    }

    /// Leaf entries under this node.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The first entry whose key is ≥ `key` (`len()` if none).
    pub fn lower_bound(&self, key: &[u8]) -> usize {
        self.slots
            .partition_point(|s| &self.bytes[s.key.0..s.key.1] < key)
    }

    /// The first entry whose key is > `key` (`len()` if none).
    pub fn upper_bound(&self, key: &[u8]) -> usize {
        self.slots
            .partition_point(|s| &self.bytes[s.key.0..s.key.1] <= key)
    }

    /// The child whose subtree would hold `key`: the first whose last key is ≥ `key`, or the
    /// last child for a key past them all.
    pub fn child_index(&self, key: &[u8]) -> usize {
        self.lower_bound(key).min(self.len() - 1)
    }

    pub fn children(&self) -> impl Iterator<Item = Hash> + '_ {
        (0..self.len()).map(|i| self.child(i))
    }
}

/// Reads a chunk front to back; every read is bounds-checked and fails as "truncated".
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

const TRUNCATED: &str = "it ends in the middle of an entry (truncated)";

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, &'static str> {
        let b = *self.bytes.get(self.pos).ok_or(TRUNCATED)?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, &'static str> {
        read_uvarint(self.bytes, &mut self.pos).ok_or("it holds a malformed or truncated varint")
    }

    /// The next `len` bytes, as a range.
    fn take(&mut self, len: u64) -> Result<(usize, usize), &'static str> {
        let left = (self.bytes.len() - self.pos) as u64;
        if len > left {
            return Err(TRUNCATED);
        }
        let start = self.pos;
        self.pos += len as usize;
        Ok((start, self.pos))
    }
}
