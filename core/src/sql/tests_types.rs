//! Column types that never store a wrong value: exact decimals and MySQL's integer ranges.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use alloc::{format, vec};

use pollster::block_on;

use super::format::format_json;
use super::tests::Db;
use super::{execute_with, Params};
use crate::db::value::Value;

impl Db {
    /// The first column of each row, as SQL prints it.
    fn column(&mut self, sql: &str) -> Vec<String> {
        self.rows(sql).iter().map(|r| r[0].to_string()).collect()
    }

    /// What one value of a `decimal`-like column becomes when inserted: its printed form, or
    /// the error.
    fn store(&mut self, ty: &str, literal: &str) -> Result<String, String> {
        self.run("drop table if exists v");
        self.run(&format!("create table v (x {ty})"));
        match self.exec(&format!("insert into v values ({literal})")) {
            Ok(_) => Ok(self.column("select x from v").concat()),
            Err(e) => Err(e.to_string()),
        }
    }
}

#[test]
fn literals_with_a_point_are_exact_decimals() {
    let mut db = Db::new();
    assert_eq!(db.column("select 0.1 + 0.2"), ["0.3"]);
    assert_eq!(db.column("select 0.1 + 0.2 = 0.3"), ["true"]);
    assert_eq!(db.column("select 1.10 - 2.005"), ["-0.905"]);
    assert_eq!(db.column("select 1.5 * -0.25"), ["-0.375"]);
    assert_eq!(db.column("select 1.0 / 3"), ["0.33333"]);
    assert_eq!(db.column("select 7 / 2, 1 / 3"), ["3.5000"]);
    assert_eq!(db.rows("select 1 / 3")[0][0].to_string(), "0.3333");
    assert_eq!(db.column("select 7.5 % 2"), ["1.5"]);
    assert_eq!(db.column("select 2.5 / 0"), ["NULL"]);
    assert_eq!(db.column("select -(0.5)"), ["-0.5"]);
    // With an exponent a literal is a DOUBLE, as in MySQL, and a double makes the rest one.
    assert_eq!(db.column("select 1e-1 + 2e-1"), ["0.30000000000000004"]);
    assert_eq!(db.column("select 0.1 + 2e-1"), ["0.30000000000000004"]);
    // Integers past 64 bits are exact too.
    assert_eq!(
        db.column("select 18446744073709551616 + 1"),
        ["18446744073709551617"]
    );
    assert_eq!(
        db.err("select 99999999999999999999999999999999999999 + 1"),
        "type mismatch: DECIMAL value is out of range in \
         '99999999999999999999999999999999999999 + 1'"
    );
}

#[test]
fn the_issues_decimal_bugs() {
    let mut db = Db::new();
    db.run("create table p (id int primary key, price decimal(5,2))");
    db.run("insert into p values (1, 0.1 + 0.2), (2, 1.999)");
    assert_eq!(db.column("select price from p"), ["0.30", "2.00"]);
    assert_eq!(
        db.err("insert into p values (3, 12345.6)"),
        "value 12345.6 is out of range for column 'price' decimal(5,2) (-999.99 to 999.99)"
    );
    assert_eq!(
        db.err("update p set price = price * 1000 where id = 2"),
        "value 2000.00 is out of range for column 'price' decimal(5,2) (-999.99 to 999.99)"
    );
}

#[test]
fn decimals_round_half_away_from_zero_to_the_scale() {
    let mut db = Db::new();
    let cases = [
        ("decimal(5,2)", "1.995", "2.00"),
        ("decimal(5,2)", "1.994", "1.99"),
        ("decimal(5,2)", "-1.995", "-2.00"),
        ("decimal(5,2)", "-1.994", "-1.99"),
        ("decimal(5,2)", "0.005", "0.01"),
        ("decimal(5,2)", "-0.005", "-0.01"),
        ("decimal(5,2)", "-0.004", "0.00"),
        ("decimal(5,2)", "7", "7.00"),
        ("decimal(5,2)", "true", "1.00"),
        ("decimal(5,2)", "999.994", "999.99"),
        ("decimal(5,2)", "-999.99", "-999.99"),
        // Doubles through their shortest text, so 1.005e0 rounds up as written.
        ("decimal(5,2)", "1.005e0", "1.01"),
        ("decimal(5,2)", "-2.5e-1", "-0.25"),
        // Scale 0.
        ("decimal(3)", "2.5", "3"),
        ("decimal(3)", "-2.5", "-3"),
        ("decimal(3,0)", "-2.4", "-2"),
        ("decimal", "1234567890.4", "1234567890"),
        // p = s: all decimals.
        ("decimal(2,2)", "0.994", "0.99"),
        ("decimal(2,2)", "-0.99", "-0.99"),
        (
            "numeric(38,30)",
            "12345678.5",
            "12345678.500000000000000000000000000000",
        ),
    ];
    for (ty, literal, want) in cases {
        assert_eq!(
            db.store(ty, literal),
            Ok(want.into()),
            "{literal} into {ty}"
        );
    }
}

