//! JSON functions and `->`/`->>`, compared with what MySQL 8 answers.

use alloc::string::String;
use alloc::vec::Vec;

use super::tests::{answers, lines, Db};

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
        "SELECT JSON_EXTRACT('{}', '$**')",
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

#[test]
fn wildcards_ranges_and_last() {
    let mut db = Db::new();
    let cases = [
        (
            r#"JSON_EXTRACT('{"a": 1, "b": 2, "c": [3, 4, 5]}', '$.*')"#,
            "[1, 2, [3, 4, 5]]",
        ),
        (
            r#"JSON_EXTRACT('{"a": 1, "b": 2, "c": [3, 4, 5]}', '$.c[*]')"#,
            "[3, 4, 5]",
        ),
        (
            r#"JSON_EXTRACT('{"a": {"b": 1}, "c": {"b": 2}}', '$**.b')"#,
            "[1, 2]",
        ),
        (
            r#"JSON_EXTRACT('[10, 20, [30, 40]]', '$[2][*]')"#,
            "[30, 40]",
        ),
        ("JSON_EXTRACT('[1, 2, 3, 4, 5]', '$[1 to 3]')", "[2, 3, 4]"),
        (
            "JSON_EXTRACT('[1, 2, 3, 4, 5]', '$[last-3 to last-1]')",
            "[2, 3, 4]",
        ),
        ("JSON_EXTRACT('[1, 2, 3, 4, 5]', '$[last]')", "5"),
        // One value a wildcard finds is still an array; nothing found is NULL.
        (r#"JSON_EXTRACT('{"a": 1}', '$.*')"#, "[1]"),
        (r#"JSON_EXTRACT('{"a": 1}', '$[*]')"#, "NULL"),
        (r#"JSON_REPLACE('"Sakila"', '$[last]', 10)"#, "10"),
        // Positions past any array (found by reading the code: they overflowed).
        (
            "JSON_EXTRACT('[1, 2]', '$[last - 9223372036854775808]', '$[18446744073709551615]', '$[0 to 18446744073709551615]')",
            "[1, 2]",
        ),
        (
            "JSON_SET('[1]', '$[18446744073709551615]', 2, '$[last - 18446744073709551615]', 3)",
            "[1, 2]",
        ),
        (
            r#"JSON_CONTAINS_PATH('{"a": [{"b": 1}]}', 'one', '$**.b')"#,
            "1",
        ),
    ];
    answers(&mut db, &cases);
}

#[test]
fn editing_documents() {
    let mut db = Db::new();
    let j = r#"'{ "a": 1, "b": [2, 3]}'"#;
    let arrays = r#"'["a", ["b", "c"], "d"]'"#;
    let nested = r#"'["a", {"b": [1, 2]}, [3, 4]]'"#;
    let cases = [
        (
            alloc::format!("JSON_SET({j}, '$.a', 10, '$.c', '[true, false]')"),
            r#"{"a": 10, "b": [2, 3], "c": "[true, false]"}"#,
        ),
        (
            alloc::format!("JSON_INSERT({j}, '$.a', 10, '$.c', '[true, false]')"),
            r#"{"a": 1, "b": [2, 3], "c": "[true, false]"}"#,
        ),
        (
            alloc::format!("JSON_REPLACE({j}, '$.a', 10, '$.c', '[true, false]')"),
            r#"{"a": 10, "b": [2, 3]}"#,
        ),
        // JSON another function gives is stored as JSON; each pair sees the ones before.
        (
            alloc::format!(
                "JSON_SET({j}, '$.c', JSON_ARRAY(1, NULL), '$.c[5]', 'x', '$.b[0]', NULL)"
            ),
            r#"{"a": 1, "b": [null, 3], "c": [1, null, "x"]}"#,
        ),
        // A value that is not an array becomes one to take a cell after it.
        (r#"JSON_SET('"x"', '$[0]', 'a')"#.into(), r#""a""#),
        (r#"JSON_SET('"x"', '$[2]', 'y')"#.into(), r#"["x", "y"]"#),
        (
            r#"JSON_SET('{"a": 10}', '$[1]', 'y')"#.into(),
            r#"[{"a": 10}, "y"]"#,
        ),
        // A parent that is not there changes nothing; `$` replaces the document.
        (
            alloc::format!("JSON_SET({j}, '$.x.y', 1, '$', '[]')"),
            r#""[]""#,
        ),
        (
            alloc::format!("JSON_INSERT({j}, '$.x.y', 1)"),
            r#"{"a": 1, "b": [2, 3]}"#,
        ),
        (
            alloc::format!("JSON_REMOVE({arrays}, '$[1]')"),
            r#"["a", "d"]"#,
        ),
        (
            alloc::format!("JSON_REMOVE({j}, '$.b[0]', '$.a', '$.none')"),
            r#"{"b": [3]}"#,
        ),
        (
            alloc::format!("JSON_ARRAY_APPEND({arrays}, '$[1]', 1)"),
            r#"["a", ["b", "c", 1], "d"]"#,
        ),
        (
            alloc::format!("JSON_ARRAY_APPEND({arrays}, '$[0]', 2)"),
            r#"[["a", 2], ["b", "c"], "d"]"#,
        ),
        (
            alloc::format!("JSON_ARRAY_APPEND({arrays}, '$[1][0]', 3)"),
            r#"["a", [["b", 3], "c"], "d"]"#,
        ),
        (
            r#"JSON_ARRAY_APPEND('{"a": 1}', '$', 'z')"#.into(),
            r#"[{"a": 1}, "z"]"#,
        ),
        (
            alloc::format!("JSON_ARRAY_INSERT({nested}, '$[1]', 'x')"),
            r#"["a", "x", {"b": [1, 2]}, [3, 4]]"#,
        ),
        (
            alloc::format!("JSON_ARRAY_INSERT({nested}, '$[100]', 'x')"),
            r#"["a", {"b": [1, 2]}, [3, 4], "x"]"#,
        ),
        (
            alloc::format!("JSON_ARRAY_INSERT({nested}, '$[1].b[0]', 'x')"),
            r#"["a", {"b": ["x", 1, 2]}, [3, 4]]"#,
        ),
        (
            alloc::format!("JSON_ARRAY_INSERT({nested}, '$[0]', 'x', '$[2][1]', 'y')"),
            r#"["x", "a", {"b": [1, 2]}, [3, 4]]"#,
        ),
        // A NULL document or path gives NULL; a NULL value is JSON's null.
        ("JSON_SET(NULL, '$.a', 1)".into(), "NULL"),
        (alloc::format!("JSON_SET({j}, NULL, 1)"), "NULL"),
        (alloc::format!("JSON_REMOVE({j}, NULL)"), "NULL"),
    ];
    answers(&mut db, &cases);
    // On a column, as an UPDATE uses them.
    db.run(r#"CREATE TABLE d (id INT PRIMARY KEY, doc JSON)"#);
    db.run(r#"INSERT INTO d VALUES (1, '{"n": 1, "tags": ["a"]}')"#);
    db.run(r#"UPDATE d SET doc = JSON_ARRAY_APPEND(JSON_SET(doc, '$.n', CAST(doc->>'$.n' AS SIGNED) + 1), '$.tags', 'b')"#);
    assert_eq!(
        one(&mut db, "SELECT doc FROM d"),
        r#"{"n": 2, "tags": ["a", "b"]}"#
    );
}

#[test]
fn searching_merging_and_printing() {
    let mut db = Db::new();
    let j = r#"'{"a": 1, "b": 2, "c": {"d": 4}}'"#;
    let cases = [
        (alloc::format!("JSON_CONTAINS({j}, '1', '$.a'), JSON_CONTAINS({j}, '1', '$.b')"), "1|0"),
        (alloc::format!(r#"JSON_CONTAINS({j}, '{{"d": 4}}', '$.a'), JSON_CONTAINS({j}, '{{"d": 4}}', '$.c')"#), "0|1"),
        (alloc::format!("JSON_CONTAINS({j}, '7', '$.none')"), "NULL"),
        ("JSON_CONTAINS('[1, [2, 3], 4.0]', '[4, 2]'), JSON_CONTAINS('[1, 2]', '[1, 5]'), JSON_CONTAINS('[1, 2]', '2')".into(), "1|0|1"),
        (r#"JSON_CONTAINS('{"a": [1, 2]}', '{"a": 2}'), JSON_CONTAINS('"x"', '"x"'), JSON_CONTAINS('{}', '[]')"#.into(), "1|1|0"),
        (alloc::format!("JSON_CONTAINS_PATH({j}, 'one', '$.a', '$.e'), JSON_CONTAINS_PATH({j}, 'all', '$.a', '$.e')"), "1|0"),
        (alloc::format!("JSON_CONTAINS_PATH({j}, 'one', '$.c.d'), JSON_CONTAINS_PATH({j}, 'ONE', '$.a.d')"), "1|0"),
        (r#"JSON_DEPTH('{}'), JSON_DEPTH('[]'), JSON_DEPTH('true'), JSON_DEPTH('[10, 20]'), JSON_DEPTH('[[], {}]'), JSON_DEPTH('[10, {"a": 20}]')"#.into(), "1|1|1|2|2|3"),
        ("JSON_MERGE_PATCH('[1, 2]', '[true, false]'), JSON_MERGE_PATCH('1', 'true')".into(), "[true, false]|true"),
        (r#"JSON_MERGE_PATCH('{"name": "x"}', '{"id": 47}'), JSON_MERGE_PATCH('[1, 2]', '{"id": 47}')"#.into(), r#"{"id": 47, "name": "x"}|{"id": 47}"#),
        (r#"JSON_MERGE_PATCH('{ "a": 1, "b":2 }','{ "a": 3, "c":4 }', '{ "a": 5, "d":6 }')"#.into(), r#"{"a": 5, "b": 2, "c": 4, "d": 6}"#),
        (r#"JSON_MERGE_PATCH('{"a":1, "b":2}', '{"b":null}'), JSON_MERGE_PATCH('{"a":{"x":1}}', '{"a":{"y":2}}')"#.into(), r#"{"a": 1}|{"a": {"x": 1, "y": 2}}"#),
        ("JSON_MERGE_PRESERVE('[1, 2]', '[true, false]'), JSON_MERGE_PRESERVE('1', 'true')".into(), "[1, 2, true, false]|[1, true]"),
        (r#"JSON_MERGE_PRESERVE('[1, 2]', '{"id": 47}'), JSON_MERGE('{"name": "x"}', '{"id": 47}')"#.into(), r#"[1, 2, {"id": 47}]|{"id": 47, "name": "x"}"#),
        (r#"JSON_MERGE_PRESERVE('{ "a": 1, "b": 2 }', '{ "a": 3, "c": 4 }', '{ "a": 5, "d": 6 }')"#.into(), r#"{"a": [1, 3, 5], "b": 2, "c": 4, "d": 6}"#),
        (r#"JSON_QUOTE('null'), JSON_QUOTE('"null"'), JSON_QUOTE('[1, 2, 3]')"#.into(), r#""null"|"\"null\""|"[1, 2, 3]""#),
        // JSON_QUOTE gives a string, which JSON_ARRAY stores as one.
        ("JSON_ARRAY(JSON_QUOTE('a'))".into(), r#"["\"a\""]"#),
        (r#"17 MEMBER OF('[23, "abc", 17, "ab", 10]'), 'ab' MEMBER OF('[23, "abc", 17, "ab", 10]'), 7 MEMBER OF('[23, "abc"]')"#.into(), "1|1|0"),
        (r#"17.0 MEMBER OF('[17]'), 'ab' MEMBER OF('"ab"'), JSON_ARRAY(4, 5) MEMBER OF('[[3, 4], [4, 5]]'), '[4,5]' MEMBER OF('[[4, 5]]'), NULL MEMBER OF('[1]')"#.into(), "1|1|1|0|NULL"),
        ("JSON_PRETTY('[1,3,5]')".into(), "[\n  1,\n  3,\n  5\n]"),
        (r#"JSON_PRETTY('{"a":"10","b":"15","x":{"y":[]}}')"#.into(), "{\n  \"a\": \"10\",\n  \"b\": \"15\",\n  \"x\": {\n    \"y\": []\n  }\n}"),
    ];
    answers(&mut db, &cases);
}

#[test]
fn paths_the_editing_functions_refuse() {
    let mut db = Db::new();
    for (sql, error) in [
        (
            "SELECT JSON_SET('{}', '$.*', 1)",
            "path expressions may not contain the * and ** tokens",
        ),
        (
            "SELECT JSON_LENGTH('[1]', '$[*]')",
            "path expressions may not contain the * and ** tokens",
        ),
        (
            "SELECT JSON_CONTAINS('[1]', '1', '$[0 to 1]')",
            "path expressions may not contain the * and ** tokens",
        ),
        (
            "SELECT JSON_REMOVE('{}', '$')",
            "the path expression '$' is not allowed",
        ),
        (
            "SELECT JSON_ARRAY_INSERT('[]', '$.a', 1)",
            "not a path to a cell in an array",
        ),
        (
            "SELECT JSON_CONTAINS_PATH('{}', 'some', '$')",
            "may take these values: 'one' or 'all'",
        ),
        ("SELECT JSON_SET('{}', '$.a')", "incorrect parameter count"),
        (
            "SELECT JSON_EXTRACT('[1]', '$[3 to 1]')",
            "invalid JSON path expression",
        ),
        (
            "SELECT JSON_EXTRACT('[1]', '$**')",
            "invalid JSON path expression",
        ),
        (
            "SELECT JSON_EXTRACT('[1]', '$[last+1]')",
            "invalid JSON path expression",
        ),
    ] {
        let e = db.err(sql);
        assert!(e.contains(error), "{sql}: {e}");
    }
    // A path whose `**`s would visit more values than there are atoms is stopped.
    let deep = alloc::format!("{}{}", "[".repeat(100), "]".repeat(100));
    let sql = alloc::format!("SELECT JSON_EXTRACT('{deep}', '${}')", "**[*]".repeat(20));
    assert!(db.err(&sql).contains("visits this many values"));
    let sql = alloc::format!("SELECT JSON_EXTRACT('{deep}', '$**[*]')");
    assert_eq!(one(&mut db, &sql).matches('[').count(), 99 * 100 / 2 + 1);
}

#[test]
fn json_search_as_the_manual_answers() {
    let mut db = Db::new();
    // The manual's document, written where it sets @j.
    let j = r#"'["abc", [{"k": "10"}, "def"], {"x":"abc"}, {"y":"bcd"}]'"#;
    let cases: Vec<(String, &str)> = [
        ("'one', 'abc'", r#""$[0]""#),
        ("'all', 'abc'", r#"["$[0]", "$[2].x"]"#),
        ("'all', 'ghi'", "NULL"),
        ("'all', '10'", r#""$[1][0].k""#),
        ("'all', '10', NULL, '$'", r#""$[1][0].k""#),
        ("'all', '10', NULL, '$[*]'", r#""$[1][0].k""#),
        ("'all', '10', NULL, '$**.k'", r#""$[1][0].k""#),
        ("'all', '10', NULL, '$[*][0].k'", r#""$[1][0].k""#),
        ("'all', '10', NULL, '$[1]'", r#""$[1][0].k""#),
        ("'all', '10', NULL, '$[1][0]'", r#""$[1][0].k""#),
        ("'all', 'abc', NULL, '$[2]'", r#""$[2].x""#),
        ("'all', '%a%'", r#"["$[0]", "$[2].x"]"#),
        ("'all', '%b%'", r#"["$[0]", "$[2].x", "$[3].y"]"#),
        ("'all', '%b%', NULL, '$[0]'", r#""$[0]""#),
        ("'all', '%b%', NULL, '$[2]'", r#""$[2].x""#),
        ("'all', '%b%', NULL, '$[1]'", "NULL"),
        ("'all', '%b%', '', '$[1]'", "NULL"),
        ("'all', '%b%', '', '$[3]'", r#""$[3].y""#),
        // Paths that overlap find a string once; a NULL path is NULL.
        (
            "'all', '%b%', NULL, '$[*]', '$[2]'",
            r#"["$[0]", "$[2].x", "$[3].y"]"#,
        ),
        ("'all', 'abc', NULL, '$', NULL", "NULL"),
    ]
    .into_iter()
    .map(|(rest, mysql)| (alloc::format!("JSON_SEARCH({j}, {rest})"), mysql))
    .collect();
    answers(&mut db, &cases);
    answers(
        &mut db,
        &[
            // Only strings match; an escape character; keys MySQL quotes in a path.
            (r#"JSON_SEARCH('[10, "10"]', 'all', '10')"#, r#""$[1]""#),
            (
                r#"JSON_SEARCH('["a%c", "abc"]', 'all', 'a|%c', '|')"#,
                r#""$[0]""#,
            ),
            (
                r#"JSON_SEARCH('["a_c", "abc"]', 'all', 'a_c')"#,
                r#"["$[0]", "$[1]"]"#,
            ),
            (
                r#"JSON_SEARCH('{"a b": "x", "c": ["x"]}', 'all', 'x')"#,
                r#"["$.c[0]", "$.\"a b\""]"#,
            ),
            (r#"JSON_SEARCH('"abc"', 'one', 'a%')"#, r#""$""#),
            (
                "JSON_SEARCH(NULL, 'one', 'a'), JSON_SEARCH('[\"a\"]', 'one', NULL)",
                "NULL|NULL",
            ),
        ],
    );
    for (sql, error) in [
        ("SELECT JSON_SEARCH('[]', 'some', 'a')", "'one' or 'all'"),
        (
            "SELECT JSON_SEARCH('[]', 'one', 'a', 'ab')",
            "incorrect arguments to ESCAPE",
        ),
        (
            "SELECT JSON_SEARCH('[]', 'one', 'a', NULL, '$[')",
            "invalid JSON path expression",
        ),
        ("SELECT JSON_SEARCH('[', 'one', 'a')", "invalid JSON text"),
        (
            "SELECT JSON_SEARCH('[]', 'one')",
            "incorrect parameter count",
        ),
    ] {
        let e = db.err(sql);
        assert!(e.contains(error), "{sql}: {e}");
    }
    // A search stops where JSON_EXTRACT's would.
    let deep = alloc::format!("{}{}", "[".repeat(100), "]".repeat(100));
    let sql = alloc::format!(
        "SELECT JSON_SEARCH('{deep}', 'all', 'a', NULL, '${}')",
        "**[*]".repeat(20)
    );
    assert!(db.err(&sql).contains("visits this many values"));
}

#[test]
fn json_value_and_json_overlaps_as_the_manual_answers() {
    let mut db = Db::new();
    answers(
        &mut db,
        &[
            (
                r#"JSON_VALUE('{"fname": "Joe", "lname": "Palmer"}', '$.fname')"#,
                "Joe",
            ),
            (
                r#"JSON_VALUE('{"item": "shoes", "price": "49.95"}', '$.price' RETURNING DECIMAL(4,2))"#,
                "49.95",
            ),
            // Scalars as text; JSON's null, nothing there, and an object are NULL (NULL ON
            // EMPTY and NULL ON ERROR, MySQL's defaults), as is a value RETURNING cannot take.
            (
                r#"JSON_VALUE('{"a": 1.5, "b": true, "c": null}', '$.a'), JSON_VALUE('{"b": true}', '$.b')"#,
                "1.5|true",
            ),
            (
                r#"JSON_VALUE('{"c": null}', '$.c'), JSON_VALUE('{"c": 1}', '$.d'), JSON_VALUE('{"c": 1}', '$')"#,
                "NULL|NULL|NULL",
            ),
            (
                r#"JSON_VALUE('{"n": "abc"}', '$.n' RETURNING SIGNED), JSON_VALUE('[7]', '$[0]' RETURNING UNSIGNED)"#,
                "NULL|7",
            ),
            (
                r#"JSON_VALUE('{"d": "2024-02-29"}', '$.d' RETURNING DATE), JSON_VALUE('[true]', '$[0]' RETURNING SIGNED)"#,
                "2024-02-29|1",
            ),
            ("JSON_VALUE(NULL, '$'), JSON_VALUE('[1]', NULL)", "NULL|NULL"),
            // The manual's JSON_OVERLAPS examples.
            (
                r#"JSON_OVERLAPS("[1,3,5,7]", "[2,5,7]"), JSON_OVERLAPS("[1,3,5,7]", "[2,6,7]"), JSON_OVERLAPS("[1,3,5,7]", "[2,6,8]")"#,
                "1|1|0",
            ),
            (
                "JSON_OVERLAPS('[[1,2],[3,4],5]', '[1,[2,3],[4,5]]'), JSON_OVERLAPS('[[1,2],[3,4],5]', '[5]'), JSON_OVERLAPS('[4,5,6,7]', '6')",
                "0|1|1",
            ),
            (
                r#"JSON_OVERLAPS('{"a":1,"b":10,"d":10}', '{"c":1,"e":10,"f":1,"d":10}'), JSON_OVERLAPS('{"a":1,"b":10,"d":10}', '{"a":5,"e":10,"f":1,"d":20}')"#,
                "1|0",
            ),
            (
                r#"JSON_OVERLAPS('5', '5'), JSON_OVERLAPS('5', '6'), JSON_OVERLAPS('[4,5,"6",7]', '6'), JSON_OVERLAPS('[4,5,6,7]', '"6"')"#,
                "1|0|0|0",
            ),
            // Numbers by value; an object is a cell of an array; an object and a scalar.
            (
                r#"JSON_OVERLAPS('[1.0]', '1'), JSON_OVERLAPS('[{"a": 1}]', '{"a": 1}'), JSON_OVERLAPS('{"a": 1}', '1'), JSON_OVERLAPS(NULL, '1')"#,
                "1|1|0|NULL",
            ),
        ],
    );
    for (sql, error) in [
        (
            "SELECT JSON_VALUE('[1, 2]', '$[*]')",
            "may not contain the * and ** tokens",
        ),
        ("SELECT JSON_VALUE('[1', '$')", "invalid JSON text"),
        (
            "SELECT JSON_VALUE('[1]', '$[0]' DEFAULT 1 ON EMPTY)",
            "syntax error",
        ),
        ("SELECT JSON_OVERLAPS('[1]', 'x')", "invalid JSON text"),
    ] {
        let e = db.err(sql);
        assert!(e.contains(error), "{sql}: {e}");
    }
}
