//! Stopping long operations: Ctrl-C on the CLI and a sink that asks to stop leave every store
//! valid, and the operation runs again; progress totals are honest from the first event.

use std::fs;
use std::path::{Path, PathBuf};

use cairn::block_on;
use cairn_core::backup::Repair;
use cairn_core::chunk_store::ChunkStore;
use cairn_core::repo::{CommitOptions, Config, Repo, RepoError, Signature};
use cairn_core::sync::{Progress, Sink, SyncError};
use cairn_core::MemoryStorage;
use cairn_tests::{cairn_in, ok, Delays, Ending};

fn author() -> Signature {
    Signature {
        name: "t".into(),
        email: "t@example.com".into(),
        time_ms: 1,
    }
}

fn rows(n: usize, tag: &str) -> String {
    (0..n)
        .map(|i| format!("({i}, '{tag} {i}')"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A database `db` in `parent` whose table `t` holds 200,000 rows: enough that a sync or an
/// export takes long enough to be stopped midway.
fn rows_db(parent: &Path) -> PathBuf {
    let d = parent.join("db");
    fs::create_dir(&d).unwrap();
    ok(&d, &["init"]);
    let create = format!(
        "create table t (id int primary key, v text); insert into t values {}",
        rows(200_000, "first")
    );
    assert_eq!(cairn_in(&d, &["sql"], Some(&create)).code, 0);
    d
}

#[test]
fn ctrl_c_mid_sync_exits_130_and_leaves_both_sides_valid() {
    let root = tempfile::tempdir().unwrap();
    let d = rows_db(root.path());
    ok(&d, &["backup", "add", "b", "file://../b"]);
    ok(&d, &["backup", "sync", "b"]);
    let mut stopped = 0;
    let mut delays = Delays::starting_at(20);
    for round in 0..20u64 {
        // Every row changes: the next sync walks the whole new tree, batch after batch.
        let update = format!("update t set v = 'round {round}'");
        ok(&d, &["sql", "-q", &update]);
        let sync = ["backup", "sync", "b", "--quiet"];
        if cairn_tests::ctrl_c_after(&d, &sync, &mut delays) == Ending::Stopped {
            stopped += 1;
        }
        check(root.path(), &d);
        if stopped >= 2 {
            break;
        }
    }
    assert!(stopped > 0, "no sync was stopped by Ctrl-C");
}

#[test]
fn ctrl_c_mid_export_or_restore_from_a_file_leaves_nothing_half_written() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = rows_db(r);
    ok(&d, &["commit", "-a", "-m", "rows"]);
    ok(&d, &["backup", "sync-url", "file://../b"]);
    ok(r, &["backup", "export", "file://b", "whole.cairnbak"]);
    let leftovers = || {
        let mut names: Vec<String> = fs::read_dir(r)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = leftovers();
    let (mut exports, mut restores) = (0, 0);
    let (mut export_delays, mut restore_delays) =
        (Delays::starting_at(30), Delays::starting_at(30));
    for _ in 0..30 {
        let export = ["backup", "export", "--quiet", "file://b", "out.cairnbak"];
        if cairn_tests::ctrl_c_after(r, &export, &mut export_delays) == Ending::Stopped {
            exports += 1;
            assert_eq!(leftovers(), before, "a stopped export left a file");
        }
        let _ = fs::remove_file(r.join("out.cairnbak"));
        let restore = ["backup", "restore", "--quiet", "whole.cairnbak", "restored"];
        if cairn_tests::ctrl_c_after(r, &restore, &mut restore_delays) == Ending::Stopped {
            restores += 1;
            assert_eq!(leftovers(), before, "a stopped restore left files");
        }
        let _ = fs::remove_dir_all(r.join("restored"));
        if exports > 0 && restores > 0 {
            break;
        }
    }
    assert!(
        exports > 0 && restores > 0,
        "stopped {exports} exports, {restores} restores"
    );
}

/// Both sides verify clean, and a sync run again completes and restores.
fn check(root: &Path, d: &Path) {
    assert!(ok(d, &["fsck"]).contains("no problems found"));
    assert!(ok(d, &["backup", "verify", "b"]).contains("no problems found"));
    ok(d, &["backup", "sync", "b", "--quiet"]);
    let _ = fs::remove_dir_all(root.join("restored"));
    ok(
        root,
        &["backup", "restore", "--quiet", "file://b", "restored"],
    );
    let count = ok(
        &root.join("restored"),
        &["sql", "-q", "select count(*) from t", "-r", "csv"],
    );
    assert_eq!(count, "count(*)\n200000\n");
}

/// Records every event; asks to stop after `stop_after` events, if given.
struct Recorder {
    events: Vec<Progress>,
    stop_after: Option<usize>,
}

impl Sink for Recorder {
    fn report(&mut self, p: &Progress) {
        self.events.push(*p);
    }

    fn interrupted(&mut self) -> bool {
        self.stop_after.is_some_and(|n| self.events.len() >= n)
    }
}

fn recorder(stop_after: Option<usize>) -> Recorder {
    Recorder {
        events: Vec::new(),
        stop_after,
    }
}

/// A database of 20,000 rows in memory, committed.
fn database() -> Repo<MemoryStorage> {
    let store = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
    let mut repo = block_on(Repo::init(store, Config::new("db"), &author())).unwrap();
    let sql = format!(
        "create table t (id int primary key, v text); insert into t values {}",
        rows(20_000, "row")
    );
    block_on(repo.sql(&sql)).unwrap();
    block_on(repo.commit("rows", CommitOptions::ALL, &author())).unwrap();
    repo
}

fn fraction(p: &Progress) -> f64 {
    p.chunks_done as f64 / p.chunks_total as f64
}

/// The first event of the walk is below half way, the last at all of it, and totals never
/// shrink nor fall behind what is done.
fn assert_honest(what: &str, events: &[Progress]) {
    let walk: Vec<&Progress> = events
        .iter()
        .filter(|e| e.phase == cairn_core::sync::Phase::Chunks)
        .collect();
    assert!(walk.len() >= 3, "{what}: {} events", walk.len());
    assert!(fraction(walk[0]) < 0.5, "{what}: first event {:?}", walk[0]);
    let last = walk.last().unwrap();
    assert_eq!(last.chunks_done, last.chunks_total, "{what}: last {last:?}");
    for w in walk.windows(2) {
        assert!(w[1].chunks_total >= w[0].chunks_total, "{what}: {w:?}");
        assert!(w[1].chunks_done >= w[0].chunks_done, "{what}: {w:?}");
        assert!(w[1].chunks_done <= w[1].chunks_total, "{what}: {w:?}");
    }
}

#[test]
fn push_clone_and_an_incremental_sync_report_honest_totals() {
    let mut repo = database();
    let remote = MemoryStorage::new();
    let mut remote_store = block_on(ChunkStore::open(remote.clone())).unwrap();
    repo.add_remote("origin", "mem://r", |a: &str, b: &str| a == b)
        .unwrap();
    let mut sink = recorder(None);
    block_on(repo.push("origin", &mut remote_store, "main", false, &mut sink)).unwrap();
    assert_honest("push", &sink.events);

    let mut sink = recorder(None);
    let empty = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
    block_on(Repo::clone_from(
        empty,
        &remote_store,
        "mem://r",
        "c",
        &mut sink,
    ))
    .unwrap();
    assert_honest("clone", &sink.events);

    let backup = MemoryStorage::new();
    let mut dst = block_on(ChunkStore::open(backup.clone())).unwrap();
    block_on(repo.backup_sync(
        &mut dst,
        "mem://b",
        &cairn_core::backup::Note::default(),
        1,
        Repair::IfSeenDamaged,
        &mut recorder(None),
    ))
    .unwrap();
    block_on(repo.sql("update t set v = 'changed'")).unwrap();
    let mut sink = recorder(None);
    block_on(repo.backup_sync(
        &mut dst,
        "mem://b",
        &cairn_core::backup::Note::default(),
        2,
        Repair::IfSeenDamaged,
        &mut sink,
    ))
    .unwrap();
    assert_honest("incremental sync", &sink.events);
}

#[test]
fn a_sink_that_stops_leaves_the_destination_as_it_was() {
    let mut repo = database();
    let backup = MemoryStorage::new();
    let mut dst = block_on(ChunkStore::open(backup.clone())).unwrap();
    block_on(repo.backup_sync(
        &mut dst,
        "mem://b",
        &cairn_core::backup::Note::default(),
        1,
        Repair::IfSeenDamaged,
        &mut recorder(None),
    ))
    .unwrap();
    block_on(repo.sql("update t set v = 'changed'")).unwrap();
    let before = block_on(cairn_core::Storage::read_manifest(&backup)).unwrap();
    let stopped = block_on(repo.backup_sync(
        &mut dst,
        "mem://b",
        &cairn_core::backup::Note::default(),
        2,
        Repair::IfSeenDamaged,
        &mut recorder(Some(1)),
    ));
    assert!(
        matches!(
            stopped,
            Err(cairn_core::backup::BackupError::Sync(
                SyncError::Interrupted
            ))
        ),
        "{stopped:?}"
    );
    assert_eq!(
        block_on(cairn_core::Storage::read_manifest(&backup)).unwrap(),
        before
    );
    assert!(block_on(cairn_core::verify::verify(&backup))
        .unwrap()
        .is_ok());
    // The same push stopped at once leaves the remote empty; run again, it completes.
    let mut remote = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
    repo.add_remote("o", "mem://o", |a: &str, b: &str| a == b)
        .unwrap();
    let pushed = block_on(repo.push("o", &mut remote, "main", false, &mut recorder(Some(0))));
    assert!(matches!(
        pushed,
        Err(RepoError::Sync(SyncError::Interrupted))
    ));
    assert!(remote.root().is_empty());
    block_on(repo.backup_sync(
        &mut dst,
        "mem://b",
        &cairn_core::backup::Note::default(),
        3,
        Repair::IfSeenDamaged,
        &mut recorder(None),
    ))
    .unwrap();
}

#[test]
fn a_backup_export_reports_true_totals_and_stops_when_asked() {
    let mut repo = database();
    let backup = MemoryStorage::new();
    let mut dst = block_on(ChunkStore::open(backup.clone())).unwrap();
    for time in 1..=3 {
        block_on(repo.sql(&format!("update t set v = 'export {time}'"))).unwrap();
        let mut sink = recorder(None);
        let note = cairn_core::backup::Note::default();
        let sync = repo.backup_sync(
            &mut dst,
            "mem://b",
            &note,
            time,
            Repair::IfSeenDamaged,
            &mut sink,
        );
        block_on(sync).unwrap();
    }
    let mut sink = recorder(None);
    let parts = block_on(cairn_core::bundle::write(&dst, &mut sink)).unwrap();
    let last = sink.events.last().unwrap();
    assert_eq!(
        (last.chunks_done, last.bytes_done),
        (last.chunks_total, last.bytes_total)
    );
    let tables: u64 = dst.manifest().tables.iter().map(|t| t.size).sum();
    assert_eq!(last.bytes_total, tables);
    assert!(parts.iter().map(Vec::len).sum::<usize>() as u64 > tables);
    assert!(sink.events.iter().all(|e| e.bytes_total == tables));
    let stopped = block_on(cairn_core::bundle::write(&dst, &mut recorder(Some(1))));
    assert_eq!(stopped, Err(cairn_core::bundle::BundleError::Interrupted));
}
