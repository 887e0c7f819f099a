//! `merge`, `conflicts`, `pull` and the branch verbs that depend on merging, through real
//! `cairn` processes.

use std::path::Path;

use cairn_tests::{fails, new_db, ok, query_csv, two_clones};

/// A database whose `main` and `feature` branches both changed `t (id, a, b)` since a common
/// commit holding (1, 10, 'x') and (2, 20, 'y'): `ours` ran on main, `theirs` on feature,
/// each committed. Leaves main checked out.
fn diverged(parent: &Path, ours: &str, theirs: &str) -> std::path::PathBuf {
    let d = new_db(parent);
    ok(
        &d,
        &[
            "sql",
            "-q",
            "create table t (id int primary key, a int, b text); \
             insert into t values (1, 10, 'x'), (2, 20, 'y')",
        ],
    );
    ok(&d, &["commit", "-a", "-m", "base"]);
    ok(&d, &["branch", "feature"]);
    ok(&d, &["sql", "-q", ours]);
    ok(&d, &["commit", "-a", "-m", "ours"]);
    ok(&d, &["checkout", "feature"]);
    ok(&d, &["sql", "-q", theirs]);
    ok(&d, &["commit", "-a", "-m", "theirs"]);
    ok(&d, &["checkout", "main"]);
    d
}

/// `diverged` where both sides changed cell `a` of row 1 differently, and theirs also
/// changed row 2 (which merges cleanly). The merge stops on the conflict.
fn conflicted(parent: &Path) -> std::path::PathBuf {
    let d = diverged(
        parent,
        "update t set a = 11 where id = 1",
        "update t set a = 12 where id = 1; update t set b = 'Y' where id = 2",
    );
    let err = fails(&d, &["merge", "feature"]);
    assert!(
        err.starts_with("error: unresolved merge conflicts in table 't'; list them with `cairn conflicts cat TABLE`"),
        "{err}"
    );
    d
}

#[test]
fn a_branch_ahead_is_fast_forwarded_and_no_ff_makes_a_merge_commit() {
    let root = tempfile::tempdir().unwrap();
    let d = new_db(root.path());
    ok(&d, &["branch", "feature"]);
    ok(&d, &["checkout", "feature"]);
    ok(&d, &["sql", "-q", "create table t (id int primary key)"]);
    ok(&d, &["commit", "-a", "-m", "add t"]);
    let tip = ok(&d, &["log", "-n", "1"]);
    ok(&d, &["checkout", "main"]);
    let out = ok(&d, &["merge", "--ff-only", "feature"]);
    assert!(
        out.starts_with("Updating ") && out.ends_with("\nFast-forward\n"),
        "{out}"
    );
    assert_eq!(
        ok(&d, &["log", "-n", "1"]),
        tip.replace("HEAD -> feature", "HEAD -> main, feature")
    );
    assert_eq!(ok(&d, &["merge", "feature"]), "Already up to date.\n");

    // --no-ff records the merge even where a fast-forward would do.
    ok(&d, &["checkout", "feature"]);
    ok(&d, &["sql", "-q", "insert into t values (1)"]);
    ok(&d, &["commit", "-a", "-m", "one row"]);
    ok(&d, &["checkout", "main"]);
    assert_eq!(
        ok(&d, &["merge", "--no-ff", "feature"]),
        "Merge made by the 'three-way' strategy.\n"
    );
    let log = ok(&d, &["log", "-n", "1"]);
    assert!(log.contains("\nMerge: "), "{log}");
    assert!(log.contains("Merge branch 'feature'"), "{log}");
    assert_eq!(query_csv(&d, "select id from t"), "id\n1\n");
}

#[test]
fn ff_only_refuses_diverged_histories_and_changes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let d = diverged(
        root.path(),
        "update t set a = 11 where id = 1",
        "update t set b = 'X' where id = 1",
    );
    let before = ok(&d, &["log"]);
    let err = fails(&d, &["merge", "--ff-only", "feature"]);
    assert_eq!(
        err,
        "error: cannot fast-forward to 'feature': the histories have diverged (merge without \
         --ff-only to make a merge commit)\n"
    );
    assert_eq!(ok(&d, &["log"]), before);
    assert!(ok(&d, &["status"]).ends_with("nothing to commit, working tree clean\n"));
}

