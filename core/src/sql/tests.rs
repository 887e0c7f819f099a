//! The SQL subset end to end, over an in-memory store.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use pollster::block_on;
use sqlparser::ast::Statement;
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

use super::format::{format_csv, format_json, format_table};
use super::{fast_insert, insert, QueryResult, SqlError};
use crate::chunk_store::ChunkStore;
use crate::db::root_value::RootValue;
use crate::db::value::Value;
use crate::memory::MemoryStorage;
use crate::repo::{Config, Repo, Signature};

pub(super) fn author() -> Signature {
    Signature {
        name: "t".into(),
        email: "t@example.com".into(),
        time_ms: 1,
    }
}

/// A database in memory as a session (a `Repo`), and its storage, for `reopen`.
pub(super) fn memory_repo() -> (Repo<MemoryStorage>, MemoryStorage) {
    let storage = MemoryStorage::new();
    let store = block_on(ChunkStore::open(storage.clone())).unwrap();
    let repo = block_on(Repo::init(store, Config::new("db"), &author())).unwrap();
    (repo, storage)
}

/// Another session on the database in `storage`, opened now.
pub(super) fn reopen(storage: &MemoryStorage) -> Repo<MemoryStorage> {
    let store = block_on(ChunkStore::open(storage.clone())).unwrap();
    block_on(Repo::open(store, Config::new("db"))).unwrap()
}

pub(super) struct Db {
    pub(super) store: ChunkStore<MemoryStorage>,
    pub(super) root: RootValue,
    /// Lasts from one statement to the next, as a `Repo`'s does.
    pub(super) session: super::Session,
}

impl Db {
    pub(super) fn new() -> Db {
        Db {
            store: block_on(ChunkStore::open(MemoryStorage::new())).unwrap(),
            root: RootValue::default(),
            session: super::Session::default(),
        }
    }

    pub(super) fn exec(&mut self, sql: &str) -> Result<Vec<QueryResult>, SqlError> {
        self.exec_at(sql, None)
    }

    /// Every statement's result, with the clock at `now_ms` as the CLI and JS give it.
    fn exec_at(&mut self, sql: &str, now_ms: Option<u64>) -> Result<Vec<QueryResult>, SqlError> {
        let mut results = Vec::new();
        let history = super::History {
            now_ms,
            session: self.session.clone(),
            ..Default::default()
        };
        block_on(super::execute_into(
            &mut self.store,
            &mut self.root,
            sql,
            &super::Params::None,
            &history,
            &mut results,
        ))?;
        Ok(results)
    }

    /// The last statement's result; panics (failing the test) on an error.
    pub(super) fn run(&mut self, sql: &str) -> QueryResult {
        match self.exec(sql) {
            Ok(mut results) => results.pop().expect("a result"),
            Err(e) => panic!("{sql}: {e}"),
        }
    }

    pub(super) fn rows(&mut self, sql: &str) -> Vec<Vec<Value>> {
        self.run(sql).rows
    }

    fn affected(&mut self, sql: &str) -> u64 {
        self.run(sql).affected.expect("a write")
    }

    pub(super) fn count(&mut self, table: &str) -> i64 {
        match self
            .rows(&format!("select count(*) from {table}"))
            .as_slice()
        {
            [row] => match row.as_slice() {
                [Value::Int(n)] => *n,
                other => panic!("count gave {other:?}"),
            },
            other => panic!("count gave {other:?}"),
        }
    }

    /// The last statement's rows, with the clock at `now_ms` as the CLI and JS give it.
    pub(super) fn at(&mut self, sql: &str, now_ms: Option<u64>) -> Result<Vec<Vec<Value>>, String> {
        let mut results = self.exec_at(sql, now_ms).map_err(|e| e.to_string())?;
        Ok(results.pop().map(|r| r.rows).unwrap_or_default())
    }

    /// The message of the error `sql` must fail with, checking it left the root alone.
    pub(super) fn err(&mut self, sql: &str) -> String {
        let before = self.root.clone();
        let e = self.exec(sql).expect_err(sql).to_string();
        assert_eq!(self.root, before, "{sql} changed the root");
        e
    }
}

/// Each `SELECT call` of `cases` answers as MySQL does: its rows printed as `lines` makes
/// them, one per line.
pub(super) fn answers<C: AsRef<str>>(db: &mut Db, cases: &[(C, &str)]) {
    for (call, mysql) in cases {
        let call = call.as_ref();
        let got = lines(&db.rows(&alloc::format!("SELECT {call}"))).join("\n");
        assert_eq!(got, *mysql, "{call}");
    }
}

