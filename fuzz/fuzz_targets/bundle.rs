#![no_main]
//! `.cairnbak` files, read into an empty in-memory store. Each input is tried as it is, and
//! with a valid end record appended, so that the record parsing behind the checksum is
//! reached. A bundle that reads opens as a store, and whatever that store writes as a bundle
//! reads again.

use cairn_core::bundle;
use cairn_core::hash::Hash;
use cairn_core::{ChunkStore, MemoryStorage};
use libfuzzer_sys::fuzz_target;
use pollster::block_on;

fuzz_target!(|data: &[u8]| {
    check(data);
    let mut fixed = data.to_vec();
    fixed.push(0);
    fixed.extend_from_slice(&Hash::of(data).0);
    check(&fixed);
});

fn check(bytes: &[u8]) {
    let dst = MemoryStorage::new();
    if block_on(bundle::read(bytes, &dst)).is_err() {
        assert_eq!(dst.total_bytes(), 0, "a refused bundle wrote files");
        return;
    }
    // The table files themselves are checked only when they are read.
    let Ok(store) = block_on(ChunkStore::open(dst)) else {
        return;
    };
    let Ok(parts) = block_on(bundle::write(&store, &mut cairn_core::sync::Silent)) else {
        return;
    };
    block_on(bundle::read(&parts.concat(), &MemoryStorage::new())).expect("a written bundle reads");
}
