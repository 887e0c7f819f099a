//! The session's features, with MySQL 8's answers: user variables, LAST_INSERT_ID(expr),
//! VERSION() and DATABASE().

use alloc::string::ToString;

use pollster::block_on;

use super::tests::{answers, lines, memory_repo, reopen, Db};
use crate::memory::MemoryStorage;
use crate::repo::Repo;

#[test]
fn user_variables_keep_their_types_and_are_null_until_set() {
    let mut db = Db::new();
    db.run("SET @i = 42, @d := 1.50, @f = 1e1, @s = 'abc', @n = NULL, @b = (1 < 2)");
    db.run("SET @t = DATE '2024-03-01', @x = X'6869'");
    answers(
        &mut db,
        &[
            ("@i, @d, @f, @s, @n, @b", "42|1.50|10|abc|NULL|1"),
            (
                "@i + 1, @d * 2, @f / 4, CONCAT(@s, 'd')",
                "43|3.00|2.5|abcd",
            ),
            // MySQL keeps a date as its text, and a binary string as it is.
            ("@t, LENGTH(@t), HEX(@x)", "2024-03-01|10|6869"),
            ("@never, @never IS NULL", "NULL|true"),
            // Names are case-insensitive.
            ("@I, @S", "42|abc"),
        ],
    );
}

