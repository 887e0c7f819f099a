//! The boundary rule, and the chunker that encodes entries into nodes and cuts them there.

use alloc::vec::Vec;

use super::node::{encode_entry, encode_header, PayloadRef};
use super::{ProllyError, TARGET};
use crate::chunk_store::ChunkStore;
use crate::hash::Hash;
use crate::io::Storage;

/// Whether an entry of `size` encoded bytes with this key ends its node at `level`: see the
/// module documentation of `prolly`.
pub(crate) fn is_boundary(level: u8, key: &[u8], size: usize) -> bool {
    // Keys that fit one BLAKE3 block with the level byte are hashed from a stack copy:
    // `blake3::hash` on one block costs about 60% of a `Hasher` round, and this hash runs
    // once per entry.
    let mut block = [0u8; 64];
    let digest = match block.get_mut(1..=key.len()) {
        Some(rest) => {
            rest.copy_from_slice(key);
            block[0] = level;
            blake3::hash(&block[..=key.len()])
        }
        None => blake3::Hasher::new()
            .update(&[level])
            .update(key)
            .finalize(),
    };
    let b = digest.as_bytes();
    let h = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let threshold = ((size as u64).saturating_mul(1 << 32) / TARGET as u64).min(1 << 31);
    u64::from(h) < threshold
}

/// A node's entry in its parent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ChildRef {
    pub key: Vec<u8>,
    pub hash: Hash,
    pub count: u64,
}

/// A closed node, not yet written. Reused from node to node, so it keeps its buffers.
#[derive(Default)]
pub(crate) struct Done {
    pub chunk: Vec<u8>,
    pub last_key: Vec<u8>,
    pub entries: u64,
    pub count: u64,
}

impl Done {
    /// Puts the node into the store; returns its entry for the parent level.
    pub async fn write<S: Storage>(
        &self,
        store: &mut ChunkStore<S>,
    ) -> Result<ChildRef, ProllyError> {
        let hash = store.put(&self.chunk).await?;
        Ok(ChildRef {
            key: self.last_key.clone(),
            hash,
            count: self.count,
        })
    }
}

/// Encodes the entries of one level, in order, into the node that is open. Entries are
/// encoded straight into one reused buffer: no allocation per entry.
pub(crate) struct Chunker {
    level: u8,
    body: Vec<u8>,
    entries: u64,
    count: u64,
    /// The last key pushed, kept across nodes to check the order.
    last_key: Vec<u8>,
    started: bool,
}

impl Chunker {
    pub fn new(level: u8) -> Self {
        Chunker {
            level,
            body: Vec::with_capacity(2 * TARGET),
            entries: 0,
            count: 0,
            last_key: Vec::new(),
            started: false,
        }
    }

    /// Whether no node is open.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// Appends an entry to the open node; `true` if the entry ends it, and the caller must
    /// then `close` it before pushing more.
    pub fn push(&mut self, key: &[u8], payload: PayloadRef<'_>) -> Result<bool, ProllyError> {
        if self.started && key <= self.last_key.as_slice() {
            return Err(ProllyError::Unsorted { key: key.to_vec() });
        }
        self.started = true;
        let start = self.body.len();
        encode_entry(&mut self.body, key, payload);
        self.entries += 1;
        // Saturating: a corrupt tree's counts must not panic here.
        self.count = self.count.saturating_add(payload.count());
        self.last_key.clear();
        self.last_key.extend_from_slice(key);
        Ok(is_boundary(self.level, key, self.body.len() - start))
    }

    /// Closes the open node, which must have an entry, into `done`.
    pub fn close(&mut self, done: &mut Done) {
        done.chunk.clear();
        encode_header(&mut done.chunk, self.level, self.entries);
        done.chunk.extend_from_slice(&self.body);
        done.last_key.clear();
        done.last_key.extend_from_slice(&self.last_key);
        done.entries = self.entries;
        done.count = self.count;
        self.body.clear();
        self.entries = 0;
        self.count = 0;
    }
}
