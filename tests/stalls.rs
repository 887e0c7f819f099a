//! Writers paused inside their manifest swap (SIGSTOP, as Ctrl-Z, a laptop's sleep or a slow
//! disk would pause them) for as long as it takes other writers to commit: when they resume,
//! every acknowledged write is still there, or the resumed writer fails with a clear error.
#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cairn_tests::{cairn_bin, ok};

/// A database in `parent/db` with a table `t`.
fn new_db(parent: &Path) -> PathBuf {
    let d = cairn_tests::new_db(parent);
    ok(
        &d,
        &["sql", "-q", "create table t (id int primary key, who text)"],
    );
    ok(&d, &["commit", "-a", "-m", "table"]);
    d
}

/// Starts `cairn ARGS` in `dir`, and waits until it has stopped itself inside its first
/// manifest swap; answers the child and its pid.
// The child is handed back for `resume` to wait on, which the lint cannot see.
#[allow(clippy::zombie_processes)]
fn start_stopped(dir: &Path, args: &[&str]) -> (Child, String) {
    let marker = dir.join(format!(
        "stopped-{}",
        args.join("-").replace(['/', ' '], "_")
    ));
    let mut child = Command::new(cairn_bin())
        .args(args)
        .current_dir(dir)
        .env("CAIRN_TEST_STOP_IN_SWAP", &marker)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Ok(pid) = fs::read_to_string(&marker) {
            // The pid is written just before the process stops itself: wait for the stop.
            let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            if stat.split(' ').nth(2) == Some("T") {
                return (child, pid);
            }
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("cairn {args:?} never reached its swap: {out:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Resumes a stopped writer and answers its exit code and stderr.
fn resume(child: Child, pid: &str) -> (i32, String) {
    assert!(Command::new("kill")
        .args(["-CONT", pid])
        .status()
        .unwrap()
        .success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap_or(-1), stderr)
}

fn rows(d: &Path) -> String {
    ok(d, &["sql", "-q", "select id, who from t", "-r", "csv"])
}

#[test]
fn an_insert_paused_in_its_swap_while_another_commits_keeps_both() {
    let root = tempfile::tempdir().unwrap();
    let d = new_db(root.path());
    let (paused, pid) = start_stopped(&d, &["sql", "-q", "insert into t values (1, 'A')"]);
    ok(&d, &["sql", "-q", "insert into t values (2, 'B')"]);
    ok(&d, &["commit", "-a", "-m", "B's row"]);
    let (code, stderr) = resume(paused, &pid);
    assert_eq!(code, 0, "{stderr}");
    // A ran again on B's state: both rows, and B's commit is still the head.
    assert_eq!(rows(&d), "id,who\n1,A\n2,B\n");
    assert!(ok(&d, &["log", "-n", "1"]).contains("B's row"));
    assert!(ok(&d, &["fsck"]).contains("no problems found"));
}

#[test]
fn three_writers_one_paused_and_a_layout_1_lock_lose_nothing() {
    let root = tempfile::tempdir().unwrap();
    let d = new_db(root.path());
    // A LOCK as the old protocol left it, held (it seems) by a live process of this host.
    let host = fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let lock = format!("pid {}\nhost {}\ntime 0\n", std::process::id(), host.trim());
    fs::write(d.join(".cairn/store/LOCK"), lock).unwrap();
    let (paused, pid) = start_stopped(&d, &["sql", "-q", "insert into t values (1, 'A')"]);
    let writers: Vec<_> = [(2, "B"), (3, "C")]
        .into_iter()
        .map(|(id, who)| {
            let d = d.clone();
            std::thread::spawn(move || {
                ok(
                    &d,
                    &[
                        "sql",
                        "-q",
                        &format!("insert into t values ({id}, '{who}')"),
                    ],
                )
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let (code, stderr) = resume(paused, &pid);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(rows(&d), "id,who\n1,A\n2,B\n3,C\n");
}

#[test]
fn a_backup_sync_paused_in_its_swap_never_hides_another_sync() {
    let root = tempfile::tempdir().unwrap();
    let d = new_db(root.path());
    ok(&d, &["backup", "add", "b", "file://../b"]);
    ok(&d, &["backup", "sync", "b"]);
    ok(&d, &["sql", "-q", "insert into t values (1, 'A')"]);
    let (paused, pid) = start_stopped(&d, &["backup", "sync", "b"]);
    ok(&d, &["sql", "-q", "insert into t values (2, 'B')"]);
    let synced = ok(&d, &["backup", "sync", "b"]);
    let snapshot = synced.split("snapshot ").nth(1).unwrap()[..8].to_owned();
    let (code, stderr) = resume(paused, &pid);
    // Either outcome is honest; a silent overwrite of the other sync is not.
    if code != 0 {
        let last = stderr.lines().last().unwrap_or("");
        assert!(last.starts_with("error: another writer"), "{stderr}");
        assert_eq!(stderr.matches("error: ").count(), 1, "{stderr}");
    }
    let snapshots = ok(&d, &["backup", "snapshots", "b"]);
    assert!(
        snapshots.contains(&snapshot),
        "{snapshot} is gone: {snapshots}"
    );
    assert!(ok(&d, &["backup", "verify", "b"]).contains("no problems found"));
    let restored = root.path().join("restored");
    ok(
        root.path(),
        &["backup", "restore", "file://b", restored.to_str().unwrap()],
    );
    assert_eq!(rows(&restored), "id,who\n1,A\n2,B\n");
}
