//! JSON_TABLE in FROM: the examples of MySQL 8.0's manual with the results it prints
//! (https://dev.mysql.com/doc/refman/8.0/en/json-table-functions.html), and the rest of what
//! MySQL does with it.

use alloc::string::String;
use alloc::vec::Vec;

use pollster::block_on;

use super::tests::{lines, Db};
use crate::db::value::Value;
use crate::sql::{execute_with, Params};

fn all(db: &mut Db, sql: &str) -> String {
    lines(&db.rows(sql)).join("\n")
}

#[test]
fn the_manuals_examples() {
    let mut db = Db::new();
    // A JSON null is NULL, not a missing value.
    assert_eq!(
        all(
            &mut db,
            "SELECT * FROM JSON_TABLE('[ {\"c1\": null} ]', '$[*]' \
             COLUMNS( c1 INT PATH '$.c1' ERROR ON ERROR )) as jt"
        ),
        "NULL"
    );
    assert_eq!(
        all(
            &mut db,
            r#"SELECT * FROM JSON_TABLE(
                 '[{"a":"3"},{"a":2},{"b":1},{"a":0},{"a":[1,2]}]',
                 "$[*]"
                 COLUMNS(
                   rowid FOR ORDINALITY,
                   ac VARCHAR(100) PATH "$.a" DEFAULT '111' ON EMPTY DEFAULT '999' ON ERROR,
                   aj JSON PATH "$.a" DEFAULT '{"x": 333}' ON EMPTY,
                   bx INT EXISTS PATH "$.b"
                 )
               ) AS tt"#
        ),
        "1|3|\"3\"|0\n2|2|2|0\n3|111|{\"x\": 333}|1\n4|0|0|0\n5|999|[1, 2]|0"
    );
    for (path, mysql) in [("$[*]", "2|8\n3|7\n4|6"), ("$[1]", "3|7")] {
        let sql = alloc::format!(
            r#"SELECT * FROM JSON_TABLE(
                 '[{{"x":2,"y":"8"}},{{"x":"3","y":"7"}},{{"x":"4","y":6}}]',
                 "{path}" COLUMNS(xval VARCHAR(100) PATH "$.x", yval VARCHAR(100) PATH "$.y")
               ) AS jt1"#
        );
        assert_eq!(all(&mut db, &sql), mysql, "{path}");
    }
    assert_eq!(
        all(
            &mut db,
            r#"SELECT * FROM JSON_TABLE(
                 '[ {"a": 1, "b": [11,111]}, {"a": 2, "b": [22,222]}, {"a":3}]',
                 '$[*]' COLUMNS(
                   a INT PATH '$.a',
                   NESTED PATH '$.b[*]' COLUMNS (b INT PATH '$')
                 )
               ) AS jt
               WHERE b IS NOT NULL"#
        ),
        "1|11\n1|111\n2|22\n2|222"
    );
    // Sibling nested paths give their rows in turn.
    assert_eq!(
        all(
            &mut db,
            r#"SELECT * FROM JSON_TABLE(
                 '[{"a": 1, "b": [11,111]}, {"a": 2, "b": [22,222]}]',
                 '$[*]' COLUMNS(
                   a INT PATH '$.a',
                   NESTED PATH '$.b[*]' COLUMNS (b1 INT PATH '$'),
                   NESTED PATH '$.b[*]' COLUMNS (b2 INT PATH '$')
                 )
               ) AS jt"#
        ),
        "1|11|NULL\n1|111|NULL\n1|NULL|11\n1|NULL|111\n\
         2|22|NULL\n2|222|NULL\n2|NULL|22\n2|NULL|222"
    );
    // An ordinality per nested path, counted within its parent.
    assert_eq!(
        all(
            &mut db,
            r#"SELECT * FROM JSON_TABLE(
                 '[{"a": "a_val", "b": [{"c": "c_val", "l": [1,2]}]},
                   {"a": "a_val", "b": [{"c": "c_val","l": [11]}, {"c": "c_val", "l": [22]}]}]',
                 '$[*]' COLUMNS(
                   top_ord FOR ORDINALITY,
                   apath VARCHAR(10) PATH '$.a',
                   NESTED PATH '$.b[*]' COLUMNS (
                     bpath VARCHAR(10) PATH '$.c',
                     ord FOR ORDINALITY,
                     NESTED PATH '$.l[*]' COLUMNS (lpath varchar(10) PATH '$')
                   )
                 )
               ) as jt"#
        ),
        "1|a_val|c_val|1|1\n1|a_val|c_val|1|2\n2|a_val|c_val|1|11\n2|a_val|c_val|2|22"
    );
}

