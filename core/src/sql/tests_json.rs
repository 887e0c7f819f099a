//! JSON functions and `->`/`->>`, compared with what MySQL 8 answers.

use alloc::string::String;
use alloc::vec::Vec;

use super::tests::{lines, Db};

fn one(db: &mut Db, sql: &str) -> String {
    let rows = db.rows(sql);
    lines(&rows).join("\n")
}

#[test]
fn extracting_and_unquoting() {
    let mut db = Db::new();
    db.run("CREATE TABLE d (id INT PRIMARY KEY, doc JSON)");
    db.run(
        r#"INSERT INTO d VALUES (1, '{"name": "Ann", "tags": ["a", "b"], "n": {"x": 1.5}}'), (2, '[1, 2]'), (3, NULL)"#,
    );
    assert_eq!(
        one(&mut db, "SELECT doc->'$.name' FROM d WHERE id = 1"),
        "\"Ann\""
    );
    assert_eq!(
        one(&mut db, "SELECT doc->>'$.name' FROM d WHERE id = 1"),
        "Ann"
    );
    assert_eq!(
        one(&mut db, "SELECT doc->>'$.tags[1]' FROM d WHERE id = 1"),
        "b"
    );
    assert_eq!(
        one(&mut db, "SELECT doc->'$.tags' FROM d WHERE id = 1"),
        "[\"a\", \"b\"]"
    );
    assert_eq!(
        one(&mut db, "SELECT doc->'$.n.x' FROM d WHERE id = 1"),
        "1.5"
    );
    assert_eq!(
        one(&mut db, "SELECT doc->'$.\"name\"' FROM d WHERE id = 1"),
        "\"Ann\""
    );
    // Nothing there, and a NULL document, are NULL.
    assert_eq!(
        one(
            &mut db,
            "SELECT doc->'$.none', doc->'$[5]' FROM d WHERE id = 1"
        ),
        "NULL|NULL"
    );
    assert_eq!(
        one(&mut db, "SELECT doc->'$.name' FROM d WHERE id = 3"),
        "NULL"
    );
    // A scalar reads as an array of itself at [0]; several paths give an array.
    assert_eq!(
        one(
            &mut db,
            "SELECT JSON_EXTRACT(doc, '$[0]', '$[1]', '$[9]') FROM d WHERE id = 2"
        ),
        "[1, 2]"
    );
    assert_eq!(one(&mut db, "SELECT JSON_EXTRACT('7', '$[0]')"), "7");
    // In a WHERE, as people use it.
    assert_eq!(
        one(&mut db, "SELECT id FROM d WHERE doc->>'$.name' = 'Ann'"),
        "1"
    );
    assert_eq!(
        one(
            &mut db,
            r#"SELECT JSON_UNQUOTE('"a\\tb"'), JSON_UNQUOTE('[1]')"#
        ),
        "a\tb|[1]"
    );
}

#[test]
fn building_and_describing() {
    let mut db = Db::new();
    // Keys shortest first, then bytewise; a key given twice keeps its last value.
    assert_eq!(
        one(
            &mut db,
            "SELECT JSON_OBJECT('bb', 1, 'a', 'x', 'c', NULL, 'a', 2.5)"
        ),
        "{\"a\": 2.5, \"c\": null, \"bb\": 1}"
    );
    assert_eq!(
        one(
            &mut db,
            "SELECT JSON_ARRAY(1, 'two', NULL, TRUE, '{\"a\":1}')"
        ),
        "[1, \"two\", null, true, \"{\\\"a\\\":1}\"]"
    );
    // JSON a function gives is embedded as JSON, not as a string.
    assert_eq!(
        one(&mut db, "SELECT JSON_OBJECT('k', JSON_ARRAY(1, NULL), 'e', JSON_EXTRACT('{\"a\": [2]}', '$.a'), 'k2', JSON_KEYS('{\"z\": 0}'))"),
        "{\"e\": [2], \"k\": [1, null], \"k2\": [\"z\"]}"
    );
    assert_eq!(
        one(&mut db, "SELECT JSON_ARRAY(JSON_OBJECT('a', 1), '[1]')"),
        "[{\"a\": 1}, \"[1]\"]"
    );
    assert_eq!(
        one(&mut db, "SELECT JSON_TYPE('{}'), JSON_TYPE('[]'), JSON_TYPE('1'), JSON_TYPE('1.5'), JSON_TYPE('\"s\"'), JSON_TYPE('null'), JSON_TYPE('true')"),
        "OBJECT|ARRAY|INTEGER|DOUBLE|STRING|NULL|BOOLEAN"
    );
    assert_eq!(
        one(&mut db, "SELECT JSON_LENGTH('[1, [2, 3]]'), JSON_LENGTH('[1, [2, 3]]', '$[1]'), JSON_LENGTH('{\"a\": 1}'), JSON_LENGTH('5')"),
        "2|2|1|1"
    );
    assert_eq!(
        one(
            &mut db,
            "SELECT JSON_KEYS('{\"bb\": 1, \"a\": {\"c\": 2}}')"
        ),
        "[\"a\", \"bb\"]"
    );
    assert_eq!(
        one(
            &mut db,
            "SELECT JSON_KEYS('{\"a\": {\"c\": 2}}', '$.a'), JSON_KEYS('[1]')"
        ),
        "[\"c\"]|NULL"
    );
    assert_eq!(
        one(
            &mut db,
            "SELECT JSON_VALID('{\"a\": 1}'), JSON_VALID('{a}'), JSON_VALID(NULL)"
        ),
        "1|0|NULL"
    );
}

#[test]
fn bad_documents_and_paths_are_errors() {
    let mut db = Db::new();
    let errors: Vec<String> = [
        "SELECT JSON_EXTRACT('{a}', '$.a')",
        "SELECT JSON_EXTRACT('{}', 'a')",
        "SELECT JSON_EXTRACT('{}', '$.*')",
        "SELECT JSON_EXTRACT('{}', '$[x]')",
        "SELECT JSON_EXTRACT('{}', '$.\"open')",
        "SELECT JSON_OBJECT('a')",
        "SELECT JSON_OBJECT(NULL, 1)",
        "SELECT JSON_EXTRACT(x'00', '$')",
    ]
    .iter()
    .map(|sql| db.err(sql))
    .collect();
    assert!(
        errors[0].contains("invalid JSON text in argument 1 to function json_extract"),
        "{errors:?}"
    );
    for e in &errors[1..5] {
        assert!(e.contains("invalid JSON path expression"), "{e}");
    }
    assert!(
        errors[5].contains("incorrect parameter count"),
        "{errors:?}"
    );
    assert!(errors[6].contains("NULL member names"), "{errors:?}");
    assert!(
        errors[7].contains("invalid data type for JSON data"),
        "{errors:?}"
    );
}
