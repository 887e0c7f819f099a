//! Building a tree bottom-up from a sorted stream of entries, all levels at once.

use alloc::sync::Arc;
use alloc::vec::Vec;

use super::chunker::{ChildRef, Chunker, Done};
use super::load::load_child;
use super::node::{Node, PayloadRef};
use super::ProllyError;
use crate::chunk_store::ChunkStore;
use crate::hash::Hash;
use crate::io::Storage;

/// Builds a map from entries in strictly ascending key order and returns its root
/// (`Hash::EMPTY` for no entries). Out-of-order or duplicate keys fail with
/// `ProllyError::Unsorted` (checking costs one key comparison per entry, and a silently
/// malformed tree would cost far more); chunks written before the failure stay unreferenced.
pub async fn build<S: Storage, K: AsRef<[u8]>, V: AsRef<[u8]>>(
    store: &mut ChunkStore<S>,
    entries: impl IntoIterator<Item = (K, V)>,
) -> Result<Hash, ProllyError> {
    let mut builder = Builder::new(0);
    for (key, value) in entries {
        builder
            .push(store, key.as_ref(), PayloadRef::Value(value.as_ref()))
            .await?;
    }
    builder.finish(store).await
}

/// Streams entries of level `base` into nodes and the nodes into the levels above.
///
/// Each level holds back its latest closed node until the next one closes: a node is only
/// written once it is known not to be its level's only node, because the only node is either
/// the root or, above `base`, not part of the tree at all. So `build` writes no chunk the tree
/// does not use.
pub(crate) struct Builder {
    base: u8,
    levels: Vec<Level>,
}

struct Level {
    chunker: Chunker,
    held: Done,
    /// Nodes closed so far; the latest is `held`, the others are written.
    nodes: u64,
}

impl Level {
    fn new(level: u8) -> Self {
        Level {
            chunker: Chunker::new(level),
            held: Done::default(),
            nodes: 0,
        }
    }
}

impl Builder {
    pub fn new(base: u8) -> Self {
        Builder {
            base,
            levels: alloc::vec![Level::new(base)],
        }
    }

    pub async fn push<S: Storage>(
        &mut self,
        store: &mut ChunkStore<S>,
        key: &[u8],
        payload: PayloadRef<'_>,
    ) -> Result<(), ProllyError> {
        if self.levels[0].chunker.push(key, payload)? {
            self.close(store, 0).await?;
        }
        Ok(())
    }

    /// Returns the root, after writing every node still open or held.
    pub async fn finish<S: Storage>(
        mut self,
        store: &mut ChunkStore<S>,
    ) -> Result<Hash, ProllyError> {
        let mut i = 0;
        loop {
            if !self.levels[i].chunker.is_empty() {
                self.close(store, i).await?;
            }
            let level = &self.levels[i];
            match level.nodes {
                0 => return Ok(Hash::EMPTY),
                1 => return self.root(store, i).await,
                _ => {
                    let r = level.held.write(store).await?;
                    if self.push_up(i, &r)? {
                        self.close(store, i + 1).await?;
                    }
                    i += 1;
                }
            }
        }
    }

    /// Closes the open node of level `i`; the node held before it is now known to have a
    /// sibling, so it is written and pushed to the level above, which may close in turn.
    async fn close<S: Storage>(
        &mut self,
        store: &mut ChunkStore<S>,
        mut i: usize,
    ) -> Result<(), ProllyError> {
        loop {
            let level = &mut self.levels[i];
            let previous = match level.nodes {
                0 => None,
                _ => Some(level.held.write(store).await?),
            };
            level.chunker.close(&mut level.held);
            level.nodes += 1;
            let Some(r) = previous else {
                return Ok(());
            };
            if !self.push_up(i, &r)? {
                return Ok(());
            }
            i += 1;
        }
    }

    /// Pushes a written node of level `i` to level `i + 1`; `true` if that closes a node there.
    fn push_up(&mut self, i: usize, r: &ChildRef) -> Result<bool, ProllyError> {
        if i + 1 == self.levels.len() {
            let level =
                u8::try_from(usize::from(self.base) + i + 1).map_err(|_| ProllyError::TooDeep)?;
            self.levels.push(Level::new(level));
        }
        self.levels[i + 1]
            .chunker
            .push(&r.key, PayloadRef::Child(r.hash, r.count))
    }

    /// The root when level `i` closed exactly one node. A single node with a single entry
    /// above level 0 is not a canonical root (possible only at `base`, when `apply` shrinks a
    /// tree): the root is then the first node down its only path with more entries, or a leaf.
    async fn root<S: Storage>(
        &self,
        store: &mut ChunkStore<S>,
        i: usize,
    ) -> Result<Hash, ProllyError> {
        let held = &self.levels[i].held;
        if held.entries > 1 || usize::from(self.base) + i == 0 {
            return Ok(held.write(store).await?.hash);
        }
        let mut node = Arc::new(Node::decode(held.chunk.clone()).map_err(|reason| {
            ProllyError::CorruptNode {
                hash: Hash::of(&held.chunk),
                reason,
            }
        })?);
        loop {
            let child = load_child(store, &node, 0).await?;
            if child.level() == 0 || child.len() > 1 {
                return Ok(node.child(0));
            }
            node = child;
        }
    }
}
