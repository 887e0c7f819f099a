//! Comparing two maps, reading only the nodes they do not share.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cmp::Ordering;

use super::load::{load, load_child};
use super::node::Node;
use super::ProllyError;
use crate::chunk_store::ChunkStore;
use crate::hash::Hash;
use crate::io::Storage;

/// A key whose value differs between two maps; `None` where a side lacks the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffEntry {
    pub key: Vec<u8>,
    pub left: Option<Vec<u8>>,
    pub right: Option<Vec<u8>>,
}

/// The keys whose values differ between the maps at `left` and `right`, in key order.
///
/// Works down both trees a level at a time, the taller first until the heights match. At
/// each level the subtrees whose hashes both sides share are dropped unread (same hash, same
/// entries), and only the rest are loaded; the leaves left at the bottom are merge-joined.
pub async fn diff<S: Storage>(
    store: &ChunkStore<S>,
    left: Hash,
    right: Hash,
) -> Result<Vec<DiffEntry>, ProllyError> {
    if left == right {
        return Ok(Vec::new());
    }
    let mut l = Side::root(store, left).await?;
    let mut r = Side::root(store, right).await?;
    while l.level > 0 || r.level > 0 {
        let (ll, rl) = (l.level, r.level);
        if ll >= rl {
            l.expand();
        }
        if rl >= ll {
            r.expand();
        }
        if l.level == r.level {
            cancel(&mut l.items, &mut r.items);
        }
        if l.items.is_empty() && r.items.is_empty() {
            return Ok(Vec::new());
        }
        l.load(store).await?;
        r.load(store).await?;
    }
    Ok(merge_leaves(&l.nodes(), &r.nodes()))
}

/// One side's subtrees still to compare, in key order, all at `level`. Each is loaded only
/// once it survives cancellation, and checked against its parent as it is.
struct Side {
    level: u8,
    /// The nodes one level up that `items` are children of.
    parents: Vec<Arc<Node>>,
    items: Vec<Item>,
}

struct Item {
    hash: Hash,
    /// Which entry of which parent refers to it (unused for a root).
    parent: usize,
    entry: usize,
    node: Option<Arc<Node>>,
}

impl Side {
    async fn root<S: Storage>(store: &ChunkStore<S>, root: Hash) -> Result<Side, ProllyError> {
        let mut side = Side {
            level: 0,
            parents: Vec::new(),
            items: Vec::new(),
        };
        if !root.is_empty() {
            let node = load(store, &root).await?;
            side.level = node.level();
            side.items.push(Item {
                hash: root,
                parent: 0,
                entry: 0,
                node: Some(node),
            });
        }
        Ok(side)
    }

    /// Replaces the (loaded) nodes by their children, unloaded, one level down.
    fn expand(&mut self) {
        let Some(level) = self.level.checked_sub(1) else {
            return;
        };
        self.parents = self.items.drain(..).filter_map(|item| item.node).collect();
        for (p, node) in self.parents.iter().enumerate() {
            self.items.extend((0..node.len()).map(|entry| Item {
                hash: node.child(entry),
                parent: p,
                entry,
                node: None,
            }));
        }
        self.level = level;
    }

    async fn load<S: Storage>(&mut self, store: &ChunkStore<S>) -> Result<(), ProllyError> {
        for item in &mut self.items {
            if item.node.is_none() {
                let parent = &self.parents[item.parent];
                item.node = Some(load_child(store, parent, item.entry).await?);
            }
        }
        Ok(())
    }

    fn nodes(&self) -> Vec<&Node> {
        self.items
            .iter()
            .filter_map(|item| item.node.as_deref())
            .collect()
    }
}

/// Drops the subtrees both sides have, as multisets of hashes.
fn cancel(left: &mut Vec<Item>, right: &mut Vec<Item>) {
    let mut unmatched: BTreeMap<Hash, usize> = BTreeMap::new();
    for item in right.iter() {
        *unmatched.entry(item.hash).or_default() += 1;
    }
    let mut matched: BTreeMap<Hash, usize> = BTreeMap::new();
    left.retain(|item| match unmatched.get_mut(&item.hash) {
        Some(n) if *n > 0 => {
            *n -= 1;
            *matched.entry(item.hash).or_default() += 1;
            false
        }
        _ => true,
    });
    right.retain(|item| match matched.get_mut(&item.hash) {
        Some(n) if *n > 0 => {
            *n -= 1;
            false
        }
        _ => true,
    });
}

/// Merge-joins the entries of two key-ordered runs of leaves.
fn merge_leaves(left: &[&Node], right: &[&Node]) -> Vec<DiffEntry> {
    fn entries<'a>(nodes: &'a [&'a Node]) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + 'a {
        nodes
            .iter()
            .flat_map(|n| (0..n.len()).map(move |i| (n.key(i), n.value(i))))
    }
    let (mut l, mut r) = (entries(left).peekable(), entries(right).peekable());
    let mut out = Vec::new();
    loop {
        let order = match (l.peek(), r.peek()) {
            (None, None) => return out,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(a), Some(b)) => a.0.cmp(b.0),
        };
        // `None` for a key both sides hold with the same value.
        let changed = match order {
            Ordering::Less => l.next().map(|(k, v)| (k, Some(v), None)),
            Ordering::Greater => r.next().map(|(k, v)| (k, None, Some(v))),
            Ordering::Equal => match (l.next(), r.next()) {
                (Some((k, a)), Some((_, b))) if a != b => Some((k, Some(a), Some(b))),
                _ => None,
            },
        };
        let Some((key, left, right)) = changed else {
            continue;
        };
        out.push(DiffEntry {
            key: key.to_vec(),
            left: left.map(<[u8]>::to_vec),
            right: right.map(<[u8]>::to_vec),
        });
    }
}
