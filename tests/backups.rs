//! Remotes and backups through the real binary: the seed tutorial and every behaviour and
//! error of push, fetch, pull, clone and backup that users will hit.

use std::fs;
use std::path::Path;

use cairn_tests::{cairn_in, copy_tree, fails, new_db, ok, seed_tutorial, snapshot_ids};

fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut files: Vec<(String, u64)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                e.metadata().unwrap().len(),
            )
        })
        .collect();
    files.sort();
    files
}

/// The seed tutorial's first half in `root/repo1`, with its backup and remote in folders.
fn tutorial(root: &Path) -> std::path::PathBuf {
    let repo1 = root.join("repo1");
    fs::create_dir_all(&repo1).unwrap();
    fs::create_dir_all(root.join("backups/backup1")).unwrap();
    fs::create_dir(root.join("rem1")).unwrap();
    seed_tutorial(&repo1, "file://../backups/backup1", "file://../rem1");
    repo1
}

#[test]
fn seed_tutorial_backups_carry_what_remotes_do_not() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    tutorial(r);

    ok(r, &["backup", "restore", "file://backups/backup1", "repo3"]);
    let repo3 = r.join("repo3");
    let status = ok(&repo3, &["status"]);
    assert!(status.contains("Untracked files:"), "{status}");
    assert!(
        status.contains("\tnew table:      not_committed\n"),
        "{status}"
    );
    assert_eq!(
        ok(&repo3, &["branch", "-a"]),
        "  feature\n* main\n  remotes/origin/main\n"
    );
    assert_eq!(ok(&repo3, &["tag"]), "v1\n");
    assert_eq!(
        ok(&repo3, &["ls", "origin/main"]),
        "No tables in 'origin/main'\n"
    );
    assert_eq!(
        ok(&repo3, &["remote", "-v"]),
        "",
        "a restore has no remotes"
    );
    assert_eq!(ok(&repo3, &["backup"]), "", "nor backups");

    ok(r, &["clone", "file://rem1", "repo4"]);
    let repo4 = r.join("repo4");
    let status = ok(&repo4, &["status"]);
    assert!(
        !status.contains("not_committed"),
        "uncommitted data travelled: {status}"
    );
    assert_eq!(
        ok(&repo4, &["branch", "-a"]),
        "* main\n  remotes/origin/main\n"
    );
    assert!(ok(&repo4, &["remote", "-v"]).starts_with("origin file://"));
}

#[test]
fn backup_listing_add_remove_and_errors() {
    let root = tempfile::tempdir().unwrap();
    let d = new_db(root.path());
    ok(&d, &["backup", "add", "b1", "file://../b1"]);
    ok(&d, &["backup", "add", "b2", "file:///tmp/elsewhere"]);
    assert_eq!(ok(&d, &["backup"]), "b1\nb2\n");
    assert_eq!(
        ok(&d, &["backup", "-v"]),
        "b1 file://../b1\nb2 file:///tmp/elsewhere\n"
    );
    ok(&d, &["backup", "sync", "b1"]);
    ok(&d, &["backup", "remove", "b1"]);
    ok(&d, &["backup", "rm", "b2"]);
    assert_eq!(ok(&d, &["backup"]), "");
    assert!(
        root.path().join("b1/manifest").exists(),
        "remove keeps the backup's contents"
    );

    assert!(fails(&d, &["backup", "sync", "b1"]).contains("backup 'b1' not found"));
    assert!(fails(&d, &["backup", "remove", "b1"]).contains("backup 'b1' not found"));
    ok(&d, &["remote", "add", "origin", "file://../rem"]);
    let err = fails(&d, &["backup", "add", "b3", "file://./../rem"]);
    assert!(
        err.contains("address conflict with a remote: 'origin'"),
        "{err}"
    );
    ok(&d, &["backup", "add", "b3", "file://../b3"]);
    let err = fails(&d, &["remote", "add", "other", "file://../b3"]);
    assert!(
        err.contains("address conflict with a backup: 'b3'"),
        "{err}"
    );
    assert!(
        fails(&d, &["backup", "add", "b3", "file://../b4"]).contains("backup 'b3' already exists")
    );
    let err = fails(&d, &["backup", "add", "b5", "../b5"]);
    assert!(err.contains("invalid URL '../b5'"), "{err}");
    let err = fails(&d, &["backup", "add", "b5", "gs://bucket/b5"]);
    assert!(err.contains("not supported"), "{err}");
    let out = cairn_in(&d, &["backup", "add", "b5"], None);
    assert_eq!(out.code, 2, "a missing argument is a usage error");

    let outside = root.path().join("not-a-db");
    fs::create_dir(&outside).unwrap();
    assert!(fails(&outside, &["backup", "sync", "b3"]).contains("is not a cairn database"));
    assert!(fails(&outside, &["backup"]).contains("is not a cairn database"));
}

