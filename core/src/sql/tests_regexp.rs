//! REGEXP, RLIKE and the REGEXP_* functions of `regexp.rs`, with the answers MySQL's manual
//! gives (but case-sensitive by default: Cairn compares text bytewise).

use alloc::string::String;

use super::tests::{answers, lines, Db};

#[test]
fn regexp_functions_answer_as_the_manual_says() {
    let mut db = Db::new();
    answers(
        &mut db,
        &[
            ("REGEXP_INSTR('dog cat dog', 'dog'), REGEXP_INSTR('dog cat dog', 'dog', 2)", "1|9"),
            ("REGEXP_INSTR('aa aaa aaaa', 'a{2}'), REGEXP_INSTR('aa aaa aaaa', 'a{4}')", "1|8"),
            ("REGEXP_INSTR('abcabcabc', 'a+', 1, 3), REGEXP_INSTR('abcabcabc', 'a+', 1, 4)", "7|0"),
            ("REGEXP_INSTR('aaabcabc', 'a+', 1, 1, 1), REGEXP_INSTR('abc', 'd')", "4|0"),
            ("REGEXP_INSTR('aaabc', 'A+', 1, 1, 0, 'i'), REGEXP_INSTR('aaabc', 'A+', 1, 1, 0, 'ic')", "1|0"),
            ("REGEXP_LIKE('CamelCase', 'CAMELCASE'), REGEXP_LIKE('CamelCase', 'CAMELCASE', 'i')", "0|1"),
            ("REGEXP_LIKE('CamelCase', '(?i)CAMELCASE'), REGEXP_LIKE('Michael!', '.*')", "1|1"),
            ("REGEXP_LIKE('fo\\nfo', '^fo$'), REGEXP_LIKE('fo\\nfo', '^fo$', 'm')", "0|1"),
            ("REGEXP_LIKE('fo\\r\\nfo', '^f.*$'), REGEXP_LIKE('fo\\r\\nfo', '^f.*$', 'm')", "0|1"),
            ("REGEXP_LIKE('a\\nb', 'a.b'), REGEXP_LIKE('a\\nb', 'a.b', 'n')", "0|1"),
            ("REGEXP_LIKE('abc', 'ABC', 'ci'), REGEXP_LIKE('abc', 'ABC', 'ic')", "1|0"),
            ("REGEXP_LIKE('Ban', '^Ba*n'), REGEXP_LIKE('Bn', '^Ba+n'), REGEXP_LIKE('pi', '^(pi|apa)$')", "1|0|1"),
            ("REGEXP_LIKE('a1', 'a[[:digit:]]'), REGEXP_LIKE('ab', 'a\\\\w'), REGEXP_LIKE('é', '^.$')", "1|1|1"),
            ("REGEXP_REPLACE('a b c', 'b', 'X'), REGEXP_REPLACE('abc def ghi', '[a-z]+', 'X', 1, 3)", "a X c|abc def X"),
            ("REGEXP_REPLACE('abc def ghi', '[a-z]+', 'X'), REGEXP_REPLACE('abc def ghi', '[a-z]+', 'X', 5)", "X X X|abc X X"),
            ("REGEXP_REPLACE('abc', 'x*', '-'), REGEXP_REPLACE('abc', 'z', 'X')", "-a-b-c-|abc"),
            ("REGEXP_REPLACE('John Smith', '(\\\\w+) (\\\\w+)', '$2, $1'), REGEXP_REPLACE('ab', '(a)', '[$0$1$11]')", "Smith, John|[aaa1]b"),
            ("REGEXP_REPLACE('ab', '(?P<x>a)', '${x}\\\\$'), REGEXP_REPLACE('ab', 'a', '\\\\\\\\')", "a$b|\\b"),
            ("REGEXP_REPLACE('a1b2', '[0-9]', '', 1, -5), REGEXP_REPLACE('ab', '(x)?a', '<$1>')", "ab2|<>b"),
            ("REGEXP_SUBSTR('abc def ghi', '[a-z]+'), REGEXP_SUBSTR('abc def ghi', '[a-z]+', 1, 3)", "abc|ghi"),
            ("REGEXP_SUBSTR('abc def ghi', '[a-z]+', 1, 4), REGEXP_SUBSTR('abc', 'b', 3)", "NULL|NULL"),
            // MySQL's ICU searches from a position without moving `^`: it still means the start.
            ("REGEXP_INSTR('abc', '^b', 2), REGEXP_INSTR('abc', 'b', 4), REGEXP_INSTR('abc', '', 4)", "0|0|4"),
            // Positions count characters, not bytes.
            ("REGEXP_INSTR('éte été', 'été'), REGEXP_INSTR('ééé', 'é', 2), REGEXP_INSTR('aéb', 'é', 1, 1, 1)", "5|2|3"),
            ("REGEXP_SUBSTR('éaéb', '[a-z]', 3), REGEXP_REPLACE('ééé', 'é', 'e', 2)", "b|éee"),
            ("REGEXP_LIKE(NULL, 'a'), REGEXP_LIKE('a', NULL), REGEXP_LIKE('a', 'a', NULL)", "NULL|NULL|NULL"),
            ("REGEXP_INSTR('a', 'a', NULL), REGEXP_SUBSTR(NULL, 'a'), REGEXP_REPLACE('a', 'a', NULL)", "NULL|NULL|NULL"),
            ("NULL REGEXP 'a', 'a' REGEXP (NULL), 'a' NOT REGEXP (NULL)", "NULL|NULL|NULL"),
            ("'abc' REGEXP 'b', 'abc' RLIKE '^b', 'abc' NOT REGEXP 'b', 'abc' NOT RLIKE '^b'", "true|false|false|true"),
            // Numbers are matched as their digits.
            ("REGEXP_LIKE(12.5, '^12\\\\.5$'), REGEXP_INSTR(1234, 3), REGEXP_SUBSTR(2024, '[0-9]{2}$')", "1|3|24"),
        ],
    );
}

