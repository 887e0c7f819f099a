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
            ("YEARWEEK('2008-12-29', -9223372036854775808), YEARWEEK('2008-12-29', 9223372036854775807)", "200852|200852"),
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

#[test]
fn str_to_date_reads_date_format_backwards() {
    let mut db = Db::new();
    answers(
        &mut db,
        &[
            // The manual's examples.
            ("STR_TO_DATE('01,5,2013', '%d,%m,%Y'), STR_TO_DATE('May 1, 2013', '%M %d,%Y')", "2013-05-01|2013-05-01"),
            ("STR_TO_DATE('a09:30:17', 'a%h:%i:%s'), STR_TO_DATE('a09:30:17', '%h:%i:%s')", "09:30:17|NULL"),
            // Text past the format is ignored (MySQL warns); a part not read is 0, which a
            // date cannot hold (NO_ZERO_DATE, MySQL 8's default): NULL; a time can.
            ("STR_TO_DATE('09:30:17a', '%h:%i:%s'), STR_TO_DATE('9', '%m'), STR_TO_DATE('9', '%s')", "09:30:17|NULL|00:00:09"),
            ("STR_TO_DATE('abc', 'abc'), STR_TO_DATE('2013-02-30', '%Y-%m-%d'), STR_TO_DATE('2013-05', '%Y-%m-%d')", "NULL|NULL|NULL"),
            // The type follows the format: a fraction makes it DATETIME(6) or TIME(6).
            ("STR_TO_DATE('2013-05-01 10:20:30.5', '%Y-%m-%d %H:%i:%s.%f'), STR_TO_DATE('10.25', '%s.%f')", "2013-05-01 10:20:30.500000|00:00:10.250000"),
            ("STR_TO_DATE('2013-05-01 10:20', '%Y-%m-%d %H:%i'), STR_TO_DATE(20130501, '%Y%m%d')", "2013-05-01 10:20:00|2013-05-01"),
            ("STR_TO_DATE('10:20:30', '%T'), STR_TO_DATE('10:20:30 pm', '%r'), STR_TO_DATE('12:05 AM', '%h:%i %p')", "10:20:30|22:20:30|00:05:00"),
            ("STR_TO_DATE('1:05 PM', '%l:%i %p'), STR_TO_DATE('13:05 PM', '%h:%i %p'), STR_TO_DATE('10 PM', '%H %p')", "13:05:00|NULL|NULL"),
            // A day of the month in a TIME counts 24 hours.
            ("STR_TO_DATE('2 10:00', '%d %H:%i'), STR_TO_DATE('24:00', '%H:%i')", "58:00:00|NULL"),
            ("STR_TO_DATE('70-01-02', '%y-%m-%d'), STR_TO_DATE('69-1-2', '%Y-%c-%e'), STR_TO_DATE('2013 032', '%Y %j')", "1970-01-02|2069-01-02|2013-02-01"),
            ("STR_TO_DATE('feb 3 2013', '%b %e %Y'), STR_TO_DATE('3rd February 2013', '%D %M %Y')", "2013-02-03|2013-02-03"),
            ("STR_TO_DATE('Sunday 03 Feb 2013', '%W %d %b %Y'), STR_TO_DATE('Sun 3 Sept 2013', '%a %d %M %Y')", "2013-02-03|2013-09-03"),
            // A name's start is read if it is the start of one name only.
            ("STR_TO_DATE('Ma 3 2013', '%M %d %Y'), STR_TO_DATE('Mayday 3 2013', '%M %d %Y')", "NULL|NULL"),
            ("STR_TO_DATE('x2013-05-01', '%@%Y-%m-%d'), STR_TO_DATE('2013..05-01', '%Y%.%m-%d'), STR_TO_DATE('123 2013-05-01', '%# %Y-%m-%d')", "2013-05-01|2013-05-01|2013-05-01"),
            // MySQL's STR_TO_DATE has no %% (it fails to match).
            ("STR_TO_DATE('10%', '%d%%'), STR_TO_DATE(NULL, '%Y'), STR_TO_DATE('2013', NULL)", "NULL|NULL|NULL"),
            // Hostile input: read in one pass, the format's recursion (%r, %T) one deep.
            ("STR_TO_DATE(REPEAT('1', 1000000), '%Y%m%d'), STR_TO_DATE('2013-05-01', REPEAT('%Y-%m-%d%r', 100000))", "1111-11-11|2013-05-01 00:00:00"),
        ],
    );
}

