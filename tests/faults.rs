//! Crashes, corruption and concurrent processes: the store stays valid and says what is wrong.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use cairn::{block_on, FsStorage};
use cairn_core::chunk_store::{ChunkStore, StoreError};
use cairn_core::verify::{verify, Problem};
use cairn_core::Hash;
use cairn_tests::{chunk, fill, manifest_file, open_fs};

const WRITER: &str = env!("CARGO_BIN_EXE_cairn-test-writer");

fn table_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().len() == 32)
        .collect();
    files.sort();
    files
}

fn name_of(path: &Path) -> String {
    path.file_name().unwrap().to_str().unwrap().to_owned()
}

#[test]
fn a_writer_killed_before_the_swap_leaves_the_old_root_and_an_orphan() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open_fs(dir.path());
    let hashes = fill(&mut store, 20);
    let before: Vec<String> = table_files(dir.path()).iter().map(|p| name_of(p)).collect();

    let status = Command::new(WRITER)
        .args(["die-before-swap", dir.path().to_str().unwrap()])
        .status()
        .unwrap();
    assert!(!status.success(), "the writer was meant to die");

    let after = table_files(dir.path());
    let orphans: Vec<String> = after
        .iter()
        .map(|p| name_of(p))
        .filter(|n| !before.contains(n))
        .collect();
    assert_eq!(orphans.len(), 1, "the dead writer's table file is on disk");

    let reopened = open_fs(dir.path());
    assert_eq!(
        reopened.root(),
        hashes[19],
        "the store is at the previous root"
    );
    assert_eq!(
        block_on(reopened.get(&Hash::of(b"never committed"))).unwrap(),
        None
    );
    let report = block_on(verify(&FsStorage::new(dir.path()))).unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.orphans, orphans);
}

#[test]
fn a_flipped_byte_is_reported_by_verify_and_by_a_read_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open_fs(dir.path());
    let hashes = fill(&mut store, 30);
    // A second table file, which the damage below does not touch.
    let others: Vec<Hash> = (100..110)
        .map(|i| block_on(store.put(&chunk(i))).unwrap())
        .collect();
    block_on(store.commit(hashes[29], hashes[29])).unwrap();
    drop(store);

    // Find which table file holds chunk 7 and where, then flip the last byte of its record:
    // the block it shares with the chunks written beside it.
    let (path, at, block) = table_files(dir.path())
        .into_iter()
        .find_map(|p| {
            let entries = cairn_tests::table_entries(&fs::read(&p).unwrap());
            let e = *entries.iter().find(|e| e.hash == hashes[7])?;
            let mut block: Vec<Hash> = entries
                .iter()
                .filter(|o| o.offset == e.offset)
                .map(|o| o.hash)
                .collect();
            block.sort();
            Some((p, (e.offset + u64::from(e.len) - 1) as usize, block))
        })
        .expect("chunk 7 is in some table file");
    let mut bytes = fs::read(&path).unwrap();
    bytes[at] ^= 0x80;
    fs::write(&path, &bytes).unwrap();
    let table = name_of(&path);

    let report = block_on(verify(&FsStorage::new(dir.path()))).unwrap();
    let mut damaged: Vec<Hash> = report
        .problems
        .iter()
        .map(|p| match p {
            Problem::CorruptChunk { table: t, hash } if *t == table => *hash,
            other => panic!("{other}"),
        })
        .collect();
    damaged.sort();
    assert_eq!(damaged, block, "every chunk of the damaged block, no other");
    assert!(report.problems[0].to_string().contains(&table));

    let store = open_fs(dir.path());
    let err = block_on(store.get(&hashes[7])).unwrap_err();
    assert_eq!(
        err,
        StoreError::CorruptChunk {
            table: table.clone(),
            hash: hashes[7]
        }
    );
    assert!(err.to_string().contains(&table), "{err}");
    match block_on(store.get_many(&hashes)).unwrap_err() {
        StoreError::CorruptChunk { table: t, hash } => {
            assert_eq!(t, table);
            assert!(block.contains(&hash), "{hash:?}");
        }
        other => panic!("{other}"),
    }
    // The chunks of the other file still read.
    for (i, hash) in (100..110).zip(&others) {
        assert_eq!(block_on(store.get(hash)).unwrap(), Some(chunk(i)));
    }
}

