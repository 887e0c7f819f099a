//! STR_TO_DATE(str, format): DATE_FORMAT read backwards, as MySQL's `extract_date_time`
//! reads it. Text that does not match gives NULL (MySQL warns too); text left over after
//! the format is ignored, as MySQL does (with a warning). One pass over the bytes, nothing
//! allocated, so any input is cheap.

use crate::db::temporal::{
    civil_from_days, days_from_civil, days_in_month, Temporal, TimeType, MICROS_PER_DAY,
    MICROS_PER_SECOND,
};
use crate::sql::dates::{full_year, DAY_NAMES, MONTH_NAMES};
use crate::sql::weeks;

/// The parts read so far; what the format does not read stays 0, as in MySQL.
#[derive(Default)]
struct Parts {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    micros: i64,
}

/// `text` read by `format`: a DATETIME if the format reads a date and a time, a DATE if only
/// a date (or nothing), a TIME if only a time, as MySQL types it; None if the text does not
/// match, or is a date with a zero or impossible part (MySQL's NO_ZERO_DATE, the default).
/// A week (%U %u %V %v) with a day of the week (%W %a %w) is a date, in the year of %Y, or
/// for %V of %X and for %v of %x, as MySQL requires; a week without a day of the week says
/// nothing, so the date is NULL unless the format reads one otherwise.
pub(crate) fn str_to_date(text: &str, format: &str) -> Option<Temporal> {
    let kind = result_kind(format.as_bytes());
    let mut parts = Parts::default();
    extract(format.as_bytes(), text.as_bytes(), &mut parts)?;
    let p = parts;
    let clock = ((p.hour * 60 + p.minute) * 60 + p.second) * MICROS_PER_SECOND + p.micros;
    let date = || {
        let valid = (1..=9999).contains(&p.year)
            && (1..=12).contains(&p.month)
            && (1..=days_in_month(p.year, p.month)).contains(&p.day);
        valid.then(|| days_from_civil(p.year, p.month, p.day))
    };
    match kind {
        TimeType::Date => date().map(|days| Temporal { kind, value: days }),
        // A TIME's day of the month counts 24 hours each, as in MySQL.
        TimeType::Time(_) => Some(Temporal {
            kind,
            value: p.day * MICROS_PER_DAY + clock,
        }),
        _ => date().map(|days| Temporal {
            kind,
            value: days * MICROS_PER_DAY + clock,
        }),
    }
}

/// The type MySQL gives a format's result: which specifiers it has (a day of the month
/// alone says nothing: it may be a TIME's).
fn result_kind(format: &[u8]) -> TimeType {
    let (mut date, mut time, mut fraction) = (false, false, false);
    let mut i = 0;
    while i < format.len() {
        if format[i] == b'%' && i + 1 < format.len() {
            i += 1;
            match format[i] {
                b'f' => (time, fraction) = (true, true),
                c if b"HISThiklrs".contains(&c) => time = true,
                c if b"MVUXYWabcjmvuxyw".contains(&c) => date = true,
                _ => {}
            }
        }
        i += 1;
    }
    let fsp = if fraction { 6 } else { 0 };
    match (date, time) {
        (true, true) => TimeType::DateTime(fsp),
        (false, true) => TimeType::Time(fsp),
        _ => TimeType::Date,
    }
}

