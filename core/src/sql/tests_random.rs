//! RAND, UUID and the UUID text functions of `random.rs`, with the answers MySQL's manual
//! gives. RAND() and UUID() need the `random` feature; without it they are refused.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::tests::{answers, lines, Db};
#[cfg(feature = "random")]
use crate::db::value::Value;

/// 2026-12-02 00:00:00 UTC.
const NOW_MS: u64 = 1_795_996_800_000;

fn db_with_rows() -> Db {
    let mut db = Db::new();
    db.run("CREATE TABLE t (i INT PRIMARY KEY)");
    db.run("INSERT INTO t VALUES (1), (2), (3)");
    db
}

#[test]
fn rand_with_a_seed_is_mysqls_sequence() {
    let mut db = db_with_rows();
    answers(
        &mut db,
        &[
            ("RAND(3)", "0.9057697559760601"),
            // Each call is its own generator, seeded alike.
            ("RAND(3), RAND(3)", "0.9057697559760601|0.9057697559760601"),
            ("RAND('3')", "0.9057697559760601"),
            ("RAND(NULL) = RAND(0)", "true"),
        ],
    );
    // The manual's `SELECT i, RAND(3) FROM t`: one seeding, the rows advancing it (the
    // manual prints 14 digits: 0.90576975597606, 0.37307905813035, 0.14808605345719).
    assert_eq!(
        lines(&db.rows("SELECT i, RAND(3) FROM t ORDER BY i")),
        [
            "1|0.9057697559760601",
            "2|0.37307905813034536",
            "3|0.14808605345719125"
        ]
    );
    // MariaDB's documentation of the same generator, in full digits.
    assert_eq!(
        lines(&db.rows("SELECT i, RAND(5) FROM t ORDER BY i")),
        [
            "1|0.40613597483014313",
            "2|0.8745439358749836",
            "3|0.15431178561813363"
        ]
    );
    // A new statement starts the sequence again.
    assert_eq!(
        lines(&db.rows("SELECT RAND(3) FROM t LIMIT 1")),
        ["0.9057697559760601"]
    );
    // A seed that varies by row seeds each row afresh: RAND(i) is RAND(constant i).
    let by_row = lines(&db.rows("SELECT RAND(i) FROM t ORDER BY i"));
    let constant: Vec<String> = (1..=3)
        .map(|i| lines(&db.rows(&format!("SELECT RAND({i})"))).join(""))
        .collect();
    assert_eq!(by_row, constant);
    assert_ne!(by_row[0], by_row[1]);
    assert!(db.err("SELECT RAND(1, 2)").contains("parameter count"));
}

#[cfg(feature = "random")]
#[test]
fn rand_without_a_seed_is_random() {
    let mut db = db_with_rows();
    let rows = db.rows("SELECT RAND(), RAND() FROM t");
    let mut seen: Vec<f64> = Vec::new();
    for row in &rows {
        for v in row {
            let Value::Double(x) = v else {
                panic!("RAND() gave {v:?}")
            };
            assert!((0.0..1.0).contains(x), "{x}");
            seen.push(*x);
        }
    }
    seen.sort_by(f64::total_cmp);
    seen.dedup();
    assert_eq!(seen.len(), 6, "{rows:?}");
    // Two statements are seeded apart.
    assert_ne!(db.rows("SELECT RAND()"), db.rows("SELECT RAND()"));
}

#[cfg(not(feature = "random"))]
#[test]
fn rand_and_uuid_are_refused_without_randomness() {
    let mut db = Db::new();
    assert!(db.err("SELECT RAND()").contains("randomness"));
    let e = db.at("SELECT UUID()", Some(NOW_MS)).unwrap_err();
    assert!(e.contains("randomness"), "{e}");
    // A seeded RAND needs none.
    assert_eq!(lines(&db.rows("SELECT RAND(3)")), ["0.9057697559760601"]);
}

#[test]
fn uuid_is_refused_without_a_clock() {
    let mut db = Db::new();
    assert!(db.err("SELECT UUID()").contains("clock"));
    assert!(db.err("SELECT UUID(1)").contains("parameter count"));
}

