//! The date and time functions of `dates.rs`, `weeks.rs` and `str_to_date.rs`, with the
//! answers MySQL 8 gives (its manual's examples among them). Times are UTC.

use super::tests::{answers, Db};

#[test]
fn week_numbers_in_every_mode() {
    let mut db = Db::new();
    // The manual's examples.
    answers(
        &mut db,
        &[
            (
                "WEEK('2008-02-20'), WEEK('2008-02-20', 0), WEEK('2008-02-20', 1)",
                "7|7|8",
            ),
            (
                "WEEK('2008-12-31', 1), YEARWEEK('1987-01-01'), WEEK('1987-01-01')",
                "53|198652|0",
            ),
            (
                "WEEKOFYEAR('2008-02-20'), EXTRACT(WEEK FROM '2008-02-20')",
                "8|7",
            ),
        ],
    );
    // The modes, from the manual's table: weeks start on Sunday (modes 0 2 4 6) or Monday
    // (1 3 5 7); week 1 is the first with a Sunday (0 2), with a Monday (5 7), or with 4 or
    // more days of the year (1 3 4 6); days before week 1 are week 0 (0 1 4 5), or the
    // previous year's last week (2 3 6 7), and then the last days of a year are the next
    // year's week 1 if that week has its 4 days (3 6).
    //
    // 2000-01-01, a Saturday: before the first Sunday and the first Monday, in a week of 1
    // day (Sunday weeks) or 2 (Monday weeks) of 2000: week 0 in 0 1 4 5, else 1999's last
    // week: 1999's week 1 began Sunday 1999-01-03 or Monday 1999-01-04 by both rules, 51
    // weeks before the week of 2000-01-01: 52 in 2 3 6 7.
    //
    // 2008-12-29, a Monday (2008 began on a Tuesday). Sunday weeks: the week of Sunday
    // 2007-12-30 holds 5 days of 2008, week 1 by the 4-day rule (4 6) but not by the
    // first-Sunday rule (0 2: week 1 began 2008-01-06), so 52 in 0 2 and 53 in 4 6; the week
    // of Sunday 2008-12-28 holds 3 days of 2009, so 6 keeps it in 2008. Monday weeks: the
    // week of 2007-12-31 holds 6 days of 2008, week 1 in 1 3, so 53; in 5 7 week 1 began
    // Monday 2008-01-07: 52; the week of 2008-12-29 holds 4 days of 2009, so in mode 3 (ISO)
    // it is 2009's week 1.
    //
    // 2009-12-31, a Thursday (2009 began on a Thursday): Sunday weeks: week 1 began
    // 2009-01-04 (0 2), or 2008-12-28 whose week has 3 days of 2009 only, so also
    // 2009-01-04 (4 6): 52 in all. Monday weeks: the week of 2008-12-29 has 4 days of 2009:
    // week 1 in 1 3, so 53, and 2009-12-28's week has 3 days of 2010: 3 keeps 53; in 5 7
    // week 1 began 2009-01-05: 52.
    //
    // 2010-01-03, a Sunday (2010 began on a Friday): Sunday weeks: it starts week 1 in
    // every rule (the first Sunday; a whole week of 2010): 1. Monday weeks: the week of
    // 2009-12-28 has 3 days of 2010, so it is week 0 in 1 5, and 2009's last week in 3
    // (53) and 7 (52).
    let modes = |date: &str| {
        (0..8)
            .map(|m| alloc::format!("WEEK('{date}', {m})"))
            .collect::<alloc::vec::Vec<_>>()
            .join(", ")
    };
    answers(
        &mut db,
        &[
            (modes("2000-01-01"), "0|0|52|52|0|0|52|52"),
            (modes("2008-12-29"), "52|53|52|1|53|52|53|52"),
            (modes("2009-12-31"), "52|53|52|53|52|52|52|52"),
            (modes("2010-01-03"), "1|0|1|53|1|0|1|52"),
        ],
    );
    // YEARWEEK counts the days before week 1 in the previous year (its modes are those of
    // 2 3 6 7), and ISO's week 1 of 2009 in 2009.
    answers(
        &mut db,
        &[
            ("YEARWEEK('2000-01-01'), YEARWEEK('2000-01-01', 1)", "199952|199952"),
            ("YEARWEEK('2008-12-29', 1), YEARWEEK('2008-12-29', 4), YEARWEEK('2008-12-29', 5)", "200901|200853|200852"),
            ("YEARWEEK('2010-01-03', 1), YEARWEEK('2010-01-03', 7), YEARWEEK('2010-01-03')", "200953|200952|201001"),
            // The mode's lowest three bits, as MySQL reads it.
            ("WEEK('2008-12-29', 11), WEEK('2008-12-29', -9223372036854775808), WEEK('2008-12-29', 9223372036854775807)", "1|52|52"),
            ("WEEK(NULL), WEEK('2008-12-29', NULL), YEARWEEK(NULL, 1)", "NULL|NULL|NULL"),
            // DATE_FORMAT's week numbers are modes 0 (%U), 1 (%u), 2 (%V %X) and 3 (%v %x).
            ("DATE_FORMAT('2010-01-03', '%U %u %V %v %X %x')", "01 00 01 53 2010 2009"),
            ("DATE_FORMAT('2000-01-01', '%U|%u|%V|%v|%X|%x')", "00|00|52|52|1999|1999"),
        ],
    );
}