/// Each row as its values printed and joined with `|`.
pub(super) fn lines(rows: &[Vec<Value>]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

fn int(n: i64) -> Value {
    Value::Int(n)
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn ints(rows: &[&[i64]]) -> Vec<Vec<Value>> {
    rows.iter()
        .map(|r| r.iter().map(|&n| int(n)).collect())
        .collect()
}

#[test]
fn create_insert_select_show_drop() {
    let mut db = Db::new();
    db.run("CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, score DOUBLE, ok BOOL)");
    assert_eq!(
        db.affected("insert into people values (2, 'bo', 1.5, true), (1, 'al', NULL, false)"),
        2
    );
    assert_eq!(
        db.affected("insert into people (name, id) values ('cy', 3)"),
        1
    );
    let r = db.run("select * from people");
    assert_eq!(r.columns, ["id", "name", "score", "ok"]);
    assert_eq!(
        r.rows,
        vec![
            vec![int(1), text("al"), Value::Null, Value::Bool(false)],
            vec![int(2), text("bo"), Value::Double(1.5), Value::Bool(true)],
            vec![int(3), text("cy"), Value::Null, Value::Null],
        ]
    );
    let r = db.run("select NAME, id * 10 as x, score + 1 from people where id >= 2");
    assert_eq!(r.columns, ["NAME", "x", "score + 1"]);
    assert_eq!(
        r.rows,
        vec![
            vec![text("bo"), int(20), Value::Double(2.5)],
            vec![text("cy"), int(30), Value::Null]
        ]
    );
    db.run("create table other (a int)");
    db.run("create table if not exists other (b int)");
    let r = db.run("show tables");
    assert_eq!(r.columns, ["Table"]);
    assert_eq!(r.rows, vec![vec![text("other")], vec![text("people")]]);
    db.run("drop table other");
    db.run("drop table if exists other");
    assert_eq!(db.rows("show tables"), vec![vec![text("people")]]);
    // Table names are found without regard to case, as in Dolt.
    assert_eq!(db.count("PEOPLE"), 3);
}

#[test]
fn constant_selects() {
    let mut db = Db::new();
    let r =
        db.run("select 1+1, 7 / 2, 7 % 3, -(2 * 3), 'a' = 'a', null is null, 1 between 0 and 2");
    assert_eq!(r.columns[0], "1 + 1");
    assert_eq!(
        r.rows,
        vec![vec![
            int(2),
            // An exact decimal of 4 places, as MySQL's `7 / 2` is.
            Value::Decimal(crate::db::decimal::Decimal {
                units: 35000,
                scale: 4
            }),
            int(1),
            int(-6),
            Value::Bool(true),
            Value::Bool(true),
            Value::Bool(true)
        ]]
    );
    assert_eq!(
        db.rows("select -9223372036854775808")[0],
        vec![int(i64::MIN)]
    );
    assert_eq!(
        db.rows("select 1 / 0, 5 % 0")[0],
        vec![Value::Null, Value::Null]
    );
    assert_eq!(
        db.rows("select x'0aff'")[0],
        vec![Value::Blob(vec![0x0a, 0xff])]
    );
    assert!(db.rows("select 1 where 1 = 0").is_empty());
    assert_eq!(db.rows("select count(*)"), ints(&[&[1]]));
}

#[test]
fn keyless_tables_keep_duplicates() {
    let mut db = Db::new();
    db.run("create table t1 (a int)");
    db.run("insert into t1 values (1)");
    db.run("insert into t1 values (1)");
    assert_eq!(db.count("t1"), 2);
    assert_eq!(db.rows("select a from t1"), ints(&[&[1], &[1]]));
    db.run("insert into t1 values (1), (2), (2)");
    assert_eq!(db.count("t1"), 5);
    assert_eq!(
        db.rows("select count(*) from t1 where a = 2"),
        ints(&[&[2]])
    );
    assert_eq!(
        db.rows("select a from t1 order by a desc limit 3"),
        ints(&[&[2], &[2], &[1]])
    );
    // An update that turns rows into ones already there merges their counts.
    assert_eq!(db.affected("update t1 set a = 2 where a = 1"), 3);
    assert_eq!(
        db.rows("select count(*) from t1 where a = 2"),
        ints(&[&[5]])
    );
    assert_eq!(db.affected("delete from t1 where a = 2"), 5);
    assert_eq!(db.count("t1"), 0);
    db.run("insert into t1 values (null), (null), (3)");
    assert_eq!(db.affected("delete from t1"), 3);
    assert_eq!(db.count("t1"), 0);
}

#[test]
fn composite_keys_and_order_by() {
    let mut db = Db::new();
    db.run("create table t (a int, b varchar(10), c double, primary key (a, b))");
    db.run("insert into t values (2, 'x', 1.0), (1, 'y', 3.0), (1, 'x', 2.0), (2, 'a', null)");
    let pairs = |db: &mut Db, sql: &str| -> Vec<(i64, String)> {
        db.rows(sql)
            .into_iter()
            .map(|r| match (&r[0], &r[1]) {
                (Value::Int(a), Value::Text(b)) => (*a, b.clone()),
                other => panic!("{other:?}"),
            })
            .collect()
    };
    let p = |v: &[(i64, &str)]| {
        v.iter()
            .map(|(a, b)| (*a, b.to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        pairs(&mut db, "select a, b from t"),
        p(&[(1, "x"), (1, "y"), (2, "a"), (2, "x")])
    );
    assert_eq!(
        pairs(&mut db, "select a, b from t order by c desc"),
        p(&[(1, "y"), (1, "x"), (2, "x"), (2, "a")])
    );
    assert_eq!(
        pairs(&mut db, "select a, b from t order by b, a desc"),
        p(&[(2, "a"), (2, "x"), (1, "x"), (1, "y")])
    );
    assert_eq!(
        pairs(
            &mut db,
            "select a, b from t order by 2 desc, 1 limit 2 offset 1"
        ),
        p(&[(1, "x"), (2, "x")])
    );
    assert_eq!(
        pairs(&mut db, "select a, b from t limit 1, 2"),
        p(&[(1, "y"), (2, "a")])
    );
    assert_eq!(
        pairs(
            &mut db,
            "select a as k, b from t order by k desc, b limit 1"
        ),
        p(&[(2, "a")])
    );
    assert_eq!(
        pairs(&mut db, "select a, b from t where a = 2 and b = 'x'"),
        p(&[(2, "x")])
    );
    assert_eq!(
        pairs(&mut db, "select a, b from t where b = 'x'"),
        p(&[(1, "x"), (2, "x")])
    );
    assert_eq!(
        pairs(&mut db, "select a, b from t where a = 1"),
        p(&[(1, "x"), (1, "y")])
    );
    assert_eq!(pairs(&mut db, "select a, b from t limit 0"), p(&[]));
    assert_eq!(
        db.err("insert into t values (1, 'x', 0)"),
        "duplicate primary key given: [1,x]"
    );
}

#[test]
fn null_semantics() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, v int)");
    db.run("insert into t values (1, 10), (2, null), (3, 30)");
    let ids = |db: &mut Db, cond: &str| -> Vec<Vec<Value>> {
        db.rows(&format!("select id from t where {cond}"))
    };
    assert_eq!(ids(&mut db, "v = null"), ints(&[]));
    assert_eq!(ids(&mut db, "v != 10"), ints(&[&[3]]));
    assert_eq!(ids(&mut db, "v is null"), ints(&[&[2]]));
    assert_eq!(ids(&mut db, "v is not null"), ints(&[&[1], &[3]]));
    assert_eq!(ids(&mut db, "not (v = 10)"), ints(&[&[3]]));
    assert_eq!(ids(&mut db, "v = 10 or v is null"), ints(&[&[1], &[2]]));
    assert_eq!(ids(&mut db, "v in (10, null)"), ints(&[&[1]]));
    assert_eq!(ids(&mut db, "v not in (10, null)"), ints(&[]));
    assert_eq!(ids(&mut db, "v not in (10)"), ints(&[&[3]]));
    assert_eq!(ids(&mut db, "v between 5 and 15"), ints(&[&[1]]));
    assert_eq!(ids(&mut db, "v not between 5 and 15"), ints(&[&[3]]));
    assert_eq!(ids(&mut db, "null or true"), ints(&[&[1], &[2], &[3]]));
    assert_eq!(ids(&mut db, "null and true"), ints(&[]));
    assert_eq!(ids(&mut db, "v + 1 > 0"), ints(&[&[1], &[3]]));
    assert_eq!(
        db.rows("select count(v), count(*) from t"),
        ints(&[&[2, 3]])
    );
    assert_eq!(
        db.rows("select v from t order by v"),
        vec![vec![Value::Null], vec![int(10)], vec![int(30)]]
    );
    assert_eq!(
        db.rows("select null + 1, null = null, not null")[0],
        vec![Value::Null; 3]
    );
}

#[test]
fn like_in_where() {
    let mut db = Db::new();
    db.run("create table t (s text)");
    db.run("insert into t values ('apple'), ('banana'), ('a_b'), ('Apricot')");
    let found =
        |db: &mut Db, cond: &str| db.rows(&format!("select s from t where {cond} order by s"));
    assert_eq!(
        found(&mut db, "s like 'a%'"),
        vec![vec![text("a_b")], vec![text("apple")]]
    );
    assert_eq!(found(&mut db, "s like '%an%'"), vec![vec![text("banana")]]);
    assert_eq!(found(&mut db, "s like 'a\\_b'"), vec![vec![text("a_b")]]);
    assert_eq!(
        found(&mut db, "s not like '%a%'"),
        vec![vec![text("Apricot")]]
    );
    assert_eq!(found(&mut db, "s like '_pple'"), vec![vec![text("apple")]]);
}

#[test]
fn updates_and_deletes() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, v int not null, w varchar(3))");
    db.run("insert into t values (1, 1, 'a'), (2, 2, 'b'), (3, 3, 'c'), (4, 4, 'd')");
    assert_eq!(db.affected("update t set v = v * 10 where id >= 3"), 2);
    assert_eq!(db.affected("update t set v = v where id = 1"), 0);
    // Assignments run left to right, each seeing the ones before it (MySQL).
    assert_eq!(db.affected("update t set v = 7, w = 'x' where id = 2"), 1);
    assert_eq!(
        db.rows("select v, w from t where id = 2"),
        vec![vec![int(7), text("x")]]
    );
    // Shifting every key by one collides with nothing once all have moved.
    assert_eq!(db.affected("update t set id = id + 10"), 4);
    assert_eq!(
        db.rows("select id from t"),
        ints(&[&[11], &[12], &[13], &[14]])
    );
    assert_eq!(
        db.err("update t set id = 12 where id = 11"),
        "duplicate primary key given: [12]"
    );
    assert_eq!(
        db.err("update t set id = 1"),
        "duplicate primary key given: [1]"
    );
    assert_eq!(
        db.err("update t set v = null where id = 11"),
        "column 'v' cannot be NULL"
    );
    assert_eq!(
        db.err("update t set w = 'toolong'"),
        "type mismatch for column 'w': value of length 7 is too long for varchar(3)"
    );
    assert_eq!(db.affected("delete from t where id = 12"), 1);
    assert_eq!(db.affected("delete from t where id = 12"), 0);
    assert_eq!(
        db.affected("delete from t where v > 20 and id between 0 and 100"),
        2
    );
    assert_eq!(db.rows("select id, v from t"), ints(&[&[11, 1]]));
    assert_eq!(db.affected("delete from t"), 1);
    assert_eq!(db.count("t"), 0);
}

