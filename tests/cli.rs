//! The `cairn` binary as users run it: each verb through a real child process in a temporary
//! directory, checking what it prints and how it exits.

use cairn_tests::{cairn_in, fails, ok};

fn new_db() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(dir.path(), &["init"]);
    assert_eq!(out, "Successfully initialized cairn data repository.\n");
    dir
}

#[test]
fn init_makes_main_with_an_initial_commit() {
    let db = new_db();
    let d = db.path();
    assert!(d.join(".cairn/store/manifest").exists());
    assert_eq!(ok(d, &["branch"]), "* main\n");
    let log = ok(d, &["log"]);
    assert!(log.contains("(HEAD -> main)"), "{log}");
    assert!(log.contains("Initialize data repository"), "{log}");
    assert!(
        log.contains("Author: Test Author <test@example.com>"),
        "{log}"
    );
    assert_eq!(
        ok(d, &["status"]),
        "On branch main\nnothing to commit, working tree clean\n"
    );
    // A second init refuses, and says where.
    assert!(fails(d, &["init"]).contains("already holds a cairn database"));
}

#[test]
fn untracked_then_staged_then_committed() {
    let db = new_db();
    let d = db.path();
    ok(
        d,
        &["sql", "-q", "create table t1 (a int primary key, b text)"],
    );
    let status = ok(d, &["status"]);
    assert!(status.contains("Untracked files:\n"), "{status}");
    assert!(status.contains("\tnew table:      t1\n"), "{status}");

    ok(d, &["add", "t1"]);
    let status = ok(d, &["status"]);
    assert!(status.contains("Changes to be committed:"), "{status}");
    assert!(status.contains("\tnew table:      t1\n"), "{status}");
    assert!(!status.contains("Untracked"), "{status}");

    let commit = ok(d, &["commit", "-m", "make t1"]);
    assert!(
        commit.contains("(HEAD -> main)") && commit.contains("\tmake t1\n"),
        "{commit}"
    );
    assert!(ok(d, &["status"]).contains("nothing to commit, working tree clean"));
    assert!(fails(d, &["commit", "-m", "again"]).contains("no changes added to commit"));
    ok(d, &["commit", "--allow-empty", "-m", "empty"]);
    let log = ok(d, &["log", "-n", "2"]);
    assert!(
        log.contains("\tempty\n") && log.contains("\tmake t1\n"),
        "{log}"
    );
    assert!(!log.contains("Initialize"), "-n 2 shows two commits: {log}");
}

#[test]
fn modified_tables_and_commit_all() {
    let db = new_db();
    let d = db.path();
    ok(
        d,
        &[
            "sql",
            "-q",
            "create table t (id int primary key, v int); insert into t values (1, 10)",
        ],
    );
    ok(d, &["commit", "-a", "-m", "first"]);
    ok(d, &["sql", "-q", "update t set v = 11 where id = 1"]);
    let status = ok(d, &["status"]);
    assert!(
        status.contains("Changes not staged for commit:"),
        "{status}"
    );
    assert!(status.contains("\tmodified:       t\n"), "{status}");
    let diff = ok(d, &["diff"]);
    assert!(diff.contains("diff --cairn a/t b/t"), "{diff}");
    assert!(
        diff.contains("| < | 1  | 10 |") && diff.contains("| > | 1  | 11 |"),
        "{diff}"
    );
    ok(d, &["add", "."]);
    assert!(ok(d, &["diff"]).is_empty(), "nothing unstaged after add");
    assert!(ok(d, &["diff", "--cached"]).contains("| > | 1  | 11 |"));
    ok(d, &["reset"]);
    assert!(
        ok(d, &["status"]).contains("Changes not staged"),
        "reset unstages"
    );
    ok(d, &["commit", "-a", "-m", "second"]);
    assert!(ok(d, &["status"]).contains("working tree clean"));
}

#[test]
fn drop_table_then_reset_hard_brings_it_back() {
    let db = new_db();
    let d = db.path();
    ok(
        d,
        &[
            "sql",
            "-q",
            "create table keep (id int primary key); insert into keep values (1), (2)",
        ],
    );
    ok(d, &["commit", "-a", "-m", "keep"]);
    ok(d, &["sql", "-q", "drop table keep"]);
    assert!(ok(d, &["status"]).contains("\tdeleted:        keep\n"));
    assert_eq!(ok(d, &["ls"]), "No tables in working set\n");
    let out = ok(d, &["reset", "--hard", "HEAD"]);
    assert!(out.starts_with("HEAD is now at "), "{out}");
    assert_eq!(ok(d, &["ls"]), "Tables in working set:\n\tkeep\n");
    let rows = ok(d, &["sql", "-q", "select count(*) from keep", "-r", "csv"]);
    assert_eq!(rows, "count(*)\n2\n");
}