#[test]
fn concurrent_processes_lose_no_commit() {
    let dir = tempfile::tempdir().unwrap();
    let (writers, steps) = (4, 25);
    let children: Vec<_> = (0..writers)
        .map(|id| {
            Command::new(WRITER)
                .args([
                    "chain",
                    dir.path().to_str().unwrap(),
                    &id.to_string(),
                    &steps.to_string(),
                ])
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    // Walk the chain of parents from the final root: every commit of every writer is on it.
    let store = open_fs(dir.path());
    let mut seen = Vec::new();
    let mut at = store.root();
    while !at.is_empty() {
        let text =
            String::from_utf8(block_on(store.get(&at)).unwrap().expect("chain link")).unwrap();
        let (label, parent) = text.split_once(" parent ").unwrap();
        seen.push(label.to_owned());
        at = Hash::parse(parent).unwrap();
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), writers * steps, "commits lost: {seen:?}");
    let report = block_on(verify(&FsStorage::new(dir.path()))).unwrap();
    assert!(report.is_ok(), "{report:?}");
    // No lock, and no temporary file a swap wrote is left behind.
    assert!(!dir.path().join("LOCK").exists());
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("manifests"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn garbage_truncated_and_empty_files_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open_fs(dir.path());
    fill(&mut store, 40);
    drop(store);
    let tables = table_files(dir.path());
    let original = fs::read(&tables[0]).unwrap();
    let table = name_of(&tables[0]);

    let damaged: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("truncated", original[..original.len() / 2].to_vec()),
        ("footer cut", original[..original.len() - 1].to_vec()),
        ("garbage", vec![0xa5; original.len()]),
    ];
    for (what, bytes) in damaged {
        fs::write(&tables[0], &bytes).unwrap();
        let opened = block_on(ChunkStore::open(FsStorage::new(dir.path())));
        match opened {
            Err(StoreError::CorruptTable { table: t, .. }) => assert_eq!(t, table, "{what}"),
            Err(other) => panic!("{what}: {other}"),
            Ok(_) => panic!("{what}: a damaged table file opened"),
        }
        let report = block_on(verify(&FsStorage::new(dir.path()))).unwrap();
        assert!(
            report
                .problems
                .iter()
                .any(|p| matches!(p, Problem::CorruptTable { table: t, .. } if *t == table)),
            "{what}: {report:?}"
        );
    }
    fs::write(&tables[0], &original).unwrap();

    let manifest = manifest_file(dir.path());
    let good = fs::read(&manifest).unwrap();
    for bytes in [
        Vec::new(),
        b"garbage\n".to_vec(),
        good[..good.len() - 3].to_vec(),
    ] {
        fs::write(&manifest, &bytes).unwrap();
        let err = block_on(ChunkStore::open(FsStorage::new(dir.path())))
            .err()
            .expect("refused");
        assert!(matches!(err, StoreError::Manifest(_)), "{err}");
        let report = block_on(verify(&FsStorage::new(dir.path()))).unwrap();
        assert!(
            matches!(report.problems[0], Problem::Manifest(_)),
            "{report:?}"
        );
    }
    fs::write(&manifest, &good).unwrap();
    assert!(block_on(verify(&FsStorage::new(dir.path())))
        .unwrap()
        .is_ok());
}

#[test]
fn a_missing_table_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open_fs(dir.path());
    fill(&mut store, 40);
    let gone = table_files(dir.path()).remove(0);
    fs::remove_file(&gone).unwrap();
    let err = block_on(ChunkStore::open(FsStorage::new(dir.path())))
        .err()
        .unwrap();
    assert_eq!(
        err,
        StoreError::MissingTable {
            table: name_of(&gone)
        }
    );
    let report = block_on(verify(&FsStorage::new(dir.path()))).unwrap();
    assert!(report.problems.contains(&Problem::MissingTable {
        table: name_of(&gone)
    }));
}

