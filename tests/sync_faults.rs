//! Atomicity of sync, restore and push: a storage that fails its k-th write, for every k of a
//! real run, and a real `cairn backup sync` process killed midway. Whatever the moment, source
//! and destination stay valid, holding the old state or the new one.

use cairn::block_on;
use cairn_core::backup;
use cairn_core::chunk_store::{ChunkStore, Options};
use cairn_core::conformance::Instrumented;
use cairn_core::repo::{CommitOptions, Config, Repo, Signature};
use cairn_core::verify::verify;
use cairn_core::MemoryStorage;
use cairn_core::Storage;

/// What a first write that failed leaves: nothing, or table files and no manifest, which
/// verify reports as such (they restore nothing) and nothing else.
fn assert_only_leftovers(storage: &MemoryStorage) {
    let report = block_on(verify(storage)).unwrap();
    assert!(
        report
            .problems
            .iter()
            .all(|p| matches!(p, cairn_core::verify::Problem::NoManifest { .. })),
        "{report:?}"
    );
}

/// A memory store that fails its k-th write (put or manifest swap), counting from 1.
type FailingStorage = Instrumented<MemoryStorage>;

fn author() -> Signature {
    Signature {
        name: "t".into(),
        email: "t@example.com".into(),
        time_ms: 1,
    }
}

fn small() -> Options {
    Options {
        table_target_bytes: 8 * 1024,
    }
}

/// A database with several tables, branches and an uncommitted change, in memory.
fn source() -> Repo<MemoryStorage> {
    let store = block_on(ChunkStore::open_with(MemoryStorage::new(), small())).unwrap();
    let mut repo = block_on(Repo::init(store, Config::new("owner"), &author())).unwrap();
    let mut values = String::new();
    for i in 0..2000 {
        values.push_str(&format!(
            "{}({i}, 'row number {i}', {i}.5)",
            if i > 0 { "," } else { "" }
        ));
    }
    block_on(repo.sql(&format!(
        "create table t (id int primary key, name text, x double); insert into t values {values}"
    )))
    .unwrap();
    block_on(repo.commit("rows", CommitOptions::ALL, &author())).unwrap();
    block_on(repo.create_branch("feature", None)).unwrap();
    block_on(repo.sql("update t set name = 'changed' where id < 50; create table wip (a int)"))
        .unwrap();
    repo
}

/// The backup's snapshot count, after checking the store opens and verifies.
fn backup_state(storage: &MemoryStorage) -> usize {
    assert!(block_on(verify(storage)).unwrap().is_ok());
    let store = block_on(ChunkStore::open(storage.clone())).unwrap();
    block_on(backup::read(&store))
        .unwrap()
        .map_or(0, |b| b.snapshots.len())
}

/// Adds a snapshot of `repo` (owner "owner", branch main) at time `time_ms` to `dst`.
fn sync_backup<D: Storage>(
    repo: &Repo<MemoryStorage>,
    dst: &mut ChunkStore<D>,
    time_ms: u64,
) -> Result<backup::SyncOutcome, backup::BackupError> {
    block_on(backup::sync(
        repo.store(),
        "owner",
        "main",
        None,
        &cairn_core::backup::Note::default(),
        dst,
        time_ms,
        backup::Repair::IfSeenDamaged,
        &mut cairn_core::sync::Silent,
    ))
}

/// How many writes `run` makes when nothing fails.
fn writes_of(storage: MemoryStorage, run: impl Fn(FailingStorage) -> bool) -> usize {
    let counting = FailingStorage::new(storage);
    assert!(run(counting.clone()), "the run succeeds without faults");
    counting.writes()
}

#[test]
fn a_backup_sync_failing_at_any_write_leaves_the_old_backup() {
    let repo = source();
    // A backup that already holds one snapshot, then one more change to sync.
    let base = MemoryStorage::new();
    let mut dst = block_on(ChunkStore::open_with(base.clone(), small())).unwrap();
    sync_backup(&repo, &mut dst, 1).unwrap();
    let mut repo = repo;
    block_on(repo.sql("insert into wip values (1), (2)")).unwrap();

    let sync_into = |storage: FailingStorage| {
        let mut dst = block_on(ChunkStore::open_with(storage, small())).unwrap();
        sync_backup(&repo, &mut dst, 2).is_ok()
    };
    let snapshot_of = |s: &MemoryStorage| {
        let copy = MemoryStorage::new();
        for o in block_on(s.list()).unwrap() {
            block_on(copy.put(&o.name, &block_on(s.get(&o.name)).unwrap().unwrap())).unwrap();
        }
        block_on(copy.swap_manifest(None, &block_on(s.read_manifest()).unwrap().unwrap().bytes))
            .unwrap();
        copy
    };
    let total = writes_of(snapshot_of(&base), sync_into);
    assert!(
        total >= 2,
        "a sync writes table files and then the manifest"
    );
    for k in 1..=total {
        let storage = snapshot_of(&base);
        assert!(
            !sync_into(FailingStorage::failing_at(storage.clone(), k)),
            "write {k} was meant to fail"
        );
        assert_eq!(
            backup_state(&storage),
            1,
            "after a failure at write {k} the backup is the old one"
        );
        // And the next sync completes it.
        assert!(sync_into(FailingStorage::new(storage.clone())));
        assert_eq!(backup_state(&storage), 2);
    }
}

