//! ALTER TABLE and RENAME TABLE: every row rewritten to the new schema, or nothing changed.

use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;

use super::tests::{answers, lines, Db};
use crate::db::value::Value;

fn int(n: i64) -> Value {
    Value::Int(n)
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

/// Field and Type of each column, from DESCRIBE.
fn columns(db: &mut Db, table: &str) -> Vec<(alloc::string::String, alloc::string::String)> {
    db.rows(&alloc::format!("describe {table}"))
        .into_iter()
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect()
}

#[test]
fn add_column_fills_null_in_place() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, a int)");
    db.run("insert into t values (1, 10), (2, 20)");
    db.run("alter table t add column b varchar(5)");
    db.run("alter table t add c int first");
    db.run("alter table t add column d bool after id");
    assert_eq!(
        columns(&mut db, "t"),
        [
            ("c", "int"),
            ("id", "int"),
            ("d", "bool"),
            ("a", "int"),
            ("b", "varchar(5)")
        ]
        .map(|(a, b)| (a.into(), b.into()))
    );
    assert_eq!(
        db.rows("select * from t order by id"),
        vec![
            vec![Value::Null, int(1), Value::Null, int(10), Value::Null],
            vec![Value::Null, int(2), Value::Null, int(20), Value::Null],
        ]
    );
    // The key is still id: a lookup by it finds the row, a duplicate is refused.
    assert_eq!(db.rows("select a from t where id = 2"), vec![vec![int(20)]]);
    db.run("insert into t (id, b) values (3, 'x')");
    assert!(db
        .err("insert into t (id) values (3)")
        .contains("duplicate primary key"));
}

#[test]
fn add_column_refusals_change_nothing() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, a int)");
    db.run("insert into t values (1, 10)");
    assert!(db
        .err("alter table t add column b int not null")
        .contains("column 'b' is NOT NULL and has no DEFAULT"));
    assert_eq!(
        db.err("alter table t add column A int"),
        "duplicate column name 'A'"
    );
    assert!(db
        .err("alter table t add column b int after nope")
        .contains("'nope' could not be found"));
    assert!(db
        .err("alter table t add column b int primary key")
        .contains("primary key is fixed"));
    // Two operations: the second fails, so the first is not kept either.
    assert_eq!(
        db.err("alter table t add column b int, add column b int"),
        "duplicate column name 'b'"
    );
    // On an empty table NOT NULL is fine.
    db.run("create table e (id int primary key)");
    db.run("alter table e add column b int not null");
    assert!(db
        .err("insert into e (id) values (1)")
        .contains("cannot be NULL"));
}

#[test]
fn drop_column() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, a int, b text)");
    db.run("insert into t values (1, 10, 'x'), (2, 20, 'y')");
    db.run("alter table t drop column a");
    assert_eq!(
        db.rows("select * from t order by id"),
        vec![vec![int(1), text("x")], vec![int(2), text("y")]]
    );
    db.run("alter table t drop column if exists a");
    assert!(db
        .err("alter table t drop column a")
        .contains("'a' could not be found"));
    assert!(db
        .err("alter table t drop column id")
        .contains("dropping primary key column 'id'"));
    db.run("alter table t drop b");
    assert!(db.err("alter table t drop id").contains("primary key"));
    db.run("create table k (a int, b int)");
    assert!(db
        .err("alter table k drop a, drop b")
        .contains("use DROP TABLE"));
}

#[test]
fn dropping_a_column_of_a_keyless_table_merges_equal_rows() {
    let mut db = Db::new();
    db.run("create table k (a int, b int)");
    db.run("insert into k values (1, 1), (1, 2), (1, 2), (2, 3)");
    db.run("alter table k drop column b");
    assert_eq!(
        db.rows("select a, count(*) from k group by a order by a"),
        vec![vec![int(1), int(3)], vec![int(2), int(1)]]
    );
    db.run("delete from k where a = 1");
    assert_eq!(db.rows("select * from k"), vec![vec![int(2)]]);
}

#[test]
fn rename_column_keeps_rows() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, a int)");
    db.run("insert into t values (1, 10)");
    let rows = db.root.tables["t"].rows;
    db.run("alter table t rename column a to b");
    assert_eq!(db.root.tables["t"].rows, rows);
    assert_eq!(db.rows("select b from t"), vec![vec![int(10)]]);
    db.run("alter table t rename column id to ID2");
    assert_eq!(db.rows("select id2 from t"), vec![vec![int(1)]]);
    assert_eq!(
        db.err("alter table t rename column b to id2"),
        "duplicate column name 'id2'"
    );
    assert!(db
        .err("alter table t rename column zz to y")
        .contains("'zz' could not be found"));
}

