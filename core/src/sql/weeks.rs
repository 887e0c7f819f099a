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

/// The week's day (0 its first) that January 1st of `year` is, by `flags`.
fn first_weekday(year: i64, flags: u8) -> i64 {
    // 1970-01-01 was a Thursday.
    let thursday = if flags & MONDAY_FIRST != 0 { 3 } else { 4 };
    (days_from_civil(year, 1, 1) + thursday).rem_euclid(7)
}

/// Whether the week holding January 1st, which starts on `weekday`'s day, is not week 1 by
/// `flags`.
fn late(weekday: i64, flags: u8) -> bool {
    match flags & FIRST_WEEKDAY != 0 {
        true => weekday != 0,
        false => weekday >= 4,
    }
}

/// The first day of week 1 of `year` (days since 1970-01-01), by `flags`.
fn week_one(year: i64, flags: u8) -> i64 {
    let weekday = first_weekday(year, flags);
    days_from_civil(year, 1, 1) - weekday + if late(weekday, flags) { 7 } else { 0 }
}

/// The week of a day (days since 1970-01-01) and the year it is counted in, by `flags`.
pub(crate) fn week(days: i64, flags: u8) -> (i64, i64) {
    let (mut year, month, day) = civil_from_days(days);
    let mut week_year = flags & WEEK_YEAR != 0;
    let weekday = first_weekday(year, flags);
    if month == 1 && day <= 7 - weekday {
        // In the week holding January 1st: week 0, or the previous year's last week.
        if !week_year && late(weekday, flags) {
            return (0, year);
        }
        week_year = true;
        year -= 1;
    }
    let since = days - week_one(year, flags);
    // The last days of a year may be the next year's week 1.
    if week_year && since >= 52 * 7 && !late(first_weekday(year + 1, flags), flags) {
        return (1, year + 1);
    }
    (since / 7 + 1, year)
}

/// The day (days since 1970-01-01) of `weekday` (1 Monday to 7 Sunday) in week `week` of
/// `year`, weeks numbered by `flags` (`format_flags`'s): STR_TO_DATE's %U %u %V %v read back.
/// Week 0 is the days of the year before week 1, as MySQL counts them back.
pub(crate) fn day_of_week(year: i64, week: i64, weekday: i64, flags: u8) -> i64 {
    let position = match flags & MONDAY_FIRST != 0 {
        true => weekday - 1,
        false => weekday % 7,
    };
    week_one(year, flags) + (week - 1) * 7 + position
}