#[test]
fn both_sides_changing_different_cells_and_tables_merge_cleanly() {
    let root = tempfile::tempdir().unwrap();
    let d = diverged(
        root.path(),
        "update t set a = 11 where id = 1; insert into t values (3, 30, 'z'); \
         create table mine (k int primary key); insert into mine values (1)",
        "update t set b = 'X' where id = 1; delete from t where id = 2; \
         create table theirs (k text primary key); insert into theirs values ('a')",
    );
    assert_eq!(
        ok(&d, &["merge", "feature"]),
        "Merge made by the 'three-way' strategy.\n"
    );
    assert_eq!(query_csv(&d, "select * from t"), "id,a,b\n1,11,X\n3,30,z\n");
    assert_eq!(query_csv(&d, "select * from mine"), "k\n1\n");
    assert_eq!(query_csv(&d, "select * from theirs"), "k\na\n");
    assert!(ok(&d, &["status"]).ends_with("nothing to commit, working tree clean\n"));

    let log = ok(&d, &["log", "-n", "1"]);
    assert!(log.contains("(HEAD -> main)\nMerge: "), "{log}");
    assert!(log.contains("\tMerge branch 'feature'"), "{log}");
    // Both parents' histories are in the log, and the graph forks and joins.
    let all = ok(&d, &["log"]);
    assert!(
        all.contains("\tours\n") && all.contains("\ttheirs\n"),
        "{all}"
    );
    let graph = ok(&d, &["log", "--graph"]);
    assert!(graph.starts_with("* commit "), "{graph}");
    assert!(graph.contains("\n|\\\n| * commit "), "{graph}");
    assert!(graph.contains("\n|/\n* commit "), "{graph}");

    // A table dropped on one side and left alone on the other is dropped; one dropped on one
    // side and changed on the other is a conflict.
    ok(&d, &["checkout", "feature"]);
    ok(&d, &["sql", "-q", "drop table theirs; drop table t"]);
    ok(&d, &["commit", "-a", "-m", "drop two"]);
    ok(&d, &["checkout", "main"]);
    fails(&d, &["merge", "feature"]);
    assert_eq!(ok(&d, &["ls"]), "Tables in working set:\n\tmine\n\tt\n");
    let shown = ok(&d, &["conflicts", "cat", "t"]);
    assert!(shown.ends_with("\ntheirs:\n    no such table\n"), "{shown}");
    ok(&d, &["conflicts", "resolve", "--theirs", "t"]);
    ok(&d, &["commit", "-m", "dropped"]);
    assert_eq!(ok(&d, &["ls"]), "Tables in working set:\n\tmine\n");
}

#[test]
fn a_conflict_is_shown_and_blocks_the_commit_until_resolved_with_theirs() {
    let root = tempfile::tempdir().unwrap();
    let d = conflicted(root.path());
    let status = ok(&d, &["status"]);
    assert!(status.contains("You have unmerged tables."), "{status}");
    assert!(status.contains("\tboth modified:  t\n"), "{status}");
    assert_eq!(
        ok(&d, &["conflicts", "cat", "t"]),
        "+--------+----+----+---+\n\
         |        | id | a  | b |\n\
         +--------+----+----+---+\n\
         | base   | 1  | 10 | x |\n\
         | ours   | 1  | 11 | x |\n\
         | theirs | 1  | 12 | x |\n\
         +--------+----+----+---+\n"
    );
    // The clean part of the merge is in; the conflicting row is ours until settled.
    assert_eq!(query_csv(&d, "select * from t"), "id,a,b\n1,11,x\n2,20,Y\n");
    let err = fails(&d, &["commit", "-m", "too soon"]);
    assert!(
        err.starts_with("error: unresolved merge conflicts in table 't'"),
        "{err}"
    );
    let err = fails(&d, &["merge", "feature"]);
    assert_eq!(
        err,
        "error: a merge is in progress; commit it, or `cairn merge --abort`\n"
    );

    ok(&d, &["conflicts", "resolve", "--theirs", "t"]);
    assert_eq!(query_csv(&d, "select * from t"), "id,a,b\n1,12,x\n2,20,Y\n");
    let status = ok(&d, &["status"]);
    assert!(
        status.contains("All conflicts fixed but you are still merging."),
        "{status}"
    );
    let err = fails(&d, &["conflicts", "cat", "t"]);
    assert_eq!(err, "error: table 't' has no merge conflicts\n");
    ok(&d, &["commit", "-m", "merged"]);
    let log = ok(&d, &["log", "-n", "1"]);
    assert!(
        log.contains("\nMerge: ") && log.contains("\tmerged\n"),
        "{log}"
    );
    assert!(ok(&d, &["status"]).ends_with("nothing to commit, working tree clean\n"));
    // Merged: feature may now go with -d.
    ok(&d, &["branch", "-d", "feature"]);
}

