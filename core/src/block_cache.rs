//! The blocks a chunk store decoded, kept up to a budget of bytes, the least recently used
//! going first: the equivalent of SQLite's page cache. Reading a tree node by node (a point
//! lookup's path, a scan's leaves one after another) decodes each block once, not once per
//! chunk in it, and the leaves of a working set of hot keys stay decoded between lookups.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;

use spin::Mutex;

/// The decoded bytes kept: 32 MiB, the blocks of about 400,000 rows of a narrow table. Issue
/// 16 bounds a process at 100 MiB; a sync holds up to one 32 MiB table file and a reader's
/// kept internal nodes take about 4 MiB, so this leaves room for both and for the rest.
pub const BUDGET: usize = 32 << 20;

pub struct BlockCache {
    budget: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Table file, then block offset: the block and when it was last used. A table file
    /// never changes, so an entry never goes stale.
    blocks: BTreeMap<Arc<str>, BTreeMap<u64, (Arc<Vec<u8>>, u64)>>,
    /// The same blocks by when they were last used, the oldest first.
    by_use: BTreeMap<u64, (Arc<str>, u64)>,
    clock: u64,
    bytes: usize,
}

impl Default for BlockCache {
    fn default() -> Self {
        BlockCache::with_budget(BUDGET)
    }
}

impl BlockCache {
    pub fn with_budget(budget: usize) -> Self {
        BlockCache {
            budget,
            inner: Mutex::default(),
        }
    }

    /// The decoded block at `offset` of table file `table`, if it is kept.
    pub fn get(&self, table: &str, offset: u64) -> Option<Arc<Vec<u8>>> {
        let mut inner = self.inner.lock();
        let Inner {
            blocks,
            by_use,
            clock,
            ..
        } = &mut *inner;
        let name = blocks.get_key_value(table)?.0.clone();
        let (block, used) = blocks.get_mut(table)?.get_mut(&offset)?;
        *clock += 1;
        by_use.remove(used);
        by_use.insert(*clock, (name, offset));
        *used = *clock;
        Some(block.clone())
    }

    /// Keeps `block`, making room by dropping the least recently used; a block larger than
    /// the whole budget is not kept.
    pub fn put(&self, table: &str, offset: u64, block: Arc<Vec<u8>>) {
        if block.len() > self.budget {
            return;
        }
        let mut inner = self.inner.lock();
        let inner = &mut *inner;
        inner.remove(table, offset);
        while inner.bytes + block.len() > self.budget {
            let Some((_, (t, o))) = inner.by_use.pop_first() else {
                break;
            };
            inner.remove(&t, o);
        }
        inner.clock += 1;
        let name: Arc<str> = match inner.blocks.get_key_value(table) {
            Some((name, _)) => name.clone(),
            None => table.into(),
        };
        inner.bytes += block.len();
        inner.by_use.insert(inner.clock, (name.clone(), offset));
        inner
            .blocks
            .entry(name)
            .or_default()
            .insert(offset, (block, inner.clock));
    }
}

impl Inner {
    fn remove(&mut self, table: &str, offset: u64) {
        let Some(offsets) = self.blocks.get_mut(table) else {
            return;
        };
        if let Some((block, used)) = offsets.remove(&offset) {
            self.bytes -= block.len();
            self.by_use.remove(&used);
        }
        if offsets.is_empty() {
            self.blocks.remove(table);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(len: usize) -> Arc<Vec<u8>> {
        Arc::new(alloc::vec![7; len])
    }

    #[test]
    fn blocks_are_kept_up_to_the_budget_least_recently_used_first_out() {
        let cache = BlockCache::with_budget(1000);
        cache.put("a", 0, block(400));
        cache.put("a", 400, block(400));
        // The first is used again, so the second is the oldest when room is needed.
        assert!(cache.get("a", 0).is_some());
        cache.put("b", 0, block(300));
        assert!(cache.get("a", 400).is_none());
        assert_eq!(cache.get("a", 0).map(|b| b.len()), Some(400));
        assert_eq!(cache.get("b", 0).map(|b| b.len()), Some(300));
        assert_eq!(cache.inner.lock().bytes, 700);
        // Putting a kept block again does not count its bytes twice.
        cache.put("b", 0, block(300));
        assert_eq!(cache.inner.lock().bytes, 700);
        // One block as large as the budget leaves room for nothing else.
        cache.put("c", 0, block(1000));
        assert!(cache.get("a", 0).is_none() && cache.get("b", 0).is_none());
        assert!(cache.get("c", 0).is_some());
        // A block larger than the budget is not kept, and drops nothing.
        cache.put("d", 0, block(1001));
        assert!(cache.get("d", 0).is_none());
        assert!(cache.get("c", 0).is_some());
        let inner = cache.inner.lock();
        assert_eq!(
            (inner.bytes, inner.blocks.len(), inner.by_use.len()),
            (1000, 1, 1)
        );
    }
}
