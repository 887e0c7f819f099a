//! Secondary indexes: kept by every write, used by WHERE and by ORDER BY ... LIMIT, UNIQUE
//! enforced through them, and each map always the one its rows alone would build.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use pollster::block_on;

use super::tests::Db;
use crate::db::index;
use crate::db::root_value::TableRef;
use crate::db::value::Value;
use crate::hash::Hash;

fn int(n: i64) -> Value {
    Value::Int(n)
}

/// Every index map of every table equals the map built anew from the table's rows (prolly
/// maps do not depend on the order of edits, so equal contents mean equal roots).
fn assert_fresh(db: &mut Db) {
    for (name, t) in db.root.tables.clone() {
        let unbuilt = TableRef::new(t.schema.clone(), Hash::EMPTY, Vec::new());
        let fresh = block_on(index::refresh(
            &mut db.store,
            &name,
            &unbuilt,
            &t.schema,
            t.rows,
        ))
        .unwrap();
        assert_eq!(fresh.indexes, t.indexes, "the indexes of {name}");
    }
}

/// The rows of `sql` sorted, so answers read in different orders compare.
fn sorted(db: &mut Db, sql: &str) -> Vec<Vec<Value>> {
    let mut rows = db.rows(sql);
    rows.sort_by_key(|r| format!("{r:?}"));
    rows
}

/// A small deterministic generator, so a failure reproduces.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn every_write_keeps_the_indexes_and_reads_agree_with_a_table_without() {
    let mut db = Db::new();
    // `t` has keys; `plain` holds the same rows without any, to compare answers with.
    db.run(
        "create table t (id int primary key, a int, b varchar(8), c int, \
         key (a), key ab (a, b), unique key (c))",
    );
    db.run("create table plain (id int primary key, a int, b varchar(8), c int)");
    db.run("create table bag (x int, y int, key (y))");
    let mut lcg = Lcg(7);
    for step in 0..150 {
        let (id, a, c) = (lcg.below(40), lcg.below(6), lcg.below(60));
        let b = ["x", "y", "zz", "NULL"][lcg.below(4) as usize];
        let b = if b == "NULL" {
            b.to_string()
        } else {
            format!("'{b}'")
        };
        let a = if lcg.below(5) == 0 {
            "NULL".into()
        } else {
            a.to_string()
        };
        let statements = match lcg.below(8) {
            0 | 1 => vec![format!(
                "insert ignore into {{}} values ({id}, {a}, {b}, {c})"
            )],
            2 => vec![format!("replace into {{}} values ({id}, {a}, {b}, {c})")],
            3 => vec![format!(
                "update {{}} set a = {a}, b = {b} where id < {id} and id > {}",
                id / 2
            )],
            4 => vec![format!("delete from {{}} where a = {a} or id = {id}")],
            5 => vec![format!(
                "insert into {{}} values ({id}, {a}, {b}, NULL) on duplicate key update a = {a}"
            )],
            6 => vec![format!("update {{}} set id = id + 100 where id = {id}")],
            _ => vec![format!(
                "delete from {{}} where id between {id} and {}",
                id + 3
            )],
        };
        for s in statements {
            let on_t = db.exec(&s.replace("{}", "t"));
            let on_plain = db.exec(&s.replace("{}", "plain"));
            // The unique key on c may refuse what the plain table takes: then undo that.
            if let Err(e) = on_t {
                assert!(e.to_string().starts_with("Duplicate entry"), "{s}: {e}");
                db.run("delete from plain");
                db.run("insert into plain select * from t");
            } else {
                on_plain.unwrap();
            }
        }
        db.run(&format!(
            "insert into bag values ({}, {})",
            lcg.below(3),
            lcg.below(3)
        ));
        if step % 37 == 5 {
            db.run("delete from bag where y = 1");
        }
        assert_fresh(&mut db);
        for q in [
            format!("select * from {{}} where a = {a}"),
            format!("select id, b from {{}} where a = {a} and b = {b}"),
            format!("select * from {{}} where a > 2 and a <= {a}"),
            "select * from {} where a between 1 and 3 and b >= 'y'".to_string(),
            format!("select * from {{}} where c = {c}"),
            "select * from {} where a is null".to_string(),
            "select a, id from {} order by a, b limit 5".to_string(),
        ] {
            let with = sorted(&mut db, &q.replace("{}", "t"));
            assert_eq!(with, sorted(&mut db, &q.replace("{}", "plain")), "{q}");
        }
    }
    // ALTER TABLE that rewrites the rows, then CREATE and DROP INDEX, keep them fresh too.
    db.run("alter table t add column d int default 4 after id");
    assert_fresh(&mut db);
    db.run("create index bd on t (b, d)");
    db.run("drop index a on t");
    assert_fresh(&mut db);
    db.run("truncate t");
    assert_fresh(&mut db);
    assert!(db.root.tables["t"].indexes.iter().all(Hash::is_empty));
}

