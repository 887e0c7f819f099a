//! Helpers shared by Cairn's native tests.

use std::path::Path;

use cairn::{block_on, FsStorage};
use cairn_core::chunk_store::{ChunkStore, Options};
use cairn_core::{Hash, MemoryStorage};

/// A chunk store on a fresh directory, with small table files so tests see several of them.
pub fn small_tables() -> Options {
    Options {
        table_target_bytes: 16 * 1024,
    }
}

pub fn open_fs(dir: &Path) -> ChunkStore<FsStorage> {
    block_on(ChunkStore::open_with(FsStorage::new(dir), small_tables())).expect("open store")
}

pub fn open_mem(storage: &MemoryStorage) -> ChunkStore<MemoryStorage> {
    block_on(ChunkStore::open_with(storage.clone(), small_tables())).expect("open store")
}

/// Deterministic chunk contents: chunk `i` of a test, a few hundred bytes.
pub fn chunk(i: u32) -> Vec<u8> {
    let len = 200 + (i as usize * 53) % 700;
    (0..len)
        .map(|j| (j as u32 ^ i.wrapping_mul(0x9e37_79b9)).to_le_bytes()[0])
        .collect()
}

/// Puts chunks `0..count` and commits with the last as root; returns their addresses.
pub fn fill<S: cairn_core::Storage>(store: &mut ChunkStore<S>, count: u32) -> Vec<Hash> {
    let hashes: Vec<Hash> = (0..count)
        .map(|i| block_on(store.put(&chunk(i))).expect("put"))
        .collect();
    let root = store.root();
    block_on(store.commit(root, *hashes.last().unwrap())).expect("commit");
    hashes
}