#[test]
fn a_sync_with_nothing_new_writes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let d = new_db(root.path());
    ok(
        &d,
        &[
            "sql",
            "-q",
            "create table t (id int primary key, v text); insert into t values (1, 'a'), (2, 'b')",
        ],
    );
    ok(&d, &["backup", "add", "b", "file://../b"]);
    let first = ok(&d, &["backup", "sync", "b"]);
    assert!(first.contains("synced backup 'b'"), "{first}");
    let before = listing(&root.path().join("b"));
    let again = ok(&d, &["backup", "sync", "b"]);
    assert!(again.contains("backup 'b' is up to date"), "{again}");
    assert_eq!(
        listing(&root.path().join("b")),
        before,
        "an up-to-date sync wrote"
    );

    // One change, one more snapshot, and only a little more data.
    ok(&d, &["sql", "-q", "update t set v = 'c' where id = 2"]);
    ok(&d, &["backup", "sync", "b"]);
    let snapshots = ok(&d, &["backup", "snapshots", "b"]);
    assert_eq!(
        snapshots.lines().count(),
        3,
        "header and two snapshots: {snapshots}"
    );
}

#[test]
fn restore_rules_and_older_snapshots() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = new_db(r);
    ok(&d, &["sql", "-q", "create table t (id int primary key)"]);
    ok(&d, &["commit", "-a", "-m", "t"]);
    ok(&d, &["backup", "sync-url", "file://../b"]);
    ok(&d, &["sql", "-q", "insert into t values (1), (2), (3)"]);
    ok(&d, &["backup", "sync-url", "file://../b"]);

    // Restore works from a folder that is not a database, and creates DIR.
    let elsewhere = r.join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    ok(
        &elsewhere,
        &["backup", "restore", "file://../b", "new/nested"],
    );
    let restored = elsewhere.join("new/nested");
    assert_eq!(
        ok(
            &restored,
            &["sql", "-q", "select count(*) from t", "-r", "csv"]
        ),
        "count(*)\n3\n"
    );

    let err = fails(
        &elsewhere,
        &["backup", "restore", "file://../b", "new/nested"],
    );
    assert!(
        err.contains("database 'new/nested' already exists, use '--force' to overwrite")
            || err.contains("already exists, use '--force' to overwrite"),
        "{err}"
    );

    let snapshots = ok(r, &["backup", "snapshots", "file://b"]);
    let first = snapshots
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    ok(
        &elsewhere,
        &[
            "backup",
            "restore",
            "--force",
            "--snapshot",
            &first,
            "file://../b",
            "new/nested",
        ],
    );
    assert_eq!(
        ok(
            &restored,
            &["sql", "-q", "select count(*) from t", "-r", "csv"]
        ),
        "count(*)\n0\n"
    );
    assert!(fails(
        r,
        &["backup", "restore", "--snapshot", "zzzz", "file://b", "x"]
    )
    .contains("snapshot 'zzzz' not found"));
    assert!(!r.join("x").exists(), "a failed restore leaves nothing");
    assert!(fails(r, &["backup", "restore", "file://missing", "y"]).contains("does not exist"));
    assert!(
        fails(r, &["backup", "restore", "file://db/.cairn/store", "y"]).contains("not a backup")
    );
}