/// Reads `val` by `format` into `p`, answering the text left; None if it does not match.
/// Blanks before each piece of the text, and in the format, are skipped; the format's
/// pieces past the end of the text are not read.
fn extract<'a>(format: &[u8], mut val: &'a [u8], p: &mut Parts) -> Option<&'a [u8]> {
    // A 12-hour clock's hour was read (%h %I %l), and AM or PM's hours to add.
    let (mut twelve, mut pm) = (false, 0);
    let mut yearday = 0;
    // A week number and its specifier, the day of the week (1 Monday to 7 Sunday, 0 none),
    // and a year of %X or %x and its specifier.
    let (mut week, mut weekday, mut week_year) = (None, 0, None);
    let mut f = 0;
    while f < format.len() {
        val = skip(val, |b| b == b' ');
        if val.is_empty() {
            break;
        }
        let c = format[f];
        f += 1;
        if c != b'%' || f == format.len() {
            if !c.is_ascii_whitespace() {
                val = val.strip_prefix(&[c])?;
            }
            continue;
        }
        let spec = format[f];
        f += 1;
        match spec {
            b'Y' => {
                let (n, digits) = number(&mut val, 4)?;
                p.year = if digits <= 2 { full_year(n) } else { n };
            }
            b'y' => p.year = full_year(number(&mut val, 2)?.0),
            b'm' | b'c' => p.month = number(&mut val, 2)?.0,
            b'M' => p.month = word(&mut val, &MONTH_NAMES, false)?,
            b'b' => p.month = word(&mut val, &MONTH_NAMES, true)?,
            b'd' | b'e' => p.day = number(&mut val, 2)?.0,
            b'D' => {
                p.day = number(&mut val, 2)?.0;
                // The suffix, st nd rd th, unread.
                val = &val[val.len().min(2)..];
            }
            b'h' | b'I' | b'l' => {
                twelve = true;
                p.hour = number(&mut val, 2)?.0;
            }
            b'H' | b'k' => p.hour = number(&mut val, 2)?.0,
            b'i' => p.minute = number(&mut val, 2)?.0,
            b's' | b'S' => p.second = number(&mut val, 2)?.0,
            b'f' => {
                let (n, digits) = number(&mut val, 6)?;
                p.micros = n * 10i64.pow(6 - digits);
            }
            b'p' => {
                let half = val.get(..2).filter(|_| twelve)?;
                pm = if half.eq_ignore_ascii_case(b"PM") {
                    12
                } else if half.eq_ignore_ascii_case(b"AM") {
                    0
                } else {
                    return None;
                };
                val = &val[2..];
            }
            // The day of the week says nothing without a week.
            b'W' => weekday = word(&mut val, &DAY_NAMES, false)?,
            b'a' => weekday = word(&mut val, &DAY_NAMES, true)?,
            b'w' => {
                // 0 is Sunday.
                weekday = match number(&mut val, 1).filter(|(n, _)| *n < 7)?.0 {
                    0 => 7,
                    n => n,
                }
            }
            b'U' | b'u' | b'V' | b'v' => {
                let n = number(&mut val, 2)?.0;
                // %V and %v count from 1.
                if n > 53 || (n == 0 && matches!(spec, b'V' | b'v')) {
                    return None;
                }
                week = Some((n, spec));
            }
            b'X' | b'x' => week_year = Some((number(&mut val, 4)?.0, spec)),
            b'j' => yearday = number(&mut val, 3)?.0,
            b'r' => val = extract(b"%I:%i:%S %p", val, p)?,
            b'T' => val = extract(b"%H:%i:%S", val, p)?,
            b'.' => val = skip(val, |b| b.is_ascii_punctuation()),
            b'@' => val = skip(val, |b| b.is_ascii_alphabetic()),
            b'#' => val = skip(val, |b| b.is_ascii_digit()),
            _ => return None,
        }
    }
    if twelve {
        if !(1..=12).contains(&p.hour) {
            return None;
        }
        p.hour = p.hour % 12 + pm;
    }
    if yearday > 0 {
        let (y, m, d) = civil_from_days(days_from_civil(p.year, 1, 1) + yearday - 1);
        (p.year, p.month, p.day) = (y, m, d);
    }
    if let Some((n, spec)) = week.filter(|_| weekday > 0) {
        // %V takes its year from %X, %v from %x; %U and %u from %Y, with no %X or %x.
        let year = match (spec, week_year) {
            (b'V', Some((year, b'X'))) | (b'v', Some((year, b'x'))) => year,
            (b'U' | b'u', None) => p.year,
            _ => return None,
        };
        let flags = weeks::format_flags(char::from(spec));
        let (y, m, d) = civil_from_days(weeks::day_of_week(year, n, weekday, flags));
        (p.year, p.month, p.day) = (y, m, d);
    }
    let fits = p.month <= 12 && p.day <= 31 && p.hour <= 23 && p.minute <= 59 && p.second <= 59;
    fits.then_some(val)
}

fn skip(val: &[u8], pass: impl Fn(u8) -> bool) -> &[u8] {
    let n = val.iter().take_while(|b| pass(**b)).count();
    &val[n..]
}

/// Up to `most` digits (at least one), and how many.
fn number(val: &mut &[u8], most: u32) -> Option<(i64, u32)> {
    let mut n = 0;
    let mut digits = 0;
    while let Some(d) = val.get(digits as usize).filter(|b| b.is_ascii_digit()) {
        if digits == most {
            break;
        }
        n = n * 10 + i64::from(d - b'0');
        digits += 1;
    }
    *val = &val[digits as usize..];
    (digits > 0).then_some((n, digits))
}

/// The letters at the start of `val` as one of `names` (their first three letters if
/// `short`), counting from 1: the name, or the start of only one, ASCII case ignored.
fn word(val: &mut &[u8], names: &[&'static str], short: bool) -> Option<i64> {
    let n = val.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let (read, rest) = val.split_at(n);
    *val = rest;
    let name = |s: &'static str| if short { &s[..3] } else { s };
    let mut found = None;
    for (i, full) in names.iter().enumerate() {
        let candidate = name(full).as_bytes();
        if candidate.eq_ignore_ascii_case(read) {
            return Some(i as i64 + 1);
        }
        if n > 0 && candidate.len() > n && candidate[..n].eq_ignore_ascii_case(read) {
            if found.is_some() {
                return None;
            }
            found = Some(i as i64 + 1);
        }
    }
    found
}
