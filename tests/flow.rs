//! The Git workflow around remotes and history, through real `cairn` processes: tags that
//! travel, checkout of a remote's branch, upstreams, and the ways of looking at commits.

use std::path::{Path, PathBuf};

use cairn_tests::{cairn_in, fails, new_db, ok};

/// A database `a` in `root` with a committed table and `origin` at `root/remote`, main pushed;
/// and `b`, its clone.
fn two_clones(root: &Path) -> (PathBuf, PathBuf) {
    let a = new_db(root);
    ok(
        &a,
        &[
            "sql",
            "-q",
            "create table t (id int primary key, v text); insert into t values (1, 'one')",
        ],
    );
    ok(&a, &["commit", "-a", "-m", "one"]);
    ok(&a, &["remote", "add", "origin", "file://../remote"]);
    ok(&a, &["push", "origin", "main"]);
    ok(root, &["clone", "file://remote", "b"]);
    (a, root.join("b"))
}

#[test]
fn tags_are_pushed_one_or_all_and_fetched_and_cloned_without_clobbering() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let (a, b) = two_clones(r);
    ok(&a, &["tag", "v1"]);
    ok(&a, &["tag", "v0", "HEAD~1"]);
    let out = ok(&a, &["push", "origin", "v1"]);
    assert!(out.starts_with("[new tag] v1 -> v1 ("), "{out}");
    assert_eq!(ok(&a, &["push", "origin", "v1"]), "Everything up-to-date\n");
    assert_eq!(ok(&b, &["fetch"]), "[new tag] v1 -> v1\n");
    assert_eq!(ok(&b, &["tag"]), "v1\n");

    // --tags pushes those the remote lacks; a clone brings them all.
    let out = ok(&a, &["push", "--tags", "origin"]);
    assert!(out.starts_with("[new tag] v0 -> v0 ("), "{out}");
    ok(r, &["clone", "file://remote", "c"]);
    assert_eq!(ok(&r.join("c"), &["tag"]), "v0\nv1\n");

    // A tag moved here is not pushed over the remote's, nor fetched over, without --force.
    ok(&b, &["tag", "-d", "v1"]);
    ok(&b, &["tag", "v1", "HEAD~1"]);
    let err = fails(&b, &["push", "origin", "v1"]);
    assert_eq!(
        err,
        "error: failed to push tag 'v1' to origin: the remote's tag 'v1' points at another \
         commit (use --force to replace it)\n"
    );
    let fetched = cairn_in(&b, &["fetch"], None);
    assert_eq!(fetched.code, 0, "{}", fetched.stderr);
    assert!(
        fetched
            .stderr
            .contains("warning: tag 'v1' not updated: origin's tag 'v1' points at another commit"),
        "{}",
        fetched.stderr
    );
    let v0 = ok(&b, &["log", "-n", "1", "v0"]);
    assert_eq!(ok(&b, &["log", "-n", "1", "v1"]), v0);
    let out = ok(&b, &["fetch", "--force"]);
    assert!(out.contains("(forced update)"), "{out}");
    assert_ne!(ok(&b, &["log", "-n", "1", "v1"]), v0);

    // A forced push moves the remote's tag.
    ok(&a, &["tag", "-d", "v1"]);
    ok(&a, &["tag", "v1", "HEAD~1"]);
    let out = ok(&a, &["push", "--force", "origin", "v1"]);
    assert!(out.contains("v1 -> v1 (forced update)"), "{out}");
    assert_eq!(
        fails(&a, &["push", "origin", "nothing"]),
        "error: 'nothing' is not a branch, tag, remote-tracking branch or commit\n"
    );
}