/// Point lookups and key ranges give what a full scan with the same filter gives.
#[test]
fn key_access_matches_full_scans() {
    let mut db = Db::new();
    db.run("create table k (a int, b int, v int, primary key (a, b))");
    db.run("create table f (a int, b int, v int)");
    let mut values = Vec::new();
    for a in 0..30 {
        for b in 0..5 {
            values.push(format!("({a}, {b}, {})", (a * 7 + b) % 11));
        }
    }
    let values = values.join(", ");
    db.run(&format!("insert into k values {values}"));
    db.run(&format!("insert into f values {values}"));
    for cond in [
        "a = 5 and b = 3",
        "b = 3 and a = 5",
        "a = 5",
        "a = 5 and b > 2",
        "a = 5 and b <= 2",
        "a > 10 and a < 20",
        "a >= 10 and a <= 20 and v = 3",
        "10 < a and 20 >= a",
        "a between 3 and 6",
        "a > 25 and a > 27",
        "a < 3 and a < 100",
        "a > 20 and a < 10",
        "a = 5.0",
        "a = '5'",
        "a = 5 and b = 3.5",
        "a > 2.5 and a < 4",
        "a = -1",
        "a = 99999999999",
        "a = null",
        "a = 1 + 4",
    ] {
        let query = |t: &str| format!("select a, b, v from {t} where {cond} order by a, b");
        let keyed = db.exec(&query("k")).map(|mut r| r.remove(0).rows);
        let scanned = db.exec(&query("f")).map(|mut r| r.remove(0).rows);
        assert_eq!(keyed, scanned, "{cond}");
    }
}

#[test]
fn big_batches_into_non_empty_tables() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, v int)");
    db.run("create table k (v int)");
    let batch = |from: i64, to: i64| {
        (from..to)
            .map(|i| format!("({i}, {})", i % 3))
            .collect::<Vec<_>>()
            .join(",")
    };
    db.run(&format!("insert into t values {}", batch(0, 1000)));
    // More than the scan threshold of keys, checked against the existing rows.
    db.run(&format!("insert into t values {}", batch(1000, 2000)));
    assert_eq!(db.count("t"), 2000);
    assert_eq!(
        db.err(&format!("insert into t values {}", batch(1990, 2600))),
        "duplicate primary key given: [1990]"
    );
    let vals = |n: i64| {
        (0..n)
            .map(|i| format!("({})", i % 7))
            .collect::<Vec<_>>()
            .join(",")
    };
    db.run(&format!("insert into k values {}", vals(700)));
    db.run(&format!("insert into k values {}", vals(700)));
    assert_eq!(db.count("k"), 1400);
    assert_eq!(
        db.rows("select count(*) from k where v = 3"),
        ints(&[&[200]])
    );
}

#[test]
fn failed_statement_leaves_root_as_before() {
    let mut db = Db::new();
    let e = db
        .exec("create table t (id int primary key); insert into t values (1); insert into t values (2), (1); insert into t values (3)")
        .unwrap_err();
    assert_eq!(e.to_string(), "duplicate primary key given: [1]");
    // The statements before the failing one stay applied; the failing one and later do not.
    assert_eq!(db.rows("select id from t"), ints(&[&[1]]));
    let e = db
        .exec("insert into t values (5); selec 1; insert into t values (6)")
        .unwrap_err();
    assert!(matches!(e, SqlError::Syntax(_)), "{e}");
    assert_eq!(db.rows("select id from t"), ints(&[&[1], &[5]]));
}

#[test]
fn a_failed_statement_keeps_the_results_before_it() {
    let mut db = Db::new();
    db.run("create table t (id int primary key)");
    let mut results = Vec::new();
    let e = block_on(super::execute_into(
        &mut db.store,
        &mut db.root,
        "insert into t values (1); select id from t; insert into t values (1); select 2",
        &super::Params::None,
        &super::History::default(),
        &mut results,
    ))
    .unwrap_err();
    assert_eq!(e.to_string(), "duplicate primary key given: [1]");
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].affected, Some(1));
    assert_eq!(results[1].rows, ints(&[&[1]]));
}