#[test]
fn single_writer_and_clone_refusals() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    for name in ["one", "two"] {
        fs::create_dir(r.join(name)).unwrap();
        ok(&r.join(name), &["init"]);
    }
    ok(&r.join("one"), &["backup", "sync-url", "file://../shared"]);
    let err = fails(&r.join("two"), &["backup", "sync-url", "file://../shared"]);
    assert!(err.contains("belongs to another database"), "{err}");
    let err = fails(r, &["clone", "file://shared", "c"]);
    assert!(err.contains("backup restore"), "{err}");
    assert!(!r.join("c").exists());
    // A database is not a backup to sync over either.
    let err = fails(
        &r.join("one"),
        &["backup", "sync-url", "file://../two/.cairn/store"],
    );
    assert!(err.contains("not a backup"), "{err}");
}

#[test]
fn push_fetch_pull_and_non_fast_forward() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let a = r.join("a");
    fs::create_dir(&a).unwrap();
    ok(&a, &["init"]);
    ok(&a, &["remote", "add", "origin", "file://../remote"]);
    ok(
        &a,
        &[
            "sql",
            "-q",
            "create table t (id int primary key); insert into t values (1)",
        ],
    );
    ok(&a, &["commit", "-a", "-m", "one"]);
    let out = ok(&a, &["push", "origin", "main"]);
    assert!(out.contains("main -> main"), "{out}");
    assert!(
        r.join("remote/manifest").exists(),
        "push created the remote store"
    );
    assert_eq!(
        ok(&a, &["push", "origin", "main"]),
        "Everything up-to-date\n"
    );

    ok(r, &["clone", "file://remote", "b"]);
    let b = r.join("b");
    ok(&b, &["sql", "-q", "insert into t values (2)"]);
    ok(&b, &["commit", "-a", "-m", "two"]);
    ok(&b, &["push", "origin", "main"]);

    ok(&a, &["sql", "-q", "insert into t values (3)"]);
    ok(&a, &["commit", "-a", "-m", "three"]);
    let err = fails(&a, &["push", "origin", "main"]);
    assert!(err.contains("failed to push"), "{err}");
    assert!(fails(&a, &["pull", "--ff-only", "origin"]).contains("diverged"));
    ok(&a, &["push", "--force", "origin", "main"]);

    ok(&b, &["fetch"]);
    assert!(ok(&b, &["branch", "-a"]).contains("remotes/origin/main"));
    ok(&b, &["reset", "--hard", "origin/main"]);
    assert_eq!(
        ok(
            &b,
            &["sql", "-q", "select id from t order by id", "-r", "csv"]
        ),
        "id\n1\n3\n"
    );

    ok(&a, &["sql", "-q", "insert into t values (4)"]);
    ok(&a, &["commit", "-a", "-m", "four"]);
    ok(&a, &["push", "origin", "main"]);
    let out = ok(&b, &["pull", "origin", "main"]);
    assert!(out.ends_with("\nFast-forward\n"), "{out}");
    assert_eq!(ok(&b, &["pull", "origin"]), "Already up to date.\n");
    assert!(fails(&b, &["push", "nowhere", "main"]).contains("remote 'nowhere' not found"));
    ok(&b, &["remote", "remove", "origin"]);
    assert!(!ok(&b, &["branch", "-a"]).contains("remotes/"));
}

#[test]
fn a_corrupt_backup_is_refused_by_name_and_leaves_nothing() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = new_db(r);
    ok(&d, &["sql", "-q", "create table t (id int primary key, v text); insert into t values (1, 'a value worth finding')"]);
    ok(&d, &["backup", "sync-url", "file://../b"]);
    // Flip a byte inside the chunk records of every table file.
    let mut names = Vec::new();
    for (name, len) in listing(&r.join("b")) {
        if name.len() == 32 && len > 100 {
            let path = r.join("b").join(&name);
            let mut bytes = fs::read(&path).unwrap();
            bytes[2] ^= 0x40;
            fs::write(&path, bytes).unwrap();
            names.push(name);
        }
    }
    assert!(!names.is_empty());
    let err = fails(r, &["backup", "restore", "file://b", "restored"]);
    assert!(
        names.iter().any(|n| err.contains(n.as_str())),
        "the error names the file: {err}"
    );
    assert!(
        !r.join("restored").exists(),
        "nothing half-restored is left"
    );
    let err = fails(r, &["backup", "verify", "file://b"]);
    assert!(names.iter().any(|n| err.contains(n.as_str())), "{err}");
}

