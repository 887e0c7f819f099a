//! Dolt's version-control procedures called from SQL (`procedure.rs`, run by
//! `repo/procedure.rs`): each does what the command line's verb does, between the statements
//! around it.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use pollster::block_on;

use super::procedure::{parse, Procedure};
use super::tests::{author, lines, memory_repo};
use super::{Params, QueryResult, SqlError};
use crate::db::value::Value;
use crate::memory::MemoryStorage;
use crate::repo::{Repo, RepoError};

fn sql(repo: &mut Repo<MemoryStorage>, script: &str) -> Vec<QueryResult> {
    block_on(repo.sql_with(script, &Params::None, Some(&author())))
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

fn fails(repo: &mut Repo<MemoryStorage>, script: &str) -> RepoError {
    match block_on(repo.sql_with(script, &Params::None, Some(&author()))) {
        Err(e) => e,
        Ok(results) => panic!("{script} should fail: {results:?}"),
    }
}

/// The first column of a one-column result, as text.
fn column(result: &QueryResult) -> Vec<String> {
    result.rows.iter().map(|r| r[0].to_string()).collect()
}

#[test]
fn a_script_commits_branches_and_merges_as_the_command_line_does() {
    let (mut repo, _) = memory_repo();
    let results = sql(
        &mut repo,
        "CREATE TABLE t (id INT PRIMARY KEY, v TEXT);
         INSERT INTO t VALUES (1, 'a');
         CALL DOLT_ADD('.');
         CALL DOLT_COMMIT('-m', 'first rows');
         SELECT message FROM dolt_log LIMIT 1",
    );
    let hash = &results[3];
    assert_eq!(hash.columns, ["hash"]);
    assert_eq!(repo.head().unwrap().to_string(), column(hash)[0]);
    // The statements after a call see what it did.
    assert_eq!(column(&results[4]), ["first rows"]);
    assert!(block_on(repo.status()).unwrap().staged.is_empty());

    // A branch, a change on it, back to main, a change there, and a three-way merge.
    sql(
        &mut repo,
        "call dolt_checkout('-b', 'side');
         UPDATE t SET v = 'side' WHERE id = 1;
         CALL DOLT_COMMIT('-am', 'on side');
         CALL DOLT_CHECKOUT('main');
         INSERT INTO t VALUES (2, 'b');
         CALL DOLT_COMMIT('-A', '-m', 'on main', '--author', 'Ann <ann@example.com>')",
    );
    assert_eq!(repo.current_branch(), "main");
    let merged = sql(
        &mut repo,
        "CALL DOLT_MERGE('side'); SELECT v FROM t ORDER BY id",
    );
    assert_eq!(
        merged[0].columns,
        ["hash", "fast_forward", "conflicts", "message"]
    );
    assert_eq!(merged[0].rows[0][1].to_string(), "0", "a merge commit");
    assert_eq!(column(&merged[1]), ["side", "b"]);
    let log = sql(
        &mut repo,
        "SELECT committer FROM dolt_log WHERE message = 'on main'",
    );
    assert_eq!(column(&log[0]), ["Ann"]);
}

/// `-a` stages the tables already tracked, `-A` new ones too, as in Dolt.
#[test]
fn commit_a_leaves_new_tables_and_commit_capital_a_takes_them() {
    let (mut repo, _) = memory_repo();
    sql(
        &mut repo,
        "CREATE TABLE t (id INT PRIMARY KEY); CALL DOLT_COMMIT('-Am', 'one')",
    );
    sql(
        &mut repo,
        "INSERT INTO t VALUES (1); CREATE TABLE u (id INT PRIMARY KEY);
         CALL DOLT_COMMIT('-a', '-m', 'two')",
    );
    let status = block_on(repo.status()).unwrap();
    assert!(status.unstaged.is_empty());
    assert_eq!(status.untracked, ["u"]);
    sql(&mut repo, "CALL DOLT_COMMIT('-A', '-m', 'three')");
    assert!(block_on(repo.status()).unwrap().untracked.is_empty());
    // Nothing left to commit: refused unless --allow-empty.
    assert_eq!(
        fails(&mut repo, "CALL DOLT_COMMIT('-m', 'four')"),
        RepoError::NothingToCommit
    );
    sql(&mut repo, "CALL DOLT_COMMIT('--allow-empty', '-m', 'four')");
}

#[test]
fn branches_tags_and_resets() {
    let (mut repo, _) = memory_repo();
    sql(
        &mut repo,
        "CREATE TABLE t (id INT PRIMARY KEY); CALL DOLT_COMMIT('-Am', 'one');
         CALL DOLT_BRANCH('b1'); CALL DOLT_BRANCH('-m', 'b1', 'b2');
         CALL DOLT_TAG('v1'); CALL DOLT_TAG('v2', 'main')",
    );
    let branches = sql(
        &mut repo,
        "SELECT name FROM dolt_branches ORDER BY name;
         SELECT tag_name, tag_hash = DOLT_HASHOF('main'), message FROM dolt_tags",
    );
    assert_eq!(column(&branches[0]), ["b2", "main"]);
    let tags: Vec<Vec<String>> = branches[1]
        .rows
        .iter()
        .map(|r| r.iter().map(|v| v.to_string()).collect())
        .collect();
    assert_eq!(tags, [["v1", "true", "one"], ["v2", "true", "one"]]);
    repo.add_remote("origin", "file:///elsewhere", |_, _| false)
        .unwrap();
    let remotes = sql(&mut repo, "SELECT name, url FROM dolt_remotes");
    assert_eq!(
        remotes[0].rows,
        [[
            Value::Text("origin".into()),
            Value::Text("file:///elsewhere".into())
        ]]
    );
    assert!(block_on(repo.resolve("v2")).is_ok());
    sql(
        &mut repo,
        "CALL DOLT_TAG('-d', 'v1'); CALL DOLT_BRANCH('-d', 'b2')",
    );
    assert!(block_on(repo.resolve("v1")).is_err());
    assert_eq!(
        fails(&mut repo, "CALL DOLT_BRANCH('-d', 'main')"),
        RepoError::CannotDeleteCurrentBranch("main".into())
    );
    // A soft reset unstages; a hard one discards.
    sql(
        &mut repo,
        "INSERT INTO t VALUES (1); CALL DOLT_ADD('t'); CALL DOLT_RESET()",
    );
    let status = block_on(repo.status()).unwrap();
    assert!(status.staged.is_empty());
    assert_eq!(status.unstaged.len(), 1);
    let rows = sql(
        &mut repo,
        "CALL DOLT_RESET('--hard'); SELECT COUNT(*) FROM t",
    );
    assert_eq!(column(&rows[1]), ["0"]);
    // Revert a commit, then pick it again.
    let rows = sql(
        &mut repo,
        "INSERT INTO t VALUES (5); CALL DOLT_COMMIT('-am', 'five');
         CALL DOLT_REVERT('HEAD'); SELECT COUNT(*) FROM t;
         CALL DOLT_CHERRY_PICK('HEAD~1'); SELECT COUNT(*) FROM t",
    );
    assert_eq!(rows[2].columns, ["hash", "conflicts"]);
    assert_eq!(column(&rows[3]), ["0"]);
    assert_eq!(column(&rows[5]), ["1"]);
}

#[test]
fn conflicts_settled_in_sql() {
    let (mut repo, _) = memory_repo();
    sql(
        &mut repo,
        "CREATE TABLE t (id INT PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'base');
         CALL DOLT_COMMIT('-Am', 'base'); CALL DOLT_BRANCH('other');
         UPDATE t SET v = 'ours'; CALL DOLT_COMMIT('-am', 'ours');
         CALL DOLT_CHECKOUT('other'); UPDATE t SET v = 'theirs';
         CALL DOLT_COMMIT('-am', 'theirs'); CALL DOLT_CHECKOUT('main')",
    );
    let merged = sql(
        &mut repo,
        "SELECT * FROM dolt_conflicts; CALL DOLT_MERGE('other');
         SELECT * FROM dolt_conflicts; SELECT * FROM dolt_conflicts_t",
    );
    assert!(merged[0].rows.is_empty(), "no merge, no conflicts");
    assert_eq!(merged[1].rows[0][2].to_string(), "1", "one table conflicts");
    assert_eq!(merged[2].columns, ["table", "num_conflicts"]);
    assert_eq!(column(&merged[2]), ["t"]);
    assert_eq!(merged[2].rows[0][1].to_string(), "1");
    let conflicts = &merged[3];
    assert_eq!(
        conflicts.columns,
        [
            "base_id",
            "base_v",
            "our_id",
            "our_v",
            "our_diff_type",
            "their_id",
            "their_v",
            "their_diff_type"
        ]
    );
    let row: Vec<String> = conflicts.rows[0].iter().map(|v| v.to_string()).collect();
    assert_eq!(
        row,
        ["1", "base", "1", "ours", "modified", "1", "theirs", "modified"]
    );
    assert!(matches!(
        fails(&mut repo, "CALL DOLT_COMMIT('-m', 'too soon')"),
        RepoError::Conflicts(_)
    ));
    let rows = sql(
        &mut repo,
        "CALL DOLT_CONFLICTS_RESOLVE('--theirs', 't'); CALL DOLT_COMMIT('-am', 'merged');
         SELECT v FROM t; SELECT * FROM dolt_conflicts_t",
    );
    assert_eq!(column(&rows[2]), ["theirs"]);
    assert!(rows[3].rows.is_empty());
}

/// One side drops a table the other changes: a schema conflict, shown in
/// `dolt_schema_conflicts` with each side's CREATE TABLE.
#[test]
fn schema_conflicts_are_shown_in_sql() {
    let (mut repo, _) = memory_repo();
    sql(
        &mut repo,
        "CREATE TABLE u (id INT PRIMARY KEY); CALL DOLT_COMMIT('-Am', 'base');
         CALL DOLT_BRANCH('other'); DROP TABLE u; CALL DOLT_COMMIT('-am', 'dropped');
         CALL DOLT_CHECKOUT('other'); ALTER TABLE u ADD COLUMN w INT;
         CALL DOLT_COMMIT('-am', 'changed'); CALL DOLT_CHECKOUT('main')",
    );
    let rows = sql(
        &mut repo,
        "CALL DOLT_MERGE('other'); SELECT * FROM dolt_schema_conflicts",
    );
    let conflict = &rows[1];
    assert_eq!(
        conflict.columns,
        [
            "table_name",
            "base_schema",
            "our_schema",
            "their_schema",
            "description"
        ]
    );
    let row = &conflict.rows[0];
    assert_eq!(row[0].to_string(), "u");
    assert!(
        row[1].to_string().starts_with("CREATE TABLE `u`"),
        "{row:?}"
    );
    assert!(row[2].is_null(), "{row:?}");
    assert!(row[3].to_string().contains("`w`"), "{row:?}");
    assert!(row[4].to_string().contains("dropped"), "{row:?}");
}

/// A call in a transaction is refused (it changes the database, not the transaction), the
/// statements before it stay applied, and bad calls say what is wrong.
#[test]
fn calls_are_refused_clearly() {
    let (mut repo, _) = memory_repo();
    sql(&mut repo, "CREATE TABLE t (id INT PRIMARY KEY)");
    let mut results = Vec::new();
    let e = block_on(repo.sql_into(
        "INSERT INTO t VALUES (1); BEGIN; CALL DOLT_COMMIT('-Am', 'x')",
        &Params::None,
        Some(&author()),
        &mut results,
    ))
    .unwrap_err();
    assert_eq!(e, RepoError::TransactionOpen);
    assert_eq!(
        results.len(),
        2,
        "the INSERT's and BEGIN's results are kept"
    );
    sql(&mut repo, "ROLLBACK");
    assert_eq!(column(&sql(&mut repo, "SELECT id FROM t")[0]), ["1"]);
    // No author: nothing that commits.
    match block_on(repo.sql("CALL DOLT_COMMIT('-Am', 'x')")) {
        Err(RepoError::Sql(SqlError::Procedure(why))) => assert!(why.contains("author"), "{why}"),
        other => panic!("{other:?}"),
    }
    for (script, says) in [
        ("CALL DOLT_COMMIT('-Am')", "-m needs a value"),
        ("CALL DOLT_COMMIT('-x', '-m', 'm')", "has no option -x"),
        ("CALL DOLT_COMMIT('-a')", "needs a message"),
        (
            "CALL DOLT_COMMIT('-m', 'x', '--author', 'nobody')",
            "'Name <email>'",
        ),
        ("CALL DOLT_ADD(t)", "quoted strings"),
        ("CALL DOLT_PUSH('origin', 'main')", "push outside SQL"),
        ("CALL my_procedure()", "no stored procedures"),
        ("CALL DOLT_BRANCH()", "DOLT_BRANCH takes"),
    ] {
        match fails(&mut repo, script) {
            RepoError::Sql(SqlError::Procedure(why)) => {
                assert!(why.contains(says), "{script}: {why}")
            }
            other => panic!("{script}: {other:?}"),
        }
    }
    // Bound values and calls do not mix; a script without a repository has no branch.
    let params = Params::Positional(alloc::vec![crate::db::value::Value::Int(1)]);
    let e = block_on(repo.sql_with(
        "INSERT INTO t VALUES (?); CALL DOLT_ADD('.')",
        &params,
        None,
    ));
    assert!(
        matches!(e, Err(RepoError::Sql(SqlError::Procedure(_)))),
        "{e:?}"
    );
    let mut db = super::tests::Db::new();
    let e = db.exec("CALL DOLT_ADD('.')").unwrap_err();
    assert!(e.to_string().contains("repository"), "{e}");
}

#[test]
fn options_are_read_as_the_command_line_reads_them() {
    assert_eq!(parse("SELECT 1").unwrap(), None);
    assert_eq!(
        parse("/* c */ call Dolt_Commit('-am', '-m is the message')").unwrap(),
        Some(Procedure::Commit {
            message: "-m is the message".into(),
            modified: true,
            all: false,
            allow_empty: false,
            amend: false,
            author: None,
        })
    );
    assert_eq!(
        parse("CALL DOLT_MERGE('--no-ff', 'b', '-m', 'joined')").unwrap(),
        Some(Procedure::Merge {
            target: "b".into(),
            ff_only: false,
            no_ff: true,
            message: Some("joined".into()),
        })
    );
    assert_eq!(
        parse("CALL DOLT_CHECKOUT('-b', 'f', 'v1')").unwrap(),
        Some(Procedure::Checkout {
            branch: "f".into(),
            new: true,
            start: Some("v1".into()),
        })
    );
    assert_eq!(
        parse("CALL DOLT_ADD('-A')").unwrap(),
        Some(Procedure::Add(None))
    );
    assert_eq!(
        parse("CALL DOLT_BRANCH('-c', 'main', 'copy')").unwrap(),
        Some(Procedure::CreateBranch {
            name: "copy".into(),
            start: Some("main".into()),
        })
    );
    assert!(parse("CALL DOLT_BRANCH('-c', '-m', 'a', 'b')").is_err());
    assert!(parse("CALL DOLT_COMMIT('-m', 'a', '-m', 'b')").is_err());
    assert!(parse("CALL DOLT_ADD('t', ").is_err());
}

/// `dolt_commits` has every commit of the database, a branch's HEAD does not reach too;
/// `dolt_commit_ancestors` each one's parents.
#[test]
fn dolt_commits_has_every_branchs_commits_and_their_parents() {
    let (mut repo, _) = memory_repo();
    sql(
        &mut repo,
        "CREATE TABLE t (id INT PRIMARY KEY); CALL DOLT_COMMIT('-Am', 'one');
         CALL DOLT_CHECKOUT('-b', 'side'); INSERT INTO t VALUES (1);
         CALL DOLT_COMMIT('-am', 'on side'); CALL DOLT_CHECKOUT('main')",
    );
    let results = sql(
        &mut repo,
        "SELECT COUNT(*) FROM dolt_log; SELECT COUNT(*) FROM dolt_commits;
         SELECT c.message, a.parent_index FROM dolt_commit_ancestors a
           JOIN dolt_commits c ON a.commit_hash = c.commit_hash
         WHERE a.parent_hash = DOLT_HASHOF('main');
         SELECT COUNT(*) FROM dolt_commit_ancestors WHERE parent_hash IS NULL",
    );
    let count = |r: &QueryResult| r.rows[0][0].to_string();
    assert_eq!(
        (count(&results[0]), count(&results[1])),
        ("2".into(), "3".into())
    );
    assert_eq!(column(&results[2]), ["on side"]);
    assert_eq!(results[2].rows[0][1].to_string(), "0");
    assert_eq!(count(&results[3]), "1", "the first commit has no parent");
}

/// `dolt_diff`: which tables each commit changed, rows or schema, and the uncommitted ones.
#[test]
fn dolt_diff_lists_the_tables_each_commit_changed() {
    let (mut repo, _) = memory_repo();
    sql(
        &mut repo,
        "CREATE TABLE t (id INT PRIMARY KEY); CREATE TABLE u (id INT PRIMARY KEY);
         INSERT INTO t VALUES (1); CALL DOLT_COMMIT('-Am', 'two tables');
         ALTER TABLE u ADD COLUMN v INT; CALL DOLT_COMMIT('-am', 'u changed');
         INSERT INTO t VALUES (2); CALL DOLT_ADD('t'); INSERT INTO u VALUES (1, 1)",
    );
    let diff = sql(
        &mut repo,
        "SELECT commit_hash, table_name, message, data_change, schema_change FROM dolt_diff",
    );
    let rows = lines(&diff[0].rows);
    let head = repo.head().unwrap().to_string();
    assert_eq!(rows[0], "WORKING|u|NULL|true|false");
    assert_eq!(rows[1], "STAGED|t|NULL|true|false");
    assert_eq!(rows[2], format!("{head}|u|u changed|false|true"));
    // A new table: its schema, and its rows when it has some.
    assert!(rows[3].ends_with("|t|two tables|true|true"), "{rows:?}");
    assert!(rows[4].ends_with("|u|two tables|false|true"), "{rows:?}");
    assert_eq!(rows.len(), 5, "{rows:?}");
}

/// `DOLT_COMMIT('--amend')` replaces HEAD: its parents, the staged tables, and its message
/// unless one is given; a merge in progress cannot be amended into.
#[test]
fn an_amend_replaces_the_last_commit() {
    let (mut repo, _) = memory_repo();
    sql(
        &mut repo,
        "CREATE TABLE t (id INT PRIMARY KEY); CALL DOLT_COMMIT('-Am', 'table');
         INSERT INTO t VALUES (1); CALL DOLT_COMMIT('-am', 'one row')",
    );
    let parent = block_on(repo.commit_at(repo.head().unwrap()))
        .unwrap()
        .parents;
    sql(
        &mut repo,
        "INSERT INTO t VALUES (2); CALL DOLT_COMMIT('-a', '--amend')",
    );
    let head = block_on(repo.commit_at(repo.head().unwrap())).unwrap();
    assert_eq!(head.message, "one row", "the message is kept");
    assert_eq!(head.parents, parent, "the amended commit's parent, not it");
    let rows = sql(
        &mut repo,
        "SELECT COUNT(*) FROM t AS OF 'HEAD'; SELECT message FROM dolt_log",
    );
    assert_eq!(column(&rows[0]), ["2"]);
    assert_eq!(column(&rows[1])[..2], ["one row", "table"]);

    sql(&mut repo, "CALL DOLT_COMMIT('--amend', '-m', 'two rows')");
    let log = sql(&mut repo, "SELECT message FROM dolt_log");
    assert_eq!(column(&log[0])[..2], ["two rows", "table"]);
    assert_eq!(
        block_on(repo.commit_at(repo.head().unwrap()))
            .unwrap()
            .parents,
        parent
    );

    // A stopped merge is concluded by a commit of its own.
    sql(
        &mut repo,
        "CREATE TABLE c (id INT PRIMARY KEY, v INT); INSERT INTO c VALUES (1, 0);
         CALL DOLT_COMMIT('-Am', 'c'); CALL DOLT_CHECKOUT('-b', 'side');
         UPDATE c SET v = 1; CALL DOLT_COMMIT('-am', 'side'); CALL DOLT_CHECKOUT('main');
         UPDATE c SET v = 2; CALL DOLT_COMMIT('-am', 'main')",
    );
    let merged = sql(&mut repo, "CALL DOLT_MERGE('side')");
    assert_eq!(merged[0].rows[0][2].to_string(), "1", "a conflict stops it");
    assert_eq!(
        fails(&mut repo, "CALL DOLT_COMMIT('-a', '--amend')"),
        RepoError::MergeInProgress
    );
}

/// `ahead_behind` counts the commits only each side reaches, merges included.
#[test]
fn ahead_and_behind_count_each_sides_own_commits() {
    let (mut repo, _) = memory_repo();
    let at = |repo: &Repo<MemoryStorage>, name: &str| block_on(repo.resolve(name)).unwrap().0;
    sql(
        &mut repo,
        "CREATE TABLE t (id INT PRIMARY KEY); CALL DOLT_COMMIT('-Am', 'base');
         CALL DOLT_BRANCH('side');
         INSERT INTO t VALUES (1); CALL DOLT_COMMIT('-am', 'main 1');
         INSERT INTO t VALUES (2); CALL DOLT_COMMIT('-am', 'main 2');
         CALL DOLT_CHECKOUT('side'); INSERT INTO t VALUES (3); CALL DOLT_COMMIT('-am', 'side')",
    );
    let count = |repo: &Repo<MemoryStorage>, a: &str, b: &str| {
        block_on(repo.ahead_behind(at(repo, a), at(repo, b))).unwrap()
    };
    assert_eq!(count(&repo, "main", "side"), (2, 1));
    assert_eq!(count(&repo, "side", "main"), (1, 2));
    assert_eq!(count(&repo, "main", "main"), (0, 0));
    assert_eq!(count(&repo, "main", "main~2"), (2, 0));
    // A merge commit on side: main's two commits are behind it, and it has its own two.
    sql(&mut repo, "CALL DOLT_MERGE('main')");
    assert_eq!(count(&repo, "side", "main"), (2, 0));
    assert_eq!(count(&repo, "main", "side"), (0, 2));
}

/// The same counts when commit times grow, as a clock's do: the walk stops at the history
/// both sides share instead of reading it all, and still counts a side's own commits that
/// are older than the other's.
#[test]
fn ahead_and_behind_with_times_that_grow() {
    let (mut repo, _) = memory_repo();
    let mut clock = 1;
    let mut commit = |repo: &mut Repo<MemoryStorage>, script: &str| {
        clock += 1000;
        let signed = crate::repo::Signature {
            time_ms: clock,
            ..author()
        };
        block_on(repo.sql_with(script, &Params::None, Some(&signed))).unwrap();
    };
    commit(
        &mut repo,
        "CREATE TABLE t (id INT PRIMARY KEY); CALL DOLT_COMMIT('-Am', 't')",
    );
    for id in 0..20 {
        commit(
            &mut repo,
            &format!("INSERT INTO t VALUES ({id}); CALL DOLT_COMMIT('-am', 'shared')"),
        );
    }
    commit(&mut repo, "CALL DOLT_BRANCH('side'); INSERT INTO t VALUES (100); CALL DOLT_COMMIT('-am', 'main, older')");
    commit(
        &mut repo,
        "CALL DOLT_CHECKOUT('side'); INSERT INTO t VALUES (200); CALL DOLT_COMMIT('-am', 'side')",
    );
    commit(
        &mut repo,
        "INSERT INTO t VALUES (201); CALL DOLT_COMMIT('-am', 'side')",
    );
    let at = |repo: &Repo<MemoryStorage>, name: &str| block_on(repo.resolve(name)).unwrap().0;
    let (main, side) = (at(&repo, "main"), at(&repo, "side"));
    assert_eq!(block_on(repo.ahead_behind(main, side)).unwrap(), (1, 2));
    assert_eq!(block_on(repo.ahead_behind(side, main)).unwrap(), (2, 1));
    let base = at(&repo, "main~5");
    assert_eq!(block_on(repo.ahead_behind(side, base)).unwrap(), (6, 0));
}