#[test]
fn branches_tags_and_ls_at_a_ref() {
    let db = new_db();
    let d = db.path();
    ok(d, &["tag", "v0"]);
    ok(d, &["sql", "-q", "create table a (x int primary key)"]);
    ok(d, &["commit", "-a", "-m", "a"]);
    ok(d, &["branch", "feature"]);
    ok(d, &["tag", "v1", "HEAD"]);
    assert_eq!(ok(d, &["branch"]), "  feature\n* main\n");
    assert_eq!(ok(d, &["tag"]), "v0\nv1\n");
    assert_eq!(ok(d, &["ls", "v1"]), "Tables in 'v1':\n\ta\n");
    assert_eq!(ok(d, &["ls", "v0"]), "No tables in 'v0'\n");

    let out = ok(d, &["checkout", "-b", "work"]);
    assert_eq!(out, "Switched to a new branch 'work'\n");
    ok(d, &["sql", "-q", "create table b (y int primary key)"]);
    ok(d, &["commit", "-a", "-m", "b"]);
    assert_eq!(ok(d, &["ls", "work"]), "Tables in 'work':\n\ta\n\tb\n");
    assert_eq!(ok(d, &["ls", "main"]), "Tables in 'main':\n\ta\n");
    assert_eq!(ok(d, &["checkout", "main"]), "Switched to branch 'main'\n");
    assert_eq!(ok(d, &["ls"]), "Tables in working set:\n\ta\n");

    assert!(fails(d, &["branch", "-d", "main"]).contains("cannot delete branch 'main'"));
    assert!(fails(d, &["branch", "-d", "work"]).contains("is not fully merged"));
    ok(d, &["branch", "-D", "work"]);
    assert!(!ok(d, &["branch"]).contains("work"));
    assert!(fails(d, &["checkout", "work"]).contains("branch 'work' not found"));
    assert!(fails(d, &["branch", "feature"]).contains("already exists"));
    assert!(fails(d, &["tag", "v1"]).contains("tag 'v1' already exists"));
    ok(d, &["tag", "-d", "v0"]);
    assert_eq!(ok(d, &["tag"]), "v1\n");
    assert!(fails(d, &["ls", "nope"]).contains("'nope' is not a branch, tag"));
    assert!(fails(d, &["branch", "bad..name"]).contains("not a valid branch name"));
}

#[test]
fn sql_formats_and_stdin() {
    let db = new_db();
    let d = db.path();
    let out = cairn_in(
        d,
        &["sql"],
        Some("create table t (id int primary key, name varchar(20));\ninsert into t values (1, 'one'), (2, NULL);\n"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let table = ok(d, &["sql", "-q", "select * from t order by id"]);
    assert!(table.contains("| id | name |"), "{table}");
    assert!(table.contains("| 2  | NULL |"), "{table}");
    let json = ok(
        d,
        &["sql", "-q", "select * from t where id = 1", "-r", "json"],
    );
    assert!(
        json.contains("\"name\":\"one\"") || json.contains("\"name\": \"one\""),
        "{json}"
    );
    let err = fails(d, &["sql", "-q", "select * from missing"]);
    assert!(err.contains("table not found: missing"), "{err}");
    let err = fails(d, &["sql", "-q", "insert into t values (1, 'dup')"]);
    assert!(err.contains("duplicate primary key"), "{err}");
}

/// `cairn sql` is a session: a transaction it leaves open is rolled back, with a warning.
#[test]
fn sql_commits_transactions_and_rolls_back_one_left_open() {
    let db = new_db();
    let d = db.path();
    let commit = "create table t (id int primary key); begin; insert into t values (1); commit";
    ok(d, &["sql", "-q", commit]);
    let out = cairn_in(d, &["sql", "-q", "begin; insert into t values (2)"], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("it was rolled back"), "{}", out.stderr);
    let out = cairn_in(
        d,
        &["sql"],
        Some("start transaction;\ninsert into t values (3);\n"),
    );
    assert!(out.stderr.contains("it was rolled back"), "{}", out.stderr);
    assert_eq!(
        ok(d, &["sql", "-q", "select id from t", "-r", "csv"]),
        "id\n1\n"
    );
}

#[test]
fn errors_outside_a_database_and_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    for verb in [
        &["status"][..],
        &["log"],
        &["branch"],
        &["sql", "-q", "select 1"],
    ] {
        let err = fails(dir.path(), verb);
        assert!(err.contains("is not a cairn database"), "{verb:?}: {err}");
    }
    let out = cairn_in(dir.path(), &["commit", "--bogus"], None);
    assert_eq!(out.code, 2, "a usage error exits 2");
    assert!(out.stderr.contains("--bogus"));
    let help = cairn_in(dir.path(), &["--help"], None);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains("backup") || help.stdout.contains("status"),
        "{}",
        help.stdout
    );
}

