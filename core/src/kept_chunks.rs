//! Chunks a reader asked the store to keep, already checked against their addresses: a prolly
//! tree's root and internal nodes, which every lookup reads again. Since table files hold
//! chunks in compressed blocks (version 3), a cold node costs a whole block's decoding; kept,
//! it costs a copy. Leaves are not kept: a random key's leaf is rarely read twice.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;

use spin::Mutex;

use crate::hash::Hash;

/// How many chunks are kept: about 4 MiB of 4 KiB nodes, the internal nodes of a table of tens
/// of millions of rows.
const KEPT: usize = 1024;

/// Each chunk with when it was last asked for (the oldest goes first when full), and the
/// clock those times are read from.
type Kept = (BTreeMap<Hash, (Arc<[u8]>, u64)>, u64);

#[derive(Default)]
pub struct KeptChunks {
    chunks: Mutex<Kept>,
}

impl KeptChunks {
    pub fn get(&self, hash: &Hash) -> Option<Arc<[u8]>> {
        let mut guard = self.chunks.lock();
        let (chunks, clock) = &mut *guard;
        *clock += 1;
        let (chunk, used) = chunks.get_mut(hash)?;
        *used = *clock;
        Some(chunk.clone())
    }

    /// Keeps `chunk`, which the caller checked hashes to `hash`.
    pub fn put(&self, hash: Hash, chunk: Arc<[u8]>) {
        let mut guard = self.chunks.lock();
        let (chunks, clock) = &mut *guard;
        *clock += 1;
        if chunks.len() >= KEPT && !chunks.contains_key(&hash) {
            let oldest = chunks
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(h, _)| *h);
            if let Some(oldest) = oldest {
                chunks.remove(&oldest);
            }
        }
        chunks.insert(hash, (chunk, *clock));
    }

    /// Drops every kept chunk: written ones may have been abandoned.
    pub fn clear(&self) {
        self.chunks.lock().0.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_asked_for_goes_first() {
        let kept = KeptChunks::default();
        let hashes: alloc::vec::Vec<Hash> = (0..=KEPT as u32)
            .map(|i| Hash::of(&i.to_le_bytes()))
            .collect();
        for h in &hashes[..KEPT] {
            kept.put(*h, Arc::from(&h.0[..]));
        }
        // The first is asked for again, so the second is the oldest when one more comes.
        assert!(kept.get(&hashes[0]).is_some());
        kept.put(hashes[KEPT], Arc::from(&hashes[KEPT].0[..]));
        assert_eq!(kept.get(&hashes[0]).as_deref(), Some(&hashes[0].0[..]));
        assert!(kept.get(&hashes[1]).is_none());
        assert!(kept.get(&hashes[KEPT]).is_some());
        kept.clear();
        assert!(kept.get(&hashes[0]).is_none());
    }
}