/// The bytes of the table files a store's manifest lists: what a sync added for good, without
/// the files a conjoin merged away, which wait for gc.
fn live_bytes(store: &Path) -> u64 {
    let manifest = fs::read_to_string(cairn_tests::manifest_file(store)).unwrap();
    manifest
        .lines()
        .filter_map(|l| l.strip_prefix("table "))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum()
}

#[test]
fn a_hundred_syncs_cost_one_copy_plus_the_changes_and_prune_reclaims() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = new_db(r);
    let values: Vec<String> = (0..3000)
        .map(|i| format!("({i}, 'row {i} with some text')"))
        .collect();
    ok(
        &d,
        &[
            "sql",
            "-q",
            &format!(
                "create table t (id int primary key, v text); insert into t values {}",
                values.join(",")
            ),
        ],
    );
    ok(&d, &["commit", "-a", "-m", "rows"]);
    ok(&d, &["backup", "add", "b", "file://../b"]);
    ok(&d, &["backup", "sync", "b"]);
    let one_copy = live_bytes(&r.join("b"));
    for i in 0..100 {
        ok(
            &d,
            &[
                "sql",
                "-q",
                &format!("update t set v = 'changed {i}' where id = {}", i * 29),
            ],
        );
        ok(&d, &["backup", "sync", "b"]);
    }
    let after = live_bytes(&r.join("b"));
    // Each one-row change adds a few chunks (a leaf, the nodes above it, the commit metadata):
    // a few KiB, against a whole copy per sync for the seed's timer script.
    let per_sync = (after - one_copy) / 100;
    assert!(
        per_sync < 16 * 1024,
        "a one-row sync added {per_sync} bytes"
    );
    assert!(
        after * 5 < one_copy * 100,
        "100 syncs: {after} bytes against copies of {one_copy}"
    );
    assert_eq!(ok(&d, &["backup", "snapshots", "b"]).lines().count(), 102);

    // Orphans: one as if left by a sync long ago, one as if a sync is writing it now.
    let old_orphan = r.join("b").join("0123456789abcdefghijklmnopqrstuv");
    let new_orphan = r.join("b").join("vutsrqponmlkjihgfedcba9876543210");
    fs::write(&old_orphan, b"left by an interrupted sync").unwrap();
    fs::write(&new_orphan, b"being written").unwrap();
    let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&old_orphan)
        .unwrap()
        .set_modified(long_ago)
        .unwrap();

    let out = ok(&d, &["backup", "prune", "b", "--keep-last", "1"]);
    assert!(out.starts_with("removed 100 snapshots, kept 1"), "{out}");
    assert!(!old_orphan.exists(), "an old orphan is reclaimed");
    assert!(
        new_orphan.exists(),
        "a file a sync may be writing is spared"
    );
    fs::remove_file(&new_orphan).unwrap();
    assert!(live_bytes(&r.join("b")) < after, "prune freed space");
    assert_eq!(ok(&d, &["backup", "snapshots", "b"]).lines().count(), 2);
    assert!(ok(&d, &["backup", "verify", "b"]).contains("no problems found"));
    ok(r, &["backup", "restore", "file://b", "restored"]);
    let row = ok(
        &r.join("restored"),
        &["sql", "-q", "select v from t where id = 2871", "-r", "csv"],
    );
    assert_eq!(row, "v\nchanged 99\n");
    // The pruned backup takes more syncs as before.
    ok(
        &d,
        &["sql", "-q", "update t set v = 'after prune' where id = 1"],
    );
    ok(&d, &["backup", "sync", "b"]);
    assert!(
        fails(&d, &["backup", "prune", "b", "--keep-last", "0"]).contains("at least one snapshot")
    );
}

