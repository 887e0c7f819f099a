//! The storage conformance suite against the native adapters, and chunk store round trips.

use cairn::{block_on, FsStorage};
use cairn_core::conformance;
use cairn_core::verify::verify;
use cairn_core::MemoryStorage;
use cairn_tests::{chunk, fill, open_fs};

#[test]
fn memory_storage_conforms() {
    let storage = MemoryStorage::new();
    let passed =
        block_on(conformance::run(&storage, &storage.clone())).unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(passed.len(), 10);
}

#[test]
fn filesystem_storage_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let (a, b) = (FsStorage::new(&store), FsStorage::new(&store));
    let passed = block_on(conformance::run(&a, &b)).unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(passed.len(), 10);
    // Nothing but the store's own files is left behind: no temporary files, no LOCK.
    let mut names: Vec<String> = std::fs::read_dir(&store)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "manifest")
        .collect();
    names.sort();
    assert!(
        names.iter().all(|n| n.len() == 32),
        "stray files: {names:?}"
    );
}

#[test]
fn many_chunks_round_trip_across_table_files_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open_fs(dir.path());
    let hashes = fill(&mut store, 2_000);
    let tables = store.manifest().tables.len();
    assert!(tables >= 10, "expected many table files, got {tables}");

    let reopened = open_fs(dir.path());
    assert_eq!(reopened.root(), *hashes.last().unwrap());
    for (i, h) in hashes.iter().enumerate() {
        assert_eq!(
            block_on(reopened.get(h)).unwrap(),
            Some(chunk(i as u32)),
            "chunk {i}"
        );
    }
    let report = block_on(verify(&FsStorage::new(dir.path()))).unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!((report.chunks, report.tables), (2_000, tables));
}

#[test]
fn a_second_commit_keeps_the_first_commits_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open_fs(dir.path());
    let first = fill(&mut store, 50);
    let extra = block_on(store.put(b"second commit")).unwrap();
    block_on(store.commit(first[49], extra)).unwrap();

    let reopened = open_fs(dir.path());
    assert_eq!(reopened.root(), extra);
    let present = block_on(reopened.has_many(&first));
    assert!(present.iter().all(|p| *p));
}

#[test]
fn many_small_commits_are_conjoined_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open_fs(dir.path());
    let mut hashes = Vec::new();
    for i in 0..100 {
        let h = block_on(store.put(&chunk(i))).unwrap();
        block_on(store.commit(store.root(), h)).unwrap();
        hashes.push(h);
        assert!(
            store.manifest().tables.len() <= 33,
            "after commit {i}: {} table files",
            store.manifest().tables.len()
        );
    }
    let reopened = open_fs(dir.path());
    for (i, h) in hashes.iter().enumerate() {
        assert_eq!(
            block_on(reopened.get(h)).unwrap(),
            Some(chunk(i as u32)),
            "chunk {i}"
        );
    }
    let report = block_on(verify(&FsStorage::new(dir.path()))).unwrap();
    assert!(report.is_ok() && report.orphans.is_empty(), "{report:?}");
    assert_eq!(report.chunks, 100, "each chunk is stored once");
}