/// The digits of a UUID's text, checked for the dashed 8-4-4-4-12 form.
#[cfg(feature = "random")]
fn uuid_digits(v: &Value) -> u128 {
    let Value::Text(s) = v else {
        panic!("UUID() gave {v:?}")
    };
    assert_eq!(s.len(), 36, "{s}");
    for (i, c) in s.char_indices() {
        match i {
            8 | 13 | 18 | 23 => assert_eq!(c, '-', "{s}"),
            _ => assert!(matches!(c, '0'..='9' | 'a'..='f'), "{s}"),
        }
    }
    u128::from_str_radix(&s.replace('-', ""), 16).unwrap()
}

#[cfg(feature = "random")]
#[test]
fn uuid_is_version_1_from_the_clock_and_each_call_differs() {
    let mut db = db_with_rows();
    let rows = db.at("SELECT UUID(), UUID() FROM t", Some(NOW_MS)).unwrap();
    let mut seen = Vec::new();
    for v in rows.iter().flatten() {
        let u = uuid_digits(v);
        let b = u.to_be_bytes();
        assert_eq!(b[6] >> 4, 1, "version 1: {v}");
        assert_eq!(b[8] >> 6, 0b10, "RFC 4122 variant: {v}");
        assert_eq!(b[10] & 1, 1, "a random node has the multicast bit: {v}");
        let time = (u64::from(u16::from_be_bytes([b[6], b[7]]) & 0x0FFF) << 48)
            | (u64::from(u16::from_be_bytes([b[4], b[5]])) << 32)
            | u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
        // 100-ns intervals since 1582-10-15, from the statement's clock.
        let at = 0x01B2_1DD2_1381_4000 + NOW_MS * 10_000;
        assert!((at..at + 6).contains(&time), "{v}: {time} from {at}");
        seen.push(u);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 6, "{rows:?}");
    // Its text is a UUID to the other functions.
    let rows = db
        .at(
            "SELECT IS_UUID(UUID()), LENGTH(UUID_TO_BIN(UUID()))",
            Some(NOW_MS),
        )
        .unwrap();
    assert_eq!(lines(&rows), ["1|16"]);
}

#[test]
fn uuid_to_bin_and_back_as_the_manual_says() {
    let mut db = Db::new();
    db.run("SET @uuid = '6ccd780c-baba-1026-9564-5b8c656024db'");
    answers(
        &mut db,
        &[
            (
                "HEX(UUID_TO_BIN(@uuid))",
                "6CCD780CBABA102695645B8C656024DB",
            ),
            (
                "HEX(UUID_TO_BIN(@uuid, 0))",
                "6CCD780CBABA102695645B8C656024DB",
            ),
            (
                "HEX(UUID_TO_BIN(@uuid, 1))",
                "1026BABA6CCD780C95645B8C656024DB",
            ),
            (
                "BIN_TO_UUID(UUID_TO_BIN(@uuid))",
                "6ccd780c-baba-1026-9564-5b8c656024db",
            ),
            (
                "BIN_TO_UUID(UUID_TO_BIN(@uuid, 1))",
                "1026baba-6ccd-780c-9564-5b8c656024db",
            ),
            (
                "BIN_TO_UUID(UUID_TO_BIN(@uuid, 1), 1)",
                "6ccd780c-baba-1026-9564-5b8c656024db",
            ),
            (
                "BIN_TO_UUID(X'1026BABA6CCD780C95645B8C656024DB', 1)",
                "6ccd780c-baba-1026-9564-5b8c656024db",
            ),
            // Every form IS_UUID takes, in either case.
            (
                "HEX(UUID_TO_BIN('{6CCD780C-BABA-1026-9564-5B8C656024DB}'))",
                "6CCD780CBABA102695645B8C656024DB",
            ),
            (
                "BIN_TO_UUID(UUID_TO_BIN('6ccd780cbaba102695645b8c656024db'))",
                "6ccd780c-baba-1026-9564-5b8c656024db",
            ),
            (
                "UUID_TO_BIN(NULL), BIN_TO_UUID(NULL), UUID_TO_BIN(@uuid, NULL)",
                "NULL|NULL|NULL",
            ),
        ],
    );
}