#[test]
fn keyless_tables_keep_duplicates() {
    let db = new_db();
    let d = db.path();
    ok(
        d,
        &[
            "sql",
            "-q",
            "create table t1 (a int); insert into t1 values (1), (1), (2)",
        ],
    );
    assert_eq!(
        ok(d, &["sql", "-q", "select count(*) from t1", "-r", "csv"]),
        "count(*)\n3\n"
    );
    ok(d, &["commit", "-a", "-m", "dups"]);
    ok(d, &["sql", "-q", "delete from t1 where a = 1"]);
    let diff = ok(d, &["diff"]);
    assert_eq!(diff.matches("| - | 1 |").count(), 2, "{diff}");
}

#[test]
fn fsck_checks_the_store() {
    let db = new_db();
    let d = db.path();
    ok(
        d,
        &[
            "sql",
            "-q",
            "create table t (id int primary key); insert into t values (1)",
        ],
    );
    let out = ok(d, &["fsck"]);
    assert!(out.contains("no problems found"), "{out}");
}

#[test]
fn an_empty_commit_message_is_refused_and_nothing_is_committed() {
    let db = new_db();
    let d = db.path();
    ok(d, &["sql", "-q", "create table a (x int primary key)"]);
    for args in [&["commit", "-a"][..], &["commit", "-a", "-m", "  \n"]] {
        let err = fails(d, args);
        assert_eq!(
            err,
            "error: aborting commit: the commit message is empty (give one with -m MESSAGE)\n"
        );
    }
    assert!(
        ok(d, &["status"]).contains("new table:      a"),
        "still uncommitted"
    );
    ok(d, &["commit", "-a", "-m", "a"]);
}

#[test]
fn refs_by_commit_hash_and_head_ancestry() {
    let db = new_db();
    let d = db.path();
    ok(d, &["sql", "-q", "create table a (x int primary key)"]);
    ok(d, &["commit", "-a", "-m", "a"]);
    let first = ok(d, &["log", "-n", "1"]);
    let hash = first.split_whitespace().nth(1).unwrap().to_owned();
    assert_eq!(hash.len(), 32, "{first}");
    ok(d, &["sql", "-q", "create table b (y int primary key)"]);
    ok(d, &["commit", "-a", "-m", "b"]);
    assert_eq!(ok(d, &["ls", &hash]), format!("Tables in '{hash}':\n\ta\n"));
    assert_eq!(ok(d, &["ls", "HEAD~1"]), "Tables in 'HEAD~1':\n\ta\n");
    assert!(ok(d, &["log", &hash]).starts_with(&format!("commit {hash}")));
    // Not three letters long: `&hash[..3]` below must never name it (a hash may begin 'old').
    ok(d, &["tag", "first", &hash]);
    assert_eq!(ok(d, &["ls", "first"]), "Tables in 'first':\n\ta\n");
    assert!(fails(d, &["ls", "HEAD~9"]).contains("'HEAD~9' is not a branch"));

    // Git's ways of naming a commit: ^ and ~ steps, chained, and a unique hash prefix.
    let at = |spec: &str| {
        let out = ok(d, &["log", "-n", "1", spec]);
        out.split_whitespace().nth(1).unwrap().to_owned()
    };
    let head = at("HEAD");
    assert_ne!(head, hash);
    for spec in ["HEAD^", "HEAD~", "HEAD^1", "main~1", "HEAD^0~1", "first^0"] {
        assert_eq!(at(spec), hash, "{spec}");
    }
    assert_eq!(at(&hash[..8]), hash);
    assert_eq!(at(&format!("{}^0", &head[..6])), head);
    assert_eq!(at("HEAD~2"), at("first~1"), "the initial commit");
    for spec in ["HEAD^2", "HEAD~x", &hash[..3], "HEAD^^^^^"] {
        assert!(
            fails(d, &["log", spec]).contains("is not a branch"),
            "{spec}"
        );
    }
    // A merge's second parent, and a remote-tracking branch as `branch -a` prints it.
    ok(d, &["checkout", "-b", "side"]);
    ok(d, &["sql", "-q", "create table c (z int primary key)"]);
    ok(d, &["commit", "-a", "-m", "c"]);
    let side = at("HEAD");
    ok(d, &["checkout", "main"]);
    ok(d, &["merge", "--no-ff", "side", "-m", "merge side"]);
    assert_eq!(at("HEAD^2"), side);
    assert_eq!(at("HEAD^1"), head);
    let remote = tempfile::tempdir().unwrap();
    let url = format!("file://{}", remote.path().display());
    ok(d, &["remote", "add", "origin", &url]);
    ok(d, &["push", "origin", "main"]);
    assert!(ok(d, &["branch", "-a"]).contains("remotes/origin/main"));
    assert_eq!(at("remotes/origin/main^2"), side);
    assert_eq!(at("origin/main"), at("HEAD"));
}