#[test]
fn regexp_filters_a_table() {
    let mut db = Db::new();
    db.run("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), pat VARCHAR(20))");
    db.run("INSERT INTO t VALUES (1, 'apple', 'p+'), (2, 'Banana', '^b'), (3, NULL, 'x'), (4, 'cherry', NULL), (5, 'blé', 'é$')");
    let ids = |db: &mut Db, sql: &str| lines(&db.rows(sql)).join(",");
    assert_eq!(
        ids(
            &mut db,
            "SELECT id FROM t WHERE name REGEXP '^b' ORDER BY id"
        ),
        "5"
    );
    assert_eq!(
        ids(
            &mut db,
            "SELECT id FROM t WHERE name NOT REGEXP '^b' ORDER BY id"
        ),
        "1,2,4"
    );
    assert_eq!(
        ids(
            &mut db,
            "SELECT id FROM t WHERE REGEXP_LIKE(name, '^b', 'i') ORDER BY id"
        ),
        "2,5"
    );
    // A pattern from a column is compiled per row.
    assert_eq!(
        ids(&mut db, "SELECT id FROM t WHERE name RLIKE pat ORDER BY id"),
        "1,5"
    );
    assert_eq!(
        ids(
            &mut db,
            "SELECT REGEXP_REPLACE(name, '[aeiou]', '') FROM t ORDER BY id"
        ),
        "ppl,Bnn,NULL,chrry,blé"
    );
    assert_eq!(
        ids(&mut db, "SELECT REGEXP_INSTR(name, pat) FROM t ORDER BY id"),
        "2,0,NULL,NULL,3"
    );
    let e = db.err("SELECT id FROM t WHERE REGEXP_LIKE(name, pat, 'q')");
    assert!(
        e.contains("Illegal argument to a regular expression"),
        "{e}"
    );
}

