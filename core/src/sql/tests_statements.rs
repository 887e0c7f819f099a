//! CREATE TABLE ... SELECT, SHOW INDEX, SHOW FULL COLUMNS and TABLES, SHOW WARNINGS and
//! EXPLAIN, as MySQL 8 answers them.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use pollster::block_on;
use sqlparser::ast::Statement;
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

use super::tests::{lines, Db};
use crate::db::value::Value;

/// Field, Type and Null of each column, from DESCRIBE, as `lines` prints them.
fn described(db: &mut Db, table: &str) -> Vec<String> {
    let rows = db.rows(&format!("describe {table}"));
    let cut: Vec<_> = rows.into_iter().map(|r| r[..3].to_vec()).collect();
    lines(&cut)
}

fn shop() -> Db {
    let mut db = Db::new();
    db.run(
        "create table item (id int primary key, name varchar(20) not null, \
         price decimal(6,2) default 1.00, note text, day date, kind enum('a','b'), js json)",
    );
    db.run(
        "insert into item values (1, 'pen', 1.50, null, '2024-01-02', 'a', '[1]'), \
         (2, 'ink', 12.25, 'blue', '2024-03-04', 'b', '{\"a\": 2}'), \
         (3, 'pad', 3.00, null, null, null, null)",
    );
    db
}

#[test]
fn create_table_select_copies_column_types_and_rows() {
    let mut db = shop();
    assert_eq!(
        db.run("create table copy as select * from item").affected,
        Some(3)
    );
    // Types and NOT NULL of plain columns are kept; no key, no default.
    assert_eq!(
        described(&mut db, "copy"),
        [
            "id|int|NO",
            "name|varchar(20)|NO",
            "price|decimal(6,2)|YES",
            "note|text|YES",
            "day|date|YES",
            "kind|enum('a','b')|YES",
            "js|json|YES",
        ]
    );
    assert_eq!(
        lines(&db.rows("select * from copy order by id")),
        lines(&db.rows("select * from item order by id"))
    );
    assert!(!db.rows("show create table copy")[0][1]
        .to_string()
        .contains("PRIMARY KEY"));
    // Without AS, with aliases, a join and computed columns typed from their values.
    db.run(
        "create table calc select i.id, i.name as label, id * 2 as twice, price * 2 as dbl, \
         price / 3 as third, 1e0 + id as f, concat(name, '!') as loud, \
         date_add(day, interval 1 day) as next, null as nothing, json_array(id) as arr, \
         id > 1 as big from item i where id < 3",
    );
    assert_eq!(
        described(&mut db, "calc"),
        [
            "id|int|NO",
            "label|varchar(20)|NO",
            "twice|bigint|YES",
            "dbl|decimal(4,2)|YES",
            "third|decimal(7,6)|YES",
            "f|double|YES",
            "loud|varchar(4)|YES",
            "next|date|YES",
            "nothing|text|YES",
            "arr|json|YES",
            "big|bool|YES",
        ]
    );
    assert_eq!(
        lines(&db.rows("select * from calc order by id")),
        [
            "1|pen|2|3.00|0.500000|2|pen!|2024-01-03|NULL|[1]|false",
            "2|ink|4|24.50|4.083333|3|ink!|2024-03-05|NULL|[2]|true",
        ]
    );
    // An outer join may pad a NOT NULL column with NULL.
    db.run("create table o as select b.name from item a left join item b on b.id = a.id + 5");
    assert_eq!(described(&mut db, "o"), ["name|varchar(20)|YES"]);
}