#[test]
fn on_empty_and_on_error() {
    let mut db = Db::new();
    let doc = r#"'[{"a": 7}, {"b": 1}, {"a": "x"}, {"a": [1]}, {"a": 300}]'"#;
    let query = |clauses: &str| {
        alloc::format!(
            "SELECT a FROM JSON_TABLE({doc}, '$[*]' COLUMNS (a TINYINT PATH '$.a' {clauses})) AS t"
        )
    };
    // NULL by default: missing, not a number, an array, out of TINYINT's range.
    assert_eq!(all(&mut db, &query("")), "7\nNULL\nNULL\nNULL\nNULL");
    assert_eq!(
        all(
            &mut db,
            &query("DEFAULT '-1' ON EMPTY DEFAULT '-2' ON ERROR")
        ),
        "7\n-1\n-2\n-2\n-2"
    );
    assert_eq!(
        all(&mut db, &query("NULL ON EMPTY DEFAULT '0' ON ERROR")),
        "7\nNULL\n0\n0\n0"
    );
    let e = db.err(&query("ERROR ON EMPTY"));
    assert!(e.contains("missing value for JSON_TABLE column 'a'"), "{e}");
    let e = db.err(&query("ERROR ON ERROR"));
    assert!(e.contains("JSON_TABLE column 'a'"), "{e}");
    let e = db.err(
        "SELECT * FROM JSON_TABLE('[[1]]', '$[*]' COLUMNS (a INT PATH '$' ERROR ON ERROR)) AS t",
    );
    assert!(e.contains("array or an object"), "{e}");
    // A path that finds several values is an error too.
    assert_eq!(
        all(
            &mut db,
            "SELECT * FROM JSON_TABLE('[[1, 2]]', '$[*]' \
             COLUMNS (a INT PATH '$[*]' DEFAULT '5' ON ERROR)) AS t"
        ),
        "5"
    );
    // A default is JSON converted to the column's type, checked before any row.
    let e = db.err("SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS (a INT PATH '$.x' DEFAULT 'abc' ON EMPTY)) AS t");
    assert!(
        e.contains(
            "invalid JSON text in the DEFAULT of JSON_TABLE column 'a' \
             (a string default is written '\"text\"'): "
        ),
        "{e}"
    );
    let e = db.err("SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS (a INT PATH '$.x' DEFAULT '\"abc\"' ON EMPTY)) AS t");
    assert!(e.contains("JSON_TABLE column 'a'"), "{e}");
}