#[test]
fn error_messages() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, name varchar(5) not null, d double)");
    db.run("insert into t values (5, 'e', 1)");
    let cases = [
        ("select * from nope", "table not found: nope"),
        ("insert into nope values (1)", "table not found: nope"),
        ("drop table nope", "table not found: nope"),
        (
            "select x from t",
            "column 'x' could not be found in any table in scope",
        ),
        (
            "select * from t where t.x = 1",
            "column 't.x' could not be found in any table in scope",
        ),
        (
            "insert into t (id, x) values (1, 2)",
            "column 'x' could not be found in any table in scope",
        ),
        ("create table t (a int)", "table with name t already exists"),
        ("create table T (a int)", "table with name T already exists"),
        ("create table u (a int, A int)", "duplicate column name 'A'"),
        (
            "create table u (a int, primary key (b))",
            "column 'b' could not be found in any table in scope",
        ),
        (
            "insert into t values ('x', 'y', 1)",
            "type mismatch for column 'id': expected a value of type int, found text",
        ),
        (
            "insert into t values (3000000000, 'y', 1)",
            "value 3000000000 is out of range for column 'id' int (-2147483648 to 2147483647)",
        ),
        (
            "insert into t values (1, null, 1)",
            "column 'name' cannot be NULL",
        ),
        (
            "insert into t (id) values (1)",
            "column 'name' cannot be NULL",
        ),
        (
            "insert into t (name) values ('a')",
            "column 'id' cannot be NULL",
        ),
        (
            "insert into t values (5, 'f', 2)",
            "duplicate primary key given: [5]",
        ),
        (
            "insert into t values (6, 'f', 2), (6, 'g', 3)",
            "duplicate primary key given: [6]",
        ),
        (
            "insert into t values (1, 'a')",
            "column count doesn't match value count at row 1: expected 3 values, found 2",
        ),
        (
            "insert into t (id, name) values (1, 'a'), (2, 'b', 3)",
            "column count doesn't match value count at row 2: expected 2 values, found 3",
        ),
        (
            "select * from t where name + 1 > 0",
            "type mismatch: cannot apply '+' to text",
        ),
        (
            "select * from t where name > 1",
            "type mismatch: cannot compare text with an integer",
        ),
        (
            "select * from t where name",
            "type mismatch: expected a condition, found text",
        ),
        (
            "select 9223372036854775807 + 1",
            "type mismatch: BIGINT value is out of range in '9223372036854775807 + 1'",
        ),
        (
            "select * fro t",
            "syntax error: Expected: end of statement, found: fro at Line: 1, Column: 10",
        ),
        (
            "select * from t order by 9",
            "column '9' could not be found in any table in scope",
        ),
        (
            "select id from t join t as u",
            "unsupported SQL: column 'id' is ambiguous: name its table",
        ),
        (
            "select id from t where id in (select id, d from t)",
            "unsupported SQL: a subquery of 2 columns where one is wanted",
        ),
        (
            "select id from t where count(*) > 1",
            "unsupported SQL: aggregate count(*) here",
        ),
        (
            "select sum(sum(id)) from t",
            "unsupported SQL: aggregate sum(id) here",
        ),
        (
            "select upper()",
            "syntax error: incorrect parameter count in the call to native function 'upper'",
        ),
        (
            "select id from t having id > 1",
            "unsupported SQL: HAVING without GROUP BY or an aggregate",
        ),
        (
            "select 1 union select 1, 2",
            "unsupported SQL: the SELECTs of a UNION have 1 and 2 columns; they must have as many",
        ),
        (
            "select * from (select 1)",
            "unsupported SQL: a derived table without an alias (MySQL requires one)",
        ),
        ("select now()", "unsupported SQL: function now"),
        (
            "insert into t select * from t",
            "duplicate primary key given: [5]",
        ),
        (
            "insert into t select id from t",
            "column count doesn't match value count at row 1: expected 3 values, found 1",
        ),
        (
            "insert into t values (5, 'a', 1) on duplicate key update nope = 2",
            "column 'nope' could not be found in any table in scope",
        ),
        (
            "insert into t values (5, 'a', 1) on duplicate key update d = values(1)",
            "unsupported SQL: values(1): VALUES takes a column",
        ),
        (
            "replace into t values (5, 'too long a name', 1)",
            "type mismatch for column 'name': value of length 15 is too long for varchar(5)",
        ),
        ("truncate table nope", "table not found: nope"),
        ("describe nope", "table not found: nope"),
        ("show create table nope", "table not found: nope"),
        (
            "create table u (a int auto_increment)",
            "incorrect table definition: an AUTO_INCREMENT column must be an integer \
             primary key column without a default",
        ),
        (
            "create table u (a int comment 'x')",
            "unsupported SQL: column option COMMENT 'x'",
        ),
        (
            "create table u (a float unsigned)",
            "unsupported SQL: column type FLOAT UNSIGNED",
        ),
        (
            "create table u (a int, key (a) comment 'x')",
            "unsupported SQL: table constraint KEY (a) COMMENT 'x'",
        ),
        (
            "create temporary table u (a int)",
            "unsupported SQL: CREATE TEMPORARY TABLE",
        ),
        (
            "create table u (a int) engine=InnoDB comment 'x'",
            "unsupported SQL: table option COMMENT 'x'",
        ),
        (
            "update t set d = 1 limit 'x'",
            "unsupported SQL: LIMIT 'x': it takes a whole number",
        ),
        (
            "alter table t add primary key (a)",
            "Multiple primary key defined",
        ),
        (
            "select * from t limit -1",
            "unsupported SQL: LIMIT or OFFSET -1: it must be a non-negative integer",
        ),
        (
            "select cast('x' as signed)",
            "type mismatch: cannot cast text 'x' to a number",
        ),
        (
            "select abs(-9223372036854775808)",
            "type mismatch: BIGINT value is out of range in 'abs(-9223372036854775808)'",
        ),
    ];
    for (sql, want) in cases {
        assert_eq!(db.err(sql), want, "{sql}");
    }
}