#[test]
fn export_to_one_file_and_restore_from_it() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = new_db(r);
    ok(
        &d,
        &[
            "sql",
            "-q",
            "create table t (id int primary key); insert into t values (1)",
        ],
    );
    ok(&d, &["backup", "add", "b", "file://../b"]);
    ok(&d, &["backup", "sync", "b"]);
    ok(&d, &["sql", "-q", "insert into t values (2)"]);
    ok(&d, &["backup", "sync", "b"]);
    assert!(
        ok(&d, &["backup", "export", "b", "../all.cairnbak"]).starts_with("wrote ../all.cairnbak")
    );
    let first = snapshot_ids(&d, "b").remove(0);
    ok(
        r,
        &[
            "backup",
            "export",
            "--snapshot",
            &first,
            "file://b",
            "first.cairnbak",
        ],
    );

    ok(r, &["backup", "restore", "all.cairnbak", "from-all"]);
    ok(r, &["backup", "restore", "first.cairnbak", "from-first"]);
    let count = |dir: &str| {
        ok(
            &r.join(dir),
            &["sql", "-q", "select count(*) from t", "-r", "csv"],
        )
    };
    assert_eq!(count("from-all"), "count(*)\n2\n");
    assert_eq!(count("from-first"), "count(*)\n1\n");

    let mut bytes = fs::read(r.join("all.cairnbak")).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    fs::write(r.join("damaged.cairnbak"), &bytes).unwrap();
    assert!(fails(r, &["backup", "restore", "damaged.cairnbak", "x"]).contains("damaged"));
    fs::write(r.join("short.cairnbak"), &bytes[..mid]).unwrap();
    assert!(fails(r, &["backup", "restore", "short.cairnbak", "x"]).contains("backup file"));
    assert!(fails(r, &["backup", "restore", "missing.cairnbak", "x"]).contains("No such file"));
    assert!(!r.join("x").exists());
    // Unpacked beside the new database, then removed, whether the restore worked or not.
    assert_eq!(hidden(r), Vec::<String>::new());
    assert!(
        fails(&d, &["backup", "export", "nope", "f.cairnbak"]).contains("backup 'nope' not found")
    );
}

#[test]
fn a_sync_killed_midway_leaves_a_valid_backup() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = new_db(r);
    let values: Vec<String> = (0..60_000)
        .map(|i| format!("({i}, 'row {i} of a table big enough to take a while', {i})"))
        .collect();
    let script = format!(
        "create table t (id int primary key, v text, n int); insert into t values {};",
        values.join(",")
    );
    assert_eq!(cairn_in(&d, &["sql"], Some(&script)).code, 0);
    ok(&d, &["commit", "-a", "-m", "rows"]);
    let mut completed = 0;
    for (attempt, delay_ms) in [1u64, 5, 15, 40, 100].into_iter().enumerate() {
        let backup = r.join(format!("b{attempt}"));
        let url = format!("file://../b{attempt}");
        let mut child = std::process::Command::new(cairn_tests::cairn_bin())
            .args(["backup", "sync-url", &url, "--quiet"])
            .current_dir(&d)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        completed += usize::from(status.success());
        // Whatever the moment, the backup is empty or whole, never half.
        if backup.join("manifest").exists() {
            assert!(ok(r, &["backup", "verify", &format!("file://b{attempt}")])
                .contains("no problems found"));
            assert_eq!(
                ok(r, &["backup", "snapshots", &format!("file://b{attempt}")])
                    .lines()
                    .count(),
                2
            );
        }
        // And a sync run again completes it.
        ok(&d, &["backup", "sync-url", &url]);
        let restored = format!("restored{attempt}");
        ok(
            r,
            &[
                "backup",
                "restore",
                &format!("file://b{attempt}"),
                &restored,
            ],
        );
        assert_eq!(
            ok(
                &r.join(&restored),
                &["sql", "-q", "select count(*) from t", "-r", "csv"]
            ),
            "count(*)\n60000\n"
        );
    }
    assert!(
        completed < 5,
        "every sync finished before it was killed: make the database bigger"
    );
}

/// Off a terminal (cron, a systemd timer, a pipe) progress would be noise that cron mails:
/// nothing on stderr, with or without `--quiet`; the result still on stdout.
#[test]
fn progress_is_nothing_off_a_terminal() {
    let root = tempfile::tempdir().unwrap();
    let d = new_db(root.path());
    ok(
        &d,
        &[
            "sql",
            "-q",
            "create table t (id int primary key); insert into t values (1)",
        ],
    );
    for (url, quiet) in [("file://../q", Some("--quiet")), ("file://../l", None)] {
        let args: Vec<&str> = ["backup", "sync-url", url]
            .into_iter()
            .chain(quiet)
            .collect();
        let out = cairn_in(&d, &args, None);
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{args:?}");
        assert!(out.stdout.starts_with("synced backup "), "{}", out.stdout);
    }
}

