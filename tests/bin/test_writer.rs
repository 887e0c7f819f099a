//! A writer process for the tests that need real processes: concurrent committers, and a
//! writer that dies between writing a table file and swapping the manifest.
//!
//!     cairn-test-writer chain DIR ID COUNT   COUNT commits, each a chunk naming its parent
//!     cairn-test-writer die-before-swap DIR  writes a table file, then aborts
//!     cairn-test-writer increment DIR COUNT  adds one to a counter manifest COUNT times;
//!                                            prints the versions it won from, one a line

use cairn::{block_on, FsStorage};
use cairn_core::chunk_store::{ChunkStore, StoreError};
use cairn_core::conformance;
use cairn_tests::small_tables;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let open = |dir: &str| {
        block_on(ChunkStore::open_with(FsStorage::new(dir), small_tables())).expect("open")
    };
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["chain", dir, id, count] => {
            let mut store = open(dir);
            for step in 0..count.parse::<u32>().expect("count") {
                // Reload and redo the commit until it lands on top of whatever root is there.
                loop {
                    let parent = store.root();
                    let text = format!("writer {id} step {step} parent {parent}");
                    let root = block_on(store.put(text.as_bytes())).expect("put");
                    match block_on(store.commit(parent, root)) {
                        Ok(()) => break,
                        Err(StoreError::Conflict { .. }) => {
                            block_on(store.reload()).expect("reload")
                        }
                        Err(e) => panic!("writer {id}: {e}"),
                    }
                }
            }
        }
        ["increment", dir, count] => {
            let count = count.parse().expect("count");
            let won = block_on(conformance::increment(&FsStorage::new(dir), count))
                .unwrap_or_else(|e| panic!("{e}"));
            for version in won {
                println!("{}", version.map_or("none".into(), |v| v.0));
            }
        }
        ["die-before-swap", dir] => {
            let mut store = open(dir);
            block_on(store.put(b"never committed")).expect("put");
            block_on(store.flush()).expect("flush");
            std::process::abort();
        }
        _ => {
            eprintln!("usage: cairn-test-writer chain DIR ID COUNT | increment DIR COUNT | die-before-swap DIR");
            std::process::exit(2);
        }
    }
}
