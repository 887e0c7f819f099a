//! Ranged reads, counted, through `Sealed` and without it: sealing must not turn one request
//! into two (core/tests/requests.rs counts the plain store's).

use cairn_core::chunk_store::{ChunkStore, Options};
use cairn_core::conformance::Instrumented;
use cairn_core::io::Storage;
use cairn_core::{Hash, MemoryStorage};
use cairn_crypt::keys::MasterKey;
use cairn_crypt::seal::SEGMENT;
use cairn_crypt::Sealed;
use pollster::block_on;

/// 2,000 chunks of 700 bytes in four commits: four table files of 350 KiB (six segments each).
fn fill<S: Storage>(storage: S) -> Vec<Hash> {
    let mut store = block_on(ChunkStore::open_with(storage, Options::default())).unwrap();
    let mut hashes = Vec::new();
    for i in 0..2000u32 {
        let mut chunk = i.to_le_bytes().to_vec();
        chunk.extend((0..696).map(|j| (i * 31 + j) as u8));
        hashes.push(block_on(store.put(&chunk)).unwrap());
        if i % 500 == 499 {
            let root = store.root();
            block_on(store.commit(root, hashes[i as usize])).unwrap();
        }
    }
    hashes
}

/// Ranged reads to open the store, then to read every 50th chunk.
fn reads<S: Storage>(
    storage: S,
    counted: &Instrumented<MemoryStorage>,
    hashes: &[Hash],
) -> (usize, usize) {
    counted.take_reads();
    let store = block_on(ChunkStore::open(storage)).unwrap();
    let open = counted.take_reads();
    // Every 50th chunk: 35 KB apart, too far to share a read.
    let wanted: Vec<Hash> = hashes.iter().step_by(50).copied().collect();
    let chunks = block_on(store.get_many(&wanted)).unwrap();
    assert!(chunks.iter().all(Option::is_some));
    (open, counted.take_reads())
}

#[test]
fn a_sealed_store_reads_with_as_many_requests_as_a_plain_one() {
    let master = MasterKey::from_bytes([5; 32]);
    let plain = Instrumented::new(MemoryStorage::new());
    let hashes = fill(&plain);
    let sealed_inner = Instrumented::new(MemoryStorage::new());
    assert_eq!(fill(Sealed::new(&sealed_inner, &master)), hashes);
    assert_eq!(sealed_inner.writes(), plain.writes());

    let plain_reads = reads(&plain, &plain, &hashes);
    let sealed_reads = reads(Sealed::new(&sealed_inner, &master), &sealed_inner, &hashes);
    println!(
        "ranged reads (open, every 50th chunk): plain {plain_reads:?}, sealed {sealed_reads:?}"
    );
    assert_eq!(sealed_reads, plain_reads);
}

#[test]
fn a_size_not_yet_known_costs_a_second_read_only_at_the_end() {
    let master = MasterKey::from_bytes([5; 32]);
    let inner = Instrumented::new(MemoryStorage::new());
    let data: Vec<u8> = (0..3 * SEGMENT as usize + 100).map(|i| i as u8).collect();
    block_on(Sealed::new(&inner, &master).put("obj", &data)).unwrap();
    inner.take_reads();
    // A fresh handle knows no size: whole segments in the middle come in one read.
    let fresh = Sealed::new(&inner, &master);
    let middle = block_on(fresh.get_range("obj", SEGMENT + 5, SEGMENT)).unwrap();
    assert_eq!(
        middle.unwrap(),
        data[SEGMENT as usize + 5..2 * SEGMENT as usize + 5]
    );
    assert_eq!(inner.take_reads(), 1);
    let fresh = Sealed::new(&inner, &master);
    let tail = block_on(fresh.get_range("obj", 3 * SEGMENT, 100)).unwrap();
    assert_eq!(tail.unwrap(), data[3 * SEGMENT as usize..]);
    assert_eq!(
        inner.take_reads(),
        2,
        "the out-of-range answer gives the size"
    );
    let again = block_on(fresh.get_range("obj", 3 * SEGMENT + 50, 50)).unwrap();
    assert_eq!(again.unwrap(), data[3 * SEGMENT as usize + 50..]);
    assert_eq!(inner.take_reads(), 1, "then it is known");
}