#[test]
fn types_ordinality_and_exists() {
    let mut db = Db::new();
    assert_eq!(
        all(
            &mut db,
            r#"SELECT * FROM JSON_TABLE(
                 '[{"d": "2024-02-29", "n": "1.25", "b": true, "s": false},
                   {"d": "2024-13-01", "n": 2, "b": false}]',
                 '$[*]' COLUMNS (
                   i FOR ORDINALITY,
                   d DATE PATH '$.d',
                   n DECIMAL(5,2) PATH '$.n',
                   f DOUBLE PATH '$.n',
                   b INT PATH '$.b',
                   s VARCHAR(10) PATH '$.s',
                   has_s INT EXISTS PATH '$.s',
                   has_s_text VARCHAR(3) EXISTS PATH '$.s'
                 )
               ) AS t"#
        ),
        "1|2024-02-29|1.25|1.25|1|false|1|1\n2|NULL|2.00|2|0|NULL|0|0"
    );
    // VARCHAR(n) takes no longer text.
    assert_eq!(
        all(
            &mut db,
            r#"SELECT * FROM JSON_TABLE('["abc", "abcdef"]', '$[*]' COLUMNS (s VARCHAR(4) PATH '$')) AS t"#
        ),
        "abc\nNULL"
    );
    // `$` over an object is one row; `.*` a row per member.
    assert_eq!(
        all(
            &mut db,
            r#"SELECT * FROM JSON_TABLE('{"a": 1, "b": 2}', '$' COLUMNS (a INT PATH '$.a', b INT PATH '$.b')) AS t"#
        ),
        "1|2"
    );
    assert_eq!(
        all(
            &mut db,
            r#"SELECT v FROM JSON_TABLE('{"a": 1, "bb": 2}', '$.*' COLUMNS (v INT PATH '$')) AS t"#
        ),
        "1\n2"
    );
    // Nothing found, and a NULL document, give no rows.
    assert_eq!(
        all(
            &mut db,
            "SELECT COUNT(*) FROM JSON_TABLE('[]', '$[*]' COLUMNS (v INT PATH '$')) AS t"
        ),
        "0"
    );
    assert_eq!(
        all(
            &mut db,
            "SELECT COUNT(*) FROM JSON_TABLE(NULL, '$[*]' COLUMNS (v INT PATH '$')) AS t"
        ),
        "0"
    );
}

#[test]
fn documents_from_variables_parameters_and_functions() {
    let mut db = Db::new();
    db.run("SET @doc = '[10, 20, 30]'");
    assert_eq!(
        all(
            &mut db,
            "SELECT SUM(v) FROM JSON_TABLE(@doc, '$[*]' COLUMNS (v INT PATH '$')) t"
        ),
        "60"
    );
    assert_eq!(
        all(
            &mut db,
            "SELECT v FROM JSON_TABLE(JSON_ARRAY(1, 2), '$[*]' COLUMNS (v INT PATH '$')) t"
        ),
        "1\n2"
    );
    let got = block_on(execute_with(
        &mut db.store,
        &mut db.root,
        "SELECT v FROM JSON_TABLE(?, '$[*]' COLUMNS (v INT PATH '$')) AS t ORDER BY v DESC",
        &Params::Positional(alloc::vec![Value::Text("[3, 1, 2]".into())]),
    ))
    .unwrap();
    assert_eq!(lines(&got[0].rows), ["3", "2", "1"]);
}

fn orders() -> Db {
    let mut db = Db::new();
    db.run("CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(10), items JSON)");
    db.run(
        r#"INSERT INTO orders VALUES
           (1, 'ann', '[{"sku": "a", "qty": 2}, {"sku": "b", "qty": 1}]'),
           (2, 'bob', '[{"sku": "a", "qty": 5}]'),
           (3, 'cy', '[]'),
           (4, 'dee', NULL),
           (5, 'ann', '[{"sku": "c", "qty": 3}]')"#,
    );
    db.run("CREATE TABLE skus (sku VARCHAR(5) PRIMARY KEY, price INT)");
    db.run("INSERT INTO skus VALUES ('a', 10), ('b', 100), ('c', 1)");
    db
}

