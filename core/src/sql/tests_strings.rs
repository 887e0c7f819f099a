//! The string functions of `strings.rs` and GREATEST/LEAST, with the answers MySQL's manual
//! gives.

use alloc::string::String;

use super::tests::{answers, Db};

#[test]
fn string_functions_answer_as_the_manual_says() {
    let mut db = Db::new();
    answers(
        &mut db,
        &[
            ("CONCAT_WS(',', 'First name', 'Second name', 'Last Name')", "First name,Second name,Last Name"),
            ("CONCAT_WS(',', 'First name', NULL, 'Last Name'), CONCAT_WS(NULL, 'a')", "First name,Last Name|NULL"),
            ("LPAD('hi', 4, '??'), LPAD('hi', 1, '??'), RPAD('hi', 5, '?'), RPAD('hi', 1, '?')", "??hi|h|hi???|h"),
            ("LPAD('hi', 4, ''), LPAD('hi', -1, 'x'), LPAD('é', 3, 'ü')", "NULL|NULL|üüé"),
            ("REPEAT('MySQL', 3), REPEAT('a', 0), REPEAT('a', -1), REVERSE('abcé')", "MySQLMySQLMySQL|||écba"),
            ("LOCATE('bar', 'foobarbar'), LOCATE('xbar', 'foobar'), LOCATE('bar', 'foobarbar', 5)", "4|0|7"),
            ("INSTR('foobarbar', 'bar'), INSTR('xbar', 'foobar'), POSITION('bar' IN 'foobarbar')", "4|0|4"),
            ("LOCATE('', 'ab', 3), LOCATE('b', 'ab', 0), LOCATE('é', 'aéé', 3)", "3|0|3"),
            ("LOCATE('b', 'ab', -9223372036854775808), INSERT('ab', 9223372036854775807, 1, 'x')", "0|ab"),
            ("LEFT('foobarbar', 5), RIGHT('foobarbar', 4), LEFT('ab', -1), RIGHT('ab', 9)", "fooba|rbar||ab"),
            ("CONCAT('[', SPACE(3), ']'), ASCII('2'), ASCII(2), ASCII('dx'), ASCII('')", "[   ]|50|50|100|0"),
            ("SUBSTRING_INDEX('www.mysql.com', '.', 2), SUBSTRING_INDEX('www.mysql.com', '.', -2)", "www.mysql|mysql.com"),
            ("SUBSTRING_INDEX('a.b', '.', 5), SUBSTRING_INDEX('a.b', '.', 0)", "a.b|"),
            ("STRCMP('text', 'text2'), STRCMP('text2', 'text'), STRCMP('text', 'text')", "-1|1|0"),
            ("HEX('abc'), HEX(255), HEX(-1), HEX(UNHEX('4D7953514C')), LENGTH(UNHEX('4D7953514C')), UNHEX('GG')", "616263|FF|FFFFFFFFFFFFFFFF|4D7953514C|5|NULL"),
            ("FIELD('Bb', 'Aa', 'Bb', 'Cc', 'Dd', 'Ff'), FIELD('Gg', 'Aa', 'Bb', 'Cc', 'Dd', 'Ff'), FIELD(NULL, 'a')", "2|0|0"),
            ("FIND_IN_SET('b', 'a,b,c,d'), FIND_IN_SET('e', 'a,b'), FIND_IN_SET('a,b', 'a,b')", "2|0|0"),
            ("ELT(1, 'Aa', 'Bb', 'Cc', 'Dd'), ELT(4, 'Aa', 'Bb', 'Cc', 'Dd'), ELT(5, 'Aa', 'Bb'), ELT(NULL, 'a')", "Aa|Dd|NULL|NULL"),
            ("INSERT('Quadratic', 3, 4, 'What'), INSERT('Quadratic', -1, 4, 'What'), INSERT('Quadratic', 3, 100, 'What')", "QuWhattic|Quadratic|QuWhat"),
            ("GREATEST(2, 0), GREATEST(34.0, 3.0, 5.0, 767.0), GREATEST('B', 'A', 'C'), GREATEST(1, NULL)", "2|767.0|C|NULL"),
            ("LEAST(2, 0), LEAST(34.0, 3.0, 5.0, 767.0), LEAST('B', 'A', 'C')", "0|3.0|A"),
        ],
    );
    // One call cannot make text without bound.
    let e: String = db.err("SELECT REPEAT('ab', 100000000)");
    assert!(e.contains("REPEAT making more than"), "{e}");
}

/// UNHEX reads hex digits only: a sign is not one (`u8::from_str_radix` took the pair `+a` as
/// 10), so a text holding one gives NULL, as in MySQL.
#[test]
fn unhex_of_anything_but_hex_digits_is_null() {
    let mut db = Db::new();
    answers(
        &mut db,
        &[(
            "UNHEX('+a'), UNHEX('a+b'), UNHEX('-a'), HEX(UNHEX('abc')), HEX(UNHEX('aB'))",
            "NULL|NULL|NULL|0ABC|AB",
        )],
    );
}

/// X'..' and 0x.. literals read their digits as UNHEX does (an odd count led by a zero); one
/// that is not a hex digit is a syntax error, not NULL.
#[test]
fn hex_literals_are_digits_or_an_error() {
    let mut db = Db::new();
    answers(&mut db, &[("HEX(X'4d79'), HEX(0xABC)", "4D79|0ABC")]);
    let e: String = db.err("SELECT X'4G'");
    assert!(e.contains("invalid hex literal 4G"), "{e}");
}

/// The functions of bytes (HEX, ASCII, the digests, BIN_TO_UUID) read a value alike: a blob's
/// own bytes, anything else the text it converts to (HEX of an integer excepted: base 16).
#[test]
fn functions_of_bytes_read_a_value_alike() {
    let mut db = Db::new();
    answers(
        &mut db,
        &[
            (
                "HEX(X'00ff'), HEX(1.5e0), HEX(DATE '2024-03-01'), HEX(TRUE)",
                "00FF|312E35|323032342D30332D3031|1",
            ),
            ("ASCII(X'41'), ASCII(1.5e0), ASCII(X'')", "65|49|0"),
            (
                "MD5(X'616263') = MD5('abc'), CRC32(1.5e0) = CRC32('1.5'), SHA1(12) = SHA1('12')",
                "true|true|true",
            ),
            (
                "BIN_TO_UUID(X'6CCD780CBABA102695645B8C656024DB')",
                "6ccd780c-baba-1026-9564-5b8c656024db",
            ),
        ],
    );
}