#[test]
fn decimals_out_of_range_are_refused() {
    let mut db = Db::new();
    let range = |ty: &str, lo: &str, hi: &str, v: &str| {
        format!("value {v} is out of range for column 'x' {ty} ({lo} to {hi})")
    };
    let cases = [
        ("decimal(5,2)", "999.995", "999.995"),
        ("decimal(5,2)", "-999.995", "-999.995"),
        ("decimal(5,2)", "1000", "1000"),
        ("decimal(5,2)", "1e300", "1e300"),
        ("decimal(3,0)", "999.5", "999.5"),
        ("decimal(2,2)", "0.995", "0.995"),
        ("decimal(2,2)", "1", "1"),
    ];
    for (ty, literal, shown) in cases {
        let (lo, hi) = match ty {
            "decimal(5,2)" => ("-999.99", "999.99"),
            "decimal(3,0)" => ("-999", "999"),
            _ => ("-0.99", "0.99"),
        };
        assert_eq!(
            db.store(ty, literal),
            Err(range(ty, lo, hi, shown)),
            "{literal} into {ty}"
        );
    }
    // Text of a decimal goes in, as JSON and JS carry decimals; other text does not.
    assert_eq!(db.store("decimal(5,2)", "'-1.555'"), Ok("-1.56".into()));
    assert_eq!(
        db.store("decimal(5,2)", "'1.5 dollars'"),
        Err(
            "type mismatch for column 'x': expected a value of type decimal(5,2), found text"
                .into()
        )
    );
    assert_eq!(
        db.store("decimal(5,2)", "'1000'"),
        Err("value 1000 is out of range for column 'x' decimal(5,2) (-999.99 to 999.99)".into())
    );
    for bad in [
        "decimal(39,2)",
        "decimal(5,6)",
        "decimal(40,31)",
        "decimal(0)",
    ] {
        assert!(
            db.err(&format!("create table bad (x {bad})"))
                .starts_with("unsupported SQL: DECIMAL("),
            "{bad}"
        );
    }
}

#[test]
fn decimal_keys_sort_by_value_including_negatives() {
    let mut db = Db::new();
    db.run("create table k (d decimal(6,2) primary key, n int)");
    db.run(
        "insert into k values (3.5, 1), (-10.5, 2), (0, 3), (-0.01, 4), (9999.99, 5), \
         (-2, 6), (0.01, 7), (-9999.99, 8), (100, 9)",
    );
    let all = [
        "-9999.99", "-10.50", "-2.00", "-0.01", "0.00", "0.01", "3.50", "100.00", "9999.99",
    ];
    assert_eq!(db.column("select d from k"), all);
    assert_eq!(
        db.column("select d from k where d > -2 and d <= 3.5"),
        ["-0.01", "0.00", "0.01", "3.50"]
    );
    assert_eq!(
        db.column("select d from k where d between -10.5 and -2"),
        ["-10.50", "-2.00"]
    );
    assert_eq!(db.column("select d from k where d = -2"), ["-2.00"]);
    assert_eq!(db.column("select d from k where d = 3.50e0"), ["3.50"]);
    // A value the column would round is no key: 3.499 must not find 3.50.
    assert!(db.column("select d from k where d = 3.499").is_empty());
    assert_eq!(
        db.column("select d from k where d < -9999.985"),
        ["-9999.99"]
    );
    assert_eq!(
        db.err("insert into k values (3.499, 0)"),
        "duplicate primary key given: [3.50]"
    );
    let desc = db.column("select d from k order by d desc");
    assert_eq!(desc, all.iter().rev().copied().collect::<Vec<_>>());
}