#[test]
fn a_conflict_resolved_with_ours_keeps_our_row_and_still_records_the_merge() {
    let root = tempfile::tempdir().unwrap();
    let d = diverged(
        root.path(),
        "update t set a = 11 where id = 1",
        // A delete against an update is a conflict too.
        "delete from t where id = 1",
    );
    fails(&d, &["merge", "feature"]);
    let shown = ok(&d, &["conflicts", "cat", "t"]);
    assert!(
        shown.contains("| theirs (no row) | NULL | NULL | NULL |"),
        "{shown}"
    );
    ok(&d, &["conflicts", "resolve", "--ours", "t"]);
    assert_eq!(query_csv(&d, "select * from t"), "id,a,b\n1,11,x\n2,20,y\n");
    ok(&d, &["commit", "-m", "kept ours"]);
    assert!(ok(&d, &["log", "-n", "1"]).contains("\nMerge: "));
    assert_eq!(ok(&d, &["merge", "feature"]), "Already up to date.\n");
}

#[test]
fn a_conflict_settled_by_editing_rows_then_marking_it_resolved() {
    let root = tempfile::tempdir().unwrap();
    let d = conflicted(root.path());
    ok(&d, &["sql", "-q", "update t set a = 13 where id = 1"]);
    fails(&d, &["commit", "-a", "-m", "not yet"]);
    ok(&d, &["conflicts", "resolve", "t"]);
    // Without -m, the message the merge would have had.
    let out = ok(&d, &["commit"]);
    assert!(out.ends_with("\n\tMerge branch 'feature'\n"), "{out}");
    assert_eq!(query_csv(&d, "select * from t"), "id,a,b\n1,13,x\n2,20,Y\n");
    let err = fails(&d, &["conflicts", "resolve", "t"]);
    assert_eq!(err, "error: no merge is in progress\n");
}

#[test]
fn merge_abort_restores_the_state_before_the_merge() {
    let root = tempfile::tempdir().unwrap();
    let d = conflicted(root.path());
    let before = query_csv(&d, "select * from t");
    assert_ne!(before, "id,a,b\n1,11,x\n2,20,y\n");
    ok(&d, &["merge", "--abort"]);
    assert_eq!(query_csv(&d, "select * from t"), "id,a,b\n1,11,x\n2,20,y\n");
    assert_eq!(
        ok(&d, &["status"]),
        "On branch main\nnothing to commit, working tree clean\n"
    );
    assert_eq!(
        fails(&d, &["merge", "--abort"]),
        "error: no merge is in progress\n"
    );
    // Uncommitted changes are never merged over.
    ok(&d, &["sql", "-q", "insert into t values (9, 9, 'n')"]);
    let err = fails(&d, &["merge", "feature"]);
    assert!(
        err.starts_with("error: you have uncommitted changes"),
        "{err}"
    );
}

#[test]
fn schemas_changed_on_both_sides_conflict_and_one_side_wins_whole() {
    let root = tempfile::tempdir().unwrap();
    let d = diverged(
        root.path(),
        "drop table t; create table t (id int primary key, c int); insert into t values (1, 1)",
        "drop table t; create table t (id int primary key, d text); insert into t values (5, 'd')",
    );
    fails(&d, &["merge", "feature"]);
    let shown = ok(&d, &["conflicts", "cat", "t"]);
    assert!(
        shown.starts_with("schema conflict in table 't':\nbase:\n    CREATE TABLE `t` (\n"),
        "{shown}"
    );
    ok(&d, &["conflicts", "resolve", "--theirs", "t"]);
    assert_eq!(query_csv(&d, "select * from t"), "id,d\n5,d\n");
    ok(&d, &["commit", "-m", "theirs wins"]);
}