#[test]
fn a_layout_1_store_opens_and_its_first_commit_moves_it_to_versions() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open_fs(dir.path());
    let hashes = fill(&mut store, 30);
    drop(store);
    // Make it a store as the LOCK protocol left it: the manifest in `manifest`, a LOCK that a
    // live writer of this host seems to hold (this very process), and no versions.
    let bytes = fs::read(manifest_file(dir.path())).unwrap();
    fs::remove_dir_all(dir.path().join("manifests")).unwrap();
    fs::write(dir.path().join("manifest"), &bytes).unwrap();
    let host = fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let lock = format!("pid {}\nhost {}\ntime 0\n", std::process::id(), host.trim());
    fs::write(dir.path().join("LOCK"), lock).unwrap();

    let mut store = open_fs(dir.path());
    assert_eq!(store.root(), *hashes.last().unwrap());
    let next = block_on(store.put(b"after the upgrade")).unwrap();
    block_on(store.commit(store.root(), next)).unwrap();
    // The commit did not wait for the LOCK, and wrote version 1 and the stub.
    assert!(dir.path().join("manifests/00000000000000000001").exists());
    let stub = fs::read_to_string(dir.path().join("manifest")).unwrap();
    assert!(stub.starts_with("cairn-manifest 2\n"), "{stub}");
    let reopened = open_fs(dir.path());
    assert_eq!(reopened.root(), next);
    assert!(block_on(reopened.has_many(&hashes)).iter().all(|h| *h));
    let report = block_on(verify(&FsStorage::new(dir.path()))).unwrap();
    assert!(report.is_ok(), "{report:?}");
}

#[test]
fn only_the_newest_manifest_versions_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open_fs(dir.path());
    for i in 0..100 {
        let h = block_on(store.put(&chunk(i))).unwrap();
        block_on(store.commit(store.root(), h)).unwrap();
    }
    let versions = fs::read_dir(dir.path().join("manifests")).unwrap().count();
    assert!((60..=70).contains(&versions), "{versions} versions kept");
    assert!(manifest_file(dir.path()).ends_with("00000000000000000100"));
}

#[test]
fn verify_names_the_branches_a_lost_chunk_breaks_and_those_still_whole() {
    use cairn_core::chunk_store::Options;
    use cairn_core::repo::{CommitOptions, Config, Repo, Signature};
    use cairn_core::{MemoryStorage, Storage};
    let author = Signature {
        name: "t".into(),
        email: "t@example.com".into(),
        time_ms: 1,
    };
    // One table file per chunk, so one chunk can be lost alone.
    let storage = MemoryStorage::new();
    let one_each = Options {
        table_target_bytes: 1,
    };
    let store = block_on(ChunkStore::open_with(storage.clone(), one_each)).unwrap();
    let mut repo = block_on(Repo::init(store, Config::new("db"), &author)).unwrap();
    block_on(repo.sql("create table t (id int primary key)")).unwrap();
    block_on(repo.commit("table", CommitOptions::ALL, &author)).unwrap();
    block_on(repo.create_branch("feature", None)).unwrap();
    block_on(repo.sql("insert into t values (1)")).unwrap();
    let main = block_on(repo.commit("row", CommitOptions::ALL, &author)).unwrap();
    let whole = block_on(verify(&storage)).unwrap();
    assert!(whole.is_ok() && whole.damaged.is_empty(), "{whole:?}");

    // Lose the file that holds main's head commit, which only main reaches.
    let bytes = block_on(repo.store().get(&main)).unwrap().unwrap();
    for object in block_on(storage.list()).unwrap() {
        let file = block_on(storage.get(&object.name)).unwrap().unwrap();
        if file.windows(bytes.len()).any(|w| w == bytes.as_slice()) {
            block_on(storage.delete(&object.name)).unwrap();
        }
    }
    let report = block_on(verify(&storage)).unwrap();
    assert_eq!(
        report.damaged,
        vec!["branch 'main'".to_string()],
        "{report:?}"
    );
    assert!(
        report.intact.contains(&"branch 'feature'".to_string()),
        "{report:?}"
    );
    assert!(report
        .problems
        .iter()
        .any(|p| matches!(p, Problem::MissingChunk { hash, from } if *hash == main && from == "branch 'main'")));
}

#[test]
fn names_in_a_remote_or_backup_are_checked_like_typed_ones() {
    use cairn_core::db::datasets::Datasets;
    use cairn_core::repo::{remote_datasets, RepoError};
    use cairn_core::MemoryStorage;
    for evil in [
        "refs/heads/main\n[remote \"origin\"]",
        "refs/tags/..",
        "workingSets/heads/x",
    ] {
        let mut remote = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
        let target = block_on(remote.put(b"a commit, say")).unwrap();
        let mut map = Datasets::default();
        map.map.insert(evil.into(), target);
        let root = block_on(remote.put(&map.encode())).unwrap();
        block_on(remote.commit(Hash::EMPTY, root)).unwrap();
        match block_on(remote_datasets(&remote)) {
            Err(e @ RepoError::InvalidName { .. }) => {
                assert!(!e.to_string().contains('\n'), "{e}")
            }
            other => panic!("{evil:?} came through: {other:?}"),
        }
    }
}