#[test]
fn decimals_compare_with_ints_and_doubles() {
    let mut db = Db::new();
    db.run("create table c (id int primary key, p decimal(5,2), i int, f double)");
    db.run(
        "insert into c values (1, 1.50, 1, 1.5e0), (2, 2.00, 2, 0.1e0), (3, 0.10, 3, 0.1e0), \
         (4, -1.25, -1, -1.25e0), (5, NULL, 5, 5e0)",
    );
    let ids = |db: &mut Db, cond: &str| db.column(&format!("select id from c where {cond}"));
    assert_eq!(ids(&mut db, "p = i"), ["2"]);
    assert_eq!(ids(&mut db, "p > i"), ["1"]);
    assert_eq!(ids(&mut db, "p = f"), ["1", "3", "4"]);
    assert_eq!(ids(&mut db, "p = 2"), ["2"]);
    assert_eq!(ids(&mut db, "p >= 1.5e0"), ["1", "2"]);
    assert_eq!(ids(&mut db, "p < -1"), ["4"]);
    assert_eq!(ids(&mut db, "p in (2, 0.1, -1.250)"), ["2", "3", "4"]);
    assert_eq!(ids(&mut db, "p between 0.1 and 1.5"), ["1", "3"]);
    assert_eq!(ids(&mut db, "p is null"), ["5"]);
    assert_eq!(
        db.column("select p + i from c where id < 5"),
        ["2.50", "4.00", "3.10", "-2.25"]
    );
    assert_eq!(db.column("select p * f from c where id = 1"), ["2.25"]);
    assert_eq!(
        db.column("select p from c order by p"),
        ["NULL", "-1.25", "0.10", "1.50", "2.00"]
    );
    // Into other columns: a decimal into an int rounds as MySQL does, into a double converts.
    db.run("update c set i = p * 3, f = p where id = 1");
    assert_eq!(
        db.rows("select i, f from c where id = 1"),
        [vec![Value::Int(5), Value::Double(1.5)]]
    );
}

#[test]
fn decimal_results_print_exactly_in_every_format() {
    let mut db = Db::new();
    db.run("create table j (p decimal(4,3))");
    db.run("insert into j values (1), (-0.5)");
    let result = db.run("select p from j order by p desc");
    assert_eq!(
        format_json(&result),
        "{\"rows\": [{\"p\":\"1.000\"},{\"p\":\"-0.500\"}]}"
    );
    // A double parameter is a DOUBLE, and becomes the decimal it prints as.
    let params = Params::Positional(vec![Value::Double(0.1), Value::Double(-2.0)]);
    block_on(execute_with(
        &mut db.store,
        &mut db.root,
        "insert into j values (?), (?)",
        &params,
    ))
    .unwrap();
    assert_eq!(
        db.column("select p from j order by p"),
        ["-2.000", "-0.500", "0.100", "1.000"]
    );
    let params = Params::Positional(vec![db.rows("select p * 2 from j order by p")[1][0].clone()]);
    let got = block_on(execute_with(
        &mut db.store,
        &mut db.root,
        "select ?",
        &params,
    ))
    .unwrap();
    assert_eq!(got[0].rows[0][0].to_string(), "-1.000");
}

/// Every integer type's exact bounds go in, one past each is refused with its range.
#[test]
fn integer_types_enforce_mysql_ranges() {
    let mut db = Db::new();
    let types = [
        ("tinyint", "-128", "127", "-129", "128"),
        ("smallint", "-32768", "32767", "-32769", "32768"),
        ("mediumint", "-8388608", "8388607", "-8388609", "8388608"),
        (
            "int",
            "-2147483648",
            "2147483647",
            "-2147483649",
            "2147483648",
        ),
        (
            "bigint",
            "-9223372036854775808",
            "9223372036854775807",
            "-9223372036854775809",
            "9223372036854775808",
        ),
        ("tinyint unsigned", "0", "255", "-1", "256"),
        ("smallint unsigned", "0", "65535", "-1", "65536"),
        ("mediumint unsigned", "0", "16777215", "-1", "16777216"),
        ("int unsigned", "0", "4294967295", "-1", "4294967296"),
        (
            "bigint unsigned",
            "0",
            "18446744073709551615",
            "-1",
            "18446744073709551616",
        ),
    ];
    for (ty, lo, hi, below, above) in types {
        for ok in [lo, hi] {
            assert_eq!(db.store(ty, ok), Ok(ok.into()), "{ok} into {ty}");
        }
        for bad in [below, above] {
            assert_eq!(
                db.store(ty, bad),
                Err(format!(
                    "value {bad} is out of range for column 'x' {ty} ({lo} to {hi})"
                )),
                "{bad} into {ty}"
            );
        }
    }
    // Decimals round first, as MySQL stores 127.4 in a tinyint as 127 and refuses 127.5.
    assert_eq!(db.store("tinyint", "127.4"), Ok("127".into()));
    assert_eq!(db.store("tinyint unsigned", "-0.4"), Ok("0".into()));
    assert_eq!(
        db.store("tinyint", "127.5"),
        Err("value 127.5 is out of range for column 'x' tinyint (-128 to 127)".into())
    );
    assert_eq!(
        db.store("int(11) unsigned", "-5"),
        Err("value -5 is out of range for column 'x' int unsigned (0 to 4294967295)".into())
    );
}

