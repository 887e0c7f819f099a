//! The storage conformance suite against the native adapters, and chunk store round trips.

use cairn::{block_on, FsStorage};
use cairn_core::conformance;
use cairn_core::io::{Storage, Version};
use cairn_core::verify::verify;
use cairn_core::MemoryStorage;
use cairn_tests::{chunk, fill, open_fs};

const WRITER: &str = env!("CARGO_BIN_EXE_cairn-test-writer");

/// Writers that each add to a counter manifest, every one on its own handle; the swaps they
/// won, per writer.
fn check_counter<S: Storage>(storage: &S, won: Vec<Vec<Option<Version>>>) {
    let end = block_on(storage.read_manifest()).unwrap();
    conformance::check_increments(0, &end, &won).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn threads_racing_on_one_directory_lose_no_update_and_never_win_twice() {
    let dir = tempfile::tempdir().unwrap();
    let won: Vec<Vec<Option<Version>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let storage = FsStorage::new(dir.path());
                scope.spawn(move || block_on(conformance::increment(&storage, 40)).unwrap())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    check_counter(&FsStorage::new(dir.path()), won);
}

#[test]
fn of_six_threads_swapping_from_one_version_exactly_one_wins_every_round() {
    let dir = tempfile::tempdir().unwrap();
    let writers = 6;
    let barrier = std::sync::Barrier::new(writers);
    let wins: Vec<Vec<u32>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let (storage, barrier) = (FsStorage::new(dir.path()), &barrier);
                scope.spawn(move || {
                    let mut won = Vec::new();
                    for round in 0..50u32 {
                        let current = block_on(storage.read_manifest()).unwrap();
                        // Everyone has read before anyone swaps: all expect one version.
                        barrier.wait();
                        let expected = current.map(|r| r.version);
                        let mine = format!("round {round} writer {w}");
                        let swapped =
                            block_on(storage.swap_manifest(expected.as_ref(), mine.as_bytes()))
                                .unwrap();
                        if swapped.is_some() {
                            won.push(round);
                        }
                        barrier.wait();
                    }
                    won
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut rounds: Vec<u32> = wins.into_iter().flatten().collect();
    rounds.sort_unstable();
    assert_eq!(rounds, (0..50).collect::<Vec<_>>(), "winners per round");
}

#[test]
fn processes_racing_on_one_directory_lose_no_update_and_never_win_twice() {
    let dir = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(WRITER)
                .args(["increment", dir.path().to_str().unwrap(), "40"])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let won = children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success());
            String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .map(|l| (l != "none").then(|| Version(l.into())))
                .collect()
        })
        .collect();
    check_counter(&FsStorage::new(dir.path()), won);
}

#[test]
fn memory_storage_conforms() {
    let storage = MemoryStorage::new();
    let passed =
        block_on(conformance::run(&storage, &storage.clone())).unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(passed.len(), 11);
}

#[test]
fn filesystem_storage_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let (a, b) = (FsStorage::new(&store), FsStorage::new(&store));
    let passed = block_on(conformance::run(&a, &b)).unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(passed.len(), 11);
    // Nothing but the store's own files is left behind: no temporary files, no LOCK.
    let mut names: Vec<String> = std::fs::read_dir(&store)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "manifest" && n != "manifests")
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
    let listed: u32 = reopened
        .manifest()
        .tables
        .iter()
        .map(|t| t.chunk_count)
        .sum();
    assert_eq!(listed, 100, "each chunk is listed once");
    // The merged-away files stay until gc: a reader may still hold a manifest naming them.
    let report = block_on(verify(&FsStorage::new(dir.path()))).unwrap();
    assert!(report.is_ok() && !report.orphans.is_empty(), "{report:?}");
}