#[test]
fn progress_is_a_bar_on_a_terminal() {
    // `script` (util-linux, essential on Debian) gives the command a pseudo-terminal.
    let root = tempfile::tempdir().unwrap();
    let d = new_db(root.path());
    let command = format!(
        "{} backup sync-url file://../b",
        cairn_tests::cairn_bin().display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(&d)
        .output()
        .expect("run script");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(
        screen.contains("\r\x1b[K"),
        "the bar redraws in place: {screen:?}"
    );
    assert!(
        screen.contains("[##############################]"),
        "a full bar: {screen:?}"
    );
}

#[test]
fn a_copied_database_cannot_interleave_its_snapshots_with_the_original() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = new_db(r);
    ok(&d, &["sql", "-q", "create table t (id int primary key)"]);
    ok(&d, &["backup", "add", "b", "file://../b"]);
    ok(&d, &["backup", "sync", "b"]);
    // `cp -r db db2`: the same id, the same backup configured.
    let d2 = r.join("db2");
    copy_tree(&d, &d2);
    ok(&d, &["sql", "-q", "insert into t values (1)"]);
    ok(&d, &["backup", "sync", "b"]);
    ok(&d2, &["sql", "-q", "insert into t values (2)"]);
    let err = fails(&d2, &["backup", "sync", "b"]);
    assert!(
        err.contains("a copy of this database may be syncing"),
        "{err}"
    );
    // The original goes on syncing; the backup holds only its snapshots.
    ok(&d, &["sql", "-q", "insert into t values (3)"]);
    ok(&d, &["backup", "sync", "b"]);
    assert_eq!(ok(&d, &["backup", "snapshots", "b"]).lines().count(), 4);
    ok(r, &["backup", "restore", "file://b", "restored"]);
    let rows = ok(
        &r.join("restored"),
        &["sql", "-q", "select id from t", "-r", "csv"],
    );
    assert_eq!(rows, "id\n1\n3\n");
}

#[test]
fn a_sync_killed_before_the_database_remembered_it_is_taken_up_again() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = new_db(r);
    ok(&d, &["backup", "add", "b", "file://../b"]);
    ok(&d, &["backup", "sync", "b"]);
    ok(&d, &["sql", "-q", "create table t (id int primary key)"]);
    // The sync lands in the backup, but the process dies before writing its config.
    let config = fs::read(d.join(".cairn/config")).unwrap();
    ok(&d, &["backup", "sync", "b"]);
    fs::write(d.join(".cairn/config"), &config).unwrap();
    let again = ok(&d, &["backup", "sync", "b"]);
    assert!(again.contains("up to date"), "{again}");
    ok(&d, &["sql", "-q", "insert into t values (1)"]);
    ok(&d, &["backup", "sync", "b"]);
}

#[test]
fn verify_names_the_snapshots_a_lost_file_breaks_and_refuses_files_without_a_manifest() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = new_db(r);
    ok(&d, &["sql", "-q", "create table t (id int primary key)"]);
    ok(&d, &["backup", "add", "b", "file://../b"]);
    ok(&d, &["backup", "sync", "b"]);
    let first: Vec<String> = listing(&r.join("b")).into_iter().map(|(n, _)| n).collect();
    ok(&d, &["sql", "-q", "insert into t values (1), (2)"]);
    ok(&d, &["backup", "sync", "b"]);
    let out = ok(&d, &["backup", "verify", "b"]);
    assert!(
        out.contains("every chunk that 2 branches, tags, working sets and snapshots reach"),
        "{out}"
    );
    let ids = snapshot_ids(&d, "b");
    // The file only the second sync wrote goes missing: the second snapshot is damaged, the
    // first still restores, and verify says so.
    let added: Vec<String> = listing(&r.join("b"))
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n.len() == 32 && !first.contains(n))
        .collect();
    assert_eq!(added.len(), 1, "{added:?}");
    fs::remove_file(r.join("b").join(&added[0])).unwrap();
    // It also held the new backup root, so nothing can be walked: verify says the root is
    // gone (tests/faults.rs checks which datasets a lost chunk breaks).
    let err = fails(&d, &["backup", "verify", "b"]);
    assert!(
        err.contains("is in none of the store's table files"),
        "{err}"
    );
    assert_eq!(ids.len(), 2);

    // Table files without any manifest are no backup at all.
    let bare = r.join("bare");
    fs::create_dir(&bare).unwrap();
    for name in &first {
        if name.len() == 32 {
            fs::copy(r.join("b").join(name), bare.join(name)).unwrap();
        }
    }
    let err = fails(r, &["backup", "verify", "file://bare"]);
    assert!(err.contains("but no manifest"), "{err}");
}

