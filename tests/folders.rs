//! `init`, `clone` and `backup restore [--force]` replace folders all or nothing: whenever
//! the process dies, the directory holds the old database or the new one, and the next
//! command finishes or undoes what was left.

use std::fs;
use std::path::Path;
use std::time::Duration;

use cairn_tests::{cairn_bin, ok};

fn leftovers(dir: &Path) -> Vec<String> {
    names_in(dir, ".cairn-")
}

/// The names in `dir` that start with `prefix`, sorted.
fn names_in(dir: &Path, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    names.sort();
    names
}

/// `root/src` with table `from_src` and a backup of it at `root/b`, and `root/target`, a
/// database with table `from_target`.
fn backup_and_target(root: &Path) {
    for (name, table) in [("src", "from_src"), ("target", "from_target")] {
        let d = root.join(name);
        fs::create_dir(&d).unwrap();
        ok(&d, &["init"]);
        let rows: Vec<String> = (0..3000).map(|i| format!("({i})")).collect();
        let sql = format!(
            "create table {table} (a int primary key); insert into {table} values {}",
            rows.join(",")
        );
        ok(&d, &["sql", "-q", &sql]);
        ok(&d, &["commit", "-a", "-m", table]);
    }
    ok(&root.join("src"), &["backup", "sync-url", "file://../b"]);
}

/// Which database `dir` holds, after a command there has recovered it.
fn which(dir: &Path) -> &'static str {
    let tables = ok(dir, &["ls"]);
    assert!(leftovers(dir).is_empty(), "{:?}", leftovers(dir));
    match (tables.contains("from_src"), tables.contains("from_target")) {
        (true, false) => "new",
        (false, true) => "old",
        other => panic!("neither database: {other:?} {tables}"),
    }
}

#[test]
fn a_forced_restore_killed_at_any_moment_leaves_the_old_database_or_the_new() {
    let root = tempfile::tempdir().unwrap();
    backup_and_target(root.path());
    let target = root.path().join("target");
    let mut seen = std::collections::BTreeSet::new();
    for delay_ms in [0u64, 1, 2, 3, 5, 8, 12, 20, 35, 60, 100, 200] {
        let restore = [
            "backup", "restore", "--force", "--quiet", "file://b", "target",
        ];
        killed_after(root.path(), &restore, delay_ms);
        let got = which(&target);
        seen.insert(got);
        if got == "new" {
            // Put the old one back for the next round.
            fs::remove_dir_all(target.join(".cairn")).unwrap();
            ok(&target, &["init"]);
            ok(
                &target,
                &["sql", "-q", "create table from_target (a int primary key)"],
            );
        }
    }
    assert!(seen.contains("old") || seen.contains("new"));
}

#[test]
fn death_between_the_two_renames_is_finished_by_the_next_command() {
    let root = tempfile::tempdir().unwrap();
    backup_and_target(root.path());
    let target = root.path().join("target");
    // Build the state a kill between the renames leaves: the old database moved aside, the
    // new one complete beside it, no `.cairn`. The pid is beyond any pid_max: not running.
    ok(root.path(), &["backup", "restore", "file://b", "staging"]);
    fs::rename(target.join(".cairn"), target.join(".cairn-old-99999999")).unwrap();
    fs::rename(
        root.path().join("staging/.cairn"),
        target.join(".cairn-new-99999999"),
    )
    .unwrap();
    assert_eq!(which(&target), "new");

    // Killed while writing the new one's config: a config.tmp is no mark of completeness.
    fs::rename(target.join(".cairn"), target.join(".cairn-old-99999993")).unwrap();
    fs::create_dir_all(target.join(".cairn-new-99999993/store")).unwrap();
    fs::write(
        target.join(".cairn-new-99999993/config.tmp"),
        "[core]\n\thea",
    )
    .unwrap();
    assert_eq!(which(&target), "new");

    // Killed while a new one was still being built: the database moved aside (the one just
    // restored) comes back, and the half-built one goes.
    fs::rename(target.join(".cairn"), target.join(".cairn-old-99999998")).unwrap();
    fs::create_dir_all(target.join(".cairn-new-99999998/store")).unwrap();
    assert_eq!(which(&target), "new");
}