#[test]
fn modify_converts_every_value_or_nothing() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, a int, s varchar(10))");
    db.run("insert into t values (1, 100, 'abc'), (2, 300, 'abcdefgh'), (3, null, 'x')");
    assert_eq!(
        db.err("alter table t modify a tinyint"),
        "value 300 is out of range for column 'a' tinyint (-128 to 127)"
    );
    assert!(db.err("alter table t modify s varchar(4)").contains("'s'"));
    assert_eq!(
        db.err("alter table t modify column a int not null"),
        "column 'a' cannot be NULL"
    );
    db.run("alter table t modify a decimal(6,2)");
    assert_eq!(columns(&mut db, "t")[1].1, "decimal(6,2)");
    assert_eq!(
        db.rows("select a from t order by id")
            .iter()
            .map(|r| r[0].to_string())
            .collect::<Vec<_>>(),
        ["100.00", "300.00", "NULL"]
    );
    db.run("alter table t modify column s text first");
    assert_eq!(
        db.rows("select * from t where id = 1"),
        vec![vec![
            text("abc"),
            int(1),
            db.rows("select a from t where id = 1")[0][0].clone()
        ]]
    );
    // A key column may change type; two rows whose keys become equal are refused.
    db.run("create table d (k decimal(4,2) primary key, f double)");
    db.run("insert into d values (1.2, 0.5), (1.4, null)");
    // The coercion is INSERT's: a double does not go into an int column.
    assert_eq!(
        db.err("alter table d modify f int"),
        "type mismatch for column 'f': expected a value of type int, found a double"
    );
    assert_eq!(
        db.err("alter table d modify k int"),
        "duplicate primary key given: [1]"
    );
    db.run("alter table d modify k decimal(5,1)");
    assert_eq!(
        columns(&mut db, "d")[0],
        ("k".into(), "decimal(5,1)".into())
    );
    assert_eq!(db.rows("select k from d where k = 1.4").len(), 1);
}

#[test]
fn change_column_renames_and_converts() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, a int, b int)");
    db.run("insert into t values (1, 5, 6)");
    db.run("alter table t change column a z bigint after b");
    assert_eq!(
        columns(&mut db, "t"),
        [("id", "int"), ("b", "int"), ("z", "bigint")].map(|(a, b)| (a.into(), b.into()))
    );
    assert_eq!(
        db.rows("select * from t"),
        vec![vec![int(1), int(6), int(5)]]
    );
    assert_eq!(
        db.err("alter table t change b id int"),
        "duplicate column name 'id'"
    );
}

#[test]
fn rename_table() {
    let mut db = Db::new();
    db.run("create table a (x int)");
    db.run("create table b (y int)");
    db.run("insert into a values (1)");
    db.run("alter table a rename to c");
    assert_eq!(db.rows("select x from c"), vec![vec![int(1)]]);
    assert!(db.err("select * from a").contains("table not found: a"));
    assert_eq!(
        db.err("alter table c rename to b"),
        "table with name b already exists"
    );
    // Swapping two tables in one statement; a failure anywhere keeps every name.
    db.run("rename table c to tmp, b to c, tmp to b");
    assert_eq!(db.rows("select x from b"), vec![vec![int(1)]]);
    assert_eq!(
        db.err("rename table b to d, nope to e"),
        "table not found: nope"
    );
    db.run("alter table b rename to B2, add column z int");
    assert_eq!(db.rows("select * from b2"), vec![vec![int(1), Value::Null]]);
}

#[test]
fn unsupported_alter_operations_are_named() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, a int)");
    assert!(db
        .err("alter table t drop primary key cascade")
        .starts_with("unsupported SQL: ALTER TABLE DROP PRIMARY KEY"));
    assert!(db.err("alter table nope add b int").contains("not found"));
}

#[test]
fn moving_a_key_column_keeps_the_key() {
    let mut db = Db::new();
    db.run("create table t (a int, id int, b int, primary key (b, id))");
    db.run("insert into t values (1, 2, 3)");
    db.run("alter table t modify id bigint first");
    let keys: Vec<_> = db
        .rows("describe t")
        .into_iter()
        .map(|r| (r[0].to_string(), r[3].to_string()))
        .collect();
    assert_eq!(
        keys,
        [("id", "PRI"), ("a", ""), ("b", "PRI")].map(|(a, b)| (a.into(), b.into()))
    );
    assert_eq!(
        db.rows("select * from t where b = 3 and id = 2"),
        vec![vec![int(2), int(1), int(3)]]
    );
    assert!(db.rows("show create table t")[0][1]
        .to_string()
        .contains("PRIMARY KEY (`b`,`id`)"));
}