#[test]
fn is_uuid_as_the_manual_says() {
    let mut db = Db::new();
    answers(
        &mut db,
        &[
            ("IS_UUID('6ccd780c-baba-1026-9564-5b8c656024db')", "1"),
            ("IS_UUID('6CCD780C-BABA-1026-9564-5B8C656024DB')", "1"),
            ("IS_UUID('6ccd780cbaba102695645b8c656024db')", "1"),
            ("IS_UUID('{6ccd780c-baba-1026-9564-5b8c656024db}')", "1"),
            ("IS_UUID('6ccd780c-baba-1026-9564-5b8c6560')", "0"),
            ("IS_UUID(RAND(1))", "0"),
            ("IS_UUID(NULL)", "NULL"),
            // Dashes elsewhere, a brace missing, a digit that is not hex.
            ("IS_UUID('6ccd780cb-aba-1026-9564-5b8c656024db')", "0"),
            ("IS_UUID('{6ccd780c-baba-1026-9564-5b8c656024db')", "0"),
            ("IS_UUID('6ccd780g-baba-1026-9564-5b8c656024db')", "0"),
            ("IS_UUID('')", "0"),
        ],
    );
}

#[test]
fn not_a_uuid_is_mysqls_error() {
    let mut db = Db::new();
    for (sql, message) in [
        (
            "SELECT UUID_TO_BIN('abc')",
            "Incorrect string value: 'abc' for function uuid_to_bin",
        ),
        (
            "SELECT UUID_TO_BIN('6ccd780c-baba-1026-9564-5b8c656024dz')",
            "Incorrect string value: '6ccd780c-baba-1026-9564-5b8c656024dz' for function uuid_to_bin",
        ),
        (
            "SELECT BIN_TO_UUID('abc')",
            "Incorrect string value: 'abc' for function bin_to_uuid",
        ),
        (
            "SELECT BIN_TO_UUID(X'1026BABA6CCD780C95645B8C656024')",
            "for function bin_to_uuid",
        ),
    ] {
        let e = db.err(sql);
        assert!(e.contains(message), "{sql}: {e}");
    }
}

#[test]
fn rand_with_a_seed_advances_wherever_rows_evaluate_it() {
    let mut db = db_with_rows();
    // 0.906, 0.373, 0.148: MySQL's WHERE RAND(3) < 0.5 keeps the second and third rows, and
    // ORDER BY RAND(3) reverses them.
    assert_eq!(
        lines(&db.rows("SELECT i FROM t WHERE RAND(3) < 0.5 ORDER BY i")),
        ["2", "3"]
    );
    assert_eq!(
        lines(&db.rows("SELECT i FROM t ORDER BY RAND(3)")),
        ["3", "2", "1"]
    );
    assert_eq!(
        lines(&db.rows("SELECT RAND(3) FROM t GROUP BY i ORDER BY i")),
        [
            "0.9057697559760601",
            "0.37307905813034536",
            "0.14808605345719125"
        ]
    );
    // A table's default is a constant: UUID() is refused there, as an expression default.
    assert!(db
        .err("CREATE TABLE u (a VARCHAR(36) DEFAULT (UUID()))")
        .contains("UUID() here"));
}

/// UUID() reads the statement's clock in each scope a statement compiles its expressions in:
/// INSERT's VALUES, UPDATE's SET, ON DUPLICATE KEY UPDATE, a query.
#[cfg(feature = "random")]
#[test]
fn uuid_reads_the_statements_clock_in_every_statement() {
    let mut db = db_with_rows();
    db.run("CREATE TABLE u (i INT PRIMARY KEY, a VARCHAR(36))");
    // A statement's first UUID() starts at its clock: time-low is its low 32 bits.
    let time_low = format!("{:08x}", (0x01B2_1DD2_1381_4000 + NOW_MS * 10_000) as u32);
    for sql in [
        "INSERT INTO u VALUES (1, UUID())",
        "UPDATE u SET a = UUID()",
        "INSERT INTO u VALUES (1, 'x') ON DUPLICATE KEY UPDATE a = UUID()",
        "INSERT INTO u SELECT 1, UUID() FROM t LIMIT 1 ON DUPLICATE KEY UPDATE a = VALUES(a)",
    ] {
        db.at(sql, Some(NOW_MS)).unwrap();
        let a = lines(&db.rows("SELECT a FROM u")).join("");
        assert!(a.starts_with(&time_low), "{sql}: {a}");
        assert!(db.err(sql).contains("clock"), "{sql}");
    }
}