#[test]
fn create_table_select_fills_defined_columns_and_keys() {
    let mut db = shop();
    // Defined columns come first; a result column of the same name fills one.
    db.run(
        "create table named (n int auto_increment primary key, name varchar(50) default 'x', \
         unique key (name)) select name, price from item order by id",
    );
    assert_eq!(
        described(&mut db, "named"),
        ["n|int|NO", "name|varchar(50)|YES", "price|decimal(6,2)|YES"]
    );
    assert_eq!(
        lines(&db.rows("select * from named order by n")),
        ["1|pen|1.50", "2|ink|12.25", "3|pad|3.00"]
    );
    // A key on a column of the query's.
    db.run("create table keyed (primary key (id)) as select id, name from item");
    assert!(db
        .err("insert into keyed values (2, 'again')")
        .contains("duplicate"));
    // A duplicate under the declared key, a CHECK, NOT NULL or a foreign key refused: no
    // table is left.
    for (sql, error) in [
        (
            "create table dup (primary key (name)) select 'same' as name from item",
            "duplicate",
        ),
        (
            "create table chk (price decimal(6,2), check (price < 10)) select price from item",
            "check",
        ),
        (
            "create table nn (note text not null) select note from item",
            "null",
        ),
        (
            "create table fk (id int, foreign key (id) references item (id)) select id + 1 as id from item",
            "foreign key",
        ),
    ] {
        let e = db.err(sql).to_lowercase();
        assert!(e.contains(error), "{sql}: {e}");
    }
    assert!(db.rows("show tables").iter().all(|r| {
        let t = r[0].to_string();
        !["dup", "chk", "nn", "fk"].contains(&t.as_str())
    }));
    // A foreign key the rows meet holds afterwards.
    db.run("create table fk (id int, foreign key (id) references item (id)) select id from item");
    assert!(db
        .err("insert into fk values (9)")
        .contains("foreign key constraint fails"));
}

#[test]
fn create_table_select_refusals() {
    let mut db = shop();
    for (sql, error) in [
        (
            "create table d select id, name as id from item",
            "duplicate column name 'id'",
        ),
        (
            "create table d select 1 as a, 2 as A",
            "duplicate column name 'A'",
        ),
        ("create table item select 1", "already exists"),
        ("create table d select nope from item", "nope"),
        ("create temporary table d select 1", "TEMPORARY"),
        (
            "create table d select 1 as ``",
            "a column name cannot be empty",
        ),
    ] {
        let e = db.err(sql);
        assert!(e.contains(error), "{sql}: {e}");
    }
    // IF NOT EXISTS and the table there: nothing happens, as in MySQL 8.
    db.run("create table if not exists item select 9 as id");
    assert_eq!(db.rows("select count(*) from item")[0][0].to_string(), "3");
    // No rows: the table all the same, of the source's types.
    db.run("create table none select id, name from item where id > 10");
    assert_eq!(
        described(&mut db, "none"),
        ["id|int|NO", "name|varchar(20)|NO"]
    );
    assert!(db.rows("select * from none").is_empty());
}

#[test]
fn create_table_select_reads_as_of_a_revision() {
    let mut db = shop();
    let before = db.root.clone();
    db.run("delete from item where id > 1");
    db.run("alter table item add column extra int");
    let history = super::History {
        roots: [(String::from("v1"), before)].into_iter().collect(),
        ..Default::default()
    };
    let mut results = Vec::new();
    block_on(super::execute_into(
        &mut db.store,
        &mut db.root,
        "create table old as select * from item as of 'v1'",
        &super::Params::None,
        &history,
        &mut results,
    ))
    .unwrap();
    assert_eq!(results[0].affected, Some(3));
    assert_eq!(described(&mut db, "old").len(), 7);
    assert_eq!(described(&mut db, "old")[1], "name|varchar(20)|NO");
    assert_eq!(
        lines(&db.rows("select id, name from old order by id")),
        ["1|pen", "2|ink", "3|pad"]
    );
}

