//! Snapshot tags and messages, `backup forget`, `backup restore --adopt`, and the quiet output a
//! timer needs, through the `cairn` binary. (The policy itself is compared with restic's in
//! retention_vs_restic.rs.)

use std::path::Path;

use cairn_tests::{cairn_env, cairn_in, fails, new_db_with_rows, ok, query_csv, snapshot_ids};
use serde_json::Value;

/// 2023-11-14 22:13:20 UTC, and a day in milliseconds.
const T0: u64 = 1_700_000_000_000;
const DAY: u64 = 86_400_000;

/// `cairn ARGS` in `dir` at the fixed time `at`, which must succeed; returns stdout.
fn at(dir: &Path, time_ms: u64, args: &[&str]) -> String {
    let out = cairn_env(dir, args, &[("CAIRN_TIME_MS", &time_ms.to_string())]);
    assert_eq!(out.code, 0, "cairn {args:?}: {}{}", out.stdout, out.stderr);
    assert_eq!(out.stderr, "", "cairn {args:?} printed on stderr");
    out.stdout
}

/// A change to the database, so that the next sync adds a snapshot.
fn change(db: &Path, i: u32) {
    ok(
        db,
        &[
            "sql",
            "-q",
            &format!("insert into t values ({}, 'x')", i + 10),
        ],
    );
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn tags_and_messages_are_kept_and_shown() {
    let tmp = tempfile::tempdir().unwrap();
    let db = new_db_with_rows(tmp.path());
    at(&db, T0, &["backup", "add", "nightly", "file://../b"]);
    at(&db, T0, &["backup", "sync", "nightly"]);
    // Nothing changed, but a tag names this moment: a snapshot is added all the same.
    let args = [
        "backup",
        "sync",
        "nightly",
        "--tag",
        "pre-migration",
        "--tag",
        "a",
        "--tag",
        "a",
        "-m",
        "before the rewrite",
    ];
    let out = at(&db, T0 + DAY, &args);
    assert!(
        out.starts_with("synced backup 'nightly': snapshot "),
        "{out}"
    );
    let ids = snapshot_ids(&db, "nightly");
    assert_eq!(ids.len(), 2);
    let listed = ok(&db, &["backup", "snapshots", "nightly"]);
    // Columns as wide as their widest cell; the first snapshot's size depends on the format.
    let words = |line: &str| line.split_whitespace().collect::<Vec<_>>().join(" ");
    let lines: Vec<String> = listed.lines().map(words).collect();
    assert_eq!(lines[0], "ID TIME BRANCH ADDED TAGS MESSAGE");
    let first = format!("{} Tue Nov 14 22:13:20 2023 +0000 main ", ids[0]);
    assert!(lines[1].starts_with(&first), "{listed}");
    assert_eq!(
        lines[2],
        format!(
            "{} Wed Nov 15 22:13:20 2023 +0000 main 0 B a,pre-migration before the rewrite",
            ids[1]
        )
    );
    let listed = json(&ok(&db, &["backup", "snapshots", "--json", "nightly"]));
    let second = &listed[1];
    assert_eq!(second["id"], ids[1].as_str());
    assert_eq!(second["time"], "2023-11-15T22:13:20Z");
    assert_eq!(second["time_ms"], T0 + DAY);
    assert_eq!(second["branch"], "main");
    assert_eq!(second["tags"], serde_json::json!(["a", "pre-migration"]));
    assert_eq!(second["message"], "before the rewrite");
    assert_eq!(second["added"], 0);
    assert_eq!(second["adopted_by"], Value::Null);
    assert!(listed[0]["added"].as_u64().unwrap() > 0, "{listed}");

    // A bad tag: one line, nothing written.
    let err = fails(&db, &["backup", "sync", "nightly", "--tag", "two words"]);
    assert_eq!(
        err,
        "error: 'two words' is not a snapshot tag: a tag is 1 to 100 characters without \
         spaces, control characters or commas\n"
    );
    assert_eq!(snapshot_ids(&db, "nightly"), ids);
}

/// Four daily snapshots of a database, the oldest tagged; returns their ids, oldest first.
fn four_days(db: &Path) -> Vec<String> {
    at(db, T0, &["backup", "add", "nightly", "file://../b"]);
    at(db, T0, &["backup", "sync", "nightly", "--tag", "keep-me"]);
    for day in 1..4 {
        change(db, day);
        at(db, T0 + day as u64 * DAY, &["backup", "sync", "nightly"]);
    }
    snapshot_ids(db, "nightly")
}

#[test]
fn forget_says_what_it_keeps_and_why_and_dry_runs_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let db = new_db_with_rows(tmp.path());
    let ids = four_days(&db);
    let policy = ["--keep-daily", "2", "--keep-tag", "keep-me"];
    let dry = ok(
        &db,
        &[&["backup", "forget", "nightly", "--dry-run"][..], &policy].concat(),
    );
    let expected = format!(
        "keep 3 snapshots:\n\
         ID        TIME                            BRANCH  TAGS     REASONS\n\
         {}  Fri Nov 17 22:13:20 2023 +0000  main             daily snapshot\n\
         {}  Thu Nov 16 22:13:20 2023 +0000  main             daily snapshot\n\
         {}  Tue Nov 14 22:13:20 2023 +0000  main    keep-me  tag keep-me\n\
         remove 1 snapshot:\n\
         ID        TIME                            BRANCH  TAGS\n\
         {}  Wed Nov 15 22:13:20 2023 +0000  main\n\
         would remove 1 snapshot (dry run: nothing changed)\n",
        ids[3], ids[2], ids[0], ids[1]
    );
    assert_eq!(dry, expected);
    assert_eq!(snapshot_ids(&db, "nightly"), ids);

    let done = ok(
        &db,
        &[&["backup", "forget", "nightly"][..], &policy].concat(),
    );
    assert!(
        done.ends_with(
            "removed 1 snapshot; the data only they used stays until a prune (--prune)\n"
        ),
        "{done}"
    );
    assert_eq!(
        snapshot_ids(&db, "nightly"),
        [ids[0].as_str(), &ids[2], &ids[3]]
    );
    // The removed snapshot is gone; the kept ones restore.
    let err = fails(
        tmp.path(),
        &["backup", "restore", "--snapshot", &ids[1], "file://b", "r1"],
    );
    assert!(
        err.contains(&format!("snapshot '{}' not found", ids[1])),
        "{err}"
    );
    ok(
        tmp.path(),
        &["backup", "restore", "--snapshot", &ids[0], "file://b", "r0"],
    );
    assert_eq!(
        query_csv(&tmp.path().join("r0"), "select count(*) from t"),
        "count(*)\n2\n"
    );

    // No policy: refused, as restic refuses one, and a bad count or duration in one line.
    let err = fails(&db, &["backup", "forget", "nightly", "--keep-last", "0"]);
    assert_eq!(
        err,
        "error: no retention policy given: forget keeps nothing unless told what to keep \
         (--keep-last, --keep-hourly, --keep-daily, --keep-weekly, --keep-monthly, \
         --keep-yearly, --keep-within or --keep-tag)\n"
    );
    let bad = cairn_in(
        &db,
        &["backup", "forget", "nightly", "--keep-within", "2w"],
        None,
    );
    assert_eq!(bad.code, 2);
    assert!(bad
        .stderr
        .contains("units are y (years), m (months), d (days), h (hours)"));
    assert_eq!(snapshot_ids(&db, "nightly").len(), 3);
}

