//! Reading a map: point lookups, range scans and the entry count.

use alloc::vec::Vec;
use core::ops::Bound;

use super::cursor::Cursor;
use super::load::{load, load_ahead};
use super::ProllyError;
use crate::chunk_store::ChunkStore;
use crate::hash::Hash;
use crate::io::Storage;
use crate::parallel;

/// How many leaves a scan keeps read ahead of its cursor, asking for more when half are left:
/// about four blocks of 4 KiB leaves, so that a thread has the next block's job in hand when
/// the cursor needs it.
const AHEAD: usize = 128;

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
    // Leaves after the current one already handed to `load_ahead`.
    let mut ahead = 0;
    let mut first = true;
    loop {
        // From its second leaf on, a scan reads on; where the build has threads, the next
        // leaves are checked and decoded beside it while it goes through this one's entries.
        if parallel::BESIDE && !first && ahead < AHEAD / 2 {
            let next = cursor.ahead(store, AHEAD, end).await;
            if let Some(new) = next.get(ahead..) {
                ahead += load_ahead(store, new, next.len() < AHEAD).await;
            }
        }
        first = false;
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
        ahead = ahead.saturating_sub(1);
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