#[test]
fn defaults_fill_left_out_columns_and_new_columns() {
    let mut db = Db::new();
    db.run(
        "create table t (id int primary key, n int not null default 7, s varchar(3) default 'ab', \
         d decimal(5,2) default 1.5, day date default '2024-03-01', b bool default true)",
    );
    db.run("insert into t (id) values (1)");
    db.run("insert into t (id, n, s) values (2, 8, null)");
    assert_eq!(
        db.rows("select n, s, d, day, b from t order by id")
            .iter()
            .map(|r| r.iter().map(|v| v.to_string()).collect::<Vec<_>>())
            .collect::<Vec<_>>(),
        [
            ["7", "ab", "1.50", "2024-03-01", "true"],
            ["8", "NULL", "1.50", "2024-03-01", "true"]
        ]
    );
    let described: Vec<_> = db
        .rows("describe t")
        .into_iter()
        .map(|r| r[4].to_string())
        .collect();
    assert_eq!(described, ["NULL", "7", "ab", "1.50", "2024-03-01", "true"]);
    // ADD COLUMN ... DEFAULT fills the rows there are, NOT NULL included.
    db.run("alter table t add column m int not null default 3");
    assert_eq!(db.rows("select m from t"), vec![vec![int(3)], vec![int(3)]]);
    db.run("alter table t alter column m set default 4");
    db.run("insert into t (id) values (3)");
    assert_eq!(db.rows("select m from t where id = 3"), vec![vec![int(4)]]);
    db.run("alter table t alter column m drop default");
    assert_eq!(
        db.err("insert into t (id) values (4)"),
        "column 'm' cannot be NULL"
    );
    for (sql, want) in [
        (
            "create table u (a tinyint default 300)",
            "invalid default value for 'a': value 300 is out of range for column \
             'a' tinyint (-128 to 127)",
        ),
        (
            "create table u (a int not null default null)",
            "invalid default value for 'a': NULL in a NOT NULL column",
        ),
        (
            "create table u (a int default b)",
            "invalid default value for 'a': column 'b' could not be found in any \
             table in scope (a default is a constant)",
        ),
        (
            "create table u (a date default '2023-02-29')",
            "invalid default value for 'a': value '2023-02-29' is not a valid date \
             for column 'a' (write it as YYYY-MM-DD)",
        ),
    ] {
        assert_eq!(db.err(sql), want, "{sql}");
    }
}

#[test]
fn auto_increment_counts_from_the_greatest_value() {
    let mut db = Db::new();
    db.run("create table t (id bigint primary key auto_increment, s text)");
    db.run("insert into t (s) values ('a'), ('b')");
    db.run("insert into t values (null, 'c')");
    db.run("insert into t values (10, 'd')");
    db.run("insert into t (s) values ('e')");
    db.run("insert into t (s) values ('f'), ('g')");
    assert_eq!(
        db.rows("select id, s from t order by id"),
        [
            (1, "a"),
            (2, "b"),
            (3, "c"),
            (10, "d"),
            (11, "e"),
            (12, "f"),
            (13, "g")
        ]
        .map(|(i, s)| vec![int(i), text(s)])
        .to_vec()
    );
    assert_eq!(db.rows("describe t")[0][5], text("auto_increment"));
    // Max + 1, as MySQL computes it on opening a table: deleting the top frees its number.
    db.run("delete from t where id >= 12");
    db.run("insert into t (s) values ('h')");
    assert_eq!(
        db.rows("select id from t where s = 'h'"),
        vec![vec![int(12)]]
    );
    // Not the first key column: found by a scan.
    db.run("create table k (a int, id tinyint auto_increment, primary key (a, id))");
    db.run("insert into k (a) values (5), (1)");
    db.run("insert into k (a, id) values (2, 126)");
    db.run("insert into k (a) values (3)");
    assert_eq!(db.rows("select max(id) from k"), vec![vec![int(127)]]);
    assert_eq!(
        db.err("insert into k (a) values (4)"),
        "value 128 is out of range for column 'id' tinyint (-128 to 127)"
    );
    for sql in [
        "create table u (a int auto_increment)",
        "create table u (a text primary key auto_increment)",
        "create table u (a int auto_increment, b int auto_increment, primary key (a, b))",
    ] {
        assert!(db.err(sql).contains("incorrect table definition"), "{sql}");
    }
}

/// MySQL numbers a row given 0 as one given NULL, unless `sql_mode` has
/// NO_AUTO_VALUE_ON_ZERO, as a dump's header sets it so that its rows keep their zeros.
#[test]
fn auto_increment_numbers_a_zero_unless_the_mode_keeps_it() {
    let mut db = Db::new();
    db.run("create table t (id int primary key auto_increment, s text)");
    db.run("insert into t values (0, 'a'), (0, 'b'), (5, 'c'), (0.0, 'd')");
    db.run("replace into t values (0, 'e')");
    db.run("insert into t values (0, 'f') on duplicate key update s = 'g'");
    answers(&mut db, &[("last_insert_id()", "8")]);
    db.run("set sql_mode = 'STRICT_TRANS_TABLES,NO_AUTO_VALUE_ON_ZERO'");
    db.run("insert into t values (0, 'z')");
    let e = db.err("insert into t values (0, 'y')");
    assert_eq!(e, "duplicate primary key given: [0]");
    db.run("insert into t values (null, 'h')");
    db.run("set sql_mode = default");
    db.run("insert into t (id, s) values (0, 'i')");
    assert_eq!(
        lines(&db.rows("select id, s from t order by id")),
        ["0|z", "1|a", "2|b", "5|c", "6|d", "7|e", "8|f", "9|h", "10|i"]
    );
}

