//! Foreign keys: declared, checked against their parent, enforced on every write with their
//! actions, and the DDL they forbid.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::tests::Db;
use crate::db::value::Value;

fn int(n: i64) -> Value {
    Value::Int(n)
}

fn ids(db: &mut Db, sql: &str) -> Vec<i64> {
    db.rows(sql)
        .into_iter()
        .map(|r| match r[0] {
            Value::Int(n) => n,
            ref v => panic!("{v:?}"),
        })
        .collect()
}

fn parent_and_child(on: &str) -> Db {
    let mut db = Db::new();
    db.run("CREATE TABLE p (id INT PRIMARY KEY, code VARCHAR(10), UNIQUE KEY (code))");
    db.run(&alloc::format!(
        "CREATE TABLE c (id INT PRIMARY KEY, pid INT, \
         CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id) {on})"
    ));
    db.run("INSERT INTO p VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    db.run("INSERT INTO c VALUES (10, 1), (11, 1), (12, 2), (13, NULL)");
    db
}

#[test]
fn a_child_row_needs_its_parent() {
    let mut db = parent_and_child("");
    let err = db.err("INSERT INTO c VALUES (14, 9)");
    assert_eq!(
        err,
        "Cannot add or update a child row: a foreign key constraint fails (`c`, CONSTRAINT \
         `fk` FOREIGN KEY (`pid`) REFERENCES `p` (`id`))"
    );
    assert!(db
        .err("UPDATE c SET pid = 7 WHERE id = 10")
        .starts_with("Cannot add or update"));
    assert!(db
        .err("REPLACE INTO c VALUES (10, 8)")
        .starts_with("Cannot add or update"));
    // Nothing of a refused statement stays, even rows of it that were fine.
    assert!(db.exec("INSERT INTO c VALUES (15, 3), (16, 9)").is_err());
    assert_eq!(
        ids(&mut db, "SELECT id FROM c ORDER BY id"),
        [10, 11, 12, 13]
    );
    // NULL references nothing; a statement sees its own parents (checked at its end).
    db.run("INSERT INTO c VALUES (17, NULL)");
    db.run("CREATE TABLE t (id INT PRIMARY KEY, up INT, FOREIGN KEY (up) REFERENCES t (id))");
    db.run("INSERT INTO t VALUES (2, 1), (1, NULL)");
    assert!(db
        .err("INSERT INTO t VALUES (3, 4)")
        .starts_with("Cannot add or update"));
}

#[test]
fn a_referenced_parent_row_stays_unless_the_key_acts() {
    for on in ["", "ON DELETE RESTRICT", "ON DELETE NO ACTION"] {
        let mut db = parent_and_child(on);
        let err = db.err("DELETE FROM p WHERE id = 1");
        assert!(
            err.starts_with("Cannot delete or update a parent row"),
            "{err}"
        );
        assert!(db
            .err("UPDATE p SET id = 5 WHERE id = 2")
            .starts_with("Cannot delete"));
        assert!(db.err("TRUNCATE p").starts_with("Cannot delete"));
        // A parent nobody references goes.
        db.run("DELETE FROM p WHERE id = 3");
        assert_eq!(ids(&mut db, "SELECT id FROM p ORDER BY id"), [1, 2]);
        // Once its children are gone, so can it.
        db.run("DELETE FROM c WHERE pid = 2");
        db.run("UPDATE p SET id = 5 WHERE id = 2");
    }
}

#[test]
fn on_delete_cascade_and_set_null() {
    let mut db = parent_and_child("ON DELETE CASCADE");
    assert_eq!(db.run("DELETE FROM p WHERE id = 1").affected, Some(1));
    assert_eq!(ids(&mut db, "SELECT id FROM c ORDER BY id"), [12, 13]);
    // An UPDATE follows ON UPDATE, which is NO ACTION here.
    assert!(db
        .err("UPDATE p SET id = 7 WHERE id = 2")
        .starts_with("Cannot delete"));

    let mut db = parent_and_child("ON DELETE SET NULL");
    db.run("DELETE FROM p WHERE id < 3");
    assert_eq!(
        db.rows("SELECT id, pid FROM c ORDER BY id"),
        vec![
            vec![int(10), Value::Null],
            vec![int(11), Value::Null],
            vec![int(12), Value::Null],
            vec![int(13), Value::Null]
        ]
    );
    // SET NULL on a column that cannot hold it is refused when the key is made.
    let err = db.err(
        "CREATE TABLE d (id INT PRIMARY KEY, pid INT NOT NULL, \
         FOREIGN KEY (pid) REFERENCES p (id) ON DELETE SET NULL)",
    );
    assert!(err.contains("cannot be NOT NULL"), "{err}");
}

#[test]
fn on_update_cascade_follows_a_changed_key() {
    let mut db = parent_and_child("ON UPDATE CASCADE");
    db.run("UPDATE p SET id = 7 WHERE id = 1");
    assert_eq!(
        db.rows("SELECT id, pid FROM c ORDER BY id"),
        vec![
            vec![int(10), int(7)],
            vec![int(11), int(7)],
            vec![int(12), int(2)],
            vec![int(13), Value::Null]
        ]
    );
    // A DELETE follows ON DELETE, NO ACTION here.
    assert!(db
        .err("DELETE FROM p WHERE id = 7")
        .starts_with("Cannot delete"));
    // A key that is not the primary key: the row's new values are known.
    db.run(
        "CREATE TABLE e (id INT PRIMARY KEY, code VARCHAR(10), \
         FOREIGN KEY (code) REFERENCES p (code) ON UPDATE CASCADE)",
    );
    db.run("INSERT INTO e VALUES (1, 'b'), (2, 'c')");
    db.run("UPDATE p SET code = 'z' WHERE code = 'b'");
    assert_eq!(
        db.rows("SELECT code FROM e ORDER BY id"),
        vec![vec![Value::Text("z".into())], vec![Value::Text("c".into())]]
    );
}

#[test]
fn a_cascade_goes_down_a_tree_and_stops_at_restrict() {
    let mut db = Db::new();
    db.run(
        "CREATE TABLE node (id INT PRIMARY KEY, up INT, \
         FOREIGN KEY (up) REFERENCES node (id) ON DELETE CASCADE)",
    );
    db.run("INSERT INTO node VALUES (1, NULL), (2, 1), (3, 2), (4, 3), (5, NULL), (6, 5)");
    db.run("DELETE FROM node WHERE id = 2");
    assert_eq!(ids(&mut db, "SELECT id FROM node ORDER BY id"), [1, 5, 6]);
    // A grandchild table that restricts stops the whole cascade.
    db.run(
        "CREATE TABLE tag (id INT PRIMARY KEY, node INT, FOREIGN KEY (node) REFERENCES node (id))",
    );
    db.run("INSERT INTO tag VALUES (1, 6)");
    assert!(db
        .err("DELETE FROM node WHERE id = 5")
        .starts_with("Cannot delete"));
    assert_eq!(ids(&mut db, "SELECT id FROM node ORDER BY id"), [1, 5, 6]);
    // Deeper than 15 levels is refused, as in MySQL.
    let values: Vec<String> = (100..120)
        .map(|i| {
            alloc::format!(
                "({i}, {})",
                if i == 100 {
                    "NULL".into()
                } else {
                    alloc::format!("{}", i - 1)
                }
            )
        })
        .collect();
    db.run(&alloc::format!(
        "INSERT INTO node VALUES {}",
        values.join(", ")
    ));
    assert!(db
        .err("DELETE FROM node WHERE id = 100")
        .contains("max depth of 15"));
}

#[test]
fn declaring_a_key_checks_its_parent() {
    let mut db = Db::new();
    db.run("CREATE TABLE p (id INT PRIMARY KEY, n INT, b BIGINT, s VARCHAR(5), KEY (n))");
    let err = |db: &mut Db, body: &str| {
        db.err(&alloc::format!(
            "CREATE TABLE c (id INT PRIMARY KEY, {body})"
        ))
    };
    assert!(err(&mut db, "x INT, FOREIGN KEY (x) REFERENCES nope (id)")
        .contains("referenced table 'nope'"));
    assert!(
        err(&mut db, "x INT, FOREIGN KEY (x) REFERENCES p (zz)").contains("Missing column 'zz'")
    );
    // The referenced columns must start a key of the parent.
    assert!(err(&mut db, "x BIGINT, FOREIGN KEY (x) REFERENCES p (b)").contains("Missing index"));
    assert!(err(&mut db, "x BIGINT, FOREIGN KEY (x) REFERENCES p (id)").contains("incompatible"));
    // Strings may differ in length; a column's REFERENCES works too, and a key over the
    // column is made (and named after the constraint).
    db.run("CREATE TABLE c (id INT PRIMARY KEY, x INT REFERENCES p (n), y INT, CONSTRAINT k FOREIGN KEY (y) REFERENCES p (ID))");
    let create = db.rows("SHOW CREATE TABLE c");
    let Value::Text(sql) = &create[0][1] else {
        panic!()
    };
    assert_eq!(
        sql,
        "CREATE TABLE `c` (\n  `id` int NOT NULL,\n  `x` int,\n  `y` int,\n  PRIMARY KEY (`id`),\n  \
         KEY `x` (`x`),\n  KEY `k` (`y`),\n  CONSTRAINT `c_ibfk_1` FOREIGN KEY (`x`) REFERENCES \
         `p` (`n`),\n  CONSTRAINT `k` FOREIGN KEY (`y`) REFERENCES `p` (`id`)\n)"
    );
    // SHOW CREATE TABLE's output makes the same table.
    db.run("DROP TABLE c");
    db.run(sql);
    assert_eq!(db.rows("SHOW CREATE TABLE c"), create);
}

#[test]
fn ddl_a_key_needs_is_refused() {
    let mut db = parent_and_child("");
    assert_eq!(
        db.err("DROP TABLE p"),
        "Cannot drop table 'p' referenced by a foreign key constraint 'fk' on table 'c'."
    );
    assert!(db
        .err("ALTER TABLE c DROP COLUMN pid")
        .contains("needed in a foreign key"));
    assert!(db
        .err("ALTER TABLE c DROP INDEX fk")
        .contains("needed in a foreign key"));
    assert!(db
        .err("ALTER TABLE p MODIFY id BIGINT")
        .contains("foreign key constraint 'fk'"));
    assert!(db
        .err("ALTER TABLE p RENAME COLUMN id TO pk")
        .contains("foreign key constraint 'fk'"));
    // Renaming the parent carries the key along; dropping both together is fine.
    db.run("RENAME TABLE p TO q");
    db.run("ALTER TABLE q RENAME TO r");
    assert!(db
        .err("INSERT INTO c VALUES (20, 9)")
        .contains("REFERENCES `r` (`id`)"));
    db.run("ALTER TABLE c DROP FOREIGN KEY fk");
    db.run("INSERT INTO c VALUES (20, 9)");
    // Adding a key checks the rows there are.
    let err = db.err("ALTER TABLE c ADD CONSTRAINT fk2 FOREIGN KEY (pid) REFERENCES r (id)");
    assert!(err.starts_with("Cannot add or update a child row"), "{err}");
    db.run("DELETE FROM c WHERE id = 20");
    db.run("ALTER TABLE c ADD CONSTRAINT fk2 FOREIGN KEY (pid) REFERENCES r (id)");
    db.run("DROP TABLE c, r");
}

#[test]
fn a_composite_key_through_a_secondary_index() {
    let mut db = Db::new();
    db.run("CREATE TABLE p (id INT PRIMARY KEY, a INT, b VARCHAR(5), UNIQUE KEY ab (a, b))");
    db.run(
        "CREATE TABLE c (id INT PRIMARY KEY, a INT, b VARCHAR(5), \
         FOREIGN KEY (a, b) REFERENCES p (a, b) ON DELETE CASCADE)",
    );
    db.run("INSERT INTO p VALUES (1, 1, 'x'), (2, 1, 'y')");
    db.run("INSERT INTO c VALUES (1, 1, 'x'), (2, 1, 'y'), (3, 1, NULL), (4, 2, NULL)");
    assert!(db
        .err("INSERT INTO c VALUES (5, 1, 'z')")
        .starts_with("Cannot add"));
    db.run("DELETE FROM p WHERE id = 1");
    assert_eq!(ids(&mut db, "SELECT id FROM c ORDER BY id"), [2, 3, 4]);
}

#[test]
fn a_keyless_child_table_follows_its_keys() {
    let mut db = Db::new();
    db.run("CREATE TABLE p (id INT PRIMARY KEY)");
    db.run(
        "CREATE TABLE n (pid INT, note TEXT, FOREIGN KEY (pid) REFERENCES p (id) ON DELETE SET NULL)",
    );
    db.run("CREATE TABLE d (pid INT, FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE)");
    db.run("INSERT INTO p VALUES (1), (2)");
    db.run("INSERT INTO n VALUES (1, 'a'), (1, 'a'), (2, 'b')");
    db.run("INSERT INTO d VALUES (1), (1), (2)");
    assert!(db.err("INSERT INTO d VALUES (3)").starts_with("Cannot add"));
    db.run("DELETE FROM p WHERE id = 1");
    assert_eq!(
        super::tests::lines(&db.rows("SELECT pid, note FROM n ORDER BY note")),
        ["NULL|a", "NULL|a", "2|b"]
    );
    assert_eq!(ids(&mut db, "SELECT pid FROM d"), [2]);
}

#[test]
fn a_check_over_a_column_a_key_action_writes_is_refused() {
    let mut db = Db::new();
    db.run("CREATE TABLE p (id INT PRIMARY KEY)");
    let refused =
        "Column 'pid' cannot be used in a check constraint 'ck': needed in a foreign key \
                   constraint 'fk' referential action.";
    for action in [
        "ON UPDATE CASCADE",
        "ON UPDATE SET NULL",
        "ON DELETE SET NULL",
    ] {
        assert_eq!(
            db.err(&alloc::format!(
                "CREATE TABLE c (id INT PRIMARY KEY, pid INT, CONSTRAINT ck CHECK (pid > 0), \
                 CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id) {action})"
            )),
            refused,
            "{action}"
        );
    }
    // Either way round: a check added to a key's column, or an action to a checked column.
    db.run(
        "CREATE TABLE c (id INT PRIMARY KEY, pid INT, n INT, CONSTRAINT ck CHECK (pid > 0), \
         CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE ON UPDATE RESTRICT)",
    );
    db.run("ALTER TABLE c DROP FOREIGN KEY fk");
    assert!(db
        .err(
            "ALTER TABLE c ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id) ON UPDATE CASCADE"
        )
        .ends_with(refused));
    db.run("ALTER TABLE c DROP CONSTRAINT ck");
    db.run("ALTER TABLE c ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id) ON UPDATE CASCADE");
    assert!(db
        .err("ALTER TABLE c ADD CONSTRAINT ck CHECK (pid + n > 0)")
        .ends_with(refused));
    // A check over the other columns stays.
    db.run("ALTER TABLE c ADD CONSTRAINT ck CHECK (n > 0)");
}