#[test]
fn a_pull_after_a_diverged_push_merges() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let (a, b) = two_clones(r);

    ok(&b, &["sql", "-q", "insert into t values (2, 'two')"]);
    ok(&b, &["commit", "-a", "-m", "two"]);
    ok(&b, &["push", "origin", "main"]);
    ok(&a, &["sql", "-q", "insert into t values (3, 'three')"]);
    ok(&a, &["commit", "-a", "-m", "three"]);
    let err = fails(&a, &["push", "origin", "main"]);
    assert!(err.contains("(fetch and pull, or push --force)"), "{err}");
    assert!(fails(&a, &["pull", "--ff-only", "origin"]).contains("diverged"));
    assert_eq!(
        ok(&a, &["pull", "origin"]),
        "Merge made by the 'three-way' strategy.\n"
    );
    assert!(ok(&a, &["log", "-n", "1"]).contains("Merge remote-tracking branch 'origin/main'"));
    ok(&a, &["push", "origin", "main"]);
    let out = ok(&b, &["pull", "origin", "main"]);
    assert!(out.ends_with("\nFast-forward\n"), "{out}");
    assert_eq!(query_csv(&b, "select id from t"), "id\n1\n2\n3\n");
    assert_eq!(ok(&b, &["pull", "origin"]), "Already up to date.\n");

    // A database made by its own init shares no commit with the remote's.
    let other = r.join("other");
    std::fs::create_dir(&other).unwrap();
    ok(&other, &["init"]);
    ok(&other, &["remote", "add", "origin", "file://../remote"]);
    assert_eq!(
        fails(&other, &["pull", "origin", "main"]),
        "error: 'origin/main' shares no history with this branch\n"
    );
}

#[test]
fn branch_d_refuses_unmerged_work_big_d_forces_and_m_renames() {
    let root = tempfile::tempdir().unwrap();
    let d = new_db(root.path());
    ok(&d, &["checkout", "-b", "topic"]);
    ok(&d, &["sql", "-q", "create table t (id int primary key)"]);
    ok(&d, &["commit", "-a", "-m", "on topic"]);
    ok(&d, &["checkout", "main"]);
    assert_eq!(
        fails(&d, &["branch", "-d", "topic"]),
        "error: branch 'topic' is not fully merged (use `cairn branch -D` to delete it anyway)\n"
    );
    // Uncommitted changes of a merged branch count too.
    ok(&d, &["branch", "scratch"]);
    ok(&d, &["checkout", "scratch"]);
    ok(&d, &["sql", "-q", "create table u (id int primary key)"]);
    ok(&d, &["checkout", "main"]);
    assert_eq!(
        fails(&d, &["branch", "-d", "scratch"]),
        "error: branch 'scratch' has uncommitted changes (use `cairn branch -D` to delete it anyway)\n"
    );
    ok(&d, &["branch", "-D", "scratch"]);

    // A rename takes the branch's uncommitted work along, and the checked-out one stays so.
    ok(&d, &["checkout", "topic"]);
    ok(&d, &["sql", "-q", "insert into t values (7)"]);
    ok(&d, &["branch", "-m", "topic", "renamed"]);
    assert_eq!(ok(&d, &["branch"]), "  main\n* renamed\n");
    assert_eq!(query_csv(&d, "select id from t"), "id\n7\n");
    assert!(fails(&d, &["branch", "-m", "renamed", "main"]).contains("already exists"));
    assert!(fails(&d, &["branch", "-m", "nope", "x"]).contains("branch 'nope' not found"));
    ok(&d, &["checkout", "main"]);
    ok(&d, &["branch", "-D", "renamed"]);
    assert_eq!(ok(&d, &["branch"]), "* main\n");
}

#[test]
fn a_backup_of_a_conflicted_merge_restores_with_its_conflicts() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let d = conflicted(r);
    ok(&d, &["backup", "add", "b", "file://../backup"]);
    ok(&d, &["backup", "sync", "b"]);
    ok(r, &["backup", "restore", "file://backup", "restored"]);
    let restored = r.join("restored");
    let status = ok(&restored, &["status"]);
    assert!(status.contains("\tboth modified:  t\n"), "{status}");
    assert_eq!(
        ok(&restored, &["conflicts", "cat", "t"]),
        ok(&d, &["conflicts", "cat", "t"])
    );
    ok(&restored, &["conflicts", "resolve", "--theirs", "t"]);
    ok(&restored, &["commit", "-m", "merged after restore"]);
    assert_eq!(
        query_csv(&restored, "select * from t"),
        "id,a,b\n1,12,x\n2,20,Y\n"
    );
    ok(&restored, &["fsck"]);
}

