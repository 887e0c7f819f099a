//! The blocks a chunk store decoded last, so that reading a tree node by node (a point
//! lookup's path, a scan's leaves one after another) decodes each block once, not once per
//! chunk in it.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use spin::Mutex;

/// How many decoded blocks are kept: at most about 4 MiB of them (256 KiB blocks), enough for
/// the path from a root to a leaf and the leaves a scan is reading.
const KEPT: usize = 16;

type Key = (String, u64);

#[derive(Default)]
pub struct BlockCache {
    /// Most recently used last. A table file never changes, so an entry never goes stale.
    recent: Mutex<VecDeque<(Key, Arc<Vec<u8>>)>>,
}

impl BlockCache {
    /// The decoded block at `offset` of table file `table`, if it is kept.
    pub fn get(&self, table: &str, offset: u64) -> Option<Arc<Vec<u8>>> {
        let mut recent = self.recent.lock();
        let at = recent
            .iter()
            .position(|((t, o), _)| *o == offset && t == table)?;
        let hit = recent.remove(at)?;
        let block = hit.1.clone();
        recent.push_back(hit);
        Some(block)
    }

    pub fn put(&self, table: &str, offset: u64, block: Arc<Vec<u8>>) {
        let mut recent = self.recent.lock();
        if recent.len() == KEPT {
            recent.pop_front();
        }
        recent.push_back(((table.into(), offset), block));
    }
}