#[test]
fn three_hundred_does_not_go_into_a_tinyint() {
    let mut db = Db::new();
    db.run("create table t (id int primary key, a tinyint)");
    assert_eq!(
        db.err("insert into t values (1, 300)"),
        "value 300 is out of range for column 'a' tinyint (-128 to 127)"
    );
    db.run("insert into t values (1, 100)");
    assert_eq!(
        db.err("update t set a = a * 3"),
        "value 300 is out of range for column 'a' tinyint (-128 to 127)"
    );
    assert_eq!(db.column("select a from t"), ["100"]);
}

#[test]
fn bigint_unsigned_keys_sort_past_the_signed_range() {
    let mut db = Db::new();
    db.run("create table u (id bigint unsigned primary key, v tinyint unsigned)");
    db.run(
        "insert into u values (18446744073709551615, 1), (0, 2), (9223372036854775808, 3), \
         (9223372036854775807, 4), (1, 255)",
    );
    let all = [
        "0",
        "1",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551615",
    ];
    assert_eq!(db.column("select id from u"), all);
    assert_eq!(
        db.column("select id from u where id > 9223372036854775807"),
        all[3..]
    );
    assert_eq!(
        db.column("select v from u where id = 18446744073709551615"),
        ["1"]
    );
    assert_eq!(
        db.column("select id - 1 from u where id = 18446744073709551615"),
        ["18446744073709551614"]
    );
    db.run("delete from u where id >= 9223372036854775808");
    assert_eq!(db.column("select id from u"), all[..3]);
}

#[test]
fn dates_and_times_are_validated_and_printed_as_mysql_does() {
    let mut db = Db::new();
    let cases = [
        ("date", "'2024-02-29'", "2024-02-29"),
        ("date", "'2024-2-9'", "2024-02-09"),
        ("datetime", "'2024-02-29 13:05:09'", "2024-02-29 13:05:09"),
        ("datetime", "'2024-02-29T13:05'", "2024-02-29 13:05:00"),
        ("datetime", "'2024-02-29'", "2024-02-29 00:00:00"),
        (
            "datetime(3)",
            "'2024-12-31 23:59:59.9996'",
            "2025-01-01 00:00:00.000",
        ),
        (
            "datetime(6)",
            "'1960-01-01 00:00:00.000001'",
            "1960-01-01 00:00:00.000001",
        ),
        ("timestamp", "'2038-01-19 03:14:07'", "2038-01-19 03:14:07"),
        ("time", "'-838:59:59'", "-838:59:59"),
        ("time(2)", "'1:02:03.456'", "01:02:03.46"),
        ("year", "2024", "2024"),
        ("year", "'69'", "2069"),
        ("year", "0", "0000"),
        ("year(4)", "'1901'", "1901"),
    ];
    for (ty, literal, want) in cases {
        assert_eq!(
            db.store(ty, literal),
            Ok(want.into()),
            "{literal} into {ty}"
        );
    }
    let refused = [
        (
            "date",
            "'2023-02-29'",
            "value '2023-02-29' is not a valid date for column 'x' (write it as YYYY-MM-DD)",
        ),
        (
            "date",
            "'2024-04-31'",
            "value '2024-04-31' is not a valid date for column 'x' (write it as YYYY-MM-DD)",
        ),
        (
            "datetime",
            "'2024-01-01 24:00:00'",
            "value '2024-01-01 24:00:00' is not a valid datetime for column 'x' \
             (write it as YYYY-MM-DD hh:mm:ss[.fraction])",
        ),
        (
            "timestamp",
            "'1969-12-31 23:59:59'",
            "value '1969-12-31 23:59:59' is not a valid timestamp for column 'x' \
             (write it as YYYY-MM-DD hh:mm:ss[.fraction])",
        ),
        (
            "time",
            "'839:00:00'",
            "value '839:00:00' is not a valid time for column 'x' \
             (write it as [-]hhh:mm:ss[.fraction])",
        ),
        (
            "year",
            "1900",
            "value 1900 is out of range for column 'x' year (1901 to 2155, or 0000)",
        ),
        (
            "date",
            "20240101",
            "type mismatch for column 'x': expected a value of type date, found an integer",
        ),
    ];
    for (ty, literal, want) in refused {
        assert_eq!(
            db.store(ty, literal),
            Err(want.into()),
            "{literal} into {ty}"
        );
    }
    assert!(db
        .err("create table bad (x datetime(7))")
        .starts_with("unsupported SQL: fractional-second precision 7"));
    // The other type names users create tables with.
    db.run(
        "create table names (a boolean, b char(3), c tinytext, d mediumtext, e longtext, \
         f tinyblob, g mediumblob, h longblob)",
    );
    let types: Vec<String> = db.root.tables["names"]
        .schema
        .columns
        .iter()
        .map(|c| c.ty.to_string())
        .collect();
    assert_eq!(
        types,
        [
            "bool",
            "varchar(3)",
            "text",
            "text",
            "text",
            "blob",
            "blob",
            "blob"
        ]
    );
}