/// Whether any file under `dir` holds `needle`.
fn holds(dir: &Path, needle: &[u8]) -> bool {
    fs::read_dir(dir).unwrap().any(|e| {
        let path = e.unwrap().path();
        if path.is_dir() {
            holds(&path, needle)
        } else {
            let bytes = fs::read(&path).unwrap();
            bytes.windows(needle.len()).any(|w| w == needle)
        }
    })
}

#[test]
fn a_restore_brings_back_what_its_snapshot_reaches_and_nothing_else() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = new_db(r);
    ok(
        &d,
        &["sql", "-q", "create table t (id int primary key, v text)"],
    );
    ok(
        &d,
        &[
            "sql",
            "-q",
            "insert into t values (1, 'SECRET-0123456789'), (2, 'kept')",
        ],
    );
    ok(&d, &["commit", "-a", "-m", "rows"]);
    ok(&d, &["backup", "add", "b", "file://../b"]);
    ok(&d, &["backup", "sync", "b"]);
    // Deleted for privacy, and the history rewritten to forget it.
    let init = ok(&d, &["log"])
        .lines()
        .rfind(|l| l.starts_with("commit "))
        .unwrap()[7..39]
        .to_owned();
    ok(&d, &["reset", "--hard", &init]);
    ok(
        &d,
        &["sql", "-q", "create table t (id int primary key, v text)"],
    );
    ok(&d, &["sql", "-q", "insert into t values (2, 'kept')"]);
    ok(&d, &["commit", "-a", "-m", "without the secret"]);
    ok(&d, &["backup", "sync", "b"]);
    assert!(
        holds(&r.join("b"), b"SECRET-0123456789"),
        "the old snapshot keeps it"
    );
    ok(r, &["backup", "restore", "file://b", "restored"]);
    let rows = ok(
        &r.join("restored"),
        &["sql", "-q", "select v from t", "-r", "csv"],
    );
    assert_eq!(rows, "v\nkept\n");
    assert!(
        !holds(&r.join("restored"), b"SECRET-0123456789"),
        "the latest snapshot never had it; its restore must not either"
    );
}

#[test]
fn snapshots_and_verify_read_a_cairnbak_file_too() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = new_db(r);
    ok(&d, &["sql", "-q", "create table t (id int primary key)"]);
    ok(&d, &["backup", "sync-url", "file://../b"]);
    ok(r, &["backup", "export", "file://b", "b.cairnbak"]);
    let listed = ok(r, &["backup", "snapshots", "b.cairnbak"]);
    assert_eq!(listed, ok(r, &["backup", "snapshots", "file://b"]));
    assert!(ok(r, &["backup", "verify", "b.cairnbak"]).contains("no problems found"));
    // A damaged file is refused whole: nothing to list, nothing to vouch for.
    let mut bytes = fs::read(r.join("b.cairnbak")).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    fs::write(r.join("bad.cairnbak"), &bytes).unwrap();
    fails(r, &["backup", "verify", "bad.cairnbak"]);
    fails(r, &["backup", "snapshots", "bad.cairnbak"]);
    assert_eq!(hidden(r), Vec::<String>::new());
}

/// The hidden files and folders in `dir`: what an unpacked or half-written file would leave.
fn hidden(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') || n.ends_with("-partial"))
        .collect()
}

