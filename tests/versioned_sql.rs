//! Versioned SQL through real `cairn` processes, as Dolt has it: `AS OF` reads a table as a
//! commit has it, and the system tables read the log, the branches, a table's diffs and its
//! history.

use std::path::{Path, PathBuf};

use cairn_tests::{fails, fails_saying, new_db_with_rows, ok, ok_env, query_csv};

/// A database whose table `t` was (1 one, 2 two) at tag v1, then (1 uno, 3 three) at main,
/// with (4 four) added and uncommitted; a branch `side` at v1.
fn three_states(root: &Path) -> PathBuf {
    let d = new_db_with_rows(root);
    ok(&d, &["commit", "-a", "-m", "first rows"]);
    ok(&d, &["tag", "v1"]);
    ok(&d, &["branch", "side"]);
    ok(
        &d,
        &[
            "sql",
            "-q",
            "update t set v = 'uno' where id = 1; delete from t where id = 2; \
             insert into t values (3, 'three')",
        ],
    );
    ok(&d, &["commit", "-a", "-m", "second rows"]);
    ok(&d, &["sql", "-q", "insert into t values (4, 'four')"]);
    d
}

#[test]
fn as_of_reads_a_table_as_a_branch_tag_or_commit_has_it() {
    let root = tempfile::tempdir().unwrap();
    let d = three_states(root.path());
    let at_v1 = "id,v\n1,one\n2,two\n";
    assert_eq!(query_csv(&d, "select * from t as of 'v1'"), at_v1);
    assert_eq!(
        query_csv(&d, "select * from t AS OF 'main~1' order by id"),
        at_v1
    );
    assert_eq!(query_csv(&d, "select * from t as of 'side'"), at_v1);
    assert_eq!(
        query_csv(&d, "select * from t as of 'main'"),
        "id,v\n1,uno\n3,three\n"
    );
    // A commit's hash, as the log prints it.
    let first = query_csv(
        &d,
        "select commit_hash from dolt_log where message = 'first rows'",
    );
    let hash = first.lines().nth(1).unwrap();
    assert_eq!(
        query_csv(&d, &format!("select * from t as of '{hash}'")),
        at_v1
    );
    // With an alias, in a join against the working table, and in a subquery.
    assert_eq!(
        query_csv(
            &d,
            "select now.id, old.v as was, now.v as is_now from t as of 'v1' as old \
             join t as now on now.id = old.id order by now.id"
        ),
        "id,was,is_now\n1,one,uno\n"
    );
    assert_eq!(
        query_csv(
            &d,
            "select id from t where id not in (select id from t as of 'v1') order by id"
        ),
        "id\n3\n4\n"
    );
    // INSERT ... SELECT brings old rows back.
    ok(
        &d,
        &[
            "sql",
            "-q",
            "insert into t select * from t as of 'v1' where id = 2",
        ],
    );
    assert_eq!(query_csv(&d, "select v from t where id = 2"), "v\ntwo\n");
}

