//! gc: a database, a remote or a backup keeps what its refs reach, in compact files, and
//! loses nothing whatever write fails; leftovers of interrupted writers go after a grace
//! period.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use cairn::block_on;
use cairn_core::chunk_store::{ChunkStore, Options};
use cairn_core::conformance::Instrumented;
use cairn_core::repo::{CommitOptions, Config, Repo, Signature};
use cairn_core::verify::verify;
use cairn_core::{MemoryStorage, Storage};
use cairn_tests::{cairn_in, ok};

/// The bytes of a directory store's table files (names of 32 base32 characters).
fn table_bytes(store: &Path) -> u64 {
    fs::read_dir(store)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().len() == 32)
        .map(|e| e.metadata().unwrap().len())
        .sum()
}

fn written_an_hour_ago(path: &Path) {
    let file = fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
}

/// Creates table `t` with 20,000 rows of text.
fn table_of_20k_rows(d: &Path) {
    let create = format!(
        "create table t (id int primary key, v text); insert into t values {}",
        rows(20_000)
    );
    sql_stdin(d, &create);
}

/// Rows carrying a hash each, so that they compress about as little as real data might.
fn rows(n: usize) -> String {
    rows_of_pass(n, 0)
}

/// `rows`, different in every `pass`.
fn rows_of_pass(n: usize, pass: usize) -> String {
    (0..n)
        .map(|i| {
            let noise = cairn_core::Hash::of(format!("{pass} {i}").as_bytes()).to_base32();
            format!("({i}, 'row {i} with a little text {noise}')")
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Runs SQL too long for one argument, from standard input.
fn sql_stdin(d: &Path, sql: &str) {
    let out = cairn_in(d, &["sql"], Some(sql));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// A database at `parent/name` with 20k rows committed and `updates` one-row updates on top,
/// made in one `sql` call or in one call each.
fn database(parent: &Path, name: &str, one_call: bool) -> PathBuf {
    let d = parent.join(name);
    fs::create_dir(&d).unwrap();
    ok(&d, &["init"]);
    table_of_20k_rows(&d);
    ok(&d, &["commit", "-a", "-m", "rows"]);
    let updates: Vec<String> = (0..60)
        .map(|i| format!("update t set v = 'changed {i}' where id = {}", i * 331))
        .collect();
    if one_call {
        ok(&d, &["sql", "-q", &updates.join("; ")]);
    } else {
        for u in &updates {
            ok(&d, &["sql", "-q", u]);
        }
    }
    d
}

#[test]
fn gc_brings_a_store_within_ten_percent_of_a_fresh_one() {
    let root = tempfile::tempdir().unwrap();
    let used = database(root.path(), "used", false);
    let fresh = database(root.path(), "fresh", true);
    let store = used.join(".cairn/store");
    let before = table_bytes(&store);
    // The files conjoins merged away are deleted once older than the grace period: run gc
    // an hour from now.
    let later = |d: &Path| {
        let hour = SystemTime::now() + Duration::from_secs(3600);
        let ms = hour
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_millis();
        let out = std::process::Command::new(cairn_tests::cairn_bin())
            .arg("gc")
            .current_dir(d)
            .env("CAIRN_TIME_MS", ms.to_string())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let out = later(&used);
    assert!(out.starts_with("gc: "), "{out}");
    let after = table_bytes(&store);
    later(&fresh);
    let clean = table_bytes(&fresh.join(".cairn/store"));
    assert!(after < before, "gc freed nothing: {before} -> {after}");
    assert!(
        after * 10 <= clean * 11,
        "after gc {after} bytes, a fresh store of the same data {clean}"
    );
    let query = ["sql", "-q", "select id, v from t where v like 'changed%'"];
    assert_eq!(ok(&used, &query), ok(&fresh, &query));
    assert!(ok(&used, &["fsck"]).contains("no problems found"));
    assert_eq!(
        ok(&used, &["log", "-n", "1"]).lines().count(),
        ok(&fresh, &["log", "-n", "1"]).lines().count()
    );
}

#[test]
fn gc_deletes_leftovers_only_after_the_grace_period() {
    let root = tempfile::tempdir().unwrap();
    let d = cairn_tests::new_db(root.path());
    let store = d.join(".cairn/store");
    let make = |name: &str, old: bool| {
        let path = store.join(name);
        fs::write(&path, b"left by an interrupted writer").unwrap();
        if old {
            written_an_hour_ago(&path);
        }
        path
    };
    let old_orphan = make("0123456789abcdefghijklmnopqrstuv", true);
    let new_orphan = make("vutsrqponmlkjihgfedcba9876543210", false);
    let old_temp = make(".tmp-0123-1-2-3", true);
    let old_manifest_temp = make("manifests/.tmp-manifest-1-2-3", true);
    let new_temp = make(".tmp-4567-1-2-3", false);
    ok(&d, &["gc"]);
    assert!(!old_orphan.exists() && !old_temp.exists() && !old_manifest_temp.exists());
    assert!(
        new_orphan.exists() && new_temp.exists(),
        "a writer's fresh files were deleted"
    );
    assert!(ok(&d, &["status"]).contains("On branch main"));
}

#[test]
fn gc_of_a_remote_and_prune_leftovers_before_a_sync() {
    let root = tempfile::tempdir().unwrap();
    let d = cairn_tests::new_db(root.path());
    ok(&d, &["remote", "add", "origin", "file://../rem"]);
    ok(&d, &["backup", "add", "b", "file://../b"]);
    for i in 0..40 {
        ok(
            &d,
            &[
                "sql",
                "-q",
                &format!("create table t{i} (a int primary key)"),
            ],
        );
        ok(&d, &["commit", "-a", "-m", &format!("t{i}")]);
        ok(&d, &["push", "origin", "main"]);
    }
    let rem = root.path().join("rem");
    let before = table_bytes(&rem);
    let out = ok(root.path(), &["gc", "file://rem"]);
    assert!(out.starts_with("gc: "), "{out}");
    assert!(table_bytes(&rem) < before);
    ok(root.path(), &["clone", "file://rem", "cloned"]);
    let tables = ok(&root.path().join("cloned"), &["ls"]);
    assert!(
        (0..40).all(|i| tables.contains(&format!("t{i}\n"))),
        "{tables}"
    );

    // A backup with a leftover an interrupted sync wrote an hour ago.
    ok(&d, &["backup", "sync", "b"]);
    let leftover = root.path().join("b/0123456789abcdefghijklmnopqrstuv");
    fs::write(&leftover, b"left by an interrupted sync").unwrap();
    written_an_hour_ago(&leftover);
    let refused = cairn_in(
        &d,
        &["backup", "sync", "b", "--prune-with-grace-period", "5m"],
        None,
    );
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("at least 10m"),
        "{}",
        refused.stderr
    );
    let refused = cairn_in(
        &d,
        &["backup", "verify", "b", "--prune-with-grace-period", "1h"],
        None,
    );
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    ok(&d, &["sql", "-q", "create table more (a int primary key)"]);
    ok(
        &d,
        &["backup", "sync", "b", "--prune-with-grace-period", "2h"],
    );
    assert!(
        leftover.exists(),
        "a file younger than the grace period was deleted"
    );
    ok(&d, &["sql", "-q", "create table more2 (a int primary key)"]);
    ok(
        &d,
        &["backup", "sync", "b", "--prune-with-grace-period", "30m"],
    );
    assert!(!leftover.exists());
    assert!(ok(&d, &["backup", "verify", "b"]).contains("no problems found"));
}

#[test]
fn gc_runs_by_itself_once_garbage_has_piled_up() {
    let root = tempfile::tempdir().unwrap();
    let d = cairn_tests::new_db(root.path());
    table_of_20k_rows(&d);
    let mut said = None;
    for i in 0..12 {
        // Every row rewritten with new, hardly compressible text: garbage that counts.
        let rewrite = format!(
            "delete from t; insert into t values {}",
            rows_of_pass(20_000, i)
        );
        let out = cairn_in(&d, &["sql"], Some(&rewrite));
        assert_eq!(out.code, 0, "{}", out.stderr);
        if out.stderr.contains("auto gc: ") {
            said = Some(out.stderr);
            break;
        }
    }
    let said = said.expect("no automatic gc after 12 rewrites of the table");
    assert_eq!(
        said.lines().filter(|l| l.contains("gc")).count(),
        1,
        "{said}"
    );
    let config = fs::read_to_string(d.join(".cairn/config")).unwrap();
    assert!(config.contains("[gc]\n\tlive = "), "{config}");
    assert!(table_bytes(&d.join(".cairn/store")) < 4 << 20);
    assert!(ok(&d, &["fsck"]).contains("no problems found"));
    // The next write does not gc again: the garbage is gone.
    let out = cairn_in(
        &d,
        &["sql", "-q", "update t set v = 'after' where id = 1"],
        None,
    );
    assert!(!out.stderr.contains("gc"), "{}", out.stderr);
}

/// A copy of a memory store, to run a failing operation on again and again.
fn copy_of(base: &MemoryStorage) -> MemoryStorage {
    let copy = MemoryStorage::new();
    for o in block_on(base.list()).unwrap() {
        let bytes = block_on(base.get(&o.name)).unwrap().unwrap();
        block_on(copy.put(&o.name, &bytes)).unwrap();
    }
    let m = block_on(base.read_manifest()).unwrap().unwrap();
    block_on(copy.swap_manifest(None, &m.bytes)).unwrap();
    copy
}

fn author() -> Signature {
    Signature {
        name: "t".into(),
        email: "t@example.com".into(),
        time_ms: 1,
    }
}

#[test]
fn a_gc_failing_at_any_write_loses_nothing() {
    let small = || Options {
        table_target_bytes: 8 * 1024,
    };
    let base = MemoryStorage::new();
    let store = block_on(ChunkStore::open_with(base.clone(), small())).unwrap();
    let mut repo = block_on(Repo::init(store, Config::new("db"), &author())).unwrap();
    block_on(repo.sql(&format!(
        "create table t (id int primary key, v text); insert into t values {}",
        rows(2000)
    )))
    .unwrap();
    block_on(repo.commit("rows", CommitOptions::ALL, &author())).unwrap();
    for i in 0..10 {
        block_on(repo.sql(&format!("update t set v = 'u{i}' where id < {}", i * 100))).unwrap();
    }
    let query = "select id, v from t where v like 'u%'";
    let want = block_on(repo.sql(query)).unwrap();
    let snapshot = || copy_of(&base);
    let gc_on = |storage: Instrumented<MemoryStorage>| {
        let store = block_on(ChunkStore::open_with(storage, small())).unwrap();
        let mut repo = block_on(Repo::open(store, Config::new("db"))).unwrap();
        block_on(repo.gc(u64::MAX / 2, 0, &mut cairn_core::sync::Silent)).is_ok()
    };
    let counting = Instrumented::new(snapshot());
    assert!(gc_on(counting.clone()));
    let writes = counting.writes();
    assert!(writes > 3, "{writes} writes");
    for k in 1..=writes {
        let copy = snapshot();
        let _ = gc_on(Instrumented::failing_at(copy.clone(), k));
        let report = block_on(verify(&copy)).unwrap();
        assert!(report.is_ok(), "failing write {k}: {report:?}");
        let store = block_on(ChunkStore::open(copy)).unwrap();
        let mut repo = block_on(Repo::open(store, Config::new("db"))).unwrap();
        let got = block_on(repo.sql(query)).unwrap();
        assert_eq!(got, want, "failing write {k}");
    }
}

#[test]
fn a_prune_failing_at_any_write_leaves_the_old_backup_or_the_new() {
    let store = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
    let mut repo = block_on(Repo::init(store, Config::new("db"), &author())).unwrap();
    let base = MemoryStorage::new();
    let mut backup = block_on(ChunkStore::open(base.clone())).unwrap();
    for i in 0..4 {
        let sql = format!("create table t{i} (a int primary key); insert into t{i} values (1)");
        block_on(repo.sql(&sql)).unwrap();
        block_on(repo.backup_sync(
            &mut backup,
            "mem://b",
            &cairn_core::backup::Note::default(),
            i,
            cairn_core::backup::Repair::IfSeenDamaged,
            &mut cairn_core::sync::Silent,
        ))
        .unwrap();
    }
    let prune_on = |storage: Instrumented<MemoryStorage>| {
        let mut store = block_on(ChunkStore::open(storage)).unwrap();
        block_on(cairn_core::backup::prune(
            &mut store,
            1,
            u64::MAX / 2,
            0,
            &mut cairn_core::sync::Silent,
        ))
        .is_ok()
    };
    let counting = Instrumented::new(copy_of(&base));
    assert!(prune_on(counting.clone()));
    for k in 1..=counting.writes() {
        let copy = copy_of(&base);
        let _ = prune_on(Instrumented::failing_at(copy.clone(), k));
        assert!(
            block_on(verify(&copy)).unwrap().is_ok(),
            "failing write {k}"
        );
        let store = block_on(ChunkStore::open(copy)).unwrap();
        let kept = block_on(cairn_core::backup::read(&store)).unwrap().unwrap();
        assert!(matches!(kept.snapshots.len(), 1 | 4), "failing write {k}");
        // The latest snapshot restores, whole.
        let mut restored = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
        block_on(cairn_core::backup::restore(
            &store,
            None,
            &mut restored,
            &mut cairn_core::sync::Silent,
        ))
        .unwrap();
        let mut repo = block_on(Repo::open(restored, Config::new("r"))).unwrap();
        let rows = block_on(repo.sql("select a from t3")).unwrap();
        assert_eq!(rows[0].rows.len(), 1, "failing write {k}");
    }
}

#[test]
fn a_reader_whose_files_a_gc_deleted_reads_on_from_the_new_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let storage = || cairn::FsStorage::new(dir.path());
    let store = block_on(ChunkStore::open(storage())).unwrap();
    let mut repo = block_on(Repo::init(store, Config::new("db"), &author())).unwrap();
    block_on(repo.sql(&format!(
        "create table t (id int primary key, v text); insert into t values {}",
        rows(500)
    )))
    .unwrap();
    block_on(repo.commit("rows", CommitOptions::ALL, &author())).unwrap();
    let reader = block_on(ChunkStore::open(storage())).unwrap();
    let root = reader.root();
    // Another process collects: every file the reader's manifest lists is rewritten and gone.
    block_on(repo.gc(u64::MAX / 2, 0, &mut cairn_core::sync::Silent)).unwrap();
    let listed = &reader.manifest().tables;
    assert!(listed.iter().all(|t| !dir.path().join(&t.name).exists()));
    assert!(block_on(reader.get(&root)).unwrap().is_some());
    assert!(block_on(reader.get_many(&[root])).unwrap()[0].is_some());
}