#[test]
fn show_index_lists_each_key_column() {
    let mut db = Db::new();
    db.run(
        "create table m (a int, b varchar(9), c int, d int not null, primary key (b, a), \
         unique key uc (c), key cd (c, d))",
    );
    let expected = [
        "m|0|PRIMARY|1|b|A|NULL|NULL|NULL||BTREE|||YES|NULL",
        "m|0|PRIMARY|2|a|A|NULL|NULL|NULL||BTREE|||YES|NULL",
        "m|0|uc|1|c|A|NULL|NULL|NULL|YES|BTREE|||YES|NULL",
        "m|1|cd|1|c|A|NULL|NULL|NULL|YES|BTREE|||YES|NULL",
        "m|1|cd|2|d|A|NULL|NULL|NULL||BTREE|||YES|NULL",
    ];
    for sql in [
        "show index from m",
        "SHOW INDEXES IN m",
        "show keys from M",
        "show index from `m`",
    ] {
        let result = db.run(sql);
        assert_eq!(lines(&result.rows), expected, "{sql}");
        assert_eq!(result.columns.len(), 15);
        assert_eq!(result.columns[4], "Column_name");
    }
    // An index made later shows; a keyless table without indexes has no rows.
    db.run("create table n (x int)");
    assert!(db.rows("show index from n").is_empty());
    db.run("create index nx on n (x)");
    assert_eq!(
        lines(&db.rows("show index from n")),
        ["n|1|nx|1|x|A|NULL|NULL|NULL|YES|BTREE|||YES|NULL"]
    );
    for (sql, error) in [
        ("show index from nope", "table not found: nope"),
        ("show index from m from db", "a store holds one database"),
        ("show index from db.m", "SHOW INDEX FROM table"),
        ("show index m", "SHOW INDEX FROM table"),
    ] {
        let e = db.err(sql);
        assert!(e.contains(error), "{sql}: {e}");
    }
}

/// table|type|key|ref|Extra of each row of `EXPLAIN sql`, checking it left the root alone.
#[test]
fn show_full_columns_and_tables_and_warnings_answer_in_mysqls_shapes() {
    let mut db = shop();
    let full = db.run("show full columns from item");
    assert_eq!(
        full.columns,
        [
            "Field",
            "Type",
            "Collation",
            "Null",
            "Key",
            "Default",
            "Extra",
            "Privileges",
            "Comment"
        ]
    );
    let grants = "select,insert,update,references";
    assert_eq!(
        lines(&full.rows),
        [
            format!("id|int|NULL|NO|PRI|NULL||{grants}|"),
            format!("name|varchar(20)|utf8mb4_bin|NO||NULL||{grants}|"),
            format!("price|decimal(6,2)|NULL|YES||1.00||{grants}|"),
            format!("note|text|utf8mb4_bin|YES||NULL||{grants}|"),
            format!("day|date|NULL|YES||NULL||{grants}|"),
            format!("kind|enum('a','b')|utf8mb4_bin|YES||NULL||{grants}|"),
            format!("js|json|NULL|YES||NULL||{grants}|"),
        ]
    );
    // Without FULL, DESCRIBE's columns; with it, the same rows with three more columns.
    let plain = db.run("SHOW COLUMNS IN item");
    assert_eq!(plain.columns.len(), 6);
    for (short, long) in plain.rows.iter().zip(&full.rows) {
        assert_eq!(short[..2], long[..2]);
        assert_eq!(short[2..], long[3..7]);
    }
    db.run("create table b (x int)");
    let tables = db.run("show full tables");
    assert_eq!(tables.columns, ["Table", "Table_type"]);
    assert_eq!(lines(&tables.rows), ["b|BASE TABLE", "item|BASE TABLE"]);
    assert_eq!(lines(&db.rows("show tables")), ["b", "item"]);
    let warnings = db.run("insert into b values (1); show warnings");
    assert_eq!(warnings.columns, ["Level", "Code", "Message"]);
    assert!(warnings.rows.is_empty());
    assert!(db
        .err("show full columns from nope")
        .contains("table not found: nope"));
}

fn explained(db: &mut Db, sql: &str) -> Vec<String> {
    let before = db.root.clone();
    let result = db.run(&format!("explain {sql}"));
    assert_eq!(db.root, before);
    assert_eq!(result.columns[4], "type");
    let cut: Vec<_> = result
        .rows
        .into_iter()
        .map(|r| [2, 4, 6, 8, 11].map(|i| r[i].clone()).to_vec())
        .collect();
    lines(&cut)
}

