//! ALTER TABLE and RENAME TABLE: every row rewritten to the new schema, or nothing changed.

use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;

use super::tests::Db;
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
        .err("alter table t drop primary key")
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
