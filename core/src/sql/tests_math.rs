//! The math, formatting and digest functions of `math.rs`, with the answers MySQL's manual
//! gives (doubles as MySQL 8 prints them: the shortest digits that read back the same).

use super::tests::{answers, Db};

#[test]
fn math_functions_answer_as_the_manual_says() {
    let mut db = Db::new();
    answers(
        &mut db,
        &[
            (
                "SQRT(4), SQRT(20), SQRT(-16), SQRT(0)",
                "2|4.47213595499958|NULL|0",
            ),
            (
                "POW(2, 2), POW(2, -2), POWER(2.5, 2), POW(4, 0.5)",
                "4|0.25|6.25|2",
            ),
            (
                "EXP(2), EXP(-2), EXP(0)",
                "7.38905609893065|0.1353352832366127|1",
            ),
            (
                "LN(2), LN(-2), LN(0), LOG(2), LOG(-2)",
                "0.6931471805599453|NULL|NULL|0.6931471805599453|NULL",
            ),
            (
                "LOG(2, 65536), LOG(10, 100), LOG(1, 100), LOG(0.5, 8), LOG(2, 0)",
                "16|2|NULL|-3|NULL",
            ),
            (
                "LOG2(65536), LOG2(-100), LOG10(2), LOG10(100), LOG10(-100)",
                "16|NULL|0.3010299956639812|2|NULL",
            ),
            (
                "COS(PI()), TAN(PI() + 1), COT(12), SIN(0)",
                "-1|1.5574077246549018|-1.5726734063976893|0",
            ),
            (
                "ASIN(0.2), ACOS(1), ACOS(1.0001), ACOS(0), ASIN(-2)",
                "0.2013579207903308|0|NULL|1.5707963267948966|NULL",
            ),
            (
                "ATAN(2), ATAN(-2), ATAN(-2, 2), ATAN2(PI(), 0)",
                "1.1071487177940904|-1.1071487177940904|-0.7853981633974483|1.5707963267948966",
            ),
            (
                "PI(), DEGREES(PI()), DEGREES(PI() / 2), RADIANS(90)",
                "3.141592653589793|180|90|1.5707963267948966",
            ),
            (
                "SIGN(-32), SIGN(0), SIGN(234), SIGN(-0.5), SIGN(1e-3), SIGN(NULL)",
                "-1|0|1|-1|1|NULL",
            ),
            (
                "SQRT(NULL), POW(2, NULL), LOG(NULL, 2), ATAN(1, NULL)",
                "NULL|NULL|NULL|NULL",
            ),
        ],
    );
    // A result a double cannot hold is an error naming the call, as in MySQL.
    for (call, shown) in [
        ("EXP(1000)", "exp(1000)"),
        ("POW(10, 400)", "pow(10,400)"),
        ("POW(0, -1)", "pow(0,-1)"),
        ("COT(0)", "cot(0)"),
    ] {
        let e = db.err(&alloc::format!("SELECT {call}"));
        assert!(
            e.contains(&alloc::format!("DOUBLE value is out of range in '{shown}'")),
            "{call}: {e}"
        );
    }
    // Text is not read as a number, as Cairn's arithmetic does not read it.
    assert!(db.err("SELECT SQRT('4')").contains("SQRT"));
}

#[test]
fn truncate_drops_digits_as_round_rounds_them() {
    let mut db = Db::new();
    answers(
        &mut db,
        &[
            ("TRUNCATE(1.223, 1), TRUNCATE(1.999, 1), TRUNCATE(1.999, 0), TRUNCATE(-1.999, 1)", "1.2|1.9|1|-1.9"),
            ("TRUNCATE(122, -2), TRUNCATE(10.28 * 100, 0), TRUNCATE(-129.9, -1), TRUNCATE(5, 3)", "100|1028|-120|5"),
            ("TRUNCATE(1.999e0, 2), TRUNCATE(-1.999e0, 0), TRUNCATE(1234.5e0, -2)", "1.99|-1|1200"),
            ("ROUND(1.999, 1), ROUND(-129.9, -1), ROUND(2.5e0), ROUND(3.5e0), ROUND(1234.5e0, -2)", "2.0|-130|2|4|1200"),
            ("TRUNCATE(1.5, 9223372036854775807), TRUNCATE(1.5, -9223372036854775808)", "1.5|0"),
            ("TRUNCATE(1.5e0, -9223372036854775808), TRUNCATE(9223372036854775807, -18)", "0|9000000000000000000"),
        ],
    );
}

#[test]
fn conv_and_format_write_numbers_as_mysql_does() {
    let mut db = Db::new();
    answers(
        &mut db,
        &[
            ("CONV('a', 16, 2), CONV('6E', 18, 8), CONV(-17, 10, -18), CONV(255, 10, 16)", "1010|172|-H|FF"),
            ("CONV('  z9!', 36, 10), CONV('', 10, 2), CONV('12', 1, 10), CONV('12', 10, 37)", "1269|0|NULL|NULL"),
            // Unsigned unless a base is negative; past the range, the largest value.
            ("CONV(-1, 10, 16), CONV(-1, -10, -16), CONV('FFFFFFFFFFFFFFFFFF', 16, 10)", "FFFFFFFFFFFFFFFF|-1|18446744073709551615"),
            ("CONV('99999999999999999999', -10, 10), CONV('-99999999999999999999', -10, -10)", "9223372036854775807|-9223372036854775808"),
            ("CONV(10, 9223372036854775807, 2), CONV(10, -9223372036854775808, 2), CONV(NULL, 10, 2)", "NULL|NULL|NULL"),
            ("FORMAT(12332.123456, 4), FORMAT(12332.1, 4), FORMAT(12332.2, 0), FORMAT(-1234567.891, 2)", "12,332.1235|12,332.1000|12,332|-1,234,567.89"),
            ("FORMAT(123, 2), FORMAT(0.5, 0), FORMAT(-0.5, 0), FORMAT(1234.5e0, 0), FORMAT(999.999, 2)", "123.00|1|-1|1,234|1,000.00"),
            ("FORMAT(1, 100), FORMAT(1234, -5), FORMAT(12, 1, 'en_US'), FORMAT(12, 1, NULL), FORMAT(NULL, 1)", "1.000000000000000000000000000000|1,234|12.0|12.0|NULL"),
        ],
    );
    let e = db.err("SELECT FORMAT(12332.2, 2, 'de_DE')");
    assert!(e.contains("de_DE"), "{e}");
}

#[test]
fn digests_answer_as_the_manual_says() {
    let mut db = Db::new();
    answers(
        &mut db,
        &[
            ("CRC32('MySQL'), CRC32('mysql'), CRC32(''), CRC32(NULL)", "3259397556|2501908538|0|NULL"),
            ("MD5('testing'), SHA1('abc'), SHA('abc')", "ae2b1fca515949e5d54fb22b8ed95575|a9993e364706816aba3e25717850c26c9cd0d89d|a9993e364706816aba3e25717850c26c9cd0d89d"),
            ("SHA2('abc', 224), SHA2('abc', 0)", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7|ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("SHA2('abc', 384)", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
            ("SHA2('abc', 512)", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
            ("SHA2('abc', 1), SHA2('abc', NULL), MD5(UNHEX('00ff')), MD5(12)", "NULL|NULL|d07d34efac6328007ad67c7e0a985e00|c20ad4d76fe97759aa27a0c99bff6710"),
        ],
    );
}