fn planned() -> Db {
    let mut db = Db::new();
    for sql in [
        "create table t (id int primary key, a int, b varchar(10))",
        "create table u (x int, y int, primary key (x, y))",
        "create table k (a int, note text)",
        "insert into t values (1, 10, 'a'), (2, 20, 'b'), (3, 10, 'c')",
        "insert into u values (1, 1), (1, 2), (2, 3)",
        "insert into k values (10, 'x'), (20, 'y')",
    ] {
        db.run(sql);
    }
    db
}

#[test]
fn explain_says_how_one_table_is_read() {
    let mut db = planned();
    for (sql, plan) in [
        (
            "select * from t where id = 3",
            "t|const|PRIMARY|NULL|Using where",
        ),
        (
            "select b from t where id > 1 and id <= 3",
            "t|range|PRIMARY|NULL|Using where",
        ),
        (
            "select * from u where x = 1",
            "u|ref|PRIMARY|NULL|Using where",
        ),
        (
            "select * from u where x = 1 and y > 1",
            "u|range|PRIMARY|NULL|Using where",
        ),
        (
            "select * from t where a = 10",
            "t|ALL|NULL|NULL|Using where",
        ),
        ("select * from t", "t|ALL|NULL|NULL|NULL"),
        (
            "select count(*) from t",
            "NULL|NULL|NULL|NULL|Select tables optimized away",
        ),
        ("select count(*) from k", "k|ALL|NULL|NULL|NULL"),
        ("select 1 + 1", "NULL|NULL|NULL|NULL|No tables used"),
    ] {
        assert_eq!(explained(&mut db, sql), [plan], "{sql}");
    }
    // An index turns the full read into a range of its entries, and an ORDER BY a LIMIT cuts
    // short into a read in its order.
    db.run("create index ia on t (a)");
    assert_eq!(
        explained(&mut db, "select * from t where a = 10"),
        ["t|ref|ia|NULL|Using where"]
    );
    assert_eq!(
        explained(&mut db, "select * from t where a between 5 and 15"),
        ["t|range|ia|NULL|Using where"]
    );
    assert_eq!(
        explained(&mut db, "select * from t order by a limit 2"),
        ["t|index|ia|NULL|NULL"]
    );
    // DESCRIBE SELECT is EXPLAIN SELECT; all twelve of MySQL's columns.
    let described = db.run("describe select * from t where id = 3");
    assert_eq!(described.columns.len(), 12);
    assert_eq!(described.columns[11], "Extra");
    assert_eq!(
        lines(&described.rows),
        ["1|SIMPLE|t|NULL|const|PRIMARY|PRIMARY|NULL|NULL|NULL|NULL|Using where"]
    );
}

/// What the general path read running `sql`.
fn joined(db: &Db, sql: &str) -> super::key_join::JoinStats {
    let mut parsed = Parser::parse_sql(&MySqlDialect {}, sql).unwrap();
    let Some(Statement::Query(query)) = parsed.pop() else {
        panic!("{sql}: not a query");
    };
    let history = super::History::default();
    block_on(super::query::run_with(
        &db.store, &db.root, &history, &query, true,
    ))
    .unwrap()
    .1
}

