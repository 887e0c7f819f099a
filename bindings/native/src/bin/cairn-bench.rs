//! Native storage benchmarks. Prints one TSV line per case, `case, runtime, value, unit`, in
//! the same shape as npm/bench/bench.mjs does for the wasm build, so scripts/bench.sh can put
//! both in one table. Each case runs three times; the best run counts.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use cairn::{block_on, FsStorage};
use cairn_core::chunk_store::ChunkStore;
use cairn_core::{Hash, MemoryStorage, Storage};

const DATA_LEN: usize = 64 << 20;
const CHUNK: usize = 4096;
const RUNS: usize = 3;

fn main() {
    let data = pseudo_random(DATA_LEN);
    let mb = DATA_LEN as f64 / 1e6;
    let report = |case: &str, best: Duration| {
        println!("{case}\tnative\t{:.0}\tMB/s", mb / best.as_secs_f64());
    };

    report(
        "blake3 one 64 MiB buffer",
        best_of(|| {
            std::hint::black_box(blake3::hash(&data));
        }),
    );
    report(
        "chunk hashing, 4 KiB chunks",
        best_of(|| {
            for c in data.chunks(CHUNK) {
                std::hint::black_box(Hash::of(c));
            }
        }),
    );

    let (write, read) = store_round_trip(MemoryStorage::new);
    report("chunk store write, memory (64 MiB of 4 KiB chunks)", write);
    report("chunk store read, memory", read);

    let scratch = scratch_dir();
    let (write, read) = store_round_trip(|| {
        let _ = std::fs::remove_dir_all(&scratch);
        FsStorage::new(&scratch)
    });
    let _ = std::fs::remove_dir_all(&scratch);
    report("chunk store write, filesystem", write);
    report("chunk store read, filesystem", read);
}

/// Best times of writing every chunk and committing to a fresh store, then reading each back.
fn store_round_trip<S: Storage>(fresh: impl Fn() -> S) -> (Duration, Duration) {
    let data = pseudo_random(DATA_LEN);
    let (mut write, mut read) = (Duration::MAX, Duration::MAX);
    for _ in 0..RUNS {
        let storage = fresh();
        let started = Instant::now();
        let mut store = block_on(ChunkStore::open(storage)).expect("open");
        let mut hashes = Vec::with_capacity(DATA_LEN / CHUNK);
        for c in data.chunks(CHUNK) {
            hashes.push(block_on(store.put(c)).expect("put"));
        }
        block_on(store.commit(Hash::EMPTY, hashes[0])).expect("commit");
        write = write.min(started.elapsed());

        let store = block_on(ChunkStore::open(store.storage())).expect("reopen");
        let started = Instant::now();
        for h in &hashes {
            std::hint::black_box(block_on(store.get(h)).expect("get").expect("present"));
        }
        read = read.min(started.elapsed());
    }
    (write, read)
}

fn best_of(mut run: impl FnMut()) -> Duration {
    (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .min()
        .unwrap()
}

/// xorshift64: incompressible, reproducible bytes, so no two chunks are alike.
fn pseudo_random(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out
}

fn scratch_dir() -> PathBuf {
    std::env::temp_dir().join(format!("cairn-bench-{}", std::process::id()))
}