/// The table option AUTO_INCREMENT = N: the least value the column gives from then on, kept
/// in the schema, beside the column's greatest value + 1 (the larger wins), as MySQL's
/// counter starts at N and never goes below the greatest value.
#[test]
fn auto_increment_starts_where_the_table_option_says() {
    let mut db = Db::new();
    db.run("create table t (id int auto_increment primary key, s text) auto_increment = 1000");
    db.run("insert into t (s) values ('a'), ('b')");
    db.run("insert into t values (5, 'c')");
    db.run("insert into t (s) values ('d')");
    answers(&mut db, &[("last_insert_id()", "1002")]);
    // Lowered below the greatest value, it changes nothing; raised, the next row takes it.
    db.run("alter table t auto_increment = 10");
    db.run("insert into t (s) values ('e')");
    db.run("alter table t auto_increment = 2000");
    db.run("insert into t (s) values ('f')");
    // It stays with the column through a MODIFY that keeps AUTO_INCREMENT, and in SHOW
    // CREATE TABLE, whose output makes the same table.
    db.run("alter table t modify id bigint auto_increment");
    db.run("insert into t (s) values ('g')");
    assert_eq!(
        lines(&db.rows("select id, s from t order by id")),
        ["5|c", "1000|a", "1001|b", "1002|d", "1003|e", "2000|f", "2001|g"]
    );
    let create = db.rows("show create table t")[0][1].to_string();
    assert!(create.ends_with(") AUTO_INCREMENT=2000"), "{create}");
    db.run(&create.replace("`t`", "`copy`"));
    db.run("insert into copy (s) values ('x')");
    answers(&mut db, &[("id from copy", "2000")]);
    // 0 and 1 mean no start; a table without the column takes the option and ignores it,
    // as MySQL does; what is not a whole number is refused.
    db.run("alter table t auto_increment = 0");
    assert!(!db.rows("show create table t")[0][1]
        .to_string()
        .contains("AUTO_INCREMENT="));
    db.run("create table plain (a int) auto_increment = 7");
    assert!(!db.rows("show create table plain")[0][1]
        .to_string()
        .contains("AUTO_INCREMENT="));
    for sql in [
        "create table u (id int auto_increment primary key) auto_increment = 'a'",
        "alter table t auto_increment = 1.5",
        "create table u (id int auto_increment primary key) auto_increment = 18446744073709551616",
    ] {
        let e = db.err(sql);
        assert!(
            e.contains("the start is a whole number from 0 to"),
            "{sql}: {e}"
        );
    }
    // Past the column's type, the row that would take it is refused.
    db.run(
        "create table small (id tinyint auto_increment primary key, s text) auto_increment = 200",
    );
    let e = db.err("insert into small (s) values ('z')");
    assert!(e.contains("out of range"), "{e}");
}

/// MySQL writes every default quoted (SHOW CREATE TABLE and mysqldump: `DEFAULT '0'` on an
/// int column); in a numeric column, text that is a plain number is that number.
#[test]
fn a_quoted_number_is_a_numeric_columns_default() {
    let mut db = Db::new();
    db.run(
        "create table t (id int primary key, t tinyint not null default '-5', \
         d double default '1.5', b bool default '1', n decimal(5,2) default '0.5')",
    );
    db.run("insert into t (id) values (1)");
    assert_eq!(
        lines(&db.rows("select t, d, b, n from t")),
        ["-5|1.5|true|0.50"]
    );
    for (sql, says) in [
        (
            "create table u (a int default '1x')",
            "expected a value of type int, found text",
        ),
        (
            "create table u (a int default ' 1')",
            "expected a value of type int, found text",
        ),
        (
            "create table u (a tinyint default '300')",
            "value 300 is out of range",
        ),
        ("create table u (a int default '1.5.1')", "found text"),
    ] {
        let e = db.err(sql);
        assert!(e.contains(says), "{sql}: {e}");
    }
}

#[test]
fn check_constraints_refuse_rows_by_name() {
    let mut db = Db::new();
    db.run(
        "create table t (id int primary key, a int check (a > 0), b int, \
         constraint b_small check (b < 10), check (a <> b))",
    );
    db.run("insert into t values (1, 5, 3)");
    // NULL passes, as in MySQL.
    db.run("insert into t values (2, null, null)");
    assert_eq!(
        db.err("insert into t values (3, 0, 1)"),
        "Check constraint 't_chk_1' is violated."
    );
    assert_eq!(
        db.err("insert into t values (3, 1, 10)"),
        "Check constraint 'b_small' is violated."
    );
    assert_eq!(
        db.err("insert into t values (3, 4, 4)"),
        "Check constraint 't_chk_2' is violated."
    );
    assert_eq!(
        db.err("update t set b = 11 where id = 1"),
        "Check constraint 'b_small' is violated."
    );
    assert_eq!(
        db.err("insert into t values (1, 5, 3) on duplicate key update a = -1"),
        "Check constraint 't_chk_1' is violated."
    );
    // A new CHECK holds for the rows there are, or the ALTER fails.
    assert_eq!(
        db.err("alter table t add constraint big check (a > 5)"),
        "Check constraint 'big' is violated."
    );
    db.run("alter table t add constraint big check (a > 1)");
    assert_eq!(
        db.err("insert into t values (5, 1, 2)"),
        "Check constraint 'big' is violated."
    );
    assert!(db
        .err("alter table t drop column b")
        .contains("check constraint 'b_small' uses a column"));
    db.run("alter table t drop constraint b_small");
    db.run("alter table t drop constraint t_chk_2");
    db.run("alter table t drop column b");
    assert!(db
        .err("alter table t drop constraint nope")
        .contains("constraint 'nope' does not exist"));
    assert!(db
        .err("create table u (a int, check (b > 0))")
        .contains("'b' could not be found"));
    assert!(db
        .err("create table u (a int, constraint c check (a > 0), constraint c check (a < 9))")
        .contains("duplicate check constraint name 'c'"));
}

