//! A cursor over the nodes of one level of a tree, keeping the path from the root so that
//! moving to a nearby node reloads only the part of the path that changes.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ops::Bound;

use super::load::{load, load_child};
use super::node::Node;
use super::ProllyError;
use crate::chunk_store::ChunkStore;
use crate::hash::Hash;
use crate::io::Storage;

struct Frame {
    hash: Hash,
    node: Arc<Node>,
    /// The child of `node` that the next frame is (unused in the last frame).
    idx: usize,
}

pub(crate) struct Cursor {
    level: u8,
    /// From the root down to a node at `level`; never empty.
    path: Vec<Frame>,
}

impl Cursor {
    /// A cursor at the node of `level` that would hold `key` (see `seek`), in the non-empty
    /// tree at `root`. A level above the root's is taken as the root's.
    pub async fn at<S: Storage>(
        store: &ChunkStore<S>,
        root: Hash,
        level: u8,
        key: &[u8],
    ) -> Result<Cursor, ProllyError> {
        let node = load(store, &root).await?;
        let mut cursor = Cursor {
            level: level.min(node.level()),
            path: alloc::vec![Frame {
                hash: root,
                node,
                idx: 0,
            }],
        };
        cursor.seek(store, key).await?;
        Ok(cursor)
    }

    /// Moves to the node that would hold `key`: the first whose last key is ≥ `key`, or the
    /// level's last node. Nodes still on the new path are not reloaded.
    pub async fn seek<S: Storage>(
        &mut self,
        store: &ChunkStore<S>,
        key: &[u8],
    ) -> Result<(), ProllyError> {
        let mut d = 0;
        while self.path[d].node.level() > self.level {
            let i = self.path[d].node.child_index(key);
            if self.path.len() == d + 1 || self.path[d].idx != i {
                self.path.truncate(d + 1);
                self.path[d].idx = i;
                self.descend(store).await?;
            }
            d += 1;
        }
        Ok(())
    }

    /// Moves to the next node of the level; `false` (and no move) at the last one.
    pub async fn next_node<S: Storage>(
        &mut self,
        store: &ChunkStore<S>,
    ) -> Result<bool, ProllyError> {
        let Some(d) = self
            .path
            .iter()
            .rposition(|f| f.node.level() > self.level && f.idx + 1 < f.node.len())
        else {
            return Ok(false);
        };
        self.path.truncate(d + 1);
        self.path[d].idx += 1;
        while self.node().level() > self.level {
            self.descend(store).await?;
        }
        Ok(true)
    }

    /// The addresses of up to `n` nodes of this level that follow the current one, in order,
    /// as far as a scan up to `end` reads them: a node comes only if the last key of the one
    /// before it lies before `end`. Loads the nodes above the level that lead to them; one
    /// that does not load ends the list, left for the scan to meet and report.
    pub async fn ahead<S: Storage>(
        &self,
        store: &ChunkStore<S>,
        n: usize,
        end: Bound<&[u8]>,
    ) -> Vec<Hash> {
        let before_end = |key: &[u8]| match end {
            Bound::Included(e) | Bound::Excluded(e) => key < e,
            Bound::Unbounded => true,
        };
        // The path above the current node, each node with the child taken.
        let mut up: Vec<(Arc<Node>, usize)> = self.path[..self.path.len() - 1]
            .iter()
            .map(|f| (f.node.clone(), f.idx))
            .collect();
        let mut last = self.node().last_key().to_vec();
        let mut out = Vec::new();
        while out.len() < n && before_end(&last) {
            let Some(d) = up.iter().rposition(|(node, idx)| idx + 1 < node.len()) else {
                break;
            };
            up.truncate(d + 1);
            up[d].1 += 1;
            while let Some((node, idx)) =
                up.last().filter(|(node, _)| node.level() > self.level + 1)
            {
                let Ok(child) = load_child(store, node, *idx).await else {
                    return out;
                };
                up.push((child, 0));
            }
            let Some((node, idx)) = up.last() else {
                break;
            };
            out.push(node.child(*idx));
            last = node.key(*idx).to_vec();
        }
        out
    }

    /// Loads the child the last frame points at, as a new last frame at its first child.
    async fn descend<S: Storage>(&mut self, store: &ChunkStore<S>) -> Result<(), ProllyError> {
        let parent = &self.path[self.path.len() - 1];
        let node = load_child(store, &parent.node, parent.idx).await?;
        let hash = parent.node.child(parent.idx);
        self.path.push(Frame { hash, node, idx: 0 });
        Ok(())
    }

    pub fn node(&self) -> &Node {
        &self.path[self.path.len() - 1].node
    }

    pub fn hash(&self) -> Hash {
        self.path[self.path.len() - 1].hash
    }

    /// Whether this is the last node of its level.
    pub fn is_last(&self) -> bool {
        let above = &self.path[..self.path.len() - 1];
        above.iter().all(|f| f.idx + 1 == f.node.len())
    }
}