#[test]
fn weird_statements_never_panic() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, s text, b blob)");
    db.run("create table k (a int)");
    let nested = format!("select {}1{}", "(".repeat(500), ")".repeat(500));
    let negs = format!("select {}1", "-".repeat(300));
    let nots = format!("select {}1", "not ".repeat(300));
    let weird = [
        "",
        ";",
        ";;;",
        "   ",
        "-- only a comment",
        "/* open comment",
        "'",
        "\"",
        "`",
        "select",
        "select *",
        "select * from",
        "insert",
        "insert into",
        "insert into t",
        "insert into t values",
        "insert into t values (",
        "insert into t values ()",
        "insert into t values (1,",
        "insert into t values (1, 'a', x'zz')",
        "insert into t values (1, 'a', 0x)",
        "insert into t values (1e999, 'a', null)",
        "insert into t values (1.5, 'a', null)",
        "insert into t values (-0, 'a', 'text into blob')",
        "insert into k values (1), (1), (1)",
        "select * from t where id in ()",
        "select * from t where id in (select 1)",
        "select * from t where s like null",
        "select * from t where s like 1",
        "select * from t where b = 'x'",
        "select * from t where b like 'x'",
        "select * from t order by 99",
        "select * from t order by 0",
        "select * from t order by -1",
        "select * from t limit 18446744073709551615",
        "select * from t limit 1 offset 99999999999999",
        "select 1e308 * 10, -1e308 * 10, 1e308 * 10 - 1e308 * 10",
        "select 0.0 / 0",
        "select -(-9223372036854775808)",
        "select 5 % -1",
        "select -9223372036854775808 % -1",
        "select 9223372036854775807 * 2",
        "select count(distinct id) from t",
        "select count(*) over () from t",
        "select count(id, s) from t",
        "select max(id) from t",
        "select t.* from t",
        "select x.* from t",
        "select * from t as x",
        "select * from t, k",
        "select * from db.t",
        "update t set t.id = 1",
        "update t set x.id = 1",
        "update t set (id, s) = (1, 'a')",
        "update t, k set a = 1",
        "delete t, k from t, k",
        "delete from t using t, k",
        "drop view v",
        "drop table t cascade",
        "create table",
        "create table u ()",
        "create table u (a int primary key, b int primary key)",
        "create table u (a int, primary key (a, a))",
        "create table u (a varchar(99999999999))",
        "create table u as select 1",
        "create table u like t",
        "create table `` (a int)",
        "create table u (a int) engine=InnoDB default charset=latin1",
        "show databases",
        "show full tables",
        "begin",
        "commit",
        "set @a = 1",
        "use db",
        "explain select 1",
        "select 1 into @x",
        "with c as (select 1) select * from c",
        "values (1)",
        "select * from t for update",
        "insert into t values (1, 'a\\', null)",
        "insert into t values ('\u{1F600}', 'x', null)",
        "select '\u{1F600}' like '_'",
        "select 'a' like 'a' escape 'xy'",
        "select 1 <=> 1",
        "select 1 div 2",
        "select ~1",
        "select 1 & 1",
        "select * from t where id = 1 and id = 2 or id = 3 and not id between 1 and 2",
        &nested,
        &negs,
        &nots,
    ];
    for sql in weird {
        let _ = db.exec(sql);
    }
    // Whatever happened, the tables still read.
    db.run("select * from t");
    db.run("select * from k");
}

#[test]
fn create_table_types_and_options() {
    let mut db = Db::new();
    db.run(
        "CREATE TABLE `all` (
            a INT, b INTEGER, c SMALLINT, d TINYINT(1), e BIGINT, f DOUBLE, g FLOAT, h REAL,
            i DECIMAL(10,2), j TEXT, k VARCHAR(5), l CHAR(2), m BOOL, n BOOLEAN, o BLOB,
            p VARBINARY(4), q BINARY(3), r MEDIUMINT NULL DEFAULT NULL,
            CONSTRAINT pk PRIMARY KEY (a, b)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin",
    );
    let schema = &db.root.tables["all"].schema;
    let types: Vec<String> = schema.columns.iter().map(|c| c.ty.to_string()).collect();
    assert_eq!(
        types,
        [
            "int",
            "int",
            "smallint",
            "tinyint",
            "bigint",
            "double",
            "double",
            "double",
            "decimal(10,2)",
            "text",
            "varchar(5)",
            "varchar(2)",
            "bool",
            "bool",
            "blob",
            "varbinary(4)",
            "varbinary(3)",
            "mediumint"
        ]
    );
    assert_eq!(schema.primary_key, [0, 1]);
    assert!(
        !schema.columns[0].nullable && !schema.columns[1].nullable && schema.columns[2].nullable
    );
    db.run("insert into `all` (a, b, m, o, p) values (1, 2, 1, 'hi', x'01020304')");
    assert_eq!(
        db.rows("select m, o, p from `all`"),
        vec![vec![
            Value::Bool(true),
            Value::Blob(b"hi".to_vec()),
            Value::Blob(vec![1, 2, 3, 4])
        ]]
    );
    db.run("create table inline (id bigint not null primary key, v int)");
    assert_eq!(db.root.tables["inline"].schema.primary_key, [0]);
}

#[test]
fn formats() {
    let result = QueryResult {
        columns: vec!["id".into(), "name".into(), "score".into(), "b".into()],
        rows: vec![
            vec![
                int(1),
                text("al, \"the\" one"),
                Value::Double(2.5),
                Value::Blob(vec![0xab, 1]),
            ],
            vec![int(22), Value::Null, Value::Bool(true), Value::Null],
            vec![
                int(-3),
                text("é\nx"),
                Value::Double(-1.0),
                Value::Blob(vec![]),
            ],
        ],
        affected: None,
    };
    assert_eq!(
        format_table(&result),
        "+----+---------------+-------+--------+\n\
         | id | name          | score | b      |\n\
         +----+---------------+-------+--------+\n\
         | 1  | al, \"the\" one | 2.5   | 0xab01 |\n\
         | 22 | NULL          | true  | NULL   |\n\
         | -3 | é\\nx          | -1    | 0x     |\n\
         +----+---------------+-------+--------+\n"
    );
    assert_eq!(
        format_csv(&result),
        "id,name,score,b\n1,\"al, \"\"the\"\" one\",2.5,0xab01\n22,,true,\n-3,\"é\nx\",-1,0x\n"
    );
    assert_eq!(
        format_json(&result),
        "{\"rows\": [{\"id\":1,\"name\":\"al, \\\"the\\\" one\",\"score\":2.5,\"b\":\"ab01\"},\
         {\"id\":22,\"name\":null,\"score\":true,\"b\":null},\
         {\"id\":-3,\"name\":\"é\\nx\",\"score\":-1,\"b\":\"\"}]}"
    );
    let empty = QueryResult {
        columns: vec!["a".into()],
        ..QueryResult::default()
    };
    assert_eq!(format_table(&empty), "+---+\n| a |\n+---+\n+---+\n");
    assert_eq!(format_csv(&empty), "a\n");
    assert_eq!(format_json(&empty), "{\"rows\": []}");
    assert_eq!(format_table(&QueryResult::default()), "");
    // Widths in characters, a header's too, whichever is wider.
    let wide = QueryResult {
        columns: vec!["ñame".into(), "x".into()],
        rows: vec![
            vec![text("ab"), text("ünï\tcödé")],
            vec![Value::Null, int(7)],
        ],
        affected: None,
    };
    assert_eq!(
        format_table(&wide),
        "+------+-----------+\n\
         | ñame | x         |\n\
         +------+-----------+\n\
         | ab   | ünï\\tcödé |\n\
         | NULL | 7         |\n\
         +------+-----------+\n"
    );
}

/// A small deterministic generator (xorshift), so the random statements are reproducible.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub(super) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