#[test]
fn forget_keeps_the_writers_snapshot_so_syncs_go_on_and_copies_stay_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let db = new_db_with_rows(tmp.path());
    let ids = four_days(&db);
    // A copy of the database (same id), made now: it last wrote the newest snapshot too.
    cairn_tests::copy_tree(&db, &tmp.path().join("copy"));
    let copy = tmp.path().join("copy");

    // The policy keeps only the tagged snapshot; the newest stays, with its own reason.
    let out = ok(
        &db,
        &[
            "backup",
            "forget",
            "nightly",
            "--keep-tag",
            "keep-me",
            "--json",
        ],
    );
    let out = json(&out);
    let kept: Vec<(&str, &str)> = out["keep"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["id"].as_str().unwrap(), k["reasons"][0].as_str().unwrap()))
        .collect();
    assert_eq!(
        kept,
        [
            (
                ids[3].as_str(),
                "written last (the next sync continues from it)"
            ),
            (ids[0].as_str(), "tag keep-me")
        ]
    );
    assert_eq!(out["remove"].as_array().unwrap().len(), 2);
    assert_eq!(
        (&out["dry_run"], &out["prune"]),
        (&Value::Bool(false), &Value::Null)
    );
    assert_eq!(snapshot_ids(&db, "nightly"), [ids[0].as_str(), &ids[3]]);

    // The database syncs on; then the copy, which did not write that, is refused.
    change(&db, 10);
    at(&db, T0 + 5 * DAY, &["backup", "sync", "nightly"]);
    change(&copy, 20);
    let err = fails(&copy, &["backup", "sync", "nightly"]);
    assert!(err.contains("was not written by this database"), "{err}");

    // --prune deletes what only removed snapshots used; everything kept still verifies.
    let out = at(
        &db,
        T0 + 6 * DAY,
        &["backup", "forget", "nightly", "--keep-last", "1", "--prune"],
    );
    assert!(out.contains("removed 2 snapshots; deleted "), "{out}");
    ok(&db, &["backup", "verify", "nightly"]);
    ok(&db, &["backup", "prune", "nightly", "--keep-last", "1"]);
    change(&db, 11);
    at(&db, T0 + 7 * DAY, &["backup", "sync", "nightly"]);
    assert_eq!(snapshot_ids(&db, "nightly").len(), 2);
}

