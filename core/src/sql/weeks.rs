//! MySQL's week numbers, for WEEK, YEARWEEK, WEEKOFYEAR, EXTRACT(WEEK ...) and DATE_FORMAT's
//! %U %u %V %v %X %x: one rule, MySQL's `calc_week`, read through three flags.

use crate::db::temporal::{civil_from_days, days_from_civil};

/// Weeks start on Monday (else Sunday).
const MONDAY_FIRST: u8 = 1;
/// Weeks are numbered 1 to 53: days before week 1 are in the previous year's last week,
/// and days after the year's last week may be in the next year's week 1 (else 0 to 53).
pub(crate) const WEEK_YEAR: u8 = 2;
/// Week 1 is the first week that starts in the year (else the first with 4 or more days in
/// the year).
const FIRST_WEEKDAY: u8 = 4;

/// The flags of WEEK's mode 0 to 7 (the mode's lowest three bits, as MySQL reads it): the
/// manual's table, where the modes starting on Sunday have the first-weekday rule flipped.
pub(crate) fn week_mode(mode: i64) -> u8 {
    let flags = (mode & 7) as u8;
    match flags & MONDAY_FIRST {
        0 => flags ^ FIRST_WEEKDAY,
        _ => flags,
    }
}

/// The flags of DATE_FORMAT's week specifiers: %U (mode 0), %u (mode 1), %V and %X (mode 2),
/// %v and %x (mode 3).
pub(crate) fn format_flags(spec: char) -> u8 {
    match spec {
        'U' => FIRST_WEEKDAY,
        'u' => MONDAY_FIRST,
        'V' | 'X' => WEEK_YEAR | FIRST_WEEKDAY,
        _ => WEEK_YEAR | MONDAY_FIRST,
    }
}

fn days_in_year(y: i64) -> i64 {
    days_from_civil(y + 1, 1, 1) - days_from_civil(y, 1, 1)
}

/// The week of a day (days since 1970-01-01) and the year it is counted in, by `flags`.
pub(crate) fn week(days: i64, flags: u8) -> (i64, i64) {
    let (mut year, month, day) = civil_from_days(days);
    let monday_first = flags & MONDAY_FIRST != 0;
    let mut week_year = flags & WEEK_YEAR != 0;
    let first_weekday = flags & FIRST_WEEKDAY != 0;
    let mut first = days_from_civil(year, 1, 1);
    // 0 is the week's first day; 1970-01-01 was a Thursday.
    let mut weekday = (first + if monday_first { 3 } else { 4 }).rem_euclid(7);
    // Whether the week holding January 1st (which starts on `weekday`'s day) is not week 1.
    let late = |weekday: i64| match first_weekday {
        true => weekday != 0,
        false => weekday >= 4,
    };
    if month == 1 && day <= 7 - weekday {
        // In the week holding January 1st: week 0, or the previous year's last week.
        if !week_year && late(weekday) {
            return (0, year);
        }
        week_year = true;
        year -= 1;
        let length = days_in_year(year);
        first -= length;
        weekday = (weekday - length).rem_euclid(7);
    }
    let since = match late(weekday) {
        true => days - (first + 7 - weekday),
        false => days - (first - weekday),
    };
    // The last days of a year may be the next year's week 1.
    if week_year && since >= 52 * 7 && !late((weekday + days_in_year(year)) % 7) {
        return (1, year + 1);
    }
    (since / 7 + 1, year)
}