#[test]
fn where_and_order_by_limit_read_through_the_index() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, a int, b int, key ka (a))");
    db.run("insert into t values (1, 30, 1), (2, 10, 2), (3, 20, 3), (4, NULL, 4), (5, 10, 5)");
    assert_eq!(
        db.rows("select id from t where a = 10"),
        [[int(2)], [int(5)]]
    );
    assert_eq!(
        db.rows("select id from t where a >= 20"),
        [[int(3)], [int(1)]],
        "in the index's order"
    );
    assert_eq!(
        db.rows("select id from t where a < 15"),
        [[int(2)], [int(5)]]
    );
    assert_eq!(
        db.rows("select id, a from t order by a limit 3"),
        [
            vec![int(4), Value::Null],
            vec![int(2), int(10)],
            vec![int(5), int(10)]
        ]
    );
    // Swap the index's map for an empty one: what reads through it now finds nothing,
    // which shows it does read through it; a filter on another column still scans.
    let stored = db.root.tables["t"].clone();
    db.root.tables.get_mut("t").unwrap().indexes[0] = Hash::EMPTY;
    assert!(db.rows("select id from t where a = 10").is_empty());
    assert!(db.rows("select id from t order by a limit 2").is_empty());
    assert_eq!(db.rows("select id from t where b = 3"), [[int(3)]]);
    // By primary key when the clause pins it, though it pins an index too.
    assert_eq!(
        db.rows("select id from t where id = 2 and a = 10"),
        [[int(2)]]
    );
    // No LIMIT: the rows are read in key order and sorted, not through the index.
    assert_eq!(db.rows("select id from t order by a").len(), 5);
    db.root.tables.insert("t".into(), stored);
}

#[test]
fn unique_keys_hold_through_their_indexes() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, u int unique, v varchar(4))");
    db.run("insert into t values (1, 5, 'a'), (2, NULL, 'b'), (3, NULL, 'c')");
    assert_eq!(
        db.err("insert into t values (4, 5, 'd')"),
        "Duplicate entry '5' for key 't.u'"
    );
    assert_eq!(
        db.err("insert into t values (4, 6, 'd'), (5, 6, 'e')"),
        "Duplicate entry '6' for key 't.u'"
    );
    assert_eq!(
        db.err("update t set u = 5 where id = 2"),
        "Duplicate entry '5' for key 't.u'"
    );
    // Moving the value from one row to another in one statement is no duplicate.
    db.run("update t set u = case id when 1 then 7 when 3 then 5 else u end");
    assert_eq!(db.rows("select id from t where u = 5"), [[int(3)]]);
    db.run("insert into t values (8, 9, 'a')");
    assert_eq!(
        db.err("create unique index uv on t (v)"),
        "Duplicate entry 'a' for key 't.uv'"
    );
    db.run("create index uv on t (v)");
    // A keyless table's row stored twice holds its unique values twice.
    db.run("create table bag (x int, unique key (x))");
    db.run("insert into bag values (1)");
    assert_eq!(
        db.err("insert into bag values (1)"),
        "Duplicate entry '1' for key 'bag.x'"
    );
}

#[test]
fn keys_show_in_describe_and_show_create_table() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, a int, b int, key (a, b), unique (b))");
    db.run("create index later on t (b)");
    let create = db.rows("show create table t")[0][1].to_string();
    assert!(
        create.contains("  UNIQUE KEY `b` (`b`),\n  KEY `a` (`a`,`b`),\n  KEY `later` (`b`)"),
        "{create}"
    );
    let keys: Vec<String> = db
        .rows("describe t")
        .iter()
        .map(|r| r[3].to_string())
        .collect();
    assert_eq!(keys, ["PRI", "MUL", "UNI"]);
    // What SHOW CREATE TABLE prints makes the same table.
    db.run("drop table t");
    db.run(&create);
    assert_eq!(db.rows("show create table t")[0][1].to_string(), create);
    assert_eq!(
        db.err("create index later on t (a)"),
        "duplicate key name 'later'"
    );
    assert_eq!(
        db.err("drop index nope on t"),
        "can't DROP 'nope'; check that it exists"
    );
    db.run("alter table t drop index later");
    db.run("alter table t add key k2 (a)");
    assert!(db.rows("show create table t")[0][1]
        .to_string()
        .contains("KEY `k2` (`a`)"));
}