#[test]
fn date_and_time_keys_sort_by_time_and_compare_with_text() {
    let mut db = Db::new();
    db.run("create table e (day date, at time, what text, primary key (day, at))");
    db.run(
        "insert into e values ('2024-03-01', '10:00:00', 'b'), ('1969-07-20', '20:17:40', 'moon'), \
         ('2024-03-01', '-01:00:00', 'a'), ('2024-03-01', '100:00:00', 'c'), \
         ('0001-01-01', '00:00:00', 'first'), ('9999-12-31', '838:59:59', 'last')",
    );
    assert_eq!(
        db.column("select what from e"),
        ["first", "moon", "a", "b", "c", "last"]
    );
    assert_eq!(
        db.column("select what from e where day = '2024-03-01' and at > '-02:00:00'"),
        ["a", "b", "c"]
    );
    assert_eq!(
        db.column("select what from e where day = '2024-3-1' and at = '10:00'"),
        ["b"]
    );
    assert_eq!(
        db.column("select what from e where day < '2024-03-01 00:00:01' and day > '1969-07-20'"),
        ["a", "b", "c"]
    );
    assert_eq!(
        db.column("select at from e where what = 'a' or what = 'c' order by at desc"),
        ["100:00:00", "-01:00:00"]
    );
    assert_eq!(
        db.err("select what from e where at + 1 > 0"),
        "type mismatch: cannot apply '+' to a time"
    );
    assert_eq!(
        db.err("select what from e where day = at"),
        "type mismatch: cannot compare a date with a time"
    );
    db.run("create table y (y year primary key, d datetime(2))");
    db.run("insert into y values (2024, '2024-01-01 10:00:00.125'), (1999, NULL), (0, NULL)");
    assert_eq!(
        db.column("select y from y where y >= 1999"),
        ["1999", "2024"]
    );
    assert_eq!(
        db.column("select d from y where y = '2024'"),
        ["2024-01-01 10:00:00.13"]
    );
    let json = format_json(&db.run("select y, d from y where y = 2024"));
    assert_eq!(
        json,
        "{\"rows\": [{\"y\":\"2024\",\"d\":\"2024-01-01 10:00:00.13\"}]}"
    );
    // A date or time read back binds as text, and converts between the date types.
    let value = db.rows("select d from y where y = 2024")[0][0].clone();
    db.run("create table c (day date)");
    block_on(execute_with(
        &mut db.store,
        &mut db.root,
        "insert into c values (?)",
        &Params::Positional(vec![value]),
    ))
    .unwrap();
    assert_eq!(db.column("select day from c"), ["2024-01-01"]);
}