#[test]
fn as_of_refuses_what_it_cannot_read() {
    let root = tempfile::tempdir().unwrap();
    let d = three_states(root.path());
    let err = fails(&d, &["sql", "-q", "select * from t as of 'nope'"]);
    assert!(err.contains("nope"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    fails_saying(
        &d,
        &["sql", "-q", "select * from t as of main"],
        &[],
        "AS OF takes a quoted branch, tag or commit",
    );
    // A table made after the revision.
    ok(&d, &["sql", "-q", "create table u (a int primary key)"]);
    let err = fails(&d, &["sql", "-q", "select * from u as of 'v1'"]);
    assert!(err.contains("table not found: u as of 'v1'"), "{err}");
    // Writes go to the working set only.
    let err = fails(&d, &["sql", "-q", "delete from t as of 'v1' where id = 1"]);
    assert!(err.contains("unsupported"), "{err}");
    assert_eq!(query_csv(&d, "select count(*) from t"), "count(*)\n3\n");
    // Table arguments other than a revision are no function Cairn has.
    let err = fails(&d, &["sql", "-q", "select * from t(1)"]);
    assert!(err.contains("table arguments"), "{err}");
}

#[test]
fn active_branch_and_dolt_hashof_name_the_branch_and_the_commit_of_a_revision() {
    let root = tempfile::tempdir().unwrap();
    let d = three_states(root.path());
    let log = query_csv(
        &d,
        "select commit_hash from dolt_log order by commit_order desc",
    );
    let hashes: Vec<&str> = log.lines().skip(1).collect();
    assert_eq!(
        query_csv(
            &d,
            "select active_branch(), dolt_hashof('HEAD'), DOLT_HASHOF(\"v1\") as v1"
        ),
        format!(
            "active_branch(),dolt_hashof('HEAD'),v1\nmain,{},{}\n",
            hashes[0], hashes[1]
        )
    );
    // As a value in a query, with a revision a script also reads AS OF.
    assert_eq!(
        query_csv(
            &d,
            "select message from dolt_log where commit_hash = dolt_hashof('main~1'); \
             select count(*) from t as of 'v1' where dolt_hashof('side') = dolt_hashof('v1')"
        ),
        "message\nfirst rows\ncount(*)\n2\n"
    );
    ok(&d, &["checkout", "side"]);
    assert_eq!(
        query_csv(&d, "select active_branch()"),
        "active_branch()\nside\n"
    );
    let err = fails(&d, &["sql", "-q", "select dolt_hashof('nope')"]);
    assert!(err.contains("'nope' is not a branch, tag"), "{err}");
    fails_saying(
        &d,
        &["sql", "-q", "select dolt_hashof(v) from t"],
        &[],
        "DOLT_HASHOF takes a quoted branch, tag or commit",
    );
}

#[test]
fn dolt_log_and_dolt_branches_read_the_commit_graph() {
    let root = tempfile::tempdir().unwrap();
    let d = three_states(root.path());
    assert_eq!(
        query_csv(&d, "select message, commit_order from dolt_log"),
        "message,commit_order\nsecond rows,3\nfirst rows,2\nInitialize data repository,1\n"
    );
    // The hashes are the log's.
    let log = ok(&d, &["log", "--oneline"]);
    let newest = log.split_whitespace().next().unwrap();
    let hash = query_csv(
        &d,
        "select commit_hash from dolt_log order by commit_order desc limit 1",
    );
    assert!(
        hash.lines().nth(1).unwrap().starts_with(newest),
        "{hash} {log}"
    );
    assert_eq!(
        query_csv(
            &d,
            "select name, latest_commit_message, dirty from dolt_branches order by name"
        ),
        "name,latest_commit_message,dirty\nmain,second rows,true\nside,first rows,false\n"
    );
    ok(&d, &["sql", "-q", "create table u (a int primary key)"]);
    ok(&d, &["add", "u"]);
    assert_eq!(
        query_csv(&d, "select * from dolt_status order by table_name"),
        "table_name,staged,status\nt,false,modified\nu,true,new table\n"
    );
    // A user's table of a system table's name is read instead.
    ok(
        &d,
        &["sql", "-q", "create table dolt_log (a int primary key)"],
    );
    assert_eq!(
        query_csv(&d, "select count(*) from dolt_log"),
        "count(*)\n0\n"
    );
}

#[test]
fn dolt_diff_and_dolt_history_show_each_commits_rows() {
    let root = tempfile::tempdir().unwrap();
    let d = three_states(root.path());
    assert_eq!(
        query_csv(
            &d,
            "select to_id, to_v, from_id, from_v, diff_type, to_commit = 'WORKING' as working \
             from dolt_diff_t order by working desc, to_commit_date desc, coalesce(to_id, from_id)"
        ),
        "to_id,to_v,from_id,from_v,diff_type,working\n\
         4,four,,,added,true\n\
         1,uno,1,one,modified,false\n\
         ,,2,two,removed,false\n\
         3,three,,,added,false\n\
         1,one,,,added,false\n\
         2,two,,,added,false\n"
    );
    // Each diff row names its commits.
    assert_eq!(
        query_csv(
            &d,
            "select count(*) from dolt_diff_t d join dolt_log l on d.to_commit = l.commit_hash \
             where l.message = 'second rows'"
        ),
        "count(*)\n3\n"
    );
    assert_eq!(
        query_csv(
            &d,
            "select h.id, h.v, l.message from dolt_history_t h \
             join dolt_log l on h.commit_hash = l.commit_hash order by l.commit_order, h.id"
        ),
        "id,v,message\n1,one,first rows\n2,two,first rows\n1,uno,second rows\n3,three,second rows\n"
    );
    // A column added since reads as NULL in the older commits' rows; one dropped is gone.
    ok(
        &d,
        &[
            "sql",
            "-q",
            "alter table t add column n int default 7; alter table t drop column v",
        ],
    );
    assert_eq!(
        query_csv(
            &d,
            "select id, n from dolt_history_t order by commit_hash, id limit 1"
        ),
        "id,n\n1,\n"
    );
    assert_eq!(
        query_csv(&d, "select to_n, from_id, diff_type from dolt_diff_t where to_commit = 'WORKING' order by to_id"),
        "to_n,from_id,diff_type\n7,1,modified\n7,3,modified\n7,,added\n"
    );
    let err = fails(&d, &["sql", "-q", "select * from dolt_diff_nope"]);
    assert!(err.contains("table not found: dolt_diff_nope"), "{err}");
}

/// Dolt's procedures through `cairn sql`: a script commits as `cairn commit` does (the
/// configured author), and what a call changes is what the next command sees.
#[test]
fn a_sql_script_commits_and_branches_with_dolts_procedures() {
    let root = tempfile::tempdir().unwrap();
    let d = three_states(root.path());
    ok(&d, &["config", "user.name", "Ada"]);
    ok(&d, &["config", "user.email", "ada@example.com"]);
    // The configured author, not the test harness's CAIRN_USER_NAME (empty: unset).
    let no_env_author = [("CAIRN_USER_NAME", ""), ("CAIRN_USER_EMAIL", "")];
    let out = ok_env(
        &d,
        &[
            "sql",
            "-r",
            "csv",
            "-q",
            "call dolt_commit('-am', 'four from sql'); \
             call dolt_checkout('-b', 'from-sql'); \
             insert into t values (5, 'five'); \
             call dolt_commit('-am', 'five'); \
             select message from dolt_log limit 2",
        ],
        &no_env_author,
    );
    // Each DOLT_COMMIT answers its commit's hash.
    let lines: Vec<&str> = out.lines().collect();
    let hashes: Vec<&str> = (1..lines.len())
        .filter(|&i| lines[i - 1] == "hash")
        .map(|i| lines[i])
        .collect();
    assert_eq!(hashes.len(), 2, "{out}");
    assert!(out.ends_with("message\nfive\nfour from sql\n"), "{out}");
    // The branch the script left is checked out; its commits are the configured author's.
    let status = ok(&d, &["status"]);
    assert!(status.contains("On branch from-sql"), "{status}");
    assert!(status.contains("nothing to commit"), "{status}");
    let log = ok(&d, &["log", "-n", "2"]);
    assert!(log.contains("Ada <ada@example.com>"), "{log}");
    let head = ok(&d, &["log", "--oneline", "-n", "1"]);
    let short = head.split_whitespace().next().unwrap();
    assert!(
        hashes[1].starts_with(short) && head.contains("five"),
        "{head}"
    );
    // A merge back into main, a fast-forward.
    let merged = query_csv(
        &d,
        "call dolt_checkout('main'); call dolt_merge('from-sql')",
    );
    assert!(
        merged.contains("hash,fast_forward,conflicts,message\n"),
        "{merged}"
    );
    assert!(merged.contains(",1,0,merge successful"), "{merged}");
    assert!(ok(&d, &["status"]).contains("On branch main"));
    // A bad call is a one-line error, and the statements before it stay.
    let err = fails(
        &d,
        &[
            "sql",
            "-q",
            "insert into t values (6, 'six'); call dolt_commit('-am')",
        ],
    );
    assert!(
        err.contains("DOLT_COMMIT -m needs a value after it"),
        "{err}"
    );
    assert_eq!(query_csv(&d, "select v from t where id = 6"), "v\nsix\n");
}