/// A table of rows encoding 3 had unique keys without maps: it reads as before, its next
/// write builds them, and that write is refused if the rows break the key.
#[test]
fn unique_keys_without_maps_get_them_at_the_next_write() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, u int unique)");
    db.run("insert into t values (1, 5), (2, 6)");
    let t = db.root.tables.get_mut("t").unwrap();
    t.indexes.clear();
    let legacy = db.root.clone();
    assert_eq!(db.rows("select id from t where u = 6"), [[int(2)]]);
    assert_eq!(
        db.err("insert into t values (3, 5)"),
        "Duplicate entry '5' for key 't.u'"
    );
    db.run("insert into t values (3, 7)");
    assert_eq!(db.root.tables["t"].indexes.len(), 1);
    assert_fresh(&mut db);
    // Stored and read back, an unbuilt table keeps its bytes.
    let chunk = legacy.encode();
    assert_eq!(crate::db::root_value::RootValue::decode(&chunk), Ok(legacy));
}

/// An index map is read from a store, so it is untrusted: an entry whose row is missing is
/// damage, two entries naming one row give the row once, and a length past the entry's key
/// is refused, never a panic.
#[test]
fn a_forged_index_map_is_damage_not_wrong_rows() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, a int, key ka (a))");
    db.run("insert into t values (1, 10), (2, 20)");
    let table = db.root.tables["t"].clone();
    let schema = table.schema.clone();
    let mut row_key = Vec::new();
    crate::db::row::encode_ordered(&mut row_key, schema.columns[0].ty, &int(2));
    let entry = |a: i64, row: &[u8]| {
        let mut key = Vec::new();
        index::encode_part(&mut key, &schema, 1, &int(a));
        let len = key.len() as u8;
        key.extend_from_slice(row);
        (key, vec![len])
    };
    let forge = |db: &mut Db, entries: Vec<(Vec<u8>, Vec<u8>)>| {
        let root = block_on(crate::prolly::build(&mut db.store, entries)).unwrap();
        db.root.tables.get_mut("t").unwrap().indexes = vec![root];
    };
    // Row 2 listed under 15 and under 20: one row.
    forge(&mut db, vec![entry(15, &row_key), entry(20, &row_key)]);
    assert_eq!(db.rows("select id from t where a > 12"), [[int(2)]]);
    // A row the table does not have.
    let mut missing = Vec::new();
    crate::db::row::encode_ordered(&mut missing, schema.columns[0].ty, &int(9));
    forge(&mut db, vec![entry(20, &missing)]);
    let e = db
        .exec("select id from t where a = 20")
        .unwrap_err()
        .to_string();
    assert!(e.contains("index entry"), "{e}");
    // A length past the key.
    let (key, _) = entry(20, &row_key);
    forge(&mut db, vec![(key, vec![100])]);
    let e = db
        .exec("select id from t where a = 20")
        .unwrap_err()
        .to_string();
    assert!(e.contains("index entry"), "{e}");
    db.root.tables.insert("t".into(), table);
}

/// A wide range of an index names most rows: they are read by one scan of the row map (see
/// `Table::visit`), still in the index's order, and give what a table without the index does.
#[test]
fn a_wide_index_range_reads_the_rows_it_names_in_its_order() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, a int, key ka (a))");
    db.run("create table plain (id int primary key, a int)");
    let rows: Vec<String> = (0..3000)
        .map(|i| format!("({i}, {})", (i * 7919) % 1000))
        .collect();
    for table in ["t", "plain"] {
        db.run(&format!("insert into {table} values {}", rows.join(",")));
    }
    let got = db.rows("select a, id from t where a >= 100");
    assert_eq!(got.len(), 2700);
    let a = |r: &Vec<Value>| match r[0] {
        Value::Int(n) => n,
        _ => panic!("{r:?}"),
    };
    assert!(
        got.windows(2).all(|w| a(&w[0]) <= a(&w[1])),
        "in the index's order"
    );
    assert_eq!(
        sorted(&mut db, "select a, id from t where a between 100 and 899"),
        sorted(
            &mut db,
            "select a, id from plain where a between 100 and 899"
        )
    );
}