#[test]
fn explain_says_how_joins_are_read() {
    let mut db = planned();
    for (sql, plan) in [
        (
            "select * from u join t on t.id = u.y",
            &["u|ALL|NULL|NULL|NULL", "t|eq_ref|PRIMARY|u.y|NULL"][..],
        ),
        (
            "select * from t a join u on u.x = a.a",
            &["a|ALL|NULL|NULL|NULL", "u|ref|PRIMARY|a.a|NULL"],
        ),
        (
            "select * from t, u where u.x = t.id and t.id = 2",
            &[
                "t|const|PRIMARY|NULL|NULL",
                "u|ref|PRIMARY|t.id|Using where",
            ],
        ),
        (
            "select * from t left join k on k.a = t.a",
            &[
                "t|ALL|NULL|NULL|NULL",
                "k|ALL|NULL|NULL|Using join buffer (hash join)",
            ],
        ),
        (
            "select t.b, count(*) from t join u on u.x = t.id group by t.b",
            &["t|ALL|NULL|NULL|NULL", "u|ref|PRIMARY|t.id|NULL"],
        ),
    ] {
        assert_eq!(explained(&mut db, sql), plan, "{sql}");
    }
    // What the executor did agrees: the joined item read by key, the first narrowed.
    for (sql, by_key, narrowed) in [
        ("select * from u join t on t.id = u.y", 1, false),
        ("select * from t, u where u.x = t.id and t.id = 2", 1, true),
        ("select * from t left join k on k.a = t.a", 0, false),
    ] {
        let stats = joined(&db, sql);
        assert_eq!((stats.by_key, stats.narrowed), (by_key, narrowed), "{sql}");
    }
    // An index of the joined table's column serves too.
    db.run("create index ka on k (a)");
    assert_eq!(
        explained(&mut db, "select * from t left join k on k.a = t.a"),
        ["t|ALL|NULL|NULL|NULL", "k|ref|ka|t.a|NULL"]
    );
    db.run("create unique index kn on k (note)");
    assert_eq!(
        explained(&mut db, "select * from t join k on k.note = t.b"),
        ["t|ALL|NULL|NULL|NULL", "k|eq_ref|kn|t.b|NULL"]
    );
    // Keys of text, enum and decimal columns are looked up; a double's never are (its
    // values' keys are not trusted, `key_join::probe`), nor a date's.
    for (ty, access) in [
        ("varchar(5)", "eq_ref"),
        ("enum('p', 'q')", "eq_ref"),
        ("decimal(4,1)", "eq_ref"),
        ("double", "ALL"),
        ("date", "ALL"),
    ] {
        db.run("drop table if exists z");
        db.run(&format!("create table z (v {ty} primary key)"));
        let plan = explained(&mut db, "select * from t join z on z.v = t.b");
        assert_eq!(plan[1].split('|').nth(1), Some(access), "{ty}");
    }
    // Tables a subquery reads are read whole first; a UNION's, all of them.
    let subquery = db.run("explain select * from t where a in (select x from u)");
    assert_eq!(
        lines(&subquery.rows)
            .iter()
            .map(|l| l.split('|').take(5).collect::<Vec<_>>().join("|"))
            .collect::<Vec<_>>(),
        ["1|PRIMARY|t|NULL|ALL", "2|SUBQUERY|u|NULL|ALL"]
    );
    assert_eq!(
        explained(&mut db, "select id from t union select x from u"),
        ["t|ALL|NULL|NULL|NULL", "u|ALL|NULL|NULL|NULL"]
    );
    assert_eq!(
        explained(&mut db, "with w as (select 1 as one) select * from w"),
        ["NULL|NULL|NULL|NULL|No tables used"]
    );
}

#[test]
fn explain_says_how_update_and_delete_read() {
    // One row for the table changed, select_type UPDATE or DELETE as in MySQL 8, read as the
    // statement reads it: `update_delete::plan_update` and `plan_delete` plan both.
    let mut db = planned();
    for (sql, plan) in [
        (
            "update t set b = 'z' where id = 3",
            "t|const|PRIMARY|NULL|Using where",
        ),
        (
            "delete from t where id > 1 and id <= 3",
            "t|range|PRIMARY|NULL|Using where",
        ),
        (
            "delete from u where x = 1",
            "u|ref|PRIMARY|NULL|Using where",
        ),
        ("update t set a = a + 1", "t|ALL|NULL|NULL|NULL"),
        ("delete from k where a = 10", "k|ALL|NULL|NULL|Using where"),
        (
            "update t set b = 'z' where a = 10 order by id desc limit 1",
            "t|ALL|NULL|NULL|Using where; Using filesort",
        ),
    ] {
        assert_eq!(explained(&mut db, sql), [plan], "{sql}");
    }
    let described = db.run("explain delete from t where id = 3");
    assert_eq!(described.columns.len(), 12);
    assert_eq!(described.rows[0][1], Value::Text("DELETE".into()));
    assert_eq!(
        db.run("explain update t set a = 0").rows[0][1],
        Value::Text("UPDATE".into())
    );
    // An index the WHERE pins is read as the statement reads it.
    db.run("create index ia on t (a)");
    assert_eq!(
        explained(&mut db, "update t set b = 'z' where a = 10"),
        ["t|ref|ia|NULL|Using where"]
    );
    assert_eq!(
        explained(&mut db, "delete from t where a between 5 and 15"),
        ["t|range|ia|NULL|Using where"]
    );
}