#[test]
fn unique_keys_refuse_duplicates() {
    let mut db = Db::new();
    db.run(
        "create table t (id int primary key, email varchar(20) unique, a int, b int, \
         unique key ab (a, b))",
    );
    db.run("insert into t values (1, 'x@y', 1, 1), (2, null, 1, 2), (3, null, null, 2)");
    // NULLs never collide.
    db.run("insert into t values (4, null, null, 2)");
    assert_eq!(
        db.err("insert into t values (5, 'x@y', 9, 9)"),
        "Duplicate entry 'x@y' for key 't.email'"
    );
    assert_eq!(
        db.err("insert into t values (5, 'a', 9, 9), (6, 'b', 9, 9)"),
        "Duplicate entry '9-9' for key 't.ab'"
    );
    assert_eq!(
        db.err("update t set a = 1, b = 1 where id = 2"),
        "Duplicate entry '1-1' for key 't.ab'"
    );
    assert_eq!(
        db.err("update t set email = 'x@y'"),
        "Duplicate entry 'x@y' for key 't.email'"
    );
    let keys: Vec<_> = db
        .rows("describe t")
        .into_iter()
        .map(|r| r[3].to_string())
        .collect();
    assert_eq!(keys, ["PRI", "UNI", "MUL", ""]);
    assert_eq!(
        db.err("alter table t add unique (b)"),
        "Duplicate entry '2' for key 't.b'"
    );
    db.run("alter table t drop index ab");
    db.run("insert into t values (5, 'z', 1, 1)");
    db.run("alter table t add constraint e2 unique (email, a)");
    assert!(db
        .err("alter table t add unique key e2 (a)")
        .contains("duplicate key name 'e2'"));
    // Dropping a column takes it out of the keys it is in, which must still hold.
    assert_eq!(
        db.err("alter table t drop column email"),
        "Duplicate entry '1' for key 't.e2'"
    );
    db.run("alter table t drop index e2, add unique e3 (email, id), drop column email");
    assert!(db.rows("show create table t")[0][1]
        .to_string()
        .contains("UNIQUE KEY `e3` (`id`)"));
    assert_eq!(
        db.err("alter table t drop index nope"),
        "can't DROP 'nope'; check that it exists"
    );
    // A keyless table's repeated row repeats its unique values too.
    db.run("create table k (a int unique)");
    assert_eq!(
        db.err("insert into k values (1), (1)"),
        "Duplicate entry '1' for key 'k.a'"
    );
}

#[test]
fn show_create_table_makes_the_same_schema() {
    let mut db = Db::new();
    db.run(
        "create table t (id int primary key auto_increment, s varchar(5) not null default 'it''s', \
         d datetime(3) default '2024-01-02 03:04:05.5', f double default 0.5, \
         x varbinary(4) default 'ab', b bool default false, u int unique, \
         constraint pos check (u > 0 and f < 100), unique key su (s, u))",
    );
    let create = db.rows("show create table t")[0][1].to_string();
    assert_eq!(
        create,
        "CREATE TABLE `t` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `s` varchar(5) NOT NULL \
         DEFAULT 'it''s',\n  `d` datetime(3) DEFAULT '2024-01-02 03:04:05.500',\n  `f` double \
         DEFAULT 0.5,\n  `x` varbinary(4) DEFAULT 0x6162,\n  `b` bool DEFAULT FALSE,\n  `u` int,\
         \n  PRIMARY KEY (`id`),\n  UNIQUE KEY `u` (`u`),\n  UNIQUE KEY `su` (`s`,`u`),\n  \
         CONSTRAINT `pos` CHECK (u > 0 AND f < 100)\n)"
    );
    db.run("drop table t");
    db.run(&create);
    assert_eq!(db.rows("show create table t")[0][1].to_string(), create);
}