#[test]
fn cherry_pick_applies_one_commits_change_and_revert_undoes_one() {
    let root = tempfile::tempdir().unwrap();
    let d = diverged(
        root.path(),
        "update t set b = 'main' where id = 2",
        "insert into t values (3, 30, 'z')",
    );
    ok(&d, &["checkout", "feature"]);
    ok(&d, &["sql", "-q", "update t set a = 11 where id = 1"]);
    ok(&d, &["commit", "-a", "-m", "eleven"]);
    ok(&d, &["checkout", "main"]);
    // Only the picked commit's change comes, with its message, on one parent.
    let out = ok(&d, &["cherry-pick", "feature"]);
    assert!(
        out.contains("(HEAD -> main)") && out.ends_with("\n\televen\n"),
        "{out}"
    );
    assert!(!out.contains("\nMerge: "), "{out}");
    assert_eq!(
        query_csv(&d, "select * from t"),
        "id,a,b\n1,11,x\n2,20,main\n"
    );

    let out = ok(&d, &["revert", "HEAD~1"]);
    assert!(out.ends_with("\n\tRevert \"ours\"\n"), "{out}");
    assert_eq!(query_csv(&d, "select * from t"), "id,a,b\n1,11,x\n2,20,y\n");

    // Merge commits and the first commit have no one change to take.
    ok(&d, &["merge", "feature"]);
    let err = fails(&d, &["revert", "HEAD"]);
    assert_eq!(
        err,
        "error: 'HEAD' has 2 parents; only a commit with one can be cherry-picked or reverted\n"
    );
}

#[test]
fn a_conflicting_cherry_pick_waits_like_a_merge_and_commits_with_the_picked_message() {
    let root = tempfile::tempdir().unwrap();
    let d = diverged(
        root.path(),
        "update t set a = 11 where id = 1",
        "update t set a = 12 where id = 1",
    );
    let err = fails(&d, &["cherry-pick", "feature"]);
    assert!(
        err.starts_with("error: unresolved merge conflicts in table 't'"),
        "{err}"
    );
    assert!(ok(&d, &["status"]).contains("\tboth modified:  t\n"));
    ok(&d, &["cherry-pick", "--abort"]);
    assert_eq!(query_csv(&d, "select a from t where id = 1"), "a\n11\n");

    fails(&d, &["cherry-pick", "feature"]);
    ok(&d, &["conflicts", "resolve", "--theirs", "t"]);
    let out = ok(&d, &["commit"]);
    assert!(
        out.ends_with("\n\ttheirs\n") && !out.contains("\nMerge: "),
        "{out}"
    );
    assert_eq!(query_csv(&d, "select a from t where id = 1"), "a\n12\n");
}

#[test]
fn an_alter_table_on_one_side_merges_with_row_changes_on_the_other() {
    let root = tempfile::tempdir().unwrap();
    let d = diverged(
        root.path(),
        "alter table t add column c int not null default 5 after a; update t set c = 6 where id = 2",
        "update t set b = 'X' where id = 1; insert into t values (3, 30, 'z')",
    );
    assert_eq!(
        ok(&d, &["merge", "feature"]),
        "Merge made by the 'three-way' strategy.\n"
    );
    // Their new row gets the added column's default, as ALTER TABLE gave ours.
    assert_eq!(
        query_csv(&d, "select * from t"),
        "id,a,c,b\n1,10,5,X\n2,20,6,y\n3,30,5,z\n"
    );
    // A rename cannot be told from a drop and an add: merged with row changes, it is a
    // schema conflict rather than their changes lost.
    ok(&d, &["sql", "-q", "alter table t rename column b to bb"]);
    ok(&d, &["commit", "-a", "-m", "rename"]);
    ok(&d, &["checkout", "feature"]);
    ok(&d, &["sql", "-q", "update t set b = 'Z' where id = 3"]);
    ok(&d, &["commit", "-a", "-m", "theirs again"]);
    ok(&d, &["checkout", "main"]);
    fails(&d, &["merge", "feature"]);
    let shown = ok(&d, &["conflicts", "cat", "t"]);
    assert!(
        shown.starts_with("schema conflict in table 't':"),
        "{shown}"
    );
}