#[test]
fn lateral_over_a_table() {
    let mut db = orders();
    let columns = "COLUMNS (n FOR ORDINALITY, sku VARCHAR(5) PATH '$.sku', qty INT PATH '$.qty')";
    assert_eq!(
        all(
            &mut db,
            &alloc::format!(
                "SELECT o.id, jt.n, jt.sku, jt.qty FROM orders o, JSON_TABLE(o.items, '$[*]' {columns}) AS jt"
            )
        ),
        "1|1|a|2\n1|2|b|1\n2|1|a|5\n5|1|c|3"
    );
    assert_eq!(
        all(
            &mut db,
            &alloc::format!(
                "SELECT id, sku FROM orders JOIN JSON_TABLE(items, '$[*]' {columns}) jt ON jt.qty > 1"
            )
        ),
        "1|a\n2|a\n5|c"
    );
    // LEFT JOIN ... ON TRUE keeps the orders without items.
    assert_eq!(
        all(
            &mut db,
            &alloc::format!(
                "SELECT id, sku FROM orders LEFT JOIN JSON_TABLE(items, '$[*]' {columns}) jt ON TRUE \
                 ORDER BY id DESC, sku"
            )
        ),
        "5|c\n4|NULL\n3|NULL\n2|a\n1|a\n1|b"
    );
    // Joined on to another table, grouped, filtered and ordered.
    assert_eq!(
        all(
            &mut db,
            &alloc::format!(
                "SELECT o.customer, SUM(jt.qty * s.price) AS total \
                 FROM orders o CROSS JOIN JSON_TABLE(o.items, '$[*]' {columns}) jt \
                 JOIN skus s ON s.sku = jt.sku \
                 WHERE jt.qty >= 1 GROUP BY o.customer ORDER BY total DESC"
            )
        ),
        "ann|123\nbob|50"
    );
    // In a subquery, over the row of the query around.
    assert_eq!(
        all(
            &mut db,
            "SELECT id, (SELECT COUNT(*) FROM JSON_TABLE(o.items, '$[*]' \
             COLUMNS (q INT PATH '$.qty')) jt) FROM orders o ORDER BY id"
        ),
        "1|2\n2|1\n3|0\n4|0\n5|1"
    );
    // A document that reads the row before it only in a subquery is lateral too.
    assert_eq!(
        all(
            &mut db,
            "SELECT o.id, jt.sku FROM orders o, JSON_TABLE((SELECT o.items), '$[*]' \
             COLUMNS (sku VARCHAR(5) PATH '$.sku')) jt"
        ),
        "1|a\n1|b\n2|a\n5|c"
    );
    // One that reads no row is read once, though RAND(3) gives a new value at each reading.
    assert_eq!(
        all(
            &mut db,
            "SELECT COUNT(*), COUNT(DISTINCT jt.r) FROM orders o, \
             JSON_TABLE(JSON_ARRAY(RAND(3)), '$[*]' COLUMNS (r DOUBLE PATH '$')) jt"
        ),
        "5|1"
    );
}

#[test]
fn invalid_inputs() {
    let mut db = orders();
    let cases: Vec<(&str, &str)> = alloc::vec![
        // Not JSON, as a constant and in a row.
        (
            "SELECT * FROM JSON_TABLE('[1', '$[*]' COLUMNS (v INT PATH '$')) t",
            "invalid JSON text in argument 1 to function json_table",
        ),
        // A bad path, of the rows and of a column.
        (
            "SELECT * FROM JSON_TABLE('[1]', 'x[*]' COLUMNS (v INT PATH '$')) t",
            "invalid JSON path expression 'x[*]'",
        ),
        (
            "SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS (v INT PATH '$.')) t",
            "invalid JSON path expression '$.'",
        ),
        (
            "SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS (v INT PATH '$', V INT PATH '$')) t",
            "duplicate column name 'V'",
        ),
        (
            "SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS (v INT PATH '$'))",
            "JSON_TABLE without an alias",
        ),
        (
            "SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS (v SET('a') PATH '$')) t",
            "column type",
        ),
        (
            "SELECT * FROM JSON_TABLE(nosuch, '$[*]' COLUMNS (v INT PATH '$')) t",
            "nosuch",
        ),
        (
            "SELECT * FROM skus RIGHT JOIN JSON_TABLE(skus.sku, '$' COLUMNS (v INT PATH '$')) t ON TRUE",
            "use JOIN or LEFT JOIN",
        ),
        (
            "SELECT * FROM JSON_TABLE(o.items, '$[*]' COLUMNS (v INT PATH '$')) t, orders o",
            "o.items",
        ),
    ];
    for (sql, wanted) in cases {
        let e = db.err(sql);
        assert!(e.contains(wanted), "{sql}: {e}");
    }
    db.run("INSERT INTO orders VALUES (6, 'eve', '\"not an array\"')");
    db.run("CREATE TABLE texts (id INT PRIMARY KEY, t TEXT)");
    db.run("INSERT INTO texts VALUES (1, '[1]'), (2, '{oops')");
    let e = db.err("SELECT * FROM texts, JSON_TABLE(t, '$[*]' COLUMNS (v INT PATH '$')) j");
    assert!(e.contains("invalid JSON text"), "{e}");
    // A scalar reads as an array of itself at [0], but `[*]` finds nothing in it (and an
    // object is no VARCHAR: NULL ON ERROR).
    assert_eq!(
        all(
            &mut db,
            "SELECT id, v FROM orders, JSON_TABLE(items, '$[0]' COLUMNS (v VARCHAR(20) PATH '$')) j \
             WHERE id > 4"
        ),
        "5|NULL\n6|not an array"
    );
    assert_eq!(
        all(
            &mut db,
            "SELECT v FROM orders, JSON_TABLE(items, '$[*]' COLUMNS (v VARCHAR(20) PATH '$')) j \
             WHERE id = 6"
        ),
        ""
    );
}

