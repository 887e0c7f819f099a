//! MySQL's DATE, DATETIME, TIMESTAMP, TIME and YEAR: each one integer (days, microseconds or
//! a year), so that values compare, and keys sort, as numbers. Text is read and printed in
//! MySQL's canonical forms; a date that does not exist is refused, never adjusted.

use core::cmp::Ordering;
use core::fmt;

pub(crate) const MICROS_PER_SECOND: i64 = 1_000_000;
pub(crate) const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;
/// TIME's range, ±838:59:59, as MySQL's.
pub(crate) const MAX_TIME: i64 = (838 * 3600 + 59 * 60 + 59) * MICROS_PER_SECOND;
/// TIMESTAMP's range: the 32-bit Unix seconds from 1970-01-01 00:00:01 to 2038-01-19 03:14:07.
const MIN_TIMESTAMP: i64 = MICROS_PER_SECOND;
const MAX_TIMESTAMP: i64 = (i32::MAX as i64 + 1) * MICROS_PER_SECOND - 1;
/// Largest fractional-second precision, as MySQL's.
pub const MAX_FSP: u8 = 6;

/// The temporal types; the datetime types and TIME carry their fractional-second digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeType {
    Date,
    DateTime(u8),
    Timestamp(u8),
    Time(u8),
    Year,
}

impl TimeType {
    /// How values of this kind are written, for errors.
    pub fn form(self) -> &'static str {
        match self {
            TimeType::Date => "YYYY-MM-DD",
            TimeType::DateTime(_) | TimeType::Timestamp(_) => "YYYY-MM-DD hh:mm:ss[.fraction]",
            TimeType::Time(_) => "[-]hhh:mm:ss[.fraction]",
            TimeType::Year => "YYYY",
        }
    }

    /// Kinds of one family convert into each other and compare: the date types, TIME, YEAR.
    pub fn family(self) -> u8 {
        match self {
            TimeType::Date | TimeType::DateTime(_) | TimeType::Timestamp(_) => 0,
            TimeType::Time(_) => 1,
            TimeType::Year => 2,
        }
    }

    /// The least and greatest value, for errors.
    pub fn range(self) -> &'static str {
        match self {
            TimeType::Date => "0001-01-01 to 9999-12-31",
            TimeType::DateTime(_) => "0001-01-01 00:00:00 to 9999-12-31 23:59:59",
            TimeType::Timestamp(_) => "1970-01-01 00:00:01 to 2038-01-19 03:14:07",
            TimeType::Time(_) => "-838:59:59 to 838:59:59",
            TimeType::Year => "1901 to 2155, or 0000",
        }
    }
}

impl fmt::Display for TimeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, fsp) = match *self {
            TimeType::Date => ("date", 0),
            TimeType::DateTime(fsp) => ("datetime", fsp),
            TimeType::Timestamp(fsp) => ("timestamp", fsp),
            TimeType::Time(fsp) => ("time", fsp),
            TimeType::Year => ("year", 0),
        };
        f.write_str(name)?;
        if fsp > 0 {
            write!(f, "({fsp})")?;
        }
        Ok(())
    }
}

/// A value of a temporal type: days since 1970-01-01 (DATE), microseconds since
/// 1970-01-01 00:00:00 (DATETIME, TIMESTAMP; no time zone), microseconds (TIME), or the year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Temporal {
    pub kind: TimeType,
    pub value: i64,
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count from 1970-01-01 (civil_from_days).
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    // Clamped, so that no stored integer, however wrong, makes printing it overflow.
    let z = z.clamp(-(1 << 50), 1 << 50) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