#[test]
fn json_columns_take_only_json_text() {
    let mut db = Db::new();
    db.run("create table j (id int primary key, doc json)");
    db.run("insert into j values (1, '{\"a\": [1, 2.5, null]}'), (2, null), (3, ' \"x\" ')");
    assert_eq!(
        db.rows("select doc from j where id = 1"),
        vec![vec![text("{\"a\": [1, 2.5, null]}")]]
    );
    assert_eq!(db.rows("describe j")[1][1], text("json"));
    assert_eq!(
        db.err("insert into j values (4, '{a: 1}')"),
        "type mismatch for column 'doc': invalid JSON text at byte 1: expected a member name \
         in double quotes"
    );
    assert_eq!(
        db.err("update j set doc = '[1,' where id = 2"),
        "type mismatch for column 'doc': invalid JSON text at byte 3: expected a value"
    );
    assert_eq!(
        db.err("insert into j values (4, 5)"),
        "type mismatch for column 'doc': expected a value of type json, found an integer"
    );
    // MODIFY checks every value it converts.
    db.run("create table t (id int primary key, s text)");
    db.run("insert into t values (1, '[true]'), (2, 'no')");
    assert!(db
        .err("alter table t modify s json")
        .contains("invalid JSON text at byte 0"));
    db.run("delete from t where id = 2");
    db.run("alter table t modify s json");
    assert!(db
        .err("create table k (doc json primary key)")
        .contains("a JSON column cannot be in a key"));
    assert!(db
        .err("create table k (id int, doc json unique)")
        .contains("a JSON column cannot be in a key"));
}

#[test]
fn enum_columns_take_only_their_members() {
    let mut db = Db::new();
    db.run("create table e (id int primary key, size enum('small','medium','it''s') not null default 'medium')");
    db.run("insert into e values (1, 'small'), (2, 'it''s')");
    db.run("insert into e (id) values (3)");
    assert_eq!(
        db.rows("select size from e order by id"),
        vec![
            vec![text("small")],
            vec![text("it's")],
            vec![text("medium")]
        ]
    );
    assert_eq!(
        db.rows("describe e")[1][1],
        text("enum('small','medium','it''s')")
    );
    assert_eq!(
        db.err("insert into e values (4, 'large')"),
        "type mismatch for column 'size': 'large' is not one of its values"
    );
    // Members compare bytewise, as Cairn's text does.
    assert!(db
        .err("update e set size = 'SMALL'")
        .contains("'SMALL' is not one"));
    assert_eq!(
        db.err("create table f (a enum('x','y','x'))"),
        "column 'a' has a duplicated value 'x' in ENUM"
    );
    assert!(db
        .err("create table f (a enum('x') default 'z')")
        .contains("invalid default value for 'a': "));
    // MODIFY to an enum checks every value; back to text keeps them.
    db.run("alter table e modify size varchar(10)");
    db.run("insert into e values (4, 'large')");
    assert!(db
        .err("alter table e modify size enum('small','medium','it''s')")
        .contains("'large' is not one of its values"));
    db.run("delete from e where id = 4");
    db.run("alter table e modify size enum('small','medium','it''s','large')");
    let create = db.rows("show create table e")[0][1].to_string();
    db.run("drop table e");
    db.run(&create);
    assert_eq!(db.rows("show create table e")[0][1].to_string(), create);
}

#[test]
fn a_stored_check_that_does_not_compile_fails_writes_not_reads() {
    let mut db = Db::new();
    db.run("create table t (a int)");
    db.run("insert into t values (1)");
    // Only a forged store holds one: CREATE and ALTER TABLE compile every check.
    let table = db.root.tables.get_mut("t").expect("t");
    alloc::sync::Arc::make_mut(&mut table.schema)
        .checks
        .push(crate::db::schema::Check {
            name: "c".into(),
            expr: "zz > 0".into(),
        });
    assert_eq!(db.rows("select a from t"), vec![vec![int(1)]]);
    assert_eq!(
        db.err("insert into t values (2)"),
        "Check constraint 'c' could not be evaluated: column 'zz' could not be found in any \
         table in scope"
    );
}

#[test]
fn values_default_takes_the_column_default() {
    let mut db = Db::new();
    db.run("create table t (id int primary key auto_increment, n int default 7, s varchar(5))");
    db.run("insert into t values (DEFAULT, DEFAULT, 'a'), (default, 3, default)");
    db.run("insert into t (s, n) values ('b', DEFAULT)");
    assert_eq!(
        db.rows("select * from t order by id"),
        vec![
            vec![int(1), int(7), text("a")],
            vec![int(2), int(3), Value::Null],
            vec![int(3), int(7), text("b")],
        ]
    );
    // Through ON DUPLICATE KEY UPDATE's insert too; a quoted `default` is a name, not the
    // keyword.
    db.run("insert into t values (4, default, 'c') on duplicate key update s = 'x'");
    assert_eq!(db.rows("select n from t where id = 4"), vec![vec![int(7)]]);
    assert!(db
        .err("insert into t values (5, `default`, 'd')")
        .contains("default"));
}