#[test]
fn an_adopted_backup_continues_its_history_from_the_restored_database() {
    let tmp = tempfile::tempdir().unwrap();
    let db = new_db_with_rows(tmp.path());
    let ids = four_days(&db);
    let base = tmp.path();

    // Without --adopt, today's behaviour: the restored database may not sync there.
    at(
        base,
        T0 + 4 * DAY,
        &["backup", "restore", "file://b", "plain"],
    );
    change(&base.join("plain"), 30);
    let err = fails(&base.join("plain"), &["backup", "sync-url", "file://../b"]);
    assert!(err.contains("belongs to another database"), "{err}");

    let out = at(
        base,
        T0 + 4 * DAY,
        &["backup", "restore", "--adopt", "file://b", "adopted"],
    );
    let new = base.join("adopted");
    let url = format!(
        "file://{}",
        base.join("b").canonicalize().unwrap().display()
    );
    let adoption = snapshot_ids(&db, "nightly");
    assert_eq!(adoption.len(), 5);
    assert_eq!(adoption[..4], ids[..]);
    assert!(
        out.contains(&format!(
            "adopted the backup: this database is its writer now (snapshot {} records it); \
             `cairn backup add NAME {url}` and `cairn backup sync NAME` in 'adopted' continue \
             its history\n",
            adoption[4]
        )),
        "{out}"
    );
    let listed = json(&ok(&db, &["backup", "snapshots", "--json", "nightly"]));
    let adopted_by = listed[4]["adopted_by"].as_str().unwrap().to_string();
    assert_eq!(listed[4]["added"], 0);
    let config = std::fs::read_to_string(new.join(".cairn/config")).unwrap();
    assert!(config.contains(&format!("id = {adopted_by}\n")), "{config}");

    // The old database is refused now; the adopter changes and syncs into the same history.
    change(&db, 40);
    let err = fails(&db, &["backup", "sync", "nightly"]);
    assert!(
        err.contains(&format!("belongs to another database (id {adopted_by})")),
        "{err}"
    );
    ok(
        &new,
        &[
            "sql",
            "-q",
            "insert into t values (99, 'after the disaster')",
        ],
    );
    ok(&new, &["backup", "add", "nightly", &url]);
    at(
        &new,
        T0 + 5 * DAY,
        &["backup", "sync", "nightly", "-m", "first after"],
    );
    let after = snapshot_ids(&new, "nightly");
    assert_eq!(after[..5], adoption[..]);
    assert_eq!(after.len(), 6);

    at(
        base,
        T0 + 6 * DAY,
        &["backup", "restore", "file://b", "again"],
    );
    assert_eq!(
        query_csv(&base.join("again"), "select v from t where id = 99"),
        "v\nafter the disaster\n"
    );
    // A backup file cannot be adopted; nothing is made.
    ok(&db, &["backup", "export", "nightly", "../b.cairnbak"]);
    let err = fails(
        base,
        &["backup", "restore", "--adopt", "b.cairnbak", "nope"],
    );
    assert!(err.contains("a backup file cannot be adopted"), "{err}");
    assert!(!base.join("nope").exists());
}