#[test]
fn an_interrupted_init_or_restore_leaves_nothing_only_rm_rf_fixes() {
    let root = tempfile::tempdir().unwrap();
    let d = root.path().join("db");
    fs::create_dir(&d).unwrap();
    // An init that died halfway: a folder with a store and no config.
    fs::create_dir_all(d.join(".cairn-new-99999997/store")).unwrap();
    ok(&d, &["init"]);
    assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
    assert!(ok(&d, &["status"]).contains("On branch main"));

    // A restore of a backup into a new folder that died before finishing.
    ok(&d, &["backup", "sync-url", "file://../b"]);
    let fresh = root.path().join("fresh");
    fs::create_dir_all(fresh.join(".cairn-new-99999996/store")).unwrap();
    ok(root.path(), &["backup", "restore", "file://b", "fresh"]);
    assert!(leftovers(&fresh).is_empty());
    assert!(ok(&fresh, &["status"]).contains("On branch main"));
}

#[test]
fn a_backup_file_is_unpacked_beside_and_what_a_killed_unpack_left_is_deleted() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    backup_and_target(r);
    ok(r, &["backup", "export", "file://b", "b.cairnbak"]);
    // Unpacks that processes killed midway left: beside the restore's folder and beside the
    // file, of a pid beyond any pid_max (not running) and of this test's (running).
    let live = std::process::id();
    for left in [".fresh.unpacked-99999999", ".b.cairnbak.unpacked-99999999"] {
        fs::create_dir_all(r.join(left).join("store")).unwrap();
    }
    let kept = format!(".fresh.unpacked-{live}");
    fs::create_dir(r.join(&kept)).unwrap();
    ok(r, &["backup", "restore", "b.cairnbak", "fresh"]);
    assert!(ok(&r.join("fresh"), &["ls"]).contains("from_src"));
    ok(r, &["backup", "verify", "b.cairnbak"]);
    assert_eq!(
        names_in(r, "."),
        [kept],
        "only the unpack of a running process is kept"
    );
}

/// Runs `cairn ARGS` in `dir` and kills it after `delay_ms`.
fn killed_after(dir: &Path, args: &[&str], delay_ms: u64) {
    let mut child = std::process::Command::new(cairn_bin())
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(delay_ms));
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn an_init_or_clone_killed_at_any_moment_leaves_a_database_or_nothing() {
    let root = tempfile::tempdir().unwrap();
    backup_and_target(root.path());
    ok(
        &root.path().join("src"),
        &["remote", "add", "origin", "file://../rem"],
    );
    ok(&root.path().join("src"), &["push", "origin", "main"]);
    for (round, delay_ms) in [0u64, 1, 2, 4, 7, 12, 20, 40].into_iter().enumerate() {
        let d = root.path().join(format!("init{round}"));
        fs::create_dir(&d).unwrap();
        killed_after(&d, &["init"], delay_ms);
        // Either the database is whole, or there is none and init runs again.
        if cairn_tests::cairn_in(&d, &["status"], None).code != 0 {
            assert!(!d.join(".cairn").exists());
            ok(&d, &["init"]);
        }
        assert!(ok(&d, &["status"]).contains("On branch main"));
        assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));

        let name = format!("clone{round}");
        killed_after(root.path(), &["clone", "file://rem", &name], delay_ms);
        let c = root.path().join(&name);
        if !c.exists() || cairn_tests::cairn_in(&c, &["status"], None).code != 0 {
            assert!(!c.join(".cairn").exists());
            ok(root.path(), &["clone", "file://rem", &name]);
        }
        assert!(ok(&c, &["ls"]).contains("from_src"));
        assert!(leftovers(&c).is_empty(), "{:?}", leftovers(&c));
    }
}