pub(super) fn random_literal(rng: &mut Rng) -> String {
    match rng.below(9) {
        0 => format!("{}", rng.next() as i64 >> rng.below(64)),
        1 => rng
            .pick(&[
                "0",
                "-0",
                "9223372036854775807",
                "-9223372036854775808",
                "9223372036854775808",
                "18446744073709551616",
                "007",
                "-1",
            ])
            .into(),
        2 => rng
            .pick(&[
                "1.5", ".5", "1.", "-2.25", "1e3", "1E-3", "2.5e+10", "-0.0", "1e308", "3.14159",
            ])
            .into(),
        3 => rng.pick(&["NULL", "null", "TRUE", "false", "True"]).into(),
        4 => rng
            .pick(&[
                "''",
                "'a''b'",
                "'it\\'s'",
                "'tab\\there'",
                "'nl\\n'",
                "'\\\\'",
                "'50\\%'",
                "'a\\_b'",
                "'\\0\\Z\\b\\r\\f\\a\\q'",
                "'é😀'",
                "\"dq\"",
                "\"d\"\"q\"",
                "'semi;colon'",
                "'--not a comment'",
                "'/*x*/'",
            ])
            .into(),
        5 => {
            let len = rng.below(12);
            let s: String = (0..len)
                .map(|_| char::from(b' ' + rng.below(95) as u8))
                .map(|c| match c {
                    '\'' => "''".to_string(),
                    '\\' => "\\\\".to_string(),
                    c => c.to_string(),
                })
                .collect();
            format!("'{s}'")
        }
        6 => format!("{}.{}", rng.below(1000), rng.below(1000)),
        7 => format!("-{}", rng.below(1 << 40)),
        _ => format!("{}", rng.below(100)),
    }
}

pub(super) fn random_space(rng: &mut Rng) -> &'static str {
    rng.pick(&["", " ", "  ", "\n", "\t", " /* c */ ", " -- c\n", " # c\n"])
}

/// The fast INSERT parser reads what sqlparser reads, and declines what it does not handle.
/// A stored schema writes "no maximum length" as 0, so a `varchar(0)` column became `text`
/// once its table was stored and read again (found by fuzzing): such columns are refused.
#[test]
fn zero_length_columns_are_refused() {
    let mut db = Db::new();
    for ty in ["varchar(0)", "char(0)", "binary(0)", "varbinary(0)"] {
        let err = db.exec(&format!("create table u (a {ty})")).unwrap_err();
        assert!(matches!(err, SqlError::Unsupported(_)), "{ty}: {err}");
    }
}

/// `/*/` opens a comment and closes nothing: the fast parser read it as a whole comment and
/// accepted a statement sqlparser refuses (found by fuzzing).
#[test]
fn fast_insert_needs_a_closed_comment() {
    let sql = "INSERT INTO t2 VALUES ('b' ) /*/";
    assert!(insert::parse_slow(sql).is_err());
    assert_eq!(fast_insert::parse(sql), None);
    for sql in [
        "INSERT INTO t VALUES (1) /**/",
        "INSERT INTO t VALUES (1) /*/ */",
    ] {
        assert_eq!(
            fast_insert::parse(sql),
            insert::parse_slow(sql).ok(),
            "{sql}"
        );
    }
}

#[test]
fn fast_insert_matches_sqlparser() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut accepted = 0;
    for n in 0..2000 {
        let width = 1 + rng.below(4) as usize;
        let mut sql = String::from(rng.pick(&["INSERT INTO", "insert into", "Insert  Into"]));
        sql.push(' ');
        sql.push_str(rng.pick(&["t", "`t`", "my_table", "`weird name`", "T2"]));
        sql.push_str(random_space(&mut rng));
        if rng.below(2) == 0 {
            let cols: Vec<String> = (0..width).map(|i| format!("c{i}")).collect();
            sql.push_str(&format!("({})", cols.join(",")));
        }
        sql.push_str(rng.pick(&[" VALUES", " values", "\nVALUES"]));
        let rows = 1 + rng.below(4);
        for r in 0..rows {
            if r > 0 {
                sql.push(',');
            }
            sql.push_str(random_space(&mut rng));
            sql.push('(');
            for v in 0..width {
                if v > 0 {
                    sql.push(',');
                }
                sql.push_str(random_space(&mut rng));
                sql.push_str(&random_literal(&mut rng));
                sql.push_str(random_space(&mut rng));
            }
            sql.push(')');
        }
        sql.push_str(random_space(&mut rng));
        let fast = fast_insert::parse(&sql);
        let slow = insert::parse_slow(&sql);
        match (&fast, &slow) {
            (Some(f), Ok(s)) => {
                assert_eq!(f, s, "statement {n}: {sql}");
                accepted += 1;
            }
            (Some(f), Err(e)) => {
                panic!("statement {n}: fast read {f:?}, sqlparser said {e}: {sql}")
            }
            (None, _) => {}
        }
    }
    // Nearly all of these are in the fast parser's form; it must not decline them wholesale.
    assert!(accepted > 1900, "only {accepted} accepted");
}

/// A bulk INSERT is read and inserted a group of rows at a time: across the groups it
/// behaves as one statement.
#[test]
fn a_bulk_insert_read_in_groups_is_one_statement() {
    let rows = 2 * fast_insert::GROUP + 10;
    let values = |row: &dyn Fn(usize) -> String| {
        let rows: Vec<String> = (0..rows).map(row).collect();
        format!("insert into t (x, y) values {}", rows.join(","))
    };
    let mut db = Db::new();
    db.run("create table t (x int primary key auto_increment, y int not null)");
    // Ids given in the first group move the counter the NULLs of later groups count from;
    // one given in a later group moves it again.
    let given = fast_insert::GROUP;
    let jump = fast_insert::GROUP + 5;
    let sql = values(&|i| match i {
        i if i < given => format!("({},{i})", i + 1),
        i if i == jump => format!("(100000,{i})"),
        i => format!("(NULL,{i})"),
    });
    assert!(fast_insert::Reader::start(&sql).is_some());
    assert_eq!(db.run(&sql).affected, Some(rows as u64));
    assert_eq!(
        db.rows(&format!(
            "select x from t where y in ({}, {jump}, {})",
            given,
            jump + 1
        )),
        [given + 1, 100_000, 100_001]
            .map(|i| vec![int(i as i64)])
            .to_vec()
    );
    assert_eq!(
        db.rows("select last_insert_id()"),
        vec![vec![int(given as i64 + 1)]]
    );

    // A failure in any group inserts nothing, and names the row by its place in the whole
    // statement.
    let mut db = Db::new();
    db.run("create table t (x int primary key auto_increment, y int not null)");
    let late = 2 * fast_insert::GROUP + 3;
    let sql = values(&|i| match i {
        i if i == late => format!("({i})"),
        i => format!("({i},{i})"),
    });
    assert_eq!(
        db.err(&sql),
        format!(
            "column count doesn't match value count at row {}: expected 2 values, found 1",
            late + 1
        )
    );
    let sql = values(&|i| match i {
        i if i == late => format!("({i},NULL)"),
        i => format!("({i},{i})"),
    });
    assert_eq!(db.err(&sql), "column 'y' cannot be NULL");
    let sql = values(&|i| format!("({},{i})", 1 + i % (rows - 1)));
    assert_eq!(db.err(&sql), "duplicate primary key given: [1]");
    assert_eq!(db.count("t"), 0);

    // A statement whose end the fast parser does not read fails as sqlparser reads it,
    // whatever an earlier group's rows hold.
    let sql = values(&|i| match i {
        5 => "(5,NULL)".into(),
        i if i == late => format!("({i},{i}+)"),
        i => format!("({i},{i})"),
    });
    assert!(db.err(&sql).starts_with("syntax error"), "{}", db.err(&sql));
    let sql = values(&|i| match i {
        5 => "(5,NULL)".into(),
        i if i == late => format!("({i},{i}+1)"),
        i => format!("({i},{i})"),
    });
    assert_eq!(db.err(&sql), "column 'y' cannot be NULL");
    assert_eq!(db.count("t"), 0);
}