#[test]
fn many_nested_rows() {
    let mut db = Db::new();
    // A row per nested value (the rows a document gives are bounded as any result is).
    db.run("SET @d = CONCAT('[', REPEAT('[1,2,3,4,5,6,7,8,9,10],', 999), '[1]]')");
    assert_eq!(
        all(
            &mut db,
            "SELECT COUNT(*) FROM JSON_TABLE(@d, '$[*]' COLUMNS (NESTED PATH '$[*]' COLUMNS (v INT PATH '$'))) t"
        ),
        "9991"
    );
}

#[test]
fn in_writes_subqueries_and_explain() {
    let mut db = orders();
    db.run("CREATE TABLE lines (id INT, sku VARCHAR(5), PRIMARY KEY (id, sku))");
    db.run(
        "INSERT INTO lines SELECT o.id, jt.sku FROM orders o, \
         JSON_TABLE(o.items, '$[*]' COLUMNS (sku VARCHAR(5) PATH '$.sku')) jt",
    );
    assert_eq!(all(&mut db, "SELECT * FROM lines"), "1|a\n1|b\n2|a\n5|c");
    db.run(
        "UPDATE skus SET price = price + 1 WHERE sku IN \
         (SELECT s FROM JSON_TABLE('[\"a\", \"c\"]', '$[*]' COLUMNS (s VARCHAR(5) PATH '$')) j)",
    );
    assert_eq!(all(&mut db, "SELECT * FROM skus"), "a|11\nb|100\nc|2");
    assert_eq!(
        all(
            &mut db,
            "SELECT id FROM orders o WHERE EXISTS (SELECT 1 FROM JSON_TABLE(o.items, '$[*]' \
             COLUMNS (s VARCHAR(5) PATH '$.sku')) j WHERE s = 'a')"
        ),
        "1\n2"
    );
    assert_eq!(
        all(
            &mut db,
            "WITH x AS (SELECT * FROM JSON_TABLE('[1, 2]', '$[*]' COLUMNS (v INT PATH '$')) j) \
             SELECT * FROM x JOIN JSON_TABLE('[2, 3]', '$[*]' COLUMNS (v INT PATH '$')) y USING (v)"
        ),
        "2",
        "USING gives its column once"
    );
    let plan = all(
        &mut db,
        "EXPLAIN SELECT * FROM orders o, JSON_TABLE(o.items, '$[*]' COLUMNS (s INT PATH '$')) jt",
    );
    assert!(plan.contains("|jt|"), "{plan}");
}
