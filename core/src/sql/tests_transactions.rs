//! BEGIN / START TRANSACTION, COMMIT and ROLLBACK [AND CHAIN], savepoints and SET autocommit
//! (`transaction.rs`), through `Repo`, whose sessions hold them from one `sql` call to the
//! next.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use pollster::block_on;

use super::tests::{author, memory_repo, reopen};
use super::SqlError;
use crate::chunk_store::ChunkStore;
use crate::memory::MemoryStorage;
use crate::repo::{CommitOptions, Repo, RepoError};

/// A database with `t (id INT PRIMARY KEY, s TEXT)` holding row 1, and its storage, for more
/// sessions on it.
fn database() -> (Repo<MemoryStorage>, MemoryStorage) {
    let (mut repo, storage) = memory_repo();
    run(
        &mut repo,
        "CREATE TABLE t (id INT PRIMARY KEY, s TEXT); INSERT INTO t VALUES (1, 'a')",
    );
    (repo, storage)
}

fn run(repo: &mut Repo<MemoryStorage>, sql: &str) {
    block_on(repo.sql(sql)).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The ids in `t`, as the session reads them.
fn ids(repo: &mut Repo<MemoryStorage>) -> Vec<String> {
    let results = block_on(repo.sql("SELECT id FROM t ORDER BY id")).unwrap();
    results[0].rows.iter().map(|r| r[0].to_string()).collect()
}

/// The ids in `t` as saved in the working set, read by a session opened now.
fn saved_ids(storage: &MemoryStorage) -> Vec<String> {
    ids(&mut reopen(storage))
}

#[test]
fn commit_saves_what_the_transaction_wrote_for_other_sessions() {
    let (mut repo, storage) = database();
    run(&mut repo, "BEGIN");
    assert!(repo.in_transaction());
    run(&mut repo, "INSERT INTO t VALUES (2, 'b')");
    run(&mut repo, "UPDATE t SET s = 'z' WHERE id = 1");
    assert_eq!(saved_ids(&storage), ["1"], "nothing is saved before COMMIT");
    run(&mut repo, "COMMIT");
    assert!(!repo.in_transaction());
    assert_eq!(saved_ids(&storage), ["1", "2"]);
    let mut other = reopen(&storage);
    let s = block_on(other.sql("SELECT s FROM t WHERE id = 1")).unwrap();
    assert_eq!(s[0].rows[0][0].to_string(), "z");
}

#[test]
fn rollback_leaves_the_working_set_as_it_was() {
    let (mut repo, storage) = database();
    let root = repo.store().root();
    run(
        &mut repo,
        "START TRANSACTION; INSERT INTO t VALUES (2, 'b'); DELETE FROM t WHERE id = 1; \
         CREATE TABLE u (x INT PRIMARY KEY)",
    );
    run(&mut repo, "ROLLBACK WORK");
    assert!(!repo.in_transaction());
    assert_eq!(repo.store().root(), root, "nothing was written");
    assert_eq!(ids(&mut repo), ["1"]);
    assert_eq!(saved_ids(&storage), ["1"]);
    let err = block_on(repo.sql("SELECT * FROM u")).unwrap_err();
    assert_eq!(err, RepoError::Sql(SqlError::TableNotFound("u".into())));
}

#[test]
fn reads_in_a_transaction_see_its_own_writes() {
    let (mut repo, storage) = database();
    run(&mut repo, "BEGIN WORK; INSERT INTO t VALUES (2, 'b')");
    assert_eq!(ids(&mut repo), ["1", "2"]);
    let page = crate::sql::select::Page {
        after: None,
        rows: 10,
    };
    let none = super::Params::None;
    let (result, _, at) =
        block_on(repo.query_page("SELECT id FROM t", &none, &page, None, None)).unwrap();
    assert_eq!(result.rows.len(), 2, "a page reads the transaction's root");
    run(&mut repo, "INSERT INTO t VALUES (3, 'c')");
    let (again, _, _) =
        block_on(repo.query_page("SELECT id FROM t", &none, &page, Some(at), None)).unwrap();
    assert_eq!(
        again.rows.len(),
        2,
        "later pages read the root the first one did"
    );
    assert_eq!(saved_ids(&storage), ["1"]);
}

/// The serialization failure a COMMIT met, and what it left: no transaction, the other
/// writer's state saved.
fn commit_fails(repo: &mut Repo<MemoryStorage>) {
    let err = block_on(repo.sql("COMMIT")).unwrap_err();
    assert_eq!(err, RepoError::Sql(SqlError::SerializationFailure));
    assert!(
        err.to_string().starts_with("serialization failure"),
        "{err}"
    );
    assert!(!repo.in_transaction(), "the transaction was rolled back");
}

/// The rows of the last statement of `sql`, each as its values' text joined by commas.
fn rows(repo: &mut Repo<MemoryStorage>, sql: &str) -> Vec<String> {
    let texts = |r: &Vec<_>| r.iter().map(ToString::to_string).collect::<Vec<_>>();
    last_rows(repo, sql)
        .iter()
        .map(|r| texts(r).join(","))
        .collect()
}

/// The rows the last statement of `sql` gives; `sql` must succeed.
fn last_rows(repo: &mut Repo<MemoryStorage>, sql: &str) -> Vec<Vec<crate::db::value::Value>> {
    let results = block_on(repo.sql(sql)).unwrap_or_else(|e| panic!("{sql}: {e}"));
    results.into_iter().last().expect("a result").rows
}

#[test]
fn a_commit_merges_what_another_writer_committed_meanwhile() {
    let (mut repo, storage) = database();
    run(
        &mut repo,
        "ALTER TABLE t ADD COLUMN n INT; INSERT INTO t VALUES (2, 'b', 0)",
    );
    run(&mut repo, "BEGIN");
    run(
        &mut repo,
        "INSERT INTO t VALUES (3, 'c', 0); UPDATE t SET s = 'z' WHERE id = 1; DELETE FROM t WHERE id = 2",
    );
    let mut other = reopen(&storage);
    // Other rows, and another cell of a row the transaction changed.
    run(
        &mut other,
        "INSERT INTO t VALUES (4, 'd', 0); UPDATE t SET n = 7 WHERE id = 1",
    );
    run(&mut repo, "COMMIT");
    assert!(!repo.in_transaction());
    let saved = ["1,z,7", "3,c,0", "4,d,0"];
    assert_eq!(
        rows(&mut reopen(&storage), "SELECT * FROM t ORDER BY id"),
        saved
    );
    assert_eq!(rows(&mut repo, "SELECT * FROM t ORDER BY id"), saved);
}

#[test]
fn a_commit_that_changed_a_cell_another_writer_changed_rolls_back() {
    let (mut repo, storage) = database();
    run(&mut repo, "BEGIN");
    run(
        &mut repo,
        "INSERT INTO t VALUES (2, 'b'); UPDATE t SET s = 'mine' WHERE id = 1",
    );
    run(
        &mut reopen(&storage),
        "INSERT INTO t VALUES (3, 'c'); UPDATE t SET s = 'theirs' WHERE id = 1",
    );
    commit_fails(&mut repo);
    let saved = ["1,theirs", "3,c"];
    assert_eq!(
        rows(&mut reopen(&storage), "SELECT * FROM t ORDER BY id"),
        saved
    );
    assert_eq!(rows(&mut repo, "SELECT * FROM t ORDER BY id"), saved);
}

#[test]
fn a_commit_whose_rows_and_another_writers_break_a_constraint_rolls_back() {
    let (mut repo, storage) = database();
    run(
        &mut repo,
        "CREATE UNIQUE INDEX by_s ON t (s); \
         CREATE TABLE p (id INT PRIMARY KEY); INSERT INTO p VALUES (1), (2); \
         CREATE TABLE c (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES p (id))",
    );
    // Each alone keeps the UNIQUE key; together, two rows would have s = 'b'.
    run(&mut repo, "BEGIN; INSERT INTO t VALUES (2, 'b')");
    run(&mut reopen(&storage), "INSERT INTO t VALUES (3, 'b')");
    commit_fails(&mut repo);
    assert_eq!(saved_ids(&storage), ["1", "3"]);
    // Run again, the statement meets the other writer's row and says why.
    let err = block_on(repo.sql("INSERT INTO t VALUES (2, 'b')")).unwrap_err();
    assert!(err.to_string().contains("Duplicate entry 'b'"), "{err}");

    // The parent deleted here, a child of it added there.
    run(&mut repo, "BEGIN; DELETE FROM p WHERE id = 1");
    run(&mut reopen(&storage), "INSERT INTO c VALUES (10, 1)");
    commit_fails(&mut repo);
    assert_eq!(
        rows(&mut reopen(&storage), "SELECT id FROM p ORDER BY id"),
        ["1", "2"]
    );
    // Each changed one cell of a row; together they break its CHECK.
    run(
        &mut repo,
        "CREATE TABLE k (id INT PRIMARY KEY, a INT, b INT, CHECK (a < b)); INSERT INTO k VALUES (1, 1, 5)",
    );
    run(&mut repo, "BEGIN; UPDATE k SET a = 4");
    run(&mut reopen(&storage), "UPDATE k SET b = 2");
    commit_fails(&mut repo);
    assert_eq!(rows(&mut reopen(&storage), "SELECT * FROM k"), ["1,1,2"]);
    // A parent no child names goes, whatever else the other writer added.
    run(&mut repo, "BEGIN; DELETE FROM p WHERE id = 2");
    run(&mut reopen(&storage), "INSERT INTO c VALUES (11, 1)");
    run(&mut repo, "COMMIT");
    assert_eq!(rows(&mut reopen(&storage), "SELECT id FROM p"), ["1"]);
    assert_eq!(
        rows(&mut reopen(&storage), "SELECT id FROM c ORDER BY id"),
        ["10", "11"]
    );
}

#[test]
fn a_transaction_in_one_script_runs_again_after_another_writer() {
    let (mut repo, storage) = database();
    let mut other = reopen(&storage);
    run(&mut other, "INSERT INTO t VALUES (3, 'c')");
    // `repo` read the working set before `other` wrote: its save finds the change, and the
    // script runs again on it, as any script does.
    run(&mut repo, "BEGIN; INSERT INTO t VALUES (2, 'b'); COMMIT");
    assert_eq!(saved_ids(&storage), ["1", "2", "3"]);
}

#[test]
fn a_read_only_transaction_commits_over_other_writers() {
    let (mut repo, storage) = database();
    run(&mut repo, "BEGIN; SELECT * FROM t");
    run(&mut reopen(&storage), "INSERT INTO t VALUES (3, 'c')");
    run(&mut repo, "COMMIT");
    assert_eq!(saved_ids(&storage), ["1", "3"]);
}

#[test]
fn a_failing_statement_leaves_the_transaction_open_with_the_others() {
    let (mut repo, storage) = database();
    let err = block_on(
        repo.sql("BEGIN; INSERT INTO t VALUES (2, 'b'); INSERT INTO t VALUES (3, 'c'), (1, 'dup')"),
    )
    .unwrap_err();
    assert!(matches!(err, RepoError::Sql(SqlError::Table(_))), "{err}");
    assert!(repo.in_transaction());
    assert_eq!(
        ids(&mut repo),
        ["1", "2"],
        "the failed statement has no effect"
    );
    assert!(block_on(repo.sql("UPDATE nowhere SET x = 1")).is_err());
    run(&mut repo, "INSERT INTO t VALUES (4, 'd'); COMMIT");
    assert_eq!(saved_ids(&storage), ["1", "2", "4"]);
}

#[test]
fn begin_in_a_transaction_commits_it_first() {
    let (mut repo, storage) = database();
    run(&mut repo, "BEGIN; INSERT INTO t VALUES (2, 'b'); BEGIN");
    assert!(repo.in_transaction());
    assert_eq!(saved_ids(&storage), ["1", "2"]);
    run(&mut repo, "INSERT INTO t VALUES (3, 'c'); ROLLBACK");
    assert_eq!(saved_ids(&storage), ["1", "2"]);
}

#[test]
fn statements_outside_a_transaction_autocommit_around_it() {
    let (mut repo, storage) = database();
    run(
        &mut repo,
        "INSERT INTO t VALUES (2, 'b'); BEGIN; INSERT INTO t VALUES (3, 'c'); ROLLBACK; \
         INSERT INTO t VALUES (4, 'd'); COMMIT",
    );
    assert_eq!(
        saved_ids(&storage),
        ["1", "2", "4"],
        "COMMIT alone does nothing"
    );
}

#[test]
fn other_writes_wait_for_the_transaction_to_end() {
    let (mut repo, _storage) = database();
    run(&mut repo, "BEGIN; INSERT INTO t VALUES (2, 'b')");
    let err = block_on(repo.commit("half", CommitOptions::ALL, &author())).unwrap_err();
    assert_eq!(err, RepoError::TransactionOpen);
    assert!(err.to_string().contains("COMMIT or ROLLBACK"), "{err}");
    assert_eq!(
        block_on(repo.checkout("main")),
        Err(RepoError::TransactionOpen)
    );
    assert!(repo.in_transaction(), "the transaction is still open");
    run(&mut repo, "COMMIT");
    block_on(repo.commit("whole", CommitOptions::ALL, &author())).unwrap();
    let status = block_on(repo.status()).unwrap();
    assert!(status.is_clean(), "{status:?}");
}

#[test]
fn a_session_that_ends_rolls_its_transaction_back() {
    let (mut repo, storage) = database();
    run(&mut repo, "BEGIN; INSERT INTO t VALUES (2, 'b')");
    assert!(repo.rollback_transaction());
    assert!(
        !repo.rollback_transaction(),
        "no transaction is open any more"
    );
    assert_eq!(ids(&mut repo), ["1"]);
    // `execute` is a session of one script.
    let mut store = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
    let mut root = crate::db::root_value::RootValue::default();
    block_on(super::execute(
        &mut store,
        &mut root,
        "CREATE TABLE a (x INT PRIMARY KEY); BEGIN; CREATE TABLE b (x INT PRIMARY KEY)",
    ))
    .unwrap();
    assert_eq!(root.tables.keys().collect::<Vec<_>>(), ["a"]);
    assert_eq!(saved_ids(&storage), ["1"]);
}

#[test]
fn characteristics_and_global_or_mixed_autocommit_settings_are_refused_by_name() {
    let (mut repo, _storage) = database();
    for (sql, names) in [
        (
            "START TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            "ISOLATION LEVEL SERIALIZABLE: Cairn's transactions are serializable",
        ),
        ("SET GLOBAL autocommit = 0", "SET GLOBAL autocommit"),
        ("SET @@global.autocommit = 0", "SET GLOBAL autocommit"),
        (
            "SET autocommit = 0, @a = 1",
            "SET autocommit with other variables",
        ),
        ("SET autocommit = @a", "SET autocommit = @a"),
    ] {
        match block_on(repo.sql(sql)) {
            Err(RepoError::Sql(SqlError::Unsupported(what))) => {
                assert!(what.starts_with(names), "{sql}: {what}")
            }
            other => panic!("{sql}: {other:?}"),
        }
    }
    run(&mut repo, "INSERT INTO t VALUES (2, 'b')");
    assert!(!repo.in_transaction(), "autocommit is still on");
}

/// START TRANSACTION READ ONLY, as MySQL has it: the transaction reads, and every statement
/// that would change the database is refused and changes nothing, until COMMIT or ROLLBACK
/// (AND CHAIN keeps the mode).
#[test]
fn a_read_only_transaction_reads_and_refuses_every_write() {
    let (mut repo, storage) = database();
    run(&mut repo, "START TRANSACTION READ ONLY");
    assert!(repo.in_transaction());
    assert_eq!(ids(&mut repo), ["1"]);
    for sql in [
        "INSERT INTO t VALUES (2, 'b')",
        "UPDATE t SET s = 'z'",
        "DELETE FROM t",
        "CREATE TABLE u (x INT PRIMARY KEY)",
        "ALTER TABLE t ADD COLUMN c INT",
        "DROP TABLE t",
        "TRUNCATE t",
    ] {
        match block_on(repo.sql(sql)) {
            Err(RepoError::Sql(SqlError::ReadOnlyTransaction)) => {}
            other => panic!("{sql}: {other:?}"),
        }
    }
    // A statement that changes nothing is no write.
    run(&mut repo, "UPDATE t SET s = s WHERE id = 7; SET @a = 1");
    run(&mut repo, "COMMIT AND CHAIN");
    assert!(matches!(
        block_on(repo.sql("INSERT INTO t VALUES (3, 'c')")),
        Err(RepoError::Sql(SqlError::ReadOnlyTransaction))
    ));
    run(
        &mut repo,
        "ROLLBACK; START TRANSACTION READ WRITE; INSERT INTO t VALUES (2, 'b'); COMMIT",
    );
    assert_eq!(ids(&mut repo), ["1", "2"]);
    assert_eq!(saved_ids(&storage), ["1", "2"]);
    match block_on(repo.sql("START TRANSACTION READ ONLY, READ WRITE")) {
        Err(RepoError::Sql(SqlError::Syntax(why))) => assert!(why.contains("not both"), "{why}"),
        other => panic!("{other:?}"),
    }
}

/// A write refused in a READ ONLY transaction leaves the session as it was: an INSERT that
/// would have numbered a row does not move LAST_INSERT_ID, by either insert path.
#[test]
fn a_refused_insert_leaves_last_insert_id_alone() {
    let (mut repo, _storage) = memory_repo();
    run(
        &mut repo,
        "CREATE TABLE a (id INT AUTO_INCREMENT PRIMARY KEY, v INT); INSERT INTO a (v) VALUES (1)",
    );
    run(&mut repo, "START TRANSACTION READ ONLY");
    // The bulk path (a plain INSERT ... VALUES) and the general one (INSERT ... SELECT).
    for sql in [
        "INSERT INTO a (v) VALUES (2), (3)",
        "INSERT INTO a (v) SELECT 4",
    ] {
        match block_on(repo.sql(sql)) {
            Err(RepoError::Sql(SqlError::ReadOnlyTransaction)) => {}
            other => panic!("{sql}: {other:?}"),
        }
        let id = block_on(repo.sql("SELECT LAST_INSERT_ID()")).unwrap();
        assert_eq!(id[0].rows[0][0].to_string(), "1", "after {sql}");
    }
}

#[test]
fn with_autocommit_off_each_statement_runs_in_a_transaction() {
    let (mut repo, storage) = database();
    run(&mut repo, "SET autocommit = 0");
    assert!(!repo.in_transaction(), "the next statement opens it");
    run(&mut repo, "INSERT INTO t VALUES (2, 'b')");
    assert!(repo.in_transaction());
    run(&mut repo, "CREATE TABLE u (x INT PRIMARY KEY)");
    assert_eq!(saved_ids(&storage), ["1"], "nothing is saved before COMMIT");
    run(&mut repo, "ROLLBACK");
    assert!(!repo.in_transaction());
    assert_eq!(ids(&mut repo), ["1"], "ROLLBACK undid the INSERT");
    let err = block_on(repo.sql("SELECT * FROM u")).unwrap_err();
    assert_eq!(err, RepoError::Sql(SqlError::TableNotFound("u".into())));
    // The failed SELECT opened the next transaction, as in MySQL.
    assert!(repo.in_transaction());
    run(&mut repo, "INSERT INTO t VALUES (3, 'c')");
    assert_eq!(
        block_on(repo.commit("half", CommitOptions::ALL, &author())),
        Err(RepoError::TransactionOpen)
    );
    run(&mut repo, "COMMIT");
    assert_eq!(saved_ids(&storage), ["1", "3"]);
    block_on(repo.commit("whole", CommitOptions::ALL, &author())).unwrap();
    // A savepoint outside a transaction is set in the one it opens.
    run(
        &mut repo,
        "SAVEPOINT s; DELETE FROM t; INSERT INTO t VALUES (4, 'd'); ROLLBACK TO s",
    );
    assert!(repo.in_transaction());
    assert_eq!(ids(&mut repo), ["1", "3"]);
    run(&mut repo, "DELETE FROM t WHERE id = 3; COMMIT");
    assert_eq!(saved_ids(&storage), ["1"]);
}

#[test]
fn a_read_with_autocommit_off_begins_the_transaction() {
    let (mut repo, storage) = database();
    run(
        &mut repo,
        "SET autocommit = 0; SELECT s FROM t WHERE id = 1",
    );
    assert!(repo.in_transaction());
    // Changed after the read: the transaction, begun before, changes it too and conflicts.
    run(
        &mut reopen(&storage),
        "UPDATE t SET s = 'theirs' WHERE id = 1",
    );
    run(&mut repo, "UPDATE t SET s = 'mine' WHERE id = 1");
    commit_fails(&mut repo);
    assert_eq!(rows(&mut reopen(&storage), "SELECT s FROM t"), ["theirs"]);
}

#[test]
fn turning_autocommit_on_commits_the_open_transaction() {
    let (mut repo, storage) = database();
    run(
        &mut repo,
        "SET autocommit = OFF; INSERT INTO t VALUES (2, 'b')",
    );
    run(&mut repo, "SET autocommit = 1");
    assert!(!repo.in_transaction());
    assert_eq!(saved_ids(&storage), ["1", "2"]);
    run(&mut repo, "INSERT INTO t VALUES (3, 'c')");
    assert!(!repo.in_transaction(), "statements autocommit again");
    assert_eq!(saved_ids(&storage), ["1", "2", "3"]);
    // Setting it to what it is does nothing: BEGIN's transaction stays open.
    run(
        &mut repo,
        "BEGIN; INSERT INTO t VALUES (4, 'd'); SET autocommit = 1",
    );
    assert!(repo.in_transaction());
    run(&mut repo, "ROLLBACK");
    assert_eq!(saved_ids(&storage), ["1", "2", "3"]);
}

#[test]
fn autocommit_is_set_as_mysql_spells_it() {
    let (mut repo, _storage) = database();
    for (off, on) in [
        ("SET autocommit = 0", "SET autocommit = 1"),
        ("SET @@autocommit = FALSE", "SET @@autocommit = TRUE"),
        (
            "SET @@session.autocommit = off",
            "SET @@SESSION.AUTOCOMMIT = ON",
        ),
        (
            "SET SESSION autocommit = 'OFF'",
            "SET SESSION autocommit = 'on'",
        ),
        (
            "SET LOCAL autocommit = 0",
            "SET @@local.autocommit = DEFAULT",
        ),
        // MySQL takes `:=` in SET for any variable.
        ("SET autocommit := 0", "SET @@autocommit := 1"),
        (
            "SET SESSION autocommit := OFF",
            "SET @@session.autocommit := ON",
        ),
    ] {
        run(&mut repo, &format!("{off}; SELECT 1"));
        assert!(repo.in_transaction(), "{off}");
        run(&mut repo, &format!("{on}; SELECT 1"));
        assert!(!repo.in_transaction(), "{on}");
    }
    // A user variable of the name is not the setting.
    run(&mut repo, "SET @autocommit = 0; SELECT 1");
    assert!(!repo.in_transaction());
}

/// The first row of the last statement of `sql`, as text.
fn row(repo: &mut Repo<MemoryStorage>, sql: &str) -> Vec<String> {
    let first = last_rows(repo, sql).into_iter().next().expect("a row");
    first.iter().map(ToString::to_string).collect()
}

#[test]
fn autocommit_reads_as_a_system_variable() {
    let (mut repo, storage) = database();
    let all = "SELECT @@autocommit, @@session.autocommit, @@LOCAL.AutoCommit, @@AUTOCOMMIT + 1";
    assert_eq!(row(&mut repo, all), ["1", "1", "1", "2"]);
    // Read as each statement is compiled, and kept from one script to the next.
    assert_eq!(
        row(&mut repo, "SET autocommit = 0; SELECT @@autocommit"),
        ["0"]
    );
    assert_eq!(row(&mut repo, all), ["0", "0", "0", "1"]);
    let named = block_on(repo.sql("SELECT @@autocommit")).unwrap();
    assert_eq!(named[0].columns, ["@@autocommit"]);
    assert_eq!(
        row(&mut repo, "SELECT count(*) FROM t WHERE @@autocommit = 0"),
        ["1"]
    );
    run(&mut repo, "SET autocommit = ON");
    assert_eq!(row(&mut repo, "SELECT @@autocommit"), ["1"]);
    // Another session has its own.
    run(&mut repo, "SET autocommit = OFF");
    assert_eq!(row(&mut reopen(&storage), "SELECT @@autocommit"), ["1"]);
    // A column of the name is a column.
    let sql = "CREATE TABLE s (autocommit INT); INSERT INTO s VALUES (7); SELECT autocommit FROM s";
    assert_eq!(row(&mut repo, sql), ["7"]);
}

#[test]
fn other_system_variables_are_refused_by_name() {
    let (mut repo, _storage) = database();
    for (sql, says) in [
        (
            "SELECT @@max_heap_table_size",
            "system variable @@max_heap_table_size: Cairn knows @@autocommit, ",
        ),
        (
            "SELECT 1 FROM t WHERE @@session.innodb_lock_wait_timeout = 0",
            "system variable @@session.innodb_lock_wait_timeout",
        ),
    ] {
        let err = block_on(repo.sql(sql)).unwrap_err().to_string();
        assert!(err.contains(says), "{sql}: {err}");
    }
}

#[test]
fn autocommit_refuses_other_values_as_mysql_does() {
    let (mut repo, _storage) = database();
    run(
        &mut repo,
        "SET autocommit = 0; INSERT INTO t VALUES (2, 'b')",
    );
    for (sql, value) in [
        ("SET autocommit = 2", "2"),
        ("SET autocommit = 'yes'", "yes"),
        ("SET autocommit = maybe", "maybe"),
        ("SET autocommit = NULL", "NULL"),
    ] {
        let err = block_on(repo.sql(sql)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("Variable 'autocommit' can't be set to the value of '{value}'"),
            "{sql}"
        );
    }
    assert!(repo.in_transaction(), "nothing committed the transaction");
    run(&mut repo, "ROLLBACK; INSERT INTO t VALUES (3, 'c')");
    assert!(repo.in_transaction(), "autocommit is still off");
}

#[test]
fn and_chain_begins_the_next_transaction_at_once() {
    let (mut repo, storage) = database();
    run(
        &mut repo,
        "BEGIN; INSERT INTO t VALUES (2, 'b'); COMMIT AND CHAIN",
    );
    assert!(repo.in_transaction());
    assert_eq!(saved_ids(&storage), ["1", "2"]);
    run(
        &mut repo,
        "INSERT INTO t VALUES (3, 'c'); ROLLBACK WORK AND CHAIN",
    );
    assert!(repo.in_transaction());
    run(&mut repo, "INSERT INTO t VALUES (4, 'd')");
    assert_eq!(saved_ids(&storage), ["1", "2"]);
    run(&mut repo, "ROLLBACK");
    assert_eq!(
        ids(&mut repo),
        ["1", "2"],
        "the chained transactions rolled back"
    );
    // Without a transaction open, as in MySQL; AND NO CHAIN is plain COMMIT.
    run(&mut repo, "COMMIT AND CHAIN");
    assert!(repo.in_transaction());
    run(
        &mut repo,
        "INSERT INTO t VALUES (5, 'e'); COMMIT WORK AND NO CHAIN",
    );
    assert!(!repo.in_transaction());
    assert_eq!(saved_ids(&storage), ["1", "2", "5"]);
}

fn savepoint_error(repo: &mut Repo<MemoryStorage>, sql: &str) -> String {
    match block_on(repo.sql(sql)) {
        Err(RepoError::Sql(SqlError::SavepointNotFound(name))) => name,
        other => panic!("{sql}: {other:?}"),
    }
}

#[test]
fn rollback_to_a_savepoint_keeps_it_and_drops_the_later_ones() {
    let (mut repo, storage) = database();
    run(
        &mut repo,
        "BEGIN; INSERT INTO t VALUES (2, 'b'); SAVEPOINT a; INSERT INTO t VALUES (3, 'c'); \
         SAVEPOINT b; UPDATE t SET s = 'z'; INSERT INTO t VALUES (4, 'd')",
    );
    run(&mut repo, "ROLLBACK TO SAVEPOINT b");
    assert_eq!(ids(&mut repo), ["1", "2", "3"]);
    run(&mut repo, "ROLLBACK WORK TO a");
    assert_eq!(ids(&mut repo), ["1", "2"]);
    assert!(repo.in_transaction(), "the transaction stays open");
    assert_eq!(savepoint_error(&mut repo, "ROLLBACK TO b"), "b");
    run(&mut repo, "INSERT INTO t VALUES (5, 'e'); ROLLBACK TO a");
    assert_eq!(
        ids(&mut repo),
        ["1", "2"],
        "a is kept after a rollback to it"
    );
    run(&mut repo, "INSERT INTO t VALUES (5, 'e')");
    assert_eq!(saved_ids(&storage), ["1"]);
    run(&mut repo, "COMMIT");
    assert_eq!(saved_ids(&storage), ["1", "2", "5"]);
    let s = block_on(repo.sql("SELECT s FROM t WHERE id = 1")).unwrap();
    assert_eq!(
        s[0].rows[0][0].to_string(),
        "a",
        "the UPDATE after b was rolled back"
    );
}

#[test]
fn release_forgets_a_savepoint_and_the_later_ones_without_undoing() {
    let (mut repo, _storage) = database();
    run(
        &mut repo,
        "BEGIN; SAVEPOINT a; INSERT INTO t VALUES (2, 'b'); SAVEPOINT b; \
         INSERT INTO t VALUES (3, 'c'); RELEASE SAVEPOINT a",
    );
    assert_eq!(ids(&mut repo), ["1", "2", "3"]);
    assert_eq!(savepoint_error(&mut repo, "ROLLBACK TO a"), "a");
    assert_eq!(savepoint_error(&mut repo, "ROLLBACK TO b"), "b");
    assert_eq!(savepoint_error(&mut repo, "RELEASE SAVEPOINT a"), "a");
    assert!(repo.in_transaction());
    run(&mut repo, "ROLLBACK");
    assert_eq!(ids(&mut repo), ["1"]);
}

#[test]
fn savepoint_names_ignore_case_and_a_name_set_again_moves() {
    let (mut repo, _storage) = database();
    run(
        &mut repo,
        "BEGIN; SAVEPOINT Mark; INSERT INTO t VALUES (2, 'b'); SAVEPOINT mark; \
         INSERT INTO t VALUES (3, 'c'); ROLLBACK TO MARK",
    );
    assert_eq!(ids(&mut repo), ["1", "2"]);
}

#[test]
fn savepoints_end_with_their_transaction_and_do_nothing_outside_one() {
    let (mut repo, storage) = database();
    run(&mut repo, "SAVEPOINT s; INSERT INTO t VALUES (2, 'b')");
    assert_eq!(savepoint_error(&mut repo, "ROLLBACK TO s"), "s");
    assert_eq!(saved_ids(&storage), ["1", "2"]);
    run(&mut repo, "BEGIN; SAVEPOINT s; COMMIT; BEGIN");
    assert_eq!(savepoint_error(&mut repo, "ROLLBACK TO s"), "s");
    run(&mut repo, "SAVEPOINT s; ROLLBACK");
    assert_eq!(savepoint_error(&mut repo, "RELEASE SAVEPOINT s"), "s");
}