#[test]
fn str_to_date_reads_weeks() {
    let mut db = Db::new();
    answers(
        &mut db,
        &[
            // The manual's example (STR_TO_DATE).
            ("STR_TO_DATE('200442 Monday', '%X%V %W')", "2004-10-18"),
            // ISO week 42 of 2004 runs from Monday 2004-10-11 to Sunday 2004-10-17 (%w's 0).
            ("STR_TO_DATE('2004 42 1', '%x %v %w'), STR_TO_DATE('2004 42 0', '%x %v %w'), DATE_FORMAT('2004-10-17', '%x %v')", "2004-10-11|2004-10-17|2004 42"),
            // Week 0 of %U and %u is the days of the year before week 1.
            ("STR_TO_DATE('2000 00 Sat', '%Y %U %a'), STR_TO_DATE('2000 00 Sat', '%Y %u %a')", "2000-01-01|2000-01-01"),
            ("STR_TO_DATE('2004 42 Mon 10:30', '%X %V %a %H:%i')", "2004-10-18 10:30:00"),
            // MySQL's rules: %V with %X, %v with %x, %U and %u with %Y and no %X or %x; %V and
            // %v count from 1, no week past 53; a week without a day of the week is no date.
            ("STR_TO_DATE('2004 42 Monday', '%Y %V %W'), STR_TO_DATE('2004 42 Monday', '%X %v %W'), STR_TO_DATE('2004 42 Monday', '%X %U %W')", "NULL|NULL|NULL"),
            ("STR_TO_DATE('2004 00 Monday', '%X %V %W'), STR_TO_DATE('2004 54 Monday', '%Y %U %W'), STR_TO_DATE('2004 42', '%X %V'), STR_TO_DATE('2004 42', '%Y %u')", "NULL|NULL|NULL|NULL"),
        ],
    );
    // DATE_FORMAT's week numbers (checked against MySQL's in `week_numbers_in_every_mode`)
    // read back to the day, across the turns of the years whose weeks differ by mode.
    for date in [
        "1999-12-26",
        "2000-01-01",
        "2000-01-02",
        "2000-01-03",
        "2008-12-28",
        "2008-12-29",
        "2008-12-31",
        "2009-01-01",
        "2009-12-31",
        "2010-01-03",
        "2010-01-04",
        "2024-02-29",
        "2024-12-30",
        "2026-12-31",
        "2027-01-01",
    ] {
        for format in ["%X %V %W", "%x %v %a", "%Y %U %w", "%Y %u %W"] {
            let sql = alloc::format!("STR_TO_DATE(DATE_FORMAT('{date}', '{format}'), '{format}')");
            answers(&mut db, &[(sql, date)]);
        }
    }
}