/// Both sides gave a different row the same value of a unique key: each side alone holds the
/// key, the merge would not, so it is refused and nothing changes. Rows merged through an
/// index are found through it after a clean merge.
#[test]
fn a_merge_that_would_break_a_unique_key_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let d = diverged(
        root.path(),
        "create unique index ua on t (a); insert into t values (3, 30, 'o')",
        "create unique index ua on t (a); insert into t values (4, 30, 't')",
    );
    let head = ok(&d, &["log", "-n", "1"]);
    let err = fails(&d, &["merge", "feature"]);
    assert!(err.contains("Duplicate entry '30' for key 't.ua'"), "{err}");
    assert_eq!(ok(&d, &["log", "-n", "1"]), head);
    assert_eq!(query_csv(&d, "select id from t where a = 30"), "id\n3\n");
    // Move ours out of the way: now the merge is clean and its rows are in the index.
    ok(&d, &["sql", "-q", "update t set a = 31 where id = 3"]);
    ok(&d, &["commit", "-a", "-m", "move"]);
    ok(&d, &["merge", "feature"]);
    assert_eq!(query_csv(&d, "select id from t where a = 30"), "id\n4\n");
    assert_eq!(
        query_csv(&d, "select id from t where a > 20 order by a"),
        "id\n4\n3\n"
    );
}

/// Each side keeps its foreign keys; together they would not (a child row added on one side
/// whose parent the other deleted): the merge is refused and changes nothing.
#[test]
fn a_merge_that_would_break_a_foreign_key_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let d = diverged(
        root.path(),
        "create table c (id int primary key, tid int, constraint fk foreign key (tid) \
         references t (id) on delete cascade); insert into c values (1, 2)",
        "delete from t where id = 2",
    );
    let head = ok(&d, &["log", "-n", "1"]);
    let err = fails(&d, &["merge", "feature"]);
    assert!(
        err.contains("Cannot delete or update a parent row: a foreign key constraint fails (`c`"),
        "{err}"
    );
    assert_eq!(ok(&d, &["log", "-n", "1"]), head);
    assert_eq!(query_csv(&d, "select id from t order by id"), "id\n1\n2\n");
    // Without the child row the merge is clean.
    ok(&d, &["sql", "-q", "delete from c"]);
    ok(&d, &["commit", "-a", "-m", "no children"]);
    ok(&d, &["merge", "feature"]);
    assert_eq!(query_csv(&d, "select id from t order by id"), "id\n1\n");
}

/// Each side changed one cell of a row and kept the CHECK both added; the row merged from the
/// two breaks it: the merge is refused and changes nothing.
#[test]
fn a_merge_that_would_break_a_check_constraint_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let check = "alter table t add constraint short check (a + length(b) < 25)";
    let d = diverged(
        root.path(),
        &format!("{check}; update t set a = 23 where id = 2"),
        &format!("{check}; update t set b = 'yyy' where id = 2"),
    );
    let head = ok(&d, &["log", "-n", "1"]);
    let err = fails(&d, &["merge", "feature"]);
    assert!(
        err.contains("Check constraint 'short' is violated"),
        "{err}"
    );
    assert_eq!(ok(&d, &["log", "-n", "1"]), head);
    assert_eq!(
        query_csv(&d, "select a, b from t where id = 2"),
        "a,b\n23,y\n"
    );
}

/// A column with the clock for its default, added on one side, gives the other side's new
/// rows the merge's clock, as ALTER TABLE ADD gave the rows there were; before, a NOT NULL one
/// made the merge a schema conflict, and a nullable one gave NULL.
#[test]
fn a_merge_gives_a_clock_column_one_side_added_the_merges_clock() {
    let root = tempfile::tempdir().unwrap();
    let d = diverged(
        root.path(),
        "alter table t add column seen datetime not null default current_timestamp; \
         alter table t add column noted timestamp default current_timestamp",
        "insert into t values (3, 30, 'z')",
    );
    ok(&d, &["merge", "feature"]);
    assert_eq!(
        query_csv(
            &d,
            "select id from t where seen is not null and noted is not null order by id"
        ),
        "id\n1\n2\n3\n"
    );
}