#[test]
fn regexp_refuses_bad_patterns_and_arguments() {
    let mut db = Db::new();
    let refused = |db: &mut Db, call: &str, words: &str| {
        let e: String = db.err(&alloc::format!("SELECT {call}"));
        assert!(e.contains(words), "{call}: {e}");
    };
    refused(
        &mut db,
        "'a' REGEXP '(a'",
        "Mismatched parenthesis in regular expression (unclosed group, at character 1).",
    );
    refused(&mut db, "REGEXP_LIKE('a', 'a)')", "Mismatched parenthesis");
    refused(
        &mut db,
        "REGEXP_LIKE('a', '[a')",
        "unclosed bracket expression",
    );
    refused(
        &mut db,
        "REGEXP_LIKE('a', '[z-a]')",
        "where x comes after y",
    );
    refused(
        &mut db,
        "REGEXP_LIKE('a', 'a{2,1}')",
        "maximum is less than the minimum",
    );
    refused(
        &mut db,
        "REGEXP_LIKE('a', '(a)\\\\1')",
        "not implemented in this library",
    );
    refused(
        &mut db,
        "REGEXP_LIKE('a', 'x(?=a)')",
        "not implemented in this library",
    );
    // Hostile patterns are refused before they are built, not matched for hours.
    refused(
        &mut db,
        "'a' REGEXP 'a{1000}{1000}'",
        "exceeds limits on size or complexity",
    );
    refused(
        &mut db,
        "REGEXP_LIKE('a', '((((a{100}){100}){100}){100})')",
        "exceeds limits",
    );
    refused(
        &mut db,
        "REGEXP_LIKE('a', 'a', 'x')",
        "Illegal argument to a regular expression.",
    );
    refused(
        &mut db,
        "REGEXP_INSTR('a', 'a', 0)",
        "Index out of bounds in regular expression search.",
    );
    refused(&mut db, "REGEXP_INSTR('a', 'a', 3)", "Index out of bounds");
    refused(
        &mut db,
        "REGEXP_SUBSTR('a', 'a', -9223372036854775808)",
        "Index out of bounds",
    );
    refused(
        &mut db,
        "REGEXP_REPLACE('a', 'a', 'b', 9223372036854775807)",
        "Index out of bounds",
    );
    refused(
        &mut db,
        "REGEXP_INSTR('a', 'a', 1, 1, 2)",
        "return_option must be 1 or 0.",
    );
    refused(
        &mut db,
        "REGEXP_REPLACE('a', 'a', '$1')",
        "Index out of bounds",
    );
    refused(
        &mut db,
        "REGEXP_REPLACE('a', 'a', '$x')",
        "A capture group has an invalid name.",
    );
    refused(&mut db, "REGEXP_REPLACE('a', 'a', '${y}')", "invalid name");
    refused(&mut db, "REGEXP_LIKE('a')", "incorrect parameter count");
    // Occurrences past any match, at either end of BIGINT, are no match (or the first).
    answers(
        &mut db,
        &[
            ("REGEXP_INSTR('aa', 'a', 1, 9223372036854775807), REGEXP_INSTR('aa', 'a', 2, -9223372036854775808)", "0|2"),
            ("REGEXP_SUBSTR('ab', '[ab]', 1, 9223372036854775807), REGEXP_REPLACE('aa', 'a', 'b', 1, -9223372036854775808)", "NULL|ba"),
            ("REGEXP_REPLACE('aa', 'a', 'b', 2, 9223372036854775807), REGEXP_INSTR('', '^$')", "aa|1"),
        ],
    );
    // A replacement that would grow without bound is refused, as REPEAT's is.
    let e = db.err("SELECT REGEXP_REPLACE(REPEAT('a', 100000), '', REPEAT('b', 1000))");
    assert!(e.contains("REGEXP_REPLACE making more than"), "{e}");
}