pub(crate) fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A run of ASCII digits as a number, None if empty or not all digits.
fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYY-MM-DD` (months and days of one or two digits, as MySQL reads them) as days.
fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() > 2 || d.len() > 2 {
        return None;
    }
    let (y, m, d) = (digits(y)?, digits(m)?, digits(d)?);
    let valid =
        (1..=9999).contains(&y) && (1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&d);
    valid.then(|| days_from_civil(y, m, d))
}

/// `[h]h:mm[:ss[.fraction]]` as microseconds, the fraction rounded half up to `fsp` digits;
/// hours up to `max_hours`.
fn parse_time_of_day(s: &str, max_hours: i64, fsp: u8) -> Option<i64> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut parts = whole.split(':');
    let (h, m) = (parts.next()?, parts.next()?);
    let sec = parts.next().unwrap_or("0");
    if parts.next().is_some()
        || m.len() != 2
        || sec.len() > 2
        || (frac.is_empty() && s.ends_with('.'))
    {
        return None;
    }
    let (h, m, sec) = (digits(h)?, digits(m)?, digits(sec)?);
    if h > max_hours || m > 59 || sec > 59 {
        return None;
    }
    let micros = match frac {
        "" => 0,
        f if f.len() <= 9 => {
            // Nanoseconds, then rounded to the column's precision.
            let nanos = digits(f)? * 10i64.pow(9 - f.len() as u32);
            let unit = 10i64.pow(9 - u32::from(fsp));
            (nanos + unit / 2) / unit * unit / 1000
        }
        _ => return None,
    };
    Some((h * 3600 + m * 60 + sec) * MICROS_PER_SECOND + micros)
}

impl Temporal {
    /// Text in `kind`'s form, or None when it is no valid value of it.
    pub fn parse(kind: TimeType, text: &str) -> Option<Temporal> {
        let text = text.trim();
        let value = match kind {
            // A datetime's text is a date too: its time is dropped, as MySQL stores it.
            TimeType::Date => match parse_date(text) {
                Some(days) => days,
                None => return Temporal::parse(TimeType::DateTime(MAX_FSP), text)?.convert(kind),
            },
            TimeType::DateTime(fsp) | TimeType::Timestamp(fsp) => {
                let (date, time) = match text.split_once([' ', 'T']) {
                    Some((date, time)) => (date, Some(time)),
                    None => (text, None),
                };
                let time = match time {
                    Some(t) => parse_time_of_day(t, 23, fsp)?,
                    None => 0,
                };
                let micros = parse_date(date)?
                    .checked_mul(MICROS_PER_DAY)?
                    .checked_add(time)?;
                // Rounding may carry into the next day: still a valid instant unless past 9999.
                if micros >= days_from_civil(10_000, 1, 1) * MICROS_PER_DAY {
                    return None;
                }
                micros
            }
            TimeType::Time(fsp) => {
                let (negative, body) = match text.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, text),
                };
                let micros = parse_time_of_day(body, 838, fsp)?;
                if negative {
                    -micros
                } else {
                    micros
                }
            }
            TimeType::Year => return Temporal::year(digits(text)?, text.len()),
        };
        Temporal { kind, value }.checked()
    }

    /// A year as MySQL reads a number: 1901 to 2155, 0, or two digits (1-69 as 2001-2069,
    /// 70-99 as 1970-1999; `'0'` and `'00'` as text are 2000). `width` is how many digits
    /// the text had (0 for a number).
    pub fn year(n: i64, width: usize) -> Option<Temporal> {
        let value = match n {
            0 if width == 0 || width == 4 => 0,
            0 => 2000,
            1..=69 if width <= 2 => 2000 + n,
            70..=99 if width <= 2 => 1900 + n,
            1901..=2155 => n,
            _ => return None,
        };
        Some(Temporal {
            kind: TimeType::Year,
            value,
        })
    }

    /// This value if it is in its kind's range.
    fn checked(self) -> Option<Temporal> {
        let ok = match self.kind {
            TimeType::Timestamp(_) => (MIN_TIMESTAMP..=MAX_TIMESTAMP).contains(&self.value),
            TimeType::Time(_) => (-MAX_TIME..=MAX_TIME).contains(&self.value),
            _ => true,
        };
        ok.then_some(self)
    }

    /// This value as one of `kind`: the date types into each other (a date is its midnight, a
    /// datetime's date drops its time, as MySQL converts them), fractions rounded to the
    /// precision; None for other pairs or a value out of the range.
    pub fn convert(self, kind: TimeType) -> Option<Temporal> {
        let micros = |t: Temporal| match t.kind {
            TimeType::Date => t.value.checked_mul(MICROS_PER_DAY),
            TimeType::DateTime(_) | TimeType::Timestamp(_) => Some(t.value),
            _ => None,
        };
        let round = |v: i64, fsp: u8| {
            let unit = 10i64.pow(u32::from(MAX_FSP - fsp));
            v.checked_add(unit / 2)?.div_euclid(unit).checked_mul(unit)
        };
        let value = match (self.kind, kind) {
            (TimeType::Year, TimeType::Year) => self.value,
            (TimeType::Time(_), TimeType::Time(fsp)) => {
                let rounded = round(self.value.checked_abs()?, fsp)?;
                rounded * self.value.signum()
            }
            (_, TimeType::Date) => micros(self)?.div_euclid(MICROS_PER_DAY),
            (_, TimeType::DateTime(fsp) | TimeType::Timestamp(fsp)) => round(micros(self)?, fsp)?,
            _ => return None,
        };
        Temporal { kind, value }.checked()
    }

    /// The order of two values of comparable kinds (the date types with each other, TIME with
    /// TIME, YEAR with YEAR).
    pub fn compare(&self, other: &Temporal) -> Option<Ordering> {
        if self.kind.family() != other.kind.family() {
            return None;
        }
        // Dates as their midnights; the others are already on one scale.
        let common = |t: &Temporal| match t.kind {
            TimeType::Date => t.value.saturating_mul(MICROS_PER_DAY),
            _ => t.value,
        };
        Some(common(self).cmp(&common(other)))
    }

    /// The words for this kind in errors: "a date", "a time".
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            TimeType::Date => "a date",
            TimeType::DateTime(_) => "a datetime",
            TimeType::Timestamp(_) => "a timestamp",
            TimeType::Time(_) => "a time",
            TimeType::Year => "a year",
        }
    }
}

/// The fraction of a second, `fsp` digits after a point (nothing for 0).
fn write_fraction(f: &mut fmt::Formatter<'_>, micros: u64, fsp: u8) -> fmt::Result {
    if fsp == 0 {
        return Ok(());
    }
    let digits = alloc::format!("{:06}", micros);
    write!(f, ".{}", &digits[..usize::from(fsp)])
}

/// MySQL's forms: `2024-02-29`, `2024-02-29 13:05:00.250`, `-838:59:59`, `2024`.
impl fmt::Display for Temporal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let date = |f: &mut fmt::Formatter<'_>, days: i64| {
            let (y, m, d) = civil_from_days(days);
            write!(f, "{y:04}-{m:02}-{d:02}")
        };
        let clock = |f: &mut fmt::Formatter<'_>, micros: u64, fsp: u8| {
            let secs = micros / MICROS_PER_SECOND as u64;
            write!(
                f,
                "{:02}:{:02}:{:02}",
                secs / 3600,
                secs / 60 % 60,
                secs % 60
            )?;
            write_fraction(f, micros % MICROS_PER_SECOND as u64, fsp)
        };
        match self.kind {
            TimeType::Date => date(f, self.value),
            TimeType::DateTime(fsp) | TimeType::Timestamp(fsp) => {
                date(f, self.value.div_euclid(MICROS_PER_DAY))?;
                f.write_str(" ")?;
                clock(f, self.value.rem_euclid(MICROS_PER_DAY).unsigned_abs(), fsp)
            }
            TimeType::Time(fsp) => {
                if self.value < 0 {
                    f.write_str("-")?;
                }
                clock(f, self.value.unsigned_abs(), fsp)
            }
            TimeType::Year => write!(f, "{:04}", self.value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::{String, ToString};

    fn shown(kind: TimeType, text: &str) -> Option<String> {
        Temporal::parse(kind, text).map(|t| t.to_string())
    }

    #[test]
    fn a_stored_value_at_the_edge_of_the_scale_converts_or_is_refused() {
        // A row from a store is untrusted: a datetime's microseconds may be anything.
        for value in [i64::MIN, i64::MIN + 1, i64::MAX] {
            let t = Temporal {
                kind: TimeType::DateTime(6),
                value,
            };
            for fsp in 0..=MAX_FSP {
                let _ = t.convert(TimeType::DateTime(fsp));
                let _ = t.convert(TimeType::Timestamp(fsp));
            }
            let _ = t.convert(TimeType::Date);
        }
    }

    #[test]
    fn dates_that_exist_and_dates_that_do_not() {
        for (text, want) in [
            ("2024-02-29", Some("2024-02-29")),
            ("2023-02-29", None),
            ("1900-02-29", None),
            ("2000-02-29", Some("2000-02-29")),
            ("2024-4-5", Some("2024-04-05")),
            ("2024-04-31", None),
            ("2024-13-01", None),
            ("2024-00-10", None),
            ("0000-01-01", None),
            ("0001-01-01", Some("0001-01-01")),
            ("9999-12-31", Some("9999-12-31")),
            ("1969-12-31", Some("1969-12-31")),
            ("2024-01-01 10:00:00", Some("2024-01-01")),
            ("2024-01-01 25:00:00", None),
            ("tomorrow", None),
            ("24-01-01", None),
        ] {
            assert_eq!(shown(TimeType::Date, text).as_deref(), want, "{text}");
        }
        for days in [-719_162, -1, 0, 1, 11_016, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn datetimes_times_and_years() {
        let dt = TimeType::DateTime(0);
        assert_eq!(
            shown(dt, "2024-02-29 13:05:09").as_deref(),
            Some("2024-02-29 13:05:09")
        );
        assert_eq!(
            shown(dt, "2024-02-29T13:05").as_deref(),
            Some("2024-02-29 13:05:00")
        );
        assert_eq!(
            shown(dt, "2024-02-29").as_deref(),
            Some("2024-02-29 00:00:00")
        );
        assert_eq!(
            shown(dt, "2024-12-31 23:59:59.5").as_deref(),
            Some("2025-01-01 00:00:00")
        );
        assert_eq!(shown(dt, "9999-12-31 23:59:59.5"), None);
        assert_eq!(shown(dt, "2024-02-29 24:00:00"), None);
        assert_eq!(shown(dt, "2024-02-29 10:60:00"), None);
        assert_eq!(
            shown(TimeType::DateTime(3), "1960-01-01 00:00:00.12345").as_deref(),
            Some("1960-01-01 00:00:00.123")
        );
        let ts = TimeType::Timestamp(0);
        assert_eq!(
            shown(ts, "1970-01-01 00:00:01").as_deref(),
            Some("1970-01-01 00:00:01")
        );
        assert_eq!(shown(ts, "1970-01-01 00:00:00"), None);
        assert_eq!(
            shown(ts, "2038-01-19 03:14:07").as_deref(),
            Some("2038-01-19 03:14:07")
        );
        assert_eq!(shown(ts, "2038-01-19 03:14:08"), None);
        let time = TimeType::Time(0);
        assert_eq!(shown(time, "838:59:59").as_deref(), Some("838:59:59"));
        assert_eq!(shown(time, "-838:59:59").as_deref(), Some("-838:59:59"));
        assert_eq!(shown(time, "839:00:00"), None);
        assert_eq!(shown(time, "-0:30").as_deref(), Some("-00:30:00"));
        assert_eq!(
            shown(TimeType::Time(2), "1:02:03.456").as_deref(),
            Some("01:02:03.46")
        );
        for (text, want) in [
            ("2024", Some("2024")),
            ("1901", Some("1901")),
            ("1900", None),
            ("2156", None),
            ("0000", Some("0000")),
            ("0", Some("2000")),
            ("69", Some("2069")),
            ("70", Some("1970")),
        ] {
            assert_eq!(shown(TimeType::Year, text).as_deref(), want, "{text}");
        }
        assert_eq!(
            Temporal::year(0, 0).map(|t| t.to_string()).as_deref(),
            Some("0000")
        );
    }

    #[test]
    fn conversions_and_comparisons() {
        let d = Temporal::parse(TimeType::Date, "2024-03-01").unwrap();
        let dt = Temporal::parse(TimeType::DateTime(0), "2024-03-01 00:00:01").unwrap();
        assert_eq!(d.compare(&dt), Some(Ordering::Less));
        assert_eq!(dt.convert(TimeType::Date), Some(d));
        assert_eq!(
            d.convert(TimeType::Timestamp(0)).unwrap().to_string(),
            "2024-03-01 00:00:00"
        );
        let before = Temporal::parse(TimeType::Date, "1969-12-31").unwrap();
        assert_eq!(before.convert(TimeType::Timestamp(0)), None);
        let t = Temporal::parse(TimeType::Time(0), "10:00:00").unwrap();
        assert_eq!(t.compare(&d), None);
        assert_eq!(t.convert(TimeType::Date), None);
        let early = Temporal::parse(TimeType::DateTime(6), "1969-12-31 23:59:59.999999").unwrap();
        assert_eq!(early.to_string(), "1969-12-31 23:59:59.999999");
        assert_eq!(
            early.convert(TimeType::DateTime(0)).unwrap().to_string(),
            "1970-01-01 00:00:00"
        );
        // Any stored integer prints without panicking.
        for kind in [
            TimeType::Date,
            TimeType::DateTime(6),
            TimeType::Time(6),
            TimeType::Year,
        ] {
            for value in [i64::MIN, i64::MAX] {
                let _ = Temporal { kind, value }.to_string();
            }
        }
        let min = Temporal {
            kind: TimeType::Time(0),
            value: i64::MIN,
        };
        assert_eq!(min.convert(TimeType::Time(0)), None);
    }
}