#[test]
fn default_current_timestamp_reads_the_clock_of_each_insert() {
    let mut db = Db::new();
    // 2024-02-29 23:59:59.500 UTC, and a day and a quarter second later.
    let (one, two) = (1_709_251_199_500, 1_709_337_599_750);
    db.at(
        "CREATE TABLE t (id INT PRIMARY KEY, n INT, made DATETIME DEFAULT CURRENT_TIMESTAMP, \
         ms DATETIME(3) DEFAULT NOW(3), \
         seen TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)",
        Some(one),
    )
    .unwrap();
    db.at("INSERT INTO t (id, n) VALUES (1, 1)", Some(one))
        .unwrap();
    db.at(
        "INSERT INTO t VALUES (2, 2, DEFAULT, DEFAULT, DEFAULT)",
        Some(two),
    )
    .unwrap();
    let text = |rows: Vec<Vec<Value>>| super::tests::lines(&rows);
    assert_eq!(
        text(
            db.at("SELECT id, made, ms, seen FROM t ORDER BY id", None)
                .unwrap()
        ),
        [
            "1|2024-02-29 23:59:59|2024-02-29 23:59:59.500|2024-02-29 23:59:59",
            "2|2024-03-01 23:59:59|2024-03-01 23:59:59.750|2024-03-01 23:59:59"
        ]
    );
    // ON UPDATE: a row an UPDATE changes gets the clock, unless the UPDATE sets the column;
    // a row it leaves as it was does not.
    db.at("UPDATE t SET n = 10 WHERE id = 1", Some(two))
        .unwrap();
    db.at("UPDATE t SET n = 2 WHERE id = 2", Some(two + 86_400_000))
        .unwrap();
    assert_eq!(
        text(
            db.at("SELECT id, made, seen FROM t ORDER BY id", None)
                .unwrap()
        ),
        [
            "1|2024-02-29 23:59:59|2024-03-01 23:59:59",
            "2|2024-03-01 23:59:59|2024-03-01 23:59:59"
        ]
    );
    db.at(
        "UPDATE t SET n = 3, seen = '2000-01-01 00:00:00' WHERE id = 2",
        Some(two),
    )
    .unwrap();
    assert_eq!(
        text(db.at("SELECT seen FROM t WHERE id = 2", None).unwrap()),
        ["2000-01-01 00:00:00"]
    );
    // The schema keeps the call, not the time it was made at.
    let create = db.at("SHOW CREATE TABLE t", None).unwrap();
    let sql = create[0][1].to_string();
    assert!(
        sql.contains("`made` datetime DEFAULT CURRENT_TIMESTAMP,"),
        "{sql}"
    );
    assert!(
        sql.contains("`ms` datetime(3) DEFAULT CURRENT_TIMESTAMP(3),"),
        "{sql}"
    );
    assert!(
        sql.contains("`seen` timestamp DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"),
        "{sql}"
    );
    let described = db.at("DESCRIBE t", None).unwrap();
    let seen: Vec<alloc::string::String> = described[4].iter().map(|v| v.to_string()).collect();
    assert_eq!(
        seen,
        [
            "seen",
            "timestamp",
            "YES",
            "",
            "CURRENT_TIMESTAMP",
            "DEFAULT_GENERATED on update CURRENT_TIMESTAMP"
        ]
    );
    // Without a clock, an insert that needs one is refused; one that gives the value is not.
    let err = db.at("INSERT INTO t (id) VALUES (3)", None).unwrap_err();
    assert!(err.contains("clock"), "{err}");
    db.at(
        "INSERT INTO t VALUES (3, 3, '2020-01-01', '2020-01-01', '2020-01-01')",
        None,
    )
    .unwrap();
    // Only the date and time types take it, at their own precision.
    for bad in [
        "CREATE TABLE u (a INT DEFAULT CURRENT_TIMESTAMP)",
        "CREATE TABLE u (a DATETIME(3) DEFAULT CURRENT_TIMESTAMP)",
        "CREATE TABLE u (a DATE ON UPDATE CURRENT_TIMESTAMP)",
    ] {
        assert!(db.at(bad, Some(one)).is_err(), "{bad}");
    }
}

#[test]
fn last_insert_id_is_the_first_value_the_last_generating_insert_gave() {
    let mut db = Db::new();
    db.run("CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, s TEXT)");
    db.run("CREATE TABLE k (a INT PRIMARY KEY)");
    let script = "SELECT LAST_INSERT_ID(); \
        INSERT INTO t (s) VALUES ('a'), ('b'), ('c'); SELECT LAST_INSERT_ID(); \
        INSERT INTO t VALUES (10, 'given'); SELECT LAST_INSERT_ID(); \
        INSERT INTO k VALUES (1); SELECT last_insert_id() + 0; \
        INSERT INTO t (s) VALUES ('d'); SELECT LAST_INSERT_ID() AS id";
    let results = db.exec(script).unwrap();
    let answers: Vec<alloc::string::String> = results
        .iter()
        .filter(|r| r.affected.is_none())
        .map(|r| alloc::format!("{}={}", r.columns[0], super::tests::lines(&r.rows)[0]))
        .collect();
    // A value given, or a table without AUTO_INCREMENT, leaves it as it was.
    assert_eq!(
        answers,
        [
            "LAST_INSERT_ID()=0",
            "LAST_INSERT_ID()=1",
            "LAST_INSERT_ID()=1",
            "last_insert_id() + 0=1",
            "id=11"
        ]
    );
}

