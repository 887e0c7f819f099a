//! The format parameters every dataset map records (docs/FORMAT.md, "Dataset maps"): a
//! database written before they were recorded opens and reads as today's parameters, and one
//! recording parameters this build does not know is refused, not misread.

use std::fs;
use std::path::{Path, PathBuf};

use cairn::{block_on, FsStorage};
use cairn_core::chunk_store::ChunkStore;
use cairn_core::codec::{put_bytes, put_uvarint};
use cairn_core::db::params;
use cairn_tests::{copy_tree, fails, new_db, ok};

/// `tests/vectors/v1/database`: a database (config and store) that cairn wrote before format
/// parameters were recorded: table `t` of three rows committed, one updated since.
fn old_database(parent: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/v1/database");
    let db = parent.join("db");
    copy_tree(&from, &db.join(".cairn"));
    db
}

/// The bytes of the database's root chunk, its dataset map.
fn root_map(db: &Path) -> Vec<u8> {
    let store = block_on(ChunkStore::open(FsStorage::new(db.join(".cairn/store")))).unwrap();
    block_on(store.get(&store.root())).unwrap().unwrap()
}

fn current_record() -> Vec<u8> {
    let mut record = Vec::new();
    params::encode(&mut record);
    record
}

#[test]
fn a_database_from_before_parameters_opens_and_records_them_when_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = old_database(dir.path());
    assert!(!root_map(&db).ends_with(&current_record()));
    assert_eq!(
        ok(&db, &["sql", "-q", "SELECT * FROM t"]),
        "+----+------+\n\
         | id | name |\n\
         +----+------+\n\
         | 1  | uno  |\n\
         | 2  | two  |\n\
         | 3  | NULL |\n\
         +----+------+\n"
    );
    ok(&db, &["fsck"]);
    ok(&db, &["commit", "-a", "-m", "after"]);
    assert!(root_map(&db).ends_with(&current_record()));
    ok(&db, &["fsck"]);
}

#[test]
fn a_database_recording_unknown_parameters_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_db(dir.path());
    // The root map as a newer cairn with another target node size would write it.
    let map = root_map(&db);
    let mut newer = map[..map.len() - current_record().len()].to_vec();
    put_uvarint(&mut newer, 3);
    for (name, value) in [("prolly.boundary", 1), ("prolly.target", 8192), ("rows", 1)] {
        put_bytes(&mut newer, name.as_bytes());
        put_uvarint(&mut newer, value);
    }
    let mut store = block_on(ChunkStore::open(FsStorage::new(db.join(".cairn/store")))).unwrap();
    let root = block_on(store.put(&newer)).unwrap();
    block_on(store.commit(store.root(), root)).unwrap();

    let refused = "error: the store was made by a newer cairn: it records format parameter \
                   'prolly.target' = 8192, which this cairn does not know; use a newer cairn\n";
    assert_eq!(fails(&db, &["log"]), refused);
    assert_eq!(fails(&db, &["sql", "-q", "SELECT 1"]), refused);
    fs::create_dir(dir.path().join("backup")).unwrap();
    assert_eq!(fails(&db, &["backup", "sync", "file://../backup"]), refused);
}
