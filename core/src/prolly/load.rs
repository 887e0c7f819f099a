//! Reading nodes from the store, checked against what refers to them.

use alloc::sync::Arc;
use alloc::vec::Vec;

use super::node::Node;
use super::ProllyError;
use crate::chunk_store::ChunkStore;
use crate::hash::Hash;
use crate::io::Storage;

pub(crate) async fn load<S: Storage>(
    store: &ChunkStore<S>,
    hash: &Hash,
) -> Result<Arc<Node>, ProllyError> {
    // Nodes stay decoded in memory: every lookup passes through the same internal nodes, and
    // a hot key's leaf is read again.
    let decode = |bytes| {
        decode(bytes).map_err(|reason| ProllyError::CorruptNode {
            hash: *hash,
            reason,
        })
    };
    store
        .get_decoded(hash, decode)
        .await?
        .ok_or(ProllyError::MissingNode { hash: *hash })
}

/// Starts loading the nodes at `hashes` beside the caller, for `load` to find decoded; how
/// many it took on (`ChunkStore::read_ahead`).
pub(crate) async fn load_ahead<S: Storage>(
    store: &ChunkStore<S>,
    hashes: &[Hash],
    all: bool,
) -> usize {
    store
        .read_ahead(hashes, all, |bytes| decode(bytes).ok())
        .await
}

/// A node, and what keeping it decoded costs.
fn decode(bytes: Vec<u8>) -> Result<(Node, usize), &'static str> {
    let node = Node::decode(bytes)?;
    let size = node.size();
    Ok((node, size))
}

/// Loads child `i` of an internal node, checking that it holds the keys and the count its
/// parent says: a malformed tree fails here rather than yielding keys out of order.
pub(crate) async fn load_child<S: Storage>(
    store: &ChunkStore<S>,
    parent: &Node,
    i: usize,
) -> Result<Arc<Node>, ProllyError> {
    let hash = parent.child(i);
    let node = load(store, &hash).await?;
    if parent.level().checked_sub(1) != Some(node.level()) {
        return Err(corrupt(&hash, "its level does not fit under its parent"));
    }
    if node.last_key() != parent.key(i) {
        return Err(corrupt(
            &hash,
            "its last key differs from its parent's entry",
        ));
    }
    if i > 0 && node.key(0) <= parent.key(i - 1) {
        return Err(corrupt(&hash, "its keys overlap its left sibling's"));
    }
    if node.total() != parent.count(i) {
        return Err(corrupt(
            &hash,
            "its entry count differs from its parent's entry",
        ));
    }
    Ok(node)
}

fn corrupt(hash: &Hash, reason: &'static str) -> ProllyError {
    ProllyError::CorruptNode {
        hash: *hash,
        reason,
    }
}