/// Both paths give the same table, end to end.
#[test]
fn fast_and_parsed_inserts_store_the_same_rows() {
    let sql = "insert into t values (1, 'a''b', 1.5), (2, NULL, -3), (3, 'x\\ty', 1e3)";
    let mut fast = Db::new();
    let mut slow = Db::new();
    for db in [&mut fast, &mut slow] {
        db.run("create table t (id int primary key, s text, d double)");
    }
    assert!(fast_insert::parse(sql).is_some());
    fast.run(sql);
    let Some(Statement::Insert(ins)) = Parser::parse_sql(&MySqlDialect {}, sql).unwrap().pop()
    else {
        panic!("not an insert");
    };
    let values = insert::from_ast(ins, &super::history::History::default()).unwrap();
    block_on(insert::run(
        &mut slow.store,
        &mut slow.root,
        values,
        &super::History::default(),
    ))
    .unwrap();
    assert_eq!(fast.root, slow.root);
}

fn bulk_sql(rows: usize) -> String {
    let mut sql = String::with_capacity(rows * 40);
    sql.push_str("INSERT INTO t VALUES ");
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&format!("({i},{},'name-{i}',{}.25)", i % 1000, i % 977));
    }
    sql
}

/// Prints the timings of a 1,000,000-row INSERT in one statement. Run it in release mode:
/// `cargo test --release -p cairn-core -- --ignored --nocapture big_insert`.
#[test]
#[ignore]
fn big_insert_timings() {
    use std::time::Instant;
    const ROWS: usize = 1_000_000;
    let sql = bulk_sql(ROWS);
    std::println!("statement: {} MB", sql.len() / 1_000_000);
    let t = Instant::now();
    let parsed = fast_insert::parse(&sql).expect("fast form");
    std::println!("fast parse:      {:?}", t.elapsed());
    assert_eq!(parsed.rows.len(), ROWS);
    drop(parsed);
    let t = Instant::now();
    let statements = Parser::parse_sql(&MySqlDialect {}, &sql).expect("parses");
    std::println!("sqlparser parse: {:?}", t.elapsed());
    drop(statements);
    let mut db = Db::new();
    db.run("create table t (id int primary key, a int, name varchar(32), d double)");
    let t = Instant::now();
    db.run(&sql);
    let total = t.elapsed();
    std::println!(
        "execute (parse + check + encode + build): {total:?} = {:.0} rows/s",
        ROWS as f64 / total.as_secs_f64()
    );
    let t = Instant::now();
    assert_eq!(db.count("t"), ROWS as i64);
    assert_eq!(
        db.rows("select name from t where id = 765432"),
        vec![vec![text("name-765432")]]
    );
    std::println!("count + point select: {:?}", t.elapsed());
}

mod parameters {
    use super::*;
    use crate::sql::{execute_with, Params};
    use alloc::collections::BTreeMap;

    fn with(db: &mut Db, sql: &str, params: Params) -> Result<Vec<QueryResult>, SqlError> {
        block_on(execute_with(&mut db.store, &mut db.root, sql, &params))
    }

    #[test]
    fn values_bind_as_literals_of_their_type_whatever_their_text() {
        let mut db = Db::new();
        db.run("create table t (id bigint primary key, name text, x double, b blob, f boolean)");
        let hostile = "'); drop table t; --";
        let row = vec![
            Value::Int(i64::MIN),
            Value::Text(hostile.into()),
            Value::Double(-2.0),
            Value::Blob(vec![0, 255, 16]),
            Value::Bool(true),
        ];
        with(
            &mut db,
            "insert into t values (?, ?, ?, ?, ?)",
            Params::Positional(row.clone()),
        )
        .unwrap();
        let named = BTreeMap::from([("id".to_string(), Value::Int(i64::MIN))]);
        let got = with(
            &mut db,
            "select * from t where id = :id",
            Params::Named(named),
        )
        .unwrap();
        assert_eq!(got[0].rows, vec![row]);
        assert_eq!(db.count("t"), 1, "the text stayed a value");
        let nulls = Params::Positional(vec![Value::Int(7), Value::Null, Value::Double(1e300)]);
        with(
            &mut db,
            "insert into t (id, name, x) values (?, ?, ?)",
            nulls,
        )
        .unwrap();
        assert_eq!(
            db.rows("select name, x from t where id = 7"),
            vec![vec![Value::Null, Value::Double(1e300)]]
        );
    }

    #[test]
    fn placeholders_and_values_must_match() {
        let mut db = Db::new();
        db.run("create table t (id int primary key)");
        let one = || Params::Positional(vec![Value::Int(1)]);
        let two = Params::Positional(vec![Value::Int(1), Value::Int(2)]);
        let fails = |r: Result<Vec<QueryResult>, SqlError>| {
            assert!(matches!(r, Err(SqlError::Parameter(_))), "{r:?}")
        };
        fails(with(&mut db, "insert into t values (?), (?)", one()));
        fails(with(&mut db, "insert into t values (?)", two));
        fails(with(&mut db, "select * from t where id = :id", one()));
        fails(with(&mut db, "insert into t values (?)", Params::None));
        fails(with(
            &mut db,
            "insert into t values (?)",
            Params::Positional(vec![Value::Double(f64::NAN)]),
        ));
        // Positional values run on across statements.
        let both = Params::Positional(vec![Value::Int(1), Value::Int(2)]);
        with(
            &mut db,
            "insert into t values (?); insert into t values (?)",
            both,
        )
        .unwrap();
        assert_eq!(db.count("t"), 2);
        // A question mark inside a string is text, not a placeholder.
        db.run("create table s (k text primary key)");
        with(
            &mut db,
            "insert into s values ('what?')",
            Params::Positional(vec![]),
        )
        .unwrap();
        assert_eq!(db.rows("select k from s"), vec![vec![text("what?")]]);
    }
}

mod pages {
    use super::*;
    use crate::sql::select::Page;
    use crate::sql::{query_page, Params};

    /// Every page of `sql` (`size` rows asked for each) concatenated, how many pages, and
    /// the longest.
    fn paged(db: &mut Db, sql: &str, size: usize) -> (Vec<Vec<Value>>, usize, usize) {
        let mut rows = Vec::new();
        let mut page = Page {
            after: None,
            rows: size,
        };
        let (mut pages, mut longest) = (0, 0);
        loop {
            let (result, next) = block_on(query_page(
                &db.store,
                &db.root,
                &Default::default(),
                sql,
                &Params::None,
                &page,
            ))
            .unwrap();
            pages += 1;
            longest = longest.max(result.rows.len());
            rows.extend(result.rows);
            match next {
                Some(after) => page.after = Some(after),
                None => return (rows, pages, longest),
            }
        }
    }