#[test]
fn set_assigns_in_turn_and_takes_subqueries() {
    let mut db = Db::new();
    db.run("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
    db.run("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    db.run("SET @a = 1, @b = @a + 1, @m := (SELECT MAX(id) FROM t)");
    answers(&mut db, &[("@a, @b, @m", "1|2|3")]);
    db.run("SET @a = @a + 10");
    answers(&mut db, &[("@a", "11")]);
    // Only an assignment's first `=` or `:=` is SET's; a later `:=` assigns in the value.
    db.run("SET @c := @d := 5, @e = @f := 6");
    answers(&mut db, &[("@c, @d, @e, @f", "5|5|6|6")]);
}

#[test]
fn variables_are_read_in_where_insert_and_update() {
    let mut db = Db::new();
    db.run("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
    db.run("SET @id = 7, @v = 'seven'");
    db.run("INSERT INTO t VALUES (@id, @v), (@id + 1, CONCAT(@v, '+'))");
    assert_eq!(
        lines(&db.rows("SELECT id, v FROM t WHERE id = @id")),
        ["7|seven"]
    );
    db.run("SET @v = 'changed'");
    db.run("UPDATE t SET v = @v WHERE id > @id");
    assert_eq!(
        lines(&db.rows("SELECT id, v FROM t ORDER BY id")),
        ["7|seven", "8|changed"]
    );
    db.run("DELETE FROM t WHERE v = @v");
    assert_eq!(lines(&db.rows("SELECT id FROM t")), ["7"]);
    // Through a join too (the general path).
    assert_eq!(
        lines(&db.rows("SELECT a.v FROM t a JOIN t b ON a.id = b.id WHERE a.id = @id")),
        ["seven"]
    );
}

#[test]
fn select_assigns_with_colon_equals() {
    let mut db = Db::new();
    db.run("CREATE TABLE t (id INT PRIMARY KEY)");
    db.run("INSERT INTO t VALUES (1), (2), (3)");
    // Each row assigns: the last one's value stays.
    assert_eq!(
        lines(&db.rows("SELECT @last := id * 10 FROM t ORDER BY id")),
        ["10", "20", "30"]
    );
    // A statement reads a variable as it was when the statement began (MySQL leaves the
    // order undefined).
    answers(
        &mut db,
        &[("@last", "30"), ("@w := 'x', @w", "x|NULL"), ("@w", "x")],
    );
}

#[test]
fn variables_outside_a_statement_are_refused() {
    let mut db = Db::new();
    let e = db.err("CREATE TABLE c (a INT, CHECK (a > @limit))");
    assert!(e.contains("@limit"), "{e}");
    // Spelled with `:=` as with `=`, as MySQL takes it for any variable.
    for sql in [
        "SET @a = 1, max_heap_table_size = 1",
        "SET max_heap_table_size := 1",
        "SET @a := 1, max_heap_table_size := 1",
    ] {
        let e = db.err(sql);
        assert!(
            e.contains("SET max_heap_table_size: Cairn's system variables are"),
            "{sql}: {e}"
        );
    }
    answers(&mut db, &[("@a", "NULL")]);
}

/// What mysqldump writes before and after its tables, run as MySQL runs it: the versioned
/// comments' SETs keep the old values in user variables, set new ones, and put them back.
const DUMP_HEADER: &str = "\
    /*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
    /*!50503 SET NAMES utf8mb4 */;
    /*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
    /*!40103 SET TIME_ZONE='+00:00' */;
    /*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
    /*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
    /*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
    /*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;";
const DUMP_FOOTER: &str = "\
    /*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;
    /*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
    /*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
    /*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
    /*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
    /*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;";

#[test]
fn system_variables_a_dump_sets_are_kept_and_put_back() {
    let mut db = Db::new();
    let defaults = "1|1|SYSTEM|utf8mb4|1|ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,\
                    NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";
    let all = "@@unique_checks, @@foreign_key_checks, @@time_zone, @@character_set_client, \
               @@session.sql_notes, @@sql_mode";
    answers(&mut db, &[(all, defaults)]);
    db.run(DUMP_HEADER);
    answers(
        &mut db,
        &[
            (all, "0|0|+00:00|utf8mb4|0|NO_AUTO_VALUE_ON_ZERO"),
            ("@OLD_UNIQUE_CHECKS, @OLD_TIME_ZONE", "1|SYSTEM"),
            // No server: a global variable reads as its default.
            ("@@global.unique_checks, @@GLOBAL.autocommit", "1|1"),
            ("@@version = VERSION(), @@version_comment", "true|Cairn"),
        ],
    );
    let shown = db.rows("SHOW VARIABLES LIKE '%checks'");
    assert_eq!(
        lines(&shown),
        ["foreign_key_checks|OFF", "unique_checks|OFF"]
    );
    db.run(DUMP_FOOTER);
    answers(&mut db, &[(all, defaults)]);
    db.run("SET SESSION unique_checks = OFF, @@session.sql_notes = 0");
    answers(&mut db, &[("@@unique_checks, @@sql_notes", "0|0")]);
    db.run("SET unique_checks = DEFAULT, sql_notes = ON");
    answers(&mut db, &[("@@unique_checks, @@sql_notes", "1|1")]);
    let global = db.rows("SHOW GLOBAL VARIABLES LIKE 'version_comment'");
    assert_eq!(lines(&global), ["version_comment|Cairn"]);
}

#[test]
fn values_that_would_ask_for_other_behaviour_are_refused_and_change_nothing() {
    let mut db = Db::new();
    for (sql, says) in [
        (
            "SET @a = 1, time_zone = '+02:00'",
            "Variable 'time_zone' can't be set to the value of '+02:00'",
        ),
        (
            "SET @a = 1, sql_mode = 'STRICT_TRANS_TABLES,ANSI_QUOTES'",
            "Variable 'sql_mode' can't be set to the value of 'ANSI_QUOTES'",
        ),
        (
            "SET NAMES latin1",
            "Variable 'character_set_client' can't be set to the value of 'latin1'",
        ),
        (
            "SET NAMES utf8mb4 COLLATE utf8mb4_0900_ai_ci",
            "Variable 'collation_connection' can't be set to the value of 'utf8mb4_0900_ai_ci'",
        ),
        (
            "SET unique_checks = 2",
            "Variable 'unique_checks' can't be set to the value of '2'",
        ),
        (
            "SET version = 'x'",
            "Variable 'version' is a read only variable",
        ),
        (
            "SET GLOBAL unique_checks = 0",
            "SET GLOBAL unique_checks: Cairn has no server",
        ),
        (
            "SET @@global.sql_notes = 0",
            "SET GLOBAL sql_notes: Cairn has no server",
        ),
    ] {
        let e = db.err(sql);
        assert!(e.contains(says), "{sql}: {e}");
    }
    answers(
        &mut db,
        &[(
            "@a, @@time_zone, @@character_set_client",
            "NULL|SYSTEM|utf8mb4",
        )],
    );
}

#[test]
fn with_foreign_key_checks_off_a_dump_loads_children_before_parents() {
    let mut db = Db::new();
    let refused = db.err(
        "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, \
         FOREIGN KEY (customer_id) REFERENCES customers (id))",
    );
    assert!(
        refused.contains("referenced table 'customers'"),
        "{refused}"
    );
    db.run(DUMP_HEADER);
    db.run(
        "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, \
           FOREIGN KEY (customer_id) REFERENCES customers (id)); \
         LOCK TABLES orders WRITE; \
         INSERT INTO orders VALUES (1, 1), (2, 2); \
         UNLOCK TABLES; \
         CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(10)); \
         LOCK TABLES customers WRITE, orders READ; \
         INSERT INTO customers VALUES (1, 'Ada'); \
         UNLOCK TABLES",
    );
    db.run(DUMP_FOOTER);
    assert_eq!(db.count("orders"), 2);
    // Checked again: the key holds for what comes next, and its parent is the table made
    // after it.
    let e = db.err("INSERT INTO orders VALUES (3, 9)");
    assert!(e.contains("Cannot add or update a child row"), "{e}");
    let e = db.err("DELETE FROM customers WHERE id = 1");
    assert!(e.contains("Cannot delete or update a parent row"), "{e}");
    db.run("INSERT INTO orders VALUES (3, 1)");
    let e = db.err("LOCK TABLES nowhere WRITE");
    assert!(e.contains("nowhere"), "{e}");
}

/// A table as mysqldump writes one out of MySQL 8 with a binary collation: character sets
/// and collations named on its columns, and its rows between DISABLE and ENABLE KEYS.
#[test]
fn a_dumped_table_names_its_character_set_and_switches_its_keys() {
    let mut db = Db::new();
    db.run(DUMP_HEADER);
    db.run(
        "CREATE TABLE `people` ( \
           `id` int NOT NULL, \
           `name` varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NOT NULL, \
           `kind` enum('a','b') COLLATE utf8mb4_bin DEFAULT NULL, \
           PRIMARY KEY (`id`), KEY `by_name` (`name`) \
         ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin; \
         LOCK TABLES `people` WRITE; \
         /*!40000 ALTER TABLE `people` DISABLE KEYS */; \
         INSERT INTO `people` VALUES (1,'Ada','a'),(2,'Bo',NULL); \
         /*!40000 ALTER TABLE `people` ENABLE KEYS */; \
         UNLOCK TABLES",
    );
    db.run(DUMP_FOOTER);
    // The keys were kept all along: the plain key finds the row.
    answers(&mut db, &[("id FROM people WHERE name = 'Bo'", "2")]);
    for (sql, says) in [
        (
            "CREATE TABLE u (a varchar(3) COLLATE utf8mb4_0900_ai_ci)",
            "unsupported SQL: COLLATE utf8mb4_0900_ai_ci: Cairn compares text byte by byte, \
             as utf8mb4_0900_bin does; a collation that ignores case or accents would change \
             which keys match",
        ),
        (
            "CREATE TABLE u (a varchar(3) CHARACTER SET latin1)",
            "unsupported SQL: CHARACTER SET latin1: Cairn's text is UTF-8 (utf8mb4)",
        ),
        (
            "CREATE TABLE u (a int CHARACTER SET utf8mb4)",
            "unsupported SQL: column option CHARACTER SET utf8mb4",
        ),
        (
            "CREATE TABLE u (a int) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci",
            "unsupported SQL: COLLATE utf8mb4_0900_ai_ci: Cairn compares",
        ),
        (
            "CREATE TABLE u (a int) CHARSET=latin1",
            "unsupported SQL: CHARACTER SET latin1",
        ),
        (
            "CREATE TABLE u (a int) COMMENT='x'",
            "unsupported SQL: table option COMMENT = 'x'",
        ),
        (
            "ALTER TABLE nowhere DISABLE KEYS",
            "table not found: nowhere",
        ),
        ("ALTER TABLE people DISABLE KEYS now", "syntax error"),
    ] {
        let e = db.err(sql);
        assert!(e.contains(says), "{sql}: {e}");
    }
    assert_eq!(db.count("people"), 2);
}

/// A table with an AUTO_INCREMENT column and numeric defaults as mysqldump writes it out of
/// MySQL 8 (a Dolt dump's are the same): the table option AUTO_INCREMENT=N after its rows'
/// greatest key, and every default quoted.
#[test]
fn a_dumped_table_keeps_its_auto_increment_start_and_quoted_defaults() {
    let mut db = Db::new();
    db.run(DUMP_HEADER);
    db.run(
        "CREATE TABLE `orders` ( \
           `id` bigint unsigned NOT NULL AUTO_INCREMENT, \
           `status` enum('new','paid') NOT NULL DEFAULT 'new', \
           `total` decimal(10,2) NOT NULL DEFAULT '0.00', \
           `flags` tinyint(1) NOT NULL DEFAULT '0', \
           PRIMARY KEY (`id`) \
         ) ENGINE=InnoDB AUTO_INCREMENT=11 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin; \
         LOCK TABLES `orders` WRITE; \
         INSERT INTO `orders` VALUES (1,'paid',10.50,1),(7,'new',0.00,0); \
         UNLOCK TABLES",
    );
    db.run(DUMP_FOOTER);
    // Rows 8 to 10 were deleted in MySQL: the next order is 11 there, and here.
    db.run("INSERT INTO orders (status) VALUES ('paid')");
    assert_eq!(
        lines(&db.rows("SELECT id, status, total, flags FROM orders")),
        ["1|paid|10.50|1", "7|new|0.00|0", "11|paid|0.00|0"]
    );
}

/// MySQL's sequence idiom: LAST_INSERT_ID(expr) gives expr and is what LAST_INSERT_ID()
/// gives next.
#[test]
fn last_insert_id_of_an_expression_sets_the_session_value() {
    let mut db = Db::new();
    db.run("CREATE TABLE seq (id INT NOT NULL)");
    db.run("INSERT INTO seq VALUES (0)");
    db.run("UPDATE seq SET id = LAST_INSERT_ID(id + 1)");
    answers(&mut db, &[("LAST_INSERT_ID()", "1")]);
    db.run("UPDATE seq SET id = LAST_INSERT_ID(id + 1)");
    answers(
        &mut db,
        &[
            ("LAST_INSERT_ID()", "2"),
            ("LAST_INSERT_ID(41) + 1", "42"),
            ("LAST_INSERT_ID()", "41"),
            ("LAST_INSERT_ID(NULL)", "NULL"),
            ("LAST_INSERT_ID()", "0"),
        ],
    );
    assert_eq!(lines(&db.rows("SELECT id FROM seq")), ["2"]);
    // An AUTO_INCREMENT insert sets it as before.
    db.run("CREATE TABLE a (id INT PRIMARY KEY AUTO_INCREMENT, s TEXT)");
    db.run("INSERT INTO a (s) VALUES ('x'), ('y')");
    answers(&mut db, &[("LAST_INSERT_ID()", "1")]);
    // ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id): the existing row's id.
    db.run("INSERT INTO a VALUES (2, 'z') ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)");
    answers(&mut db, &[("LAST_INSERT_ID()", "2")]);
}

#[test]
fn version_and_database() {
    let mut db = Db::new();
    let version = concat!("8.0.33-cairn-", env!("CARGO_PKG_VERSION"));
    answers(
        &mut db,
        &[
            ("VERSION()", version),
            ("VERSION() LIKE '8.0.%'", "true"),
            ("DATABASE(), SCHEMA()", "NULL|NULL"),
        ],
    );
}

/// Cairn's transactions are REPEATABLE READ: that level is taken, by either statement and
/// either variable name; a level that would read differently is refused, changing nothing.
#[test]
fn the_isolation_level_is_repeatable_read() {
    let mut db = Db::new();
    for sql in [
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "SET @@transaction_isolation = 'REPEATABLE-READ'",
        "SET tx_isolation = 'repeatable-read'",
    ] {
        db.exec(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    answers(
        &mut db,
        &[(
            "@@transaction_isolation, @@session.tx_isolation",
            "REPEATABLE-READ|REPEATABLE-READ",
        )],
    );
    for (sql, says) in [
        (
            "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
            "Variable 'transaction_isolation' can't be set to the value of 'READ-COMMITTED'",
        ),
        (
            "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            "'SERIALIZABLE'",
        ),
        (
            "SET transaction_isolation = 'READ-UNCOMMITTED'",
            "'READ-UNCOMMITTED'",
        ),
        ("SET TRANSACTION READ ONLY", "START TRANSACTION READ ONLY"),
    ] {
        let e = db.err(sql);
        assert!(e.contains(says), "{sql}: {e}");
    }
    answers(&mut db, &[("@@transaction_isolation", "REPEATABLE-READ")]);
}

/// A `Repo` is the session: a variable set by one `sql` call is read by the next, and
/// another `Repo` on the same store has its own.
#[test]
fn variables_last_for_the_repo_session() {
    let (mut repo, storage) = memory_repo();
    let read = |repo: &mut Repo<MemoryStorage>, sql: &str| {
        let results = block_on(repo.sql(sql)).unwrap();
        lines(&results.last().unwrap().rows).join("\n")
    };
    block_on(repo.sql("SET @Greeting = 'hi'; SET @n = 2.5")).unwrap();
    assert_eq!(read(&mut repo, "SELECT @greeting, @N * 2"), "hi|5.0");
    block_on(repo.sql("SELECT LAST_INSERT_ID(9)")).unwrap();
    assert_eq!(read(&mut repo, "SELECT LAST_INSERT_ID()"), "9");
    // A streamed page is of the session too.
    let page = crate::sql::select::Page {
        after: None,
        rows: 10,
    };
    let params = crate::sql::Params::None;
    let (result, _, _) =
        block_on(repo.query_page("SELECT @q := 'paged'", &params, &page, None, None)).unwrap();
    assert_eq!(result.rows[0][0].to_string(), "paged");
    assert_eq!(read(&mut repo, "SELECT @q"), "paged");
    assert_eq!(read(&mut reopen(&storage), "SELECT @greeting"), "NULL");
}

/// A `Repo` is a session: LAST_INSERT_ID lasts from one call to the next, as in a MySQL
/// connection, and another `Repo` on the same store starts at 0.
#[test]
fn last_insert_id_lasts_for_the_session() {
    let (mut repo, storage) = memory_repo();
    let last = |repo: &mut Repo<MemoryStorage>| {
        let results = block_on(repo.sql("SELECT LAST_INSERT_ID()")).unwrap();
        results[0].rows[0][0].to_string()
    };
    block_on(repo.sql("CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, s TEXT)")).unwrap();
    assert_eq!(last(&mut repo), "0");
    block_on(repo.sql("INSERT INTO t (s) VALUES ('a'), ('b')")).unwrap();
    block_on(repo.sql("INSERT INTO t (s) VALUES ('c')")).unwrap();
    assert_eq!(last(&mut repo), "3");
    assert_eq!(last(&mut reopen(&storage)), "0");
}

#[test]
fn row_count_gives_what_the_last_statement_changed() {
    let mut db = Db::new();
    db.run("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
    answers(&mut db, &[("ROW_COUNT()", "0")]);
    db.run("INSERT INTO t VALUES (1, 0), (2, 0), (3, 0)");
    // As MySQL: what the statement before changed, and -1 after a query.
    answers(&mut db, &[("ROW_COUNT()", "3"), ("ROW_COUNT()", "-1")]);
    let rows = db.rows("UPDATE t SET v = 1 WHERE id > 1; SELECT ROW_COUNT()");
    assert_eq!(lines(&rows), ["2"]);
    let rows = db.rows("DELETE FROM t WHERE id = 9; SELECT ROW_COUNT(), ROW_COUNT() + 1");
    assert_eq!(lines(&rows), ["0|1"]);
}

#[test]
fn each_session_has_its_own_connection_id() {
    let (mut a, mut b) = (Db::new(), Db::new());
    let id = |db: &mut Db| lines(&db.rows("SELECT CONNECTION_ID()"))[0].clone();
    let first = id(&mut a);
    assert!(first.parse::<u64>().unwrap() > 0, "{first}");
    assert_eq!(id(&mut a), first);
    assert_ne!(id(&mut b), first);
    let e = a.err("CREATE TABLE c (a INT DEFAULT (CONNECTION_ID()))");
    assert!(e.contains("has no session"), "{e}");
}
