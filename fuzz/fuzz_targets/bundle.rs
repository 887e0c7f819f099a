#![no_main]
//! `.cairnbak` files, read into an empty in-memory store, whole and streamed in pieces (which
//! must read the same). Each input is tried as it is, and with a valid end record appended, so
//! that the record parsing behind the checksum is reached. A bundle that reads opens as a
//! store, and whatever that store writes as a bundle reads again.

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
    let whole = block_on(bundle::read(bytes, &dst));
    // The same bytes streamed in pieces (of a size the input picks) read the same: the reader
    // decides at the same byte wherever the pieces are cut.
    let size = 1 + usize::from(bytes.first().copied().unwrap_or(0) % 64);
    let streamed_dst = MemoryStorage::new();
    let streamed = block_on(async {
        let mut reader = bundle::Reader::new(&streamed_dst).await?;
        for piece in bytes.chunks(size) {
            reader.push(piece).await?;
        }
        reader.finish().await
    });
    assert_eq!(whole, streamed, "pieces of {size} read otherwise");
    assert_eq!(dst.total_bytes(), streamed_dst.total_bytes());
    if whole.is_err() {
        assert_eq!(dst.total_bytes(), 0, "a refused bundle left files");
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