    #[test]
    fn pages_in_key_order_add_up_to_the_whole_result() {
        let mut db = Db::new();
        db.run("create table t (id int primary key, v text)");
        let values: Vec<String> = (0..1000).map(|i| format!("({i}, 'v{}')", i % 7)).collect();
        db.run(&format!("insert into t values {}", values.join(",")));
        for sql in [
            "select * from t",
            "select v, id from t where id >= 250 and v = 'v3'",
            "select id from t where id < 10",
        ] {
            let whole = db.rows(sql);
            let (rows, pages, longest) = paged(&mut db, sql, 100);
            assert_eq!(rows, whole, "{sql}");
            assert!(pages >= whole.len() / 100, "{sql}: {pages} pages");
            assert!(longest <= 100, "{sql}: a page of {longest}");
        }
        // Whole-result queries come as one page.
        for sql in [
            "select id from t order by id desc",
            "select count(*) from t",
            "select id from t limit 5",
        ] {
            let (rows, pages, _) = paged(&mut db, sql, 100);
            assert_eq!((rows, pages), (db.rows(sql), 1), "{sql}");
        }
        let (rows, _, _) = paged(&mut db, "select * from t where id = 5", 100);
        assert_eq!(rows.len(), 1);
        let err = block_on(query_page(
            &db.store,
            &db.root,
            &Default::default(),
            "delete from t",
            &Params::None,
            &Page {
                after: None,
                rows: 10,
            },
        ));
        assert!(matches!(err, Err(SqlError::Unsupported(_))), "{err:?}");
    }

    #[test]
    fn repeated_rows_of_a_keyless_table_stay_on_one_page() {
        let mut db = Db::new();
        db.run("create table k (a int, b text)");
        let values: Vec<String> = (0..300).map(|i| format!("({}, 'x')", i % 10)).collect();
        db.run(&format!("insert into k values {}", values.join(",")));
        let (rows, pages, longest) = paged(&mut db, "select a from k", 7);
        assert_eq!(rows.len(), 300);
        // Ten distinct rows, thirty times each: a page holds a row's every repetition (and
        // a page that ended on the last row is followed by an empty one).
        assert_eq!(longest, 30);
        assert!((10..=11).contains(&pages), "{pages} pages");
        assert_eq!(
            rows,
            db.rows("select a from k"),
            "the whole result, no row twice"
        );
    }
}

#[test]
fn a_long_chain_of_operators_is_refused_not_a_stack_overflow() {
    let mut db = Db::new();
    db.run("create table t (id int primary key)");
    let chain = |op: &str, n: usize| {
        (0..n)
            .map(|i| format!("id = {i}"))
            .collect::<Vec<_>>()
            .join(op)
    };
    for sql in [
        format!("select {}", vec!["1"; 15_000].join("+")),
        format!("select * from t where {}", chain(" or ", 15_000)),
    ] {
        match db.exec(&sql) {
            Err(SqlError::Unsupported(why)) => assert!(why.contains("128 operators"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
    // Up to the bound, and many short expressions in one statement, still run.
    assert_eq!(
        db.rows(&format!("select {}", vec!["1"; 129].join("+"))),
        vec![vec![Value::Int(129)]]
    );
    let rows: Vec<String> = (0..3000).map(|i| format!("({i} + 1)")).collect();
    db.run(&format!("insert into t values {}", rows.join(",")));
    assert_eq!(db.count("t"), 3000);
}

#[test]
fn nan_and_infinities_are_never_stored() {
    let mut db = Db::new();
    db.run("create table t (k double primary key, v double)");
    for sql in [
        "insert into t values (1e400 - 1e400, 1)",
        "insert into t values (1, 1e400)",
        "insert into t values (2, -1e400)",
    ] {
        match db.exec(sql) {
            Err(SqlError::Table(e)) => assert!(e.to_string().contains("NaN and infinities"), "{e}"),
            other => panic!("{sql}: {other:?}"),
        }
    }
    db.run("insert into t values (1, 2.5)");
    assert!(db.exec("update t set v = v * 1e400").is_err());
    assert_eq!(db.rows("select v from t"), vec![vec![Value::Double(2.5)]]);
}

#[test]
fn control_characters_from_a_row_are_escaped_in_the_table_layout() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, v text)");
    db.run("insert into t values (1, 'a\x1b]0;owned\x07b')");
    let shown = format_table(&db.run("select v from t"));
    assert!(
        !shown.chars().any(|c| c.is_control() && c != '\n'),
        "{shown:?}"
    );
    assert!(shown.contains("a\\u{1b}]0;owned\\u{7}b"), "{shown}");
    // CSV and JSON keep the value itself (JSON escapes it as JSON does).
    assert!(format_csv(&db.run("select v from t")).contains('\x1b'));
}

#[test]
fn a_forged_keyless_count_is_expanded_only_within_limit_and_never_beyond_the_cap() {
    use crate::db::row::RowLayout;
    let mut db = Db::new();
    db.run("create table k (a int)");
    db.run("insert into k values (1), (2), (2)");
    // A chunk claiming three billion copies of one row, in a few bytes.
    let table = db.root.tables.get("k").unwrap().clone();
    let layout = RowLayout::new(&table.schema);
    let mut entries = vec![
        layout.keyless_entry(&[Value::Int(1)], 3_000_000_000),
        layout.keyless_entry(&[Value::Int(2)], 2),
    ];
    entries.sort();
    let rows = block_on(crate::prolly::build(&mut db.store, entries)).unwrap();
    db.root.tables.get_mut("k").unwrap().rows = rows;

    assert_eq!(db.count("k"), 3_000_000_002);
    assert_eq!(db.rows("select a from k limit 2").len(), 2);
    assert_eq!(
        db.rows("select a from k order by a desc limit 3"),
        vec![
            vec![Value::Int(2)],
            vec![Value::Int(2)],
            vec![Value::Int(1)]
        ]
    );
    assert_eq!(
        db.rows("select a from k order by a limit 2 offset 2999999999"),
        vec![vec![Value::Int(1)], vec![Value::Int(2)]]
    );
    match db.exec("select a from k") {
        Err(SqlError::TooManyRows(n)) => assert_eq!(n, 3_000_000_002),
        other => panic!("{other:?}"),
    }
    // Adding a copy to a count at the edge of u64 is refused, not wrapped to zero.
    let edge = vec![layout.keyless_entry(&[Value::Int(1)], u64::MAX)];
    let rows = block_on(crate::prolly::build(&mut db.store, edge)).unwrap();
    db.root.tables.get_mut("k").unwrap().rows = rows;
    assert!(db.exec("insert into k values (1)").is_err());
}