#[test]
fn days_times_and_periods() {
    let mut db = Db::new();
    const MIN: &str = "-9223372036854775808";
    const MAX: &str = "9223372036854775807";
    answers(
        &mut db,
        &[
            // FROM_DAYS counts days from year 0, as TO_DAYS; MySQL's zero date (before
            // 0001-01-01) cannot be held: NULL.
            ("FROM_DAYS(730669), TO_DAYS(FROM_DAYS(730669)), FROM_DAYS(366), FROM_DAYS(3652424)", "2000-07-03|730669|0001-01-01|9999-12-31"),
            (&alloc::format!("FROM_DAYS(0), FROM_DAYS(3652425), FROM_DAYS({MIN}), FROM_DAYS({MAX}), FROM_DAYS(NULL)"), "NULL|NULL|NULL|NULL|NULL"),
            ("MAKEDATE(2011, 31), MAKEDATE(2011, 32), MAKEDATE(2011, 365), MAKEDATE(2014, 365), MAKEDATE(2011, 0)", "2011-01-31|2011-02-01|2011-12-31|2014-12-31|NULL"),
            ("MAKEDATE(11, 1), MAKEDATE(99, 1), MAKEDATE(2011, 400), MAKEDATE(9999, 366)", "2011-01-01|1999-01-01|2012-02-04|NULL"),
            (&alloc::format!("MAKEDATE({MIN}, 1), MAKEDATE({MAX}, 1), MAKEDATE(2011, {MAX}), MAKEDATE(2011, {MIN})"), "NULL|NULL|NULL|NULL"),
            // A time past ±838:59:59 is clipped to it, as MySQL clips it.
            ("MAKETIME(12, 15, 30), MAKETIME(-1, 30, 0), MAKETIME(1, 2, 3.5), MAKETIME(900, 0, 0), MAKETIME(1, 60, 0)", "12:15:30|-01:30:00|01:02:03.5|838:59:59|NULL"),
            (&alloc::format!("MAKETIME({MIN}, 0, 0), MAKETIME({MAX}, 0, 0), MAKETIME(0, {MIN}, 0), MAKETIME(0, 0, {MAX}), MAKETIME(0, 0, {MIN})"), "-838:59:59|838:59:59|NULL|NULL|NULL"),
            ("SEC_TO_TIME(2378), SEC_TO_TIME(-2378), SEC_TO_TIME(2378.5), SEC_TO_TIME(NULL)", "00:39:38|-00:39:38|00:39:38.5|NULL"),
            (&alloc::format!("SEC_TO_TIME({MIN}), SEC_TO_TIME({MAX}), SEC_TO_TIME(1e300)"), "-838:59:59|838:59:59|838:59:59.000000"),
            ("TIME_TO_SEC('22:23:00'), TIME_TO_SEC('00:39:38'), TIME_TO_SEC('-01:00:00.9'), TIME_TO_SEC('2008-01-01 01:00:01')", "80580|2378|-3600|3601"),
            ("TIME('2003-12-31 01:02:03'), TIME('2003-12-31 01:02:03.000123'), TIME('12:00'), TIME(DATE '2003-12-31')", "01:02:03|01:02:03.000123|12:00:00|00:00:00"),
            ("HOUR('-01:30:00'), MINUTE(TIME('-01:30:00'))", "1|30"),
            // A time and a datetime do not subtract: NULL, as in MySQL.
            ("TIMEDIFF('2008-12-31 23:59:59.000001', '2008-12-30 01:01:01.000002'), TIMEDIFF('10:00:00', '12:30:00')", "46:58:57.999999|-02:30:00"),
            ("TIMEDIFF('10:00:00', '2008-12-31 10:00:00'), TIMEDIFF('2000-01-01', '1900-01-01'), TIMEDIFF(NULL, '10:00')", "NULL|838:59:59|NULL"),
            ("ADDTIME('01:00:00.999999', '02:00:00.999998'), SUBTIME('01:00:00.999999', '02:00:00.999998')", "03:00:01.999997|-00:59:59.999999"),
            ("ADDTIME('2007-12-31 23:59:59', '00:00:01'), SUBTIME('2008-01-01', '00:00:01'), ADDTIME('800:00:00', '100:00:00')", "2008-01-01 00:00:00|2007-12-31 23:59:59|838:59:59"),
            ("ADDTIME('9999-12-31 23:59:59', '00:00:01'), ADDTIME('10:00:00', '2008-01-01 00:00:00')", "NULL|NULL"),
            ("TIMESTAMP('2003-12-31'), TIMESTAMP('2003-12-31 12:00:00', '12:00:00'), TIMESTAMP('2003-12-31 12:00:00.5')", "2003-12-31 00:00:00|2004-01-01 00:00:00|2003-12-31 12:00:00.5"),
            ("PERIOD_ADD(200801, 2), PERIOD_ADD(0801, 2), PERIOD_ADD(200812, 1), PERIOD_ADD(200801, -1), PERIOD_ADD(0, 5)", "200803|200803|200901|200712|0"),
            ("PERIOD_DIFF(200802, 200703), PERIOD_DIFF(0802, 0703), PERIOD_DIFF(200703, 200802), PERIOD_ADD(NULL, 1)", "11|11|-11|NULL"),
            ("TO_SECONDS('2009-11-29'), TO_SECONDS('2009-11-29 13:43:32'), TO_SECONDS(NULL)", "63426672000|63426721412|NULL"),
        ],
    );
    // MySQL 8 refuses a period that is not one, and Cairn a result past BIGINT.
    for sql in [
        "SELECT PERIOD_ADD(200813, 1)".into(),
        alloc::format!("SELECT PERIOD_DIFF({MIN}, 200801)"),
        alloc::format!("SELECT PERIOD_DIFF(200801, {MIN})"),
    ] {
        assert!(
            db.err(&sql).contains("incorrect arguments to PERIOD_"),
            "{sql}"
        );
    }
    for sql in [
        alloc::format!("SELECT PERIOD_ADD(200801, {MAX})"),
        alloc::format!("SELECT PERIOD_ADD(200801, {MIN})"),
        alloc::format!("SELECT PERIOD_ADD({MAX}, 1)"),
    ] {
        assert!(db.err(&sql).contains("out of range"), "{sql}");
    }
    assert!(db
        .err("SELECT TIME_TO_SEC(5)")
        .contains("TIME_TO_SEC needs a date"));
    assert!(db
        .err("SELECT MAKEDATE('x', 1)")
        .contains("MAKEDATE takes a whole amount"));
}