#[test]
fn a_restore_says_how_to_add_back_the_remotes_whose_branches_came_along() {
    let tmp = tempfile::tempdir().unwrap();
    let repo1 = tmp.path().join("repo1");
    std::fs::create_dir(&repo1).unwrap();
    cairn_tests::seed_tutorial(&repo1, "file://../backup1", "file://../remote1");
    let out = ok(
        tmp.path(),
        &["backup", "restore", "file://backup1", "repo2"],
    );
    assert!(
        out.ends_with(
            "the backup holds remote-tracking branches of 'origin' but not its URL, which \
             backups leave out: `cairn remote add origin URL` in 'repo2' to fetch from it \
             again\n"
        ),
        "{out}"
    );
    std::fs::create_dir(tmp.path().join("p")).unwrap();
    let plain = new_db_with_rows(&tmp.path().join("p"));
    ok(&plain, &["backup", "sync-url", "file://../b"]);
    let out = ok(tmp.path(), &["backup", "restore", "file://p/b", "r"]);
    assert!(out.starts_with("restored snapshot "), "{out}");
    assert!(!out.contains("remote add"), "{out}");
}

/// What a timer runs: quiet on success without a terminal (stdout has the results, stderr
/// nothing), one line on stderr and exit 1 on failure.
#[test]
fn the_timers_commands_are_quiet_on_success_and_fail_loudly() {
    let tmp = tempfile::tempdir().unwrap();
    // Enough rows that a sync has phases to show progress for, on a terminal.
    let db = cairn_tests::new_db_with_many_rows(tmp.path(), 2000);
    let run = |args: &[&str]| {
        let out = cairn_in(&db, args, None);
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{args:?}");
        out.stdout
    };
    run(&["backup", "add", "nightly", "file://../nightly"]);
    run(&["backup", "sync", "nightly"]);
    ok(&db, &["sql", "-q", "delete from t where id < 1000"]);
    run(&["backup", "sync", "nightly"]);
    let forget = [
        "backup",
        "forget",
        "nightly",
        "--keep-daily",
        "7",
        "--keep-weekly",
        "4",
    ];
    run(&[&forget[..], &["--prune"]].concat());
    run(&["backup", "restore", "file://../nightly", "../restored"]);
    run(&["backup", "verify", "nightly"]);

    std::fs::remove_dir_all(tmp.path().join("nightly")).unwrap();
    std::fs::write(tmp.path().join("nightly"), "not a folder").unwrap();
    let out = cairn_in(&db, &["backup", "sync", "nightly"], None);
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
}