#[test]
fn a_restore_failing_at_any_write_leaves_an_empty_store() {
    let repo = source();
    let backup_storage = MemoryStorage::new();
    let mut dst = block_on(ChunkStore::open_with(backup_storage.clone(), small())).unwrap();
    sync_backup(&repo, &mut dst, 1).unwrap();
    let src = block_on(ChunkStore::open(backup_storage)).unwrap();

    let restore_into = |storage: FailingStorage| {
        let mut dst = block_on(ChunkStore::open_with(storage, small())).unwrap();
        block_on(backup::restore(
            &src,
            None,
            &mut dst,
            &mut cairn_core::sync::Silent,
        ))
        .is_ok()
    };
    let total = writes_of(MemoryStorage::new(), restore_into);
    for k in 1..=total {
        let storage = MemoryStorage::new();
        assert!(!restore_into(FailingStorage::failing_at(
            storage.clone(),
            k
        )));
        assert_only_leftovers(&storage);
        assert!(
            block_on(storage.read_manifest()).unwrap().is_none(),
            "failure at write {k} left a root"
        );
    }
    // The complete restore is the same database.
    let storage = MemoryStorage::new();
    assert!(restore_into(FailingStorage::new(storage.clone())));
    let store = block_on(ChunkStore::open(storage)).unwrap();
    let restored = block_on(Repo::open(store, Config::new("new"))).unwrap();
    assert_eq!(restored.datasets(), repo.datasets());
}

#[test]
fn a_push_failing_at_any_write_leaves_the_remote_as_it_was() {
    let mut repo = source();
    repo.add_remote("origin", "mem://r", |a, b| a == b).unwrap();
    let push_into = |repo: &mut Repo<MemoryStorage>, storage: FailingStorage| {
        let mut remote = block_on(ChunkStore::open_with(storage, small())).unwrap();
        block_on(repo.push(
            "origin",
            &mut remote,
            "main",
            false,
            &mut cairn_core::sync::Silent,
        ))
        .is_ok()
    };
    let counting = FailingStorage::new(MemoryStorage::new());
    assert!(
        push_into(&mut repo, counting.clone()),
        "the push succeeds without faults"
    );
    let total = counting.writes();
    for k in 1..=total {
        let storage = MemoryStorage::new();
        assert!(!push_into(
            &mut repo,
            FailingStorage::failing_at(storage.clone(), k)
        ));
        assert_only_leftovers(&storage);
        assert!(
            block_on(storage.read_manifest()).unwrap().is_none(),
            "failure at write {k} moved the remote"
        );
    }
}

#[test]
fn a_failed_walk_leaves_nothing_a_later_commit_would_list() {
    let repo = source();
    let root = repo.store().root();
    let walk_into = |storage: FailingStorage| {
        let mut dst = block_on(ChunkStore::open_with(storage, small())).unwrap();
        let copied = block_on(cairn_core::sync::copy_closure(
            repo.store(),
            &mut dst,
            &[root],
            &mut cairn_core::sync::Silent,
        ));
        (copied.is_ok(), dst)
    };
    let counting = FailingStorage::new(MemoryStorage::new());
    let (copied, _) = walk_into(counting.clone());
    assert!(copied);
    let total = counting.writes();
    assert!(total >= 3, "the walk writes several table files ({total})");
    for k in 1..=total {
        let storage = MemoryStorage::new();
        let (copied, mut dst) = walk_into(FailingStorage::failing_at(storage.clone(), k));
        assert!(!copied, "write {k} was meant to fail");
        // The writer goes on and commits something else: the walk's parents, written before
        // their children, must not be listed with it.
        assert!(
            !dst.has(&root),
            "after a failure at write {k} the walk's root is still visible"
        );
        let other = block_on(dst.put(b"unrelated")).unwrap();
        block_on(dst.commit(cairn_core::Hash::EMPTY, other)).unwrap();
        let reopened = block_on(ChunkStore::open(storage)).unwrap();
        assert!(
            !reopened.has(&root),
            "failure at write {k}: a partial walk was committed"
        );
        assert!(reopened.has(&other));
    }
}
