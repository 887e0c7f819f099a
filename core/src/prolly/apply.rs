//! Editing a map: re-chunking only the runs of nodes that edits touch, level by level.
//!
//! Boundaries are local, so a node whose entries are unchanged and whose left neighbour ends
//! where it used to is unchanged too. At each level the edits are merged into the old nodes
//! that hold them; the merged entries go through a chunker, and a run of old nodes ends as
//! soon as the chunker is empty at an old node's end (the new nodes are back in step with the
//! old ones). The nodes a run removed and wrote become the edits of the level above. The
//! root's level is rebuilt with `Builder`, which grows or shrinks the tree as needed, so the
//! result is exactly the tree `build` makes of the new contents.

use alloc::vec::Vec;

use super::build::{build, Builder};
use super::chunker::{ChildRef, Chunker, Done};
use super::cursor::Cursor;
use super::load::load;
use super::node::{Node, Payload, PayloadRef};
use super::ProllyError;
use crate::chunk_store::ChunkStore;
use crate::hash::Hash;
use crate::io::Storage;

/// Insert or replace (`Some`) or delete (`None`) one key.
type Edit = (Vec<u8>, Option<Payload>);

/// Applies edits, strictly ascending by key (else `ProllyError::Unsorted`), to the map at
/// `root`; `None` deletes (a missing key is no error). Returns the new root. Reads and writes
/// O(edits × height) nodes.
///
/// When a tree shrinks by a level, the one-entry nodes of the levels it loses may be written
/// though the new tree does not use them; they are unreferenced, like any old version's
/// nodes, until a prune.
pub async fn apply<S: Storage>(
    store: &mut ChunkStore<S>,
    root: Hash,
    edits: Vec<(Vec<u8>, Option<Vec<u8>>)>,
) -> Result<Hash, ProllyError> {
    if let Some(w) = edits.windows(2).find(|w| w[0].0 >= w[1].0) {
        return Err(ProllyError::Unsorted {
            key: w[1].0.clone(),
        });
    }
    if root.is_empty() {
        return build(store, edits.into_iter().filter_map(|(k, v)| Some((k, v?)))).await;
    }
    let mut edits: Vec<Edit> = edits
        .into_iter()
        .map(|(k, v)| (k, v.map(Payload::Value)))
        .collect();
    let top = load(store, &root).await?;
    for level in 0..top.level() {
        if edits.is_empty() {
            return Ok(root);
        }
        edits = apply_level(store, root, level, &edits).await?;
    }
    if edits.is_empty() {
        return Ok(root);
    }
    let mut builder = Builder::new(top.level());
    for (key, payload) in Merge::new(&top, &edits) {
        builder.push(store, key, payload).await?;
    }
    builder.finish(store).await
}

/// Applies non-empty `edits` to the nodes of `level` (below the root's) and returns the
/// edits this makes to the level above.
async fn apply_level<S: Storage>(
    store: &mut ChunkStore<S>,
    root: Hash,
    level: u8,
    edits: &[Edit],
) -> Result<Vec<Edit>, ProllyError> {
    let mut cursor = Cursor::at(store, root, level, &edits[0].0).await?;
    let mut chunker = Chunker::new(level);
    let mut done = Done::default();
    let mut removed: Vec<(Vec<u8>, Hash)> = Vec::new();
    let mut written: Vec<ChildRef> = Vec::new();
    let mut next = 0;
    while next < edits.len() {
        cursor.seek(store, &edits[next].0).await?;
        // One run: from a node whose left neighbour is unchanged, until back in step.
        loop {
            let node = cursor.node();
            let end = if cursor.is_last() {
                edits.len()
            } else {
                let rest = &edits[next..];
                next + rest.partition_point(|(k, _)| k.as_slice() <= node.last_key())
            };
            removed.push((node.last_key().to_vec(), cursor.hash()));
            for (key, payload) in Merge::new(node, &edits[next..end]) {
                if chunker.push(key, payload)? {
                    chunker.close(&mut done);
                    written.push(done.write(store).await?);
                }
            }
            next = end;
            if chunker.is_empty() {
                break;
            }
            if !cursor.next_node(store).await? {
                // The level's last node ends at its last entry, boundary or not.
                chunker.close(&mut done);
                written.push(done.write(store).await?);
                break;
            }
        }
    }
    Ok(parent_edits(removed, written))
}

/// The edits to the level above: delete the removed nodes' entries, insert the written
/// ones'. A node written again unchanged cancels out, so unchanged levels stop the climb.
fn parent_edits(removed: Vec<(Vec<u8>, Hash)>, written: Vec<ChildRef>) -> Vec<Edit> {
    let mut out = Vec::with_capacity(removed.len() + written.len());
    let mut written = written.into_iter().peekable();
    let insert = |r: ChildRef| (r.key, Some(Payload::Child(r.hash, r.count)));
    for (key, hash) in removed {
        while let Some(r) = written.next_if(|r| r.key < key) {
            out.push(insert(r));
        }
        match written.next_if(|r| r.key == key) {
            Some(r) if r.hash == hash => {}
            Some(r) => out.push(insert(r)),
            None => out.push((key, None)),
        }
    }
    out.extend(written.map(insert));
    out
}

/// A node's entries with sorted edits merged in, in key order.
struct Merge<'a> {
    node: &'a Node,
    i: usize,
    edits: &'a [Edit],
}

impl<'a> Merge<'a> {
    fn new(node: &'a Node, edits: &'a [Edit]) -> Self {
        Merge { node, i: 0, edits }
    }
}

impl<'a> Iterator for Merge<'a> {
    type Item = (&'a [u8], PayloadRef<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let old = (self.i < self.node.len()).then(|| self.node.key(self.i));
            let edit = self.edits.split_first();
            let old_first = match (old, edit) {
                (Some(key), Some(((k, _), _))) => key < k.as_slice(),
                (Some(_), None) => true,
                (None, _) => false,
            };
            if old_first {
                let i = self.i;
                self.i += 1;
                return Some((self.node.key(i), self.node.payload(i)));
            }
            let ((key, payload), rest) = edit?;
            if old == Some(key.as_slice()) {
                self.i += 1;
            }
            self.edits = rest;
            if let Some(p) = payload {
                return Some((key, p.as_ref()));
            }
        }
    }
}