#[test]
fn compound_interval_units() {
    let mut db = Db::new();
    // The manual's examples (Date and Time Functions, DATE_ADD; Temporal Intervals).
    answers(
        &mut db,
        &[
            ("DATE_ADD('2100-12-31 23:59:59', INTERVAL '1:1' MINUTE_SECOND)", "2101-01-01 00:01:00"),
            ("DATE_SUB('2025-01-01 00:00:00', INTERVAL '1 1:1:1' DAY_SECOND)", "2024-12-30 22:58:59"),
            ("DATE_ADD('1900-01-01 00:00:00', INTERVAL '-1 10' DAY_HOUR)", "1899-12-30 14:00:00"),
            (
                "DATE_ADD('1992-12-31 23:59:59.000002', INTERVAL '1.999999' SECOND_MICROSECOND)",
                "1993-01-01 00:00:01.000001",
            ),
            // The manual: '1:10' DAY_SECOND is read as '1:10' MINUTE_SECOND (the leftmost
            // parts left out), and any punctuation may delimit the parts.
            ("DATE_ADD('2024-03-01 00:00:00', INTERVAL '1:10' DAY_SECOND)", "2024-03-01 00:01:10"),
            (
                "DATE_ADD('2024-03-01 10:00:00', INTERVAL '1:30' HOUR_MINUTE), \
                 DATE_ADD('2024-03-01 10:00:00', INTERVAL '1!30' HOUR_MINUTE), \
                 DATE_ADD('2024-03-01 10:00:00', INTERVAL '1-30' HOUR_MINUTE)",
                "2024-03-01 11:30:00|2024-03-01 11:30:00|2024-03-01 11:30:00",
            ),
            // The manual's EXTRACT examples.
            (
                "EXTRACT(YEAR_MONTH FROM '2019-07-02 01:02:03'), EXTRACT(DAY_MINUTE FROM '2019-07-02 01:02:03')",
                "201907|20102",
            ),
        ],
    );
    // Every unit, one number per part, and the parts left out on the left; the last part
    // of a unit of microseconds scaled to six digits ('.5' is half a second, as MySQL's
    // get_interval_info reads it).
    let at = "'2024-03-01 10:00:00'";
    answers(
        &mut db,
        &[
            (
                alloc::format!("DATE_ADD({at}, INTERVAL '2.5' SECOND_MICROSECOND)"),
                "2024-03-01 10:00:02.500000",
            ),
            (
                alloc::format!("DATE_ADD({at}, INTERVAL '5' SECOND_MICROSECOND)"),
                "2024-03-01 10:00:00.500000",
            ),
            (
                alloc::format!("DATE_ADD({at}, INTERVAL '1:2.000003' MINUTE_MICROSECOND)"),
                "2024-03-01 10:01:02.000003",
            ),
            (
                alloc::format!("DATE_ADD({at}, INTERVAL '1:2' MINUTE_SECOND)"),
                "2024-03-01 10:01:02",
            ),
            (
                alloc::format!("DATE_ADD({at}, INTERVAL '1:2:3.4' HOUR_MICROSECOND)"),
                "2024-03-01 11:02:03.400000",
            ),
            (
                alloc::format!("DATE_ADD({at}, INTERVAL '1:2:3' HOUR_SECOND)"),
                "2024-03-01 11:02:03",
            ),
            (
                alloc::format!("DATE_ADD({at}, INTERVAL '1 1:2:3.4' DAY_MICROSECOND)"),
                "2024-03-02 11:02:03.400000",
            ),
            (
                alloc::format!("DATE_ADD({at}, INTERVAL '1 1:2:3' DAY_SECOND)"),
                "2024-03-02 11:02:03",
            ),
            (
                alloc::format!("DATE_ADD({at}, INTERVAL '1 1:2' DAY_MINUTE)"),
                "2024-03-02 11:02:00",
            ),
            (
                alloc::format!("DATE_ADD({at}, INTERVAL '1 1' DAY_HOUR)"),
                "2024-03-02 11:00:00",
            ),
            (
                alloc::format!("DATE_ADD({at}, INTERVAL '1-1' YEAR_MONTH)"),
                "2025-04-01 10:00:00",
            ),
            (
                alloc::format!("DATE_ADD({at}, INTERVAL '30' DAY_MINUTE)"),
                "2024-03-01 10:30:00",
            ),
        ],
    );
    // A date moved by a unit with a time part is a datetime, by YEAR_MONTH a date (a month's
    // last day if it has fewer); the sign, DATE_SUB, `+` and `-` as MySQL has them.
    answers(
        &mut db,
        &[
            ("DATE_ADD('2024-03-01', INTERVAL '1 2' DAY_HOUR), DATE_ADD('2024-01-31', INTERVAL '1-1' YEAR_MONTH)", "2024-03-02 02:00:00|2025-02-28"),
            ("DATE_SUB('2024-03-31', INTERVAL '0-1' YEAR_MONTH), SUBDATE('2024-03-31', INTERVAL '-1-1' YEAR_MONTH)", "2024-02-29|2025-04-30"),
            ("DATE_SUB('2024-03-01 10:00:00', INTERVAL '-1:30' HOUR_MINUTE), ADDDATE('2024-03-01 10:00:00', INTERVAL ' -1:30' HOUR_MINUTE)", "2024-03-01 11:30:00|2024-03-01 08:30:00"),
            (
                "'2024-03-01 10:00:00' + INTERVAL '1:30' HOUR_MINUTE, '2024-03-01 10:00:00' - INTERVAL '1:30' HOUR_MINUTE, INTERVAL '1:30' HOUR_MINUTE + '2024-03-01 10:00:00'",
                "2024-03-01 11:30:00|2024-03-01 08:30:00|2024-03-01 11:30:00",
            ),
            // A number is read as its text: 1.5 is 1 hour 5 minutes.
            ("DATE_ADD('2024-03-01 10:00:00', INTERVAL 1.5 HOUR_MINUTE), DATE_ADD('2024-03-01 10:00:00', INTERVAL 5 HOUR_MINUTE)", "2024-03-01 11:05:00|2024-03-01 10:05:00"),
            // A TIME moved by a time is a TIME (MySQL 8.0.28 on).
            ("DATE_ADD(TIME '10:00:00', INTERVAL '1:30' HOUR_MINUTE)", "11:30:00"),
            // More numbers than the unit has parts, NULL, a past-range result: NULL.
            ("DATE_ADD('2024-03-01', INTERVAL '1:2:3' HOUR_MINUTE), DATE_ADD('2024-03-01', INTERVAL NULL DAY_HOUR), DATE_ADD('9999-12-31', INTERVAL '1 0' DAY_HOUR)", "NULL|NULL|NULL"),
            ("DATE_ADD('2024-03-01', INTERVAL '99999999999999999999' DAY_HOUR)", "NULL"),
        ],
    );
    // EXTRACT: the parts side by side, two digits each and six for microseconds; of a TIME,
    // its hours past 24 and its sign.
    answers(
        &mut db,
        &[
            (
                "EXTRACT(DAY_MICROSECOND FROM '2019-07-02 01:02:03.000004'), EXTRACT(DAY_SECOND FROM '2019-07-02 01:02:03'), EXTRACT(DAY_HOUR FROM '2019-07-02 01:02:03')",
                "2010203000004|2010203|201",
            ),
            (
                "EXTRACT(HOUR_MICROSECOND FROM '2019-07-02 01:02:03.5'), EXTRACT(HOUR_SECOND FROM '2019-07-02 01:02:03'), EXTRACT(HOUR_MINUTE FROM '2019-07-02 01:02:03')",
                "10203500000|10203|102",
            ),
            (
                "EXTRACT(MINUTE_MICROSECOND FROM '01:02:03.000004'), EXTRACT(MINUTE_SECOND FROM '01:02:03'), EXTRACT(SECOND_MICROSECOND FROM '01:02:03.000004')",
                "203000004|203|3000004",
            ),
            ("EXTRACT(HOUR_MINUTE FROM TIME '-50:20:30'), EXTRACT(DAY_HOUR FROM TIME '50:20:30'), EXTRACT(year_month FROM DATE '2024-03-01')", "-5020|50|202403"),
        ],
    );
    // Columns and their values, named as written.
    db.run("CREATE TABLE t (id INT PRIMARY KEY, at DATETIME, span VARCHAR(20))");
    db.run("INSERT INTO t VALUES (1, '2024-03-01 10:00:00', '1:30'), (2, '2024-03-01 23:00:00', '-0 2')");
    let result = db.run(
        "SELECT DATE_ADD(at, INTERVAL span HOUR_MINUTE), EXTRACT(HOUR_MINUTE FROM at) FROM t ORDER BY id",
    );
    assert_eq!(
        result.columns,
        [
            "DATE_ADD(at, INTERVAL span HOUR_MINUTE)",
            "EXTRACT(HOUR_MINUTE FROM at)"
        ]
    );
    assert_eq!(
        super::tests::lines(&result.rows),
        ["2024-03-01 11:30:00|1000", "2024-03-01 22:58:00|2300"]
    );
    assert_eq!(
        super::tests::lines(&db.rows(
            "SELECT id FROM t WHERE at + INTERVAL '0 1' DAY_HOUR > '2024-03-01 23:30' ORDER BY id"
        )),
        ["2"]
    );
    // Refused: a compound unit where MySQL takes only a single one, the standard's
    // `HOUR TO MINUTE` (naming MySQL's word), and a unit where no INTERVAL is.
    assert!(db
        .err("SELECT TIMESTAMPADD(HOUR_MINUTE, 1, '2024-03-01')")
        .contains("HOUR_MINUTE here: it is a unit of INTERVAL and EXTRACT only"));
    assert!(db
        .err("SELECT DATE_ADD('2024-03-01', INTERVAL '1:30' HOUR TO MINUTE)")
        .contains("MySQL writes HOUR_MINUTE"));
    db.err("SELECT HOUR_MINUTE");
    // The calls the rewrite writes cannot be written by a statement, quoted or not.
    for call in [
        "`INTERVAL HOUR_MINUTE`('1:30')",
        "`interval hour_minute`('1:30')",
        "\"EXTRACT DAY_HOUR\"('2024-03-01')",
    ] {
        db.err(&alloc::format!("SELECT {call}"));
    }
    // A CHECK's text is stored and read back, which these rewritten units could not be.
    assert!(db
        .err("CREATE TABLE c (d DATETIME, CHECK (d > '2024-01-01' + INTERVAL '1:30' HOUR_MINUTE))")
        .contains("unsupported SQL: the unit HOUR_MINUTE in a CHECK constraint"));
    assert!(db
        .err("CREATE TABLE c (d DATETIME, CHECK (EXTRACT(DAY_HOUR FROM d) > 100))")
        .contains("unsupported SQL: the unit DAY_HOUR in a CHECK constraint"));
}