#[test]
fn urls_that_would_rewrite_the_config_are_refused_and_names_from_a_remote_are_checked() {
    let root = tempfile::tempdir().unwrap();
    let d = cairn_tests::new_db(root.path());
    let before = std::fs::read_to_string(d.join(".cairn/config")).unwrap();
    let evil = "file://../x\n[core]\n\thead = evil\n\tid = STOLEN";
    let err = cairn_tests::fails(&d, &["backup", "add", "b1", evil]);
    assert!(err.contains("is not a valid URL"), "{err}");
    assert!(!err.contains('\n') || err.lines().count() == 1, "{err}");
    cairn_tests::fails(&d, &["remote", "add", "r", "file://../a\"b"]);
    let err = cairn_tests::fails(&d, &["backup", "sync-url", "file://../x\ny"]);
    assert!(err.contains("is not a valid URL"), "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join(".cairn/config")).unwrap(),
        before
    );
    // A trailing space is dropped, as the config would drop it when read back.
    cairn_tests::ok(&d, &["backup", "add", "b2", "file://../b2 "]);
    assert_eq!(cairn_tests::ok(&d, &["backup", "-v"]), "b2 file://../b2\n");
}

#[test]
fn a_restore_into_no_folder_or_the_root_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let d = cairn_tests::new_db(root.path());
    cairn_tests::ok(&d, &["backup", "sync-url", "file://../b"]);
    for target in ["", " ", "/"] {
        let err = cairn_tests::fails(
            root.path(),
            &["backup", "restore", "--force", "file://b", target],
        );
        assert!(
            err.contains("is no place for a new database"),
            "{target:?}: {err}"
        );
    }
    assert!(!root.path().join(".cairn").exists());
}

/// Every file and folder under `dir` that is open to anyone but its owner.
#[cfg(unix)]
fn shared(dir: &std::path::Path) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        if mode & 0o077 != 0 {
            out.push(format!("{} {:o}", path.display(), mode & 0o777));
        }
        if path.is_dir() {
            out.extend(shared(&path));
        }
    }
    out
}

#[cfg(unix)]
#[test]
fn a_database_and_its_backup_are_private_to_their_owner() {
    let root = tempfile::tempdir().unwrap();
    let d = cairn_tests::new_db(root.path());
    cairn_tests::ok(&d, &["sql", "-q", "create table t (a int primary key)"]);
    cairn_tests::ok(&d, &["backup", "add", "b", "file://../b"]);
    cairn_tests::ok(&d, &["backup", "sync", "b"]);
    cairn_tests::ok(root.path(), &["backup", "restore", "file://b", "restored"]);
    for dir in [
        d.join(".cairn"),
        root.path().join("b"),
        root.path().join("restored/.cairn"),
    ] {
        assert_eq!(shared(&dir), Vec::<String>::new(), "{}", dir.display());
    }
}

#[cfg(unix)]
#[test]
fn an_export_never_follows_a_symlink_planted_at_its_temporary_name() {
    let root = tempfile::tempdir().unwrap();
    let d = cairn_tests::new_db(root.path());
    cairn_tests::ok(&d, &["backup", "sync-url", "file://../b"]);
    let victim = root.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    std::os::unix::fs::symlink(&victim, root.path().join("out.cairnbak-partial")).unwrap();
    cairn_tests::ok(
        root.path(),
        &["backup", "export", "file://b", "out.cairnbak"],
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(root.path().join("out.cairnbak").metadata().unwrap().len() > 8);
}

#[test]
fn a_closed_stdout_ends_the_command_quietly() {
    use std::io::Read;
    let root = tempfile::tempdir().unwrap();
    let d = cairn_tests::new_db(root.path());
    let rows: Vec<String> = (0..10_000).map(|i| format!("({i}, 'row {i}')")).collect();
    let create = format!(
        "create table t (a int primary key, v text); insert into t values {}",
        rows.join(",")
    );
    assert_eq!(cairn_tests::cairn_in(&d, &["sql"], Some(&create)).code, 0);
    // `cairn sql ... | head -c 10`: the reader goes away after ten bytes, long before the
    // output (far more than a pipe holds) is written.
    let mut child = std::process::Command::new(cairn_tests::cairn_bin())
        .args(["sql", "-q", "select * from t"])
        .current_dir(&d)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(134), "{stderr}");
}
