//! Prolly trees: ordered maps from byte-string keys to byte-string values, stored as a tree
//! of chunks whose boundaries the contents decide. Keys are ordered bytewise.
//!
//! Three properties follow from the design, and the rest of Cairn relies on them:
//! - **History independence**: a map's root hash is a function of its contents alone, not of
//!   the order or batching of the edits that produced it; `apply` returns, bit for bit, the
//!   root `build` would return for the same contents.
//! - **Local edits**: a one-entry edit rewrites about one node per level, O(log n) chunks.
//! - **Reading only what is needed**: lookups and range scans load the nodes on their paths;
//!   `diff` skips every subtree whose hash the two sides share.
//!
//! # Node chunk format (version 1)
//!
//! ```text
//! byte 0        0x01: chunk kind "prolly node" (other chunk kinds use other first bytes)
//! byte 1        level: 0 for a leaf, L+1 for a node whose children are at level L
//! varint        n: entry count, at least 1
//! n entries     strictly ascending by key, bytewise
//!
//! leaf entry:      varint key length, key bytes, varint value length, value bytes
//! internal entry:  varint key length, key bytes, child hash (20 bytes), varint count
//! ```
//!
//! Varints are unsigned LEB128 (7 bits a byte, least significant group first, high bit set on
//! all but the last byte), in their shortest form; readers reject longer forms. An internal
//! entry's key is the last (greatest) key of the child's subtree and its count is the number
//! of leaf entries under the child. Nothing follows the last entry.
//!
//! # Chunk boundaries
//!
//! Whether a node ends after an entry depends on that entry alone, never on where its node
//! began, so an edit moves boundaries only next to itself and the tree is a pure function of
//! its contents. Let `h` be the first 4 bytes, read as a little-endian u32, of
//! BLAKE3(level byte ‖ key), and `size` the entry's encoded size in bytes (as above, key
//! length varint through value or count). The entry ends its node iff
//!
//! ```text
//! h < min(size × 2^32 / 4096, 2^31)          (integer arithmetic, 4096 = TARGET)
//! ```
//!
//! The last node of a level ends at the level's last entry, boundary or not. An internal
//! entry's size includes its count varint, so a count that grows a byte can move a boundary;
//! that too depends on the entry alone.
//!
//! An entry ends its node with probability `p = min(size / 4096, 1/2)`, so for entries under
//! 2 KiB node sizes in bytes are close to exponentially distributed with a mean of about
//! 4 KiB whatever the row size: P(node > x) ≈ e^(−x / 4 KiB). Half the nodes are under
//! 2.8 KiB; one in a hundred is over 19 KiB, one in a million over 57 KiB; the largest of n
//! nodes is about 4 KiB × ln n. Larger entries make nodes of two entries on average.
//! There is deliberately no cap on entries or bytes per node: a cap makes a boundary depend
//! on where the node began, and an edit could then shift every boundary after it.
//!
//! The `2^31` bound (p ≤ 1/2) departs from a plain `min(size × 2^32 / 4096, 2^32 − 1)`: with
//! keys of 4 KiB or more every internal entry would end its node, each level would have as
//! many nodes as the one below, and the tree would never narrow to a root. With p ≤ 1/2 a
//! level of n entries has at most about n/2 nodes in expectation, whatever the key sizes.
//!
//! # Tree shape
//!
//! Level 0 is the map's entries cut into leaves by the rule above. Level L+1 is one internal
//! entry (last key, hash, count) per level-L node, cut by the same rule (the level byte in
//! the hash differs). The root is the single node of the lowest level that has exactly one
//! node, so a root above level 0 has at least two entries. The empty map has no node: its
//! root is `Hash::EMPTY`.

mod apply;
mod build;
mod chunker;
mod cursor;
mod diff;
mod load;
pub(crate) mod node;
mod read;

#[cfg(test)]
mod tests;

use alloc::vec::Vec;
use core::fmt;

use crate::chunk_store::StoreError;
use crate::hash::Hash;

pub use apply::apply;
pub use build::build;
pub use diff::{diff, DiffEntry};
pub use read::{count, get, last_key, range, scan};

/// First byte of every prolly node chunk.
pub const NODE_KIND: u8 = 0x01;
/// Expected node size in bytes; part of the format, since it decides the boundaries.
pub const TARGET: usize = 4096;
/// The version of the boundary rule above; every dataset map records it and `TARGET`
/// (`db::params`).
pub const BOUNDARY_RULE: u64 = 1;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProllyError {
    Store(StoreError),
    /// The tree refers to a node the store does not hold.
    MissingNode {
        hash: Hash,
    },
    /// A node does not decode, or does not fit where its parent refers to it.
    CorruptNode {
        hash: Hash,
        reason: &'static str,
    },
    /// `build` or `apply` got keys that are not strictly ascending.
    Unsorted {
        key: Vec<u8>,
    },
    /// The map would need more than 256 levels, which only adversarially chosen keys can do.
    TooDeep,
}

impl fmt::Display for ProllyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProllyError::Store(e) => e.fmt(f),
            ProllyError::MissingNode { hash } => write!(
                f,
                "tree node {hash} is missing from the store: the store is incomplete \
                 (run verify, or sync again from a complete copy)"
            ),
            ProllyError::CorruptNode { hash, reason } => write!(
                f,
                "tree node {hash} is corrupt: {reason} (run verify; restore the store from a \
                 backup or sync it again from a good copy)"
            ),
            ProllyError::Unsorted { key } => {
                f.write_str("keys must be strictly ascending, without duplicates; key ")?;
                write_key(f, key)?;
                f.write_str(" is out of order")
            }
            ProllyError::TooDeep => f.write_str(
                "the map would need more than 256 tree levels; use shorter or fewer keys",
            ),
        }
    }
}

/// A key for an error message: as text if it is printable ASCII, else in hex; long keys cut.
fn write_key(f: &mut fmt::Formatter<'_>, key: &[u8]) -> fmt::Result {
    const SHOWN: usize = 64;
    let shown = &key[..key.len().min(SHOWN)];
    if shown.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        write!(f, "'{}'", core::str::from_utf8(shown).unwrap_or_default())?;
    } else {
        write!(f, "0x{}", crate::hex::Hex(shown))?;
    }
    if key.len() > SHOWN {
        write!(f, "… ({} bytes)", key.len())?;
    }
    Ok(())
}

impl From<StoreError> for ProllyError {
    fn from(e: StoreError) -> Self {
        ProllyError::Store(e)
    }
}

/// Whether a chunk is a prolly tree node (by its kind byte; it may still fail to decode).
pub fn is_node(chunk: &[u8]) -> bool {
    chunk.first() == Some(&NODE_KIND)
}

/// The children of a node chunk: none for a leaf. Lets sync walk a tree without knowing it.
pub fn refs(chunk: &[u8]) -> Result<Vec<Hash>, ProllyError> {
    node::children(chunk).map_err(|reason| ProllyError::CorruptNode {
        hash: Hash::of(chunk),
        reason,
    })
}
