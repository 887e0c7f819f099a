#![no_main]
//! SQL text, run against a small in-memory database. Whatever the script does, the root
//! value left behind encodes and decodes to itself.

use cairn_core::db::root_value::RootValue;
use cairn_core::sql::execute;
use cairn_core::{ChunkStore, MemoryStorage};
use libfuzzer_sys::fuzz_target;
use pollster::block_on;

/// Tables for the fuzzed statements to read and change: keyed and keyless, every type, and
/// one with foreign keys to another and to itself.
const SETUP: &str = "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(8), score DOUBLE, \
    ok BOOL, data BLOB, big BIGINT); \
    INSERT INTO t (id, name, score, ok, data) VALUES (1, 'a', 1.5, true, NULL), \
    (2, NULL, -0.0, false, 'x'), (3, 'ccc', 1e300, NULL, ''); \
    CREATE TABLE k (a INT, b TEXT); INSERT INTO k VALUES (1, 'x'), (1, 'x'), (NULL, NULL); \
    CREATE TABLE c (id INT PRIMARY KEY, tid INT, up INT, \
    FOREIGN KEY (tid) REFERENCES t (id) ON DELETE CASCADE ON UPDATE CASCADE, \
    FOREIGN KEY (up) REFERENCES c (id) ON DELETE SET NULL); \
    INSERT INTO c VALUES (1, 1, NULL), (2, 2, 1), (3, NULL, 2);";

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    let mut store = block_on(ChunkStore::open(MemoryStorage::new())).expect("an empty store");
    let mut root = RootValue::default();
    block_on(execute(&mut store, &mut root, SETUP)).expect("the set-up script");
    let _ = block_on(execute(&mut store, &mut root, sql));
    assert_eq!(RootValue::decode(&root.encode()), Ok(root));
});