#[test]
fn unix_time_both_ways_and_from_the_clock() {
    let mut db = Db::new();
    answers(
        &mut db,
        &[
            ("UNIX_TIMESTAMP('2015-11-13 10:20:19'), UNIX_TIMESTAMP('2015-11-13 10:20:19.012')", "1447410019|1447410019.012"),
            ("UNIX_TIMESTAMP(DATE '2015-11-13'), UNIX_TIMESTAMP(CAST('2015-11-13 10:20:19.50' AS DATETIME(2)))", "1447372800|1447410019.50"),
            // Out of range, before 1970 or after 3001-01-18 23:59:59.999999: 0.
            ("UNIX_TIMESTAMP('1969-12-31 23:59:59'), UNIX_TIMESTAMP('1970-01-01 00:00:00')", "0|0"),
            ("UNIX_TIMESTAMP('3001-01-18 23:59:59'), UNIX_TIMESTAMP('3001-01-19'), UNIX_TIMESTAMP(NULL)", "32536771199|0|NULL"),
            ("FROM_UNIXTIME(1447430881), FROM_UNIXTIME(1447430881, '%Y %D %M %h:%i:%s %x')", "2015-11-13 16:08:01|2015 13th November 04:08:01 2015"),
            ("FROM_UNIXTIME(1447430881.5), FROM_UNIXTIME(0), FROM_UNIXTIME('1447430881')", "2015-11-13 16:08:01.5|1970-01-01 00:00:00|2015-11-13 16:08:01"),
            ("FROM_UNIXTIME(32536771199.999999), FROM_UNIXTIME(32536771200), FROM_UNIXTIME(-1)", "3001-01-18 23:59:59.999999|NULL|NULL"),
            ("FROM_UNIXTIME(9223372036854775807), FROM_UNIXTIME(-9223372036854775808), FROM_UNIXTIME(1e300)", "NULL|NULL|NULL"),
            ("FROM_UNIXTIME(NULL), FROM_UNIXTIME(1, NULL), UNIX_TIMESTAMP(FROM_UNIXTIME(1447430881))", "NULL|NULL|1447430881"),
        ],
    );
    assert!(db
        .err("SELECT FROM_UNIXTIME('soon')")
        .contains("FROM_UNIXTIME needs a number"));
    assert!(db
        .err("SELECT UNIX_TIMESTAMP(5)")
        .contains("UNIX_TIMESTAMP needs a date"));
    // UNIX_TIMESTAMP() reads the front end's clock, as NOW() does; without one it is refused.
    let leap = Some(1_709_251_199_500);
    let rows = db
        .at("SELECT UNIX_TIMESTAMP(), UNIX_TIMESTAMP ( ), UNIX_TIMESTAMP(NOW()) = UNIX_TIMESTAMP(), FROM_UNIXTIME(UNIX_TIMESTAMP())", leap)
        .unwrap();
    assert_eq!(
        super::tests::lines(&rows),
        ["1709251199|1709251199|true|2024-02-29 23:59:59"]
    );
    assert_eq!(
        db.at("SELECT UNIX_TIMESTAMP()", None),
        Err("unsupported SQL: function UNIX_TIMESTAMP".into())
    );
    assert_eq!(
        db.at("SELECT UNIX_TIMESTAMP('2015-11-13 10:20:19')", None)
            .map(|r| super::tests::lines(&r)),
        Ok(alloc::vec!["1447410019".into()])
    );
}