/// A file of many pieces (several table files, each read in runs) goes out and comes back in
/// pieces; a file cut anywhere restores nothing and leaves nothing.
#[test]
fn a_file_of_many_pieces_streams_out_and_back() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = new_db(r);
    // Text that does not compress, so that the table files are several MiB.
    let rows: Vec<String> = (0..100_000)
        .map(|i| {
            format!(
                "({i}, '{}')",
                cairn_core::Hash::of(format!("{i}").as_bytes()).to_base32()
            )
        })
        .collect();
    let sql = format!(
        "create table t (id int primary key, v text); insert into t values {}",
        rows.join(",")
    );
    assert_eq!(cairn_in(&d, &["sql"], Some(&sql)).code, 0);
    ok(&d, &["commit", "-a", "-m", "rows"]);
    ok(&d, &["backup", "sync-url", "file://../b"]);
    ok(r, &["backup", "export", "file://b", "b.cairnbak"]);
    let bytes = fs::read(r.join("b.cairnbak")).unwrap();
    assert!(
        bytes.len() > 2 << 20,
        "{} bytes: too few pieces",
        bytes.len()
    );
    ok(r, &["backup", "restore", "b.cairnbak", "restored"]);
    let count = ok(
        &r.join("restored"),
        &["sql", "-q", "select count(*) from t", "-r", "csv"],
    );
    assert_eq!(count, "count(*)\n100000\n");
    for cut in [12, bytes.len() / 3, bytes.len() - 21, bytes.len() - 1] {
        fs::write(r.join("cut.cairnbak"), &bytes[..cut]).unwrap();
        assert!(fails(r, &["backup", "restore", "cut.cairnbak", "x"]).contains("truncated"));
        assert!(!r.join("x").exists());
    }
    assert_eq!(hidden(r), Vec::<String>::new());
}

#[test]
fn a_lost_table_file_breaks_only_the_snapshots_that_used_it() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = new_db(r);
    ok(&d, &["sql", "-q", "create table t (id int primary key)"]);
    ok(&d, &["commit", "-a", "-m", "t"]);
    ok(&d, &["backup", "add", "b", "file://../b"]);
    ok(&d, &["backup", "sync", "b"]);
    let files = |dir: &Path| -> Vec<String> {
        listing(dir)
            .into_iter()
            .map(|(n, _)| n)
            .filter(|n| n.len() == 32)
            .collect()
    };
    let before = files(&r.join("b"));
    // A table that only the second snapshot has (uncommitted), gone by the third.
    ok(
        &d,
        &[
            "sql",
            "-q",
            "create table scratch (a int primary key); insert into scratch values (7)",
        ],
    );
    ok(&d, &["backup", "sync", "b"]);
    let second: Vec<String> = files(&r.join("b"))
        .into_iter()
        .filter(|n| !before.contains(n))
        .collect();
    assert_eq!(second.len(), 1, "{second:?}");
    ok(&d, &["sql", "-q", "drop table scratch"]);
    ok(&d, &["backup", "sync", "b"]);
    let ids = snapshot_ids(&d, "b");
    fs::remove_file(r.join("b").join(&second[0])).unwrap();

    let err = fails(&d, &["backup", "verify", "b"]);
    assert!(
        err.contains(&format!("damaged: snapshot {}", ids[1])),
        "{err}"
    );
    assert!(
        err.contains(&format!("intact: snapshot {}, snapshot {}", ids[0], ids[2])),
        "{err}"
    );
    // The latest snapshot never used the lost file: it restores, whole.
    ok(r, &["backup", "restore", "file://b", "restored"]);
    assert_eq!(
        ok(&r.join("restored"), &["ls"]),
        "Tables in working set:\n\tt\n"
    );
    assert!(ok(&r.join("restored"), &["fsck"]).contains("no problems found"));
    // The damaged one says what is missing.
    let err = fails(
        r,
        &[
            "backup",
            "restore",
            "--snapshot",
            &ids[1],
            "file://b",
            "second",
        ],
    );
    assert!(err.contains("missing"), "{err}");
    // ... and which snapshots would restore.
    assert!(
        err.contains(&format!(
            "intact: snapshot {}, snapshot {} (restore one with --snapshot ID)",
            ids[0], ids[2]
        )),
        "{err}"
    );
    assert!(!r.join("second").join(".cairn").exists());
}