#[test]
fn the_primary_key_can_be_dropped_and_added() {
    let mut db = Db::new();
    db.run("CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(5), KEY (b))");
    db.run("INSERT INTO t VALUES (1, 10, 'x'), (2, 10, 'y'), (3, 20, 'x')");
    // A new key, by two columns, in one statement; rows are found by it.
    db.run("ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (a, b)");
    assert_eq!(
        super::tests::lines(&db.rows("SELECT a, b, id FROM t")),
        ["10|x|1", "10|y|2", "20|x|3"]
    );
    assert_eq!(
        super::tests::lines(&db.rows("SELECT id FROM t WHERE a = 10 AND b = 'y'")),
        ["2"]
    );
    assert!(db
        .err("INSERT INTO t VALUES (4, 10, 'x')")
        .contains("duplicate primary key given"));
    assert!(db
        .err("ALTER TABLE t ADD PRIMARY KEY (id)")
        .contains("Multiple primary key defined"));
    // Keyless: repeated rows are kept; a key they would share is refused, as is a NULL.
    db.run("ALTER TABLE t DROP PRIMARY KEY");
    db.run("INSERT INTO t VALUES (3, 20, 'x')");
    assert_eq!(
        super::tests::lines(&db.rows("SELECT COUNT(*) FROM t")),
        ["4"]
    );
    assert!(db
        .err("ALTER TABLE t ADD PRIMARY KEY (id)")
        .contains("duplicate primary key given"));
    // The old key's columns stay NOT NULL until changed.
    db.run("DELETE FROM t WHERE id = 3");
    assert!(db
        .err("INSERT INTO t VALUES (3, NULL, 'z')")
        .contains("cannot be NULL"));
    db.run("ALTER TABLE t MODIFY a INT");
    db.run("INSERT INTO t VALUES (3, NULL, 'z')");
    assert!(db
        .err("ALTER TABLE t ADD PRIMARY KEY (id, a)")
        .contains("cannot be NULL"));
    db.run("ALTER TABLE t ADD PRIMARY KEY (id)");
    assert!(db.rows("SHOW CREATE TABLE t")[0][1]
        .to_string()
        .contains("PRIMARY KEY (`id`)"));
    assert!(db
        .err("ALTER TABLE t DROP PRIMARY KEY, DROP PRIMARY KEY")
        .contains("Can't DROP 'PRIMARY'"));
    // A key a foreign key finds its rows through, or that one references, stays.
    db.run("CREATE TABLE c (id INT, tid INT, PRIMARY KEY (tid, id), FOREIGN KEY (tid) REFERENCES t (id))");
    assert!(db
        .err("ALTER TABLE c DROP PRIMARY KEY")
        .contains("needed in a foreign key constraint"));
    assert!(db
        .err("ALTER TABLE t DROP PRIMARY KEY")
        .contains("breaks foreign key constraint"));
}

#[test]
fn create_table_like_copies_all_but_rows_and_foreign_keys() {
    let mut db = Db::new();
    db.run("CREATE TABLE p (id INT PRIMARY KEY)");
    db.run(
        "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(10) NOT NULL DEFAULT 'x', \
         pid INT, n INT, UNIQUE KEY u (name), CONSTRAINT ck CHECK (n > 0), \
         CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id))",
    );
    db.run("INSERT INTO p VALUES (1); INSERT INTO t (name, pid, n) VALUES ('a', 1, 1)");
    db.run("CREATE TABLE c LIKE t");
    db.run("CREATE TABLE IF NOT EXISTS c LIKE p");
    let show =
        |db: &mut Db, t: &str| db.rows(&alloc::format!("SHOW CREATE TABLE {t}"))[0][1].to_string();
    let expected = show(&mut db, "t")
        .replace("CREATE TABLE `t`", "CREATE TABLE `c`")
        .replace(
            ",\n  CONSTRAINT `fk` FOREIGN KEY (`pid`) REFERENCES `p` (`id`)",
            "",
        );
    assert_eq!(show(&mut db, "c"), expected);
    assert_eq!(
        super::tests::lines(&db.rows("SELECT COUNT(*) FROM c")),
        ["0"]
    );
    // Its keys, checks and defaults hold; no parent is needed.
    db.run("INSERT INTO c (pid, n) VALUES (7, 2)");
    assert_eq!(
        super::tests::lines(&db.rows("SELECT id, name, pid FROM c")),
        ["1|x|7"]
    );
    assert!(db
        .err("INSERT INTO c (name, n) VALUES ('x', 3)")
        .contains("Duplicate entry"));
    assert!(db
        .err("INSERT INTO c (name, n) VALUES ('y', 0)")
        .contains("ck"));
    assert!(db.err("CREATE TABLE c LIKE t").contains("already exists"));
    assert!(db.err("CREATE TABLE d LIKE nope").contains("nope"));
}
