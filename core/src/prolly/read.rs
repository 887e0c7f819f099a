//! Reading a map: point lookups, range scans and the entry count.

use alloc::vec::Vec;
use core::ops::Bound;

use super::cursor::Cursor;
use super::load::load;
use super::ProllyError;
use crate::chunk_store::ChunkStore;
use crate::hash::Hash;
use crate::io::Storage;

/// The value under `key`, or `None`. Loads one node per level.
pub async fn get<S: Storage>(
    store: &ChunkStore<S>,
    root: Hash,
    key: &[u8],
) -> Result<Option<Vec<u8>>, ProllyError> {
    if root.is_empty() {
        return Ok(None);
    }
    let cursor = Cursor::at(store, root, 0, key).await?;
    let leaf = cursor.node();
    let i = leaf.lower_bound(key);
    Ok((i < leaf.len() && leaf.key(i) == key).then(|| leaf.value(i).to_vec()))
}

/// Calls `f` on the entries in `range`, in key order, until it returns `false`. Loads only
/// the nodes whose keys overlap the range, plus, for an excluded start bound, at most one
/// leaf whose last key is that bound.
pub async fn scan<S: Storage>(
    store: &ChunkStore<S>,
    root: Hash,
    range: (Bound<&[u8]>, Bound<&[u8]>),
    mut f: impl FnMut(&[u8], &[u8]) -> bool,
) -> Result<(), ProllyError> {
    let (start, end) = range;
    if root.is_empty() {
        return Ok(());
    }
    let first = match start {
        Bound::Included(k) | Bound::Excluded(k) => k,
        Bound::Unbounded => &[],
    };
    let mut cursor = Cursor::at(store, root, 0, first).await?;
    loop {
        let leaf = cursor.node();
        let from = match start {
            Bound::Included(k) => leaf.lower_bound(k),
            Bound::Excluded(k) => leaf.upper_bound(k),
            Bound::Unbounded => 0,
        };
        for i in from..leaf.len() {
            let key = leaf.key(i);
            if !before_end(key, end) || !f(key, leaf.value(i)) {
                return Ok(());
            }
        }
        // Every key of the next leaf is greater than this leaf's last.
        let more = match end {
            Bound::Included(e) | Bound::Excluded(e) => leaf.last_key() < e,
            Bound::Unbounded => true,
        };
        if !more || !cursor.next_node(store).await? {
            return Ok(());
        }
    }
}

fn before_end(key: &[u8], end: Bound<&[u8]>) -> bool {
    match end {
        Bound::Included(e) => key <= e,
        Bound::Excluded(e) => key < e,
        Bound::Unbounded => true,
    }
}

/// The entries in `range`, in key order, at most `limit` of them.
pub async fn range<S: Storage>(
    store: &ChunkStore<S>,
    root: Hash,
    range: (Bound<&[u8]>, Bound<&[u8]>),
    limit: Option<usize>,
) -> Result<Vec<(Vec<u8>, Vec<u8>)>, ProllyError> {
    let limit = limit.unwrap_or(usize::MAX);
    let mut out = Vec::new();
    if limit == 0 {
        return Ok(out);
    }
    scan(store, root, range, |k, v| {
        out.push((k.to_vec(), v.to_vec()));
        out.len() < limit
    })
    .await?;
    Ok(out)
}

/// The greatest key of the map, read from the root alone (an internal entry's key is its
/// subtree's last key); `None` for an empty map.
pub async fn last_key<S: Storage>(
    store: &ChunkStore<S>,
    root: Hash,
) -> Result<Option<Vec<u8>>, ProllyError> {
    if root.is_empty() {
        return Ok(None);
    }
    let node = load(store, &root).await?;
    Ok(node.len().checked_sub(1).map(|i| node.key(i).to_vec()))
}

/// Number of entries in the map, read from the root alone.
pub async fn count<S: Storage>(store: &ChunkStore<S>, root: Hash) -> Result<u64, ProllyError> {
    if root.is_empty() {
        return Ok(0);
    }
    Ok(load(store, &root).await?.total())
}