#[test]
fn explain_says_what_insert_and_replace_write() {
    // MySQL 8's row for the table written (type ALL, the rest NULL), then an INSERT ...
    // SELECT's query's own rows; nothing is written.
    let mut db = planned();
    for (sql, plan) in [
        (
            "insert into t values (9, 9, 'z')",
            &["t|ALL|NULL|NULL|NULL"][..],
        ),
        (
            "replace into T (id) values (1), (4)",
            &["t|ALL|NULL|NULL|NULL"],
        ),
        (
            "insert into k (a) values (1) on duplicate key update note = 'n'",
            &["k|ALL|NULL|NULL|NULL"],
        ),
        (
            "insert into k select id, b from t where id = 2",
            &["k|ALL|NULL|NULL|NULL", "t|const|PRIMARY|NULL|Using where"],
        ),
        (
            "insert into k select u.y, t.b from t join u on u.x = t.id",
            &[
                "k|ALL|NULL|NULL|NULL",
                "t|ALL|NULL|NULL|NULL",
                "u|ref|PRIMARY|t.id|NULL",
            ],
        ),
        (
            "insert into t select * from t",
            &["t|ALL|NULL|NULL|NULL", "t|ALL|NULL|NULL|NULL"],
        ),
    ] {
        assert_eq!(explained(&mut db, sql), plan, "{sql}");
    }
    let kinds = |db: &mut Db, sql: &str| -> Vec<Value> {
        db.run(sql).rows.into_iter().map(|r| r[1].clone()).collect()
    };
    assert_eq!(
        kinds(&mut db, "explain replace into t values (1, 1, 'a')"),
        [Value::Text("REPLACE".into())]
    );
    assert_eq!(
        kinds(&mut db, "explain insert into k select id, b from t"),
        [Value::Text("INSERT".into()), Value::Text("SIMPLE".into())]
    );
    // The values are not computed: the variable they would assign is not.
    db.run("explain insert into t values (@v := 7, 7, 'g')");
    assert_eq!(db.run("select @v").rows, [[Value::Null]]);
}

#[test]
fn explain_refusals() {
    let mut db = planned();
    for (sql, error) in [
        ("explain analyze select * from t", "EXPLAIN ANALYZE"),
        ("explain format=tree select * from t", "FORMAT=TREE"),
        ("explain format=json select * from t", "FORMAT=JSON"),
        (
            "explain delete from t, u",
            "DELETE from more than one table",
        ),
        ("explain update nope set a = 1", "table not found: nope"),
        ("explain update t set nope = 1 where id = 1", "nope"),
        ("explain delete from t where nope = 1", "nope"),
        (
            "explain create table x (a int)",
            "other than SELECT, INSERT, REPLACE, UPDATE or DELETE",
        ),
        (
            "explain insert into nope values (1)",
            "table not found: nope",
        ),
        ("explain insert into t (id, nope) values (1, 2)", "nope"),
        ("explain insert into t select nope from u", "nope"),
        ("explain insert into t set a = 1", "INSERT ... SET"),
        (
            "explain replace into t values (1, 1, 'a') on duplicate key update a = 2",
            "REPLACE with ON DUPLICATE KEY UPDATE",
        ),
        ("explain select * from nope", "table not found: nope"),
        ("explain select nope from t", "nope"),
        ("explain select id from t union select nope from u", "nope"),
        ("explain with w as (select 1) select * from w, nope", "nope"),
    ] {
        let e = db.err(sql);
        assert!(e.contains(error), "{sql}: {e}");
    }
}
