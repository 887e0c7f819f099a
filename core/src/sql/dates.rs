//! MySQL's date and time functions over the temporal values of `db/temporal.rs`: parts
//! (HOUR, DAYOFWEEK, QUARTER, EXTRACT, ...), DATE, LAST_DAY, TO_DAYS, DATEDIFF, DATE_FORMAT,
//! week numbers (`weeks.rs`), Unix time, STR_TO_DATE (`str_to_date.rs`), the time functions
//! (TIME, TIMEDIFF, ADDTIME, MAKETIME, ...), periods, interval arithmetic (DATE_ADD,
//! DATE_SUB, `d + INTERVAL n unit`, TIMESTAMPADD; compound units in `intervals.rs`) and
//! TIMESTAMPDIFF. Text arguments are read
//! as MySQL reads them, as a datetime (or first as a time, for the functions of times). A
//! date past 9999-12-31 or before 0001-01-01 is NULL, as in MySQL (its zero date too); a
//! time past ±838:59:59 is clipped to it. The core has no clock: NOW() and
//! UNIX_TIMESTAMP() are the front end's, written into the statement (`history.rs`).
//!
//! Times are UTC: Cairn has no session time zone, so UNIX_TIMESTAMP and FROM_UNIXTIME convert
//! as MySQL does with `time_zone = '+00:00'`, and CONVERT_TZ is refused (unknown function).

use alloc::format;
use alloc::string::String;

use crate::db::decimal::Decimal;
use crate::db::temporal::{
    civil_from_days, days_from_civil, days_in_month, Temporal, TimeType, MAX_FSP, MAX_TIME,
    MICROS_PER_DAY, MICROS_PER_SECOND,
};
use crate::db::value::Value;
use crate::sql::expr::out_of_range;
use crate::sql::functions::{self, whole};
use crate::sql::intervals::Compound;
use crate::sql::str_to_date::str_to_date;
use crate::sql::weeks;
use crate::sql::{unsupported, SqlError};
use sqlparser::ast;

/// An interval's or a part's unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Microsecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Unit {
    pub fn named(name: &str) -> Result<Unit, SqlError> {
        Ok(match name.to_ascii_lowercase().as_str() {
            "microsecond" => Unit::Microsecond,
            "second" => Unit::Second,
            "minute" => Unit::Minute,
            "hour" => Unit::Hour,
            "day" => Unit::Day,
            "week" => Unit::Week,
            "month" => Unit::Month,
            "quarter" => Unit::Quarter,
            "year" => Unit::Year,
            _ if Compound::named(name).is_some() => {
                return unsupported(format!(
                    "the unit {name} here: it is a unit of INTERVAL and EXTRACT only"
                ))
            }
            _ => return unsupported(format!("the unit {name}")),
        })
    }

    /// The unit of `INTERVAL n unit`, `EXTRACT(unit FROM ...)`.
    pub fn of_field(field: &ast::DateTimeField) -> Result<Unit, SqlError> {
        Unit::named(&format!("{field}"))
    }

    /// The unit of an interval, and its amount.
    pub fn of_interval(i: &ast::Interval) -> Result<(Unit, &ast::Expr), SqlError> {
        match (&i.leading_field, i.leading_precision, &i.last_field) {
            (Some(field), None, None) if i.fractional_seconds_precision.is_none() => {
                Ok((Unit::of_field(field)?, &i.value))
            }
            // The standard's `HOUR TO MINUTE`, which MySQL writes HOUR_MINUTE.
            (Some(first), None, Some(last)) => match Compound::named(&format!("{first}_{last}")) {
                Some(c) => unsupported(format!("INTERVAL {i}: MySQL writes {}", c.name())),
                None => unsupported(format!("INTERVAL {i}")),
            },
            _ => unsupported(format!("INTERVAL {i}")),
        }
    }

    /// Microseconds in one, for the units of fixed length.
    fn micros(self) -> Option<i64> {
        Some(match self {
            Unit::Microsecond => 1,
            Unit::Second => MICROS_PER_SECOND,
            Unit::Minute => 60 * MICROS_PER_SECOND,
            Unit::Hour => 3600 * MICROS_PER_SECOND,
            Unit::Day => MICROS_PER_DAY,
            Unit::Week => 7 * MICROS_PER_DAY,
            Unit::Month | Unit::Quarter | Unit::Year => return None,
        })
    }

    /// Months in one, for the calendar units.
    fn months(self) -> Option<i64> {
        match self {
            Unit::Month => Some(1),
            Unit::Quarter => Some(3),
            Unit::Year => Some(12),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateFunc {
    /// A part of a date or time, as EXTRACT(unit FROM d), HOUR(d), ...
    Part(Unit),
    DayOfWeek,
    WeekDay,
    DayOfYear,
    DayName,
    MonthName,
    Date,
    LastDay,
    ToDays,
    DateDiff,
    DateFormat,
    /// WEEK(date[, mode]), YEARWEEK(date[, mode]), WEEKOFYEAR(date) (`weeks.rs`).
    Week,
    YearWeek,
    WeekOfYear,
    /// UNIX_TIMESTAMP(date); UNIX_TIMESTAMP() reads the clock (`history.rs`).
    UnixTimestamp,
    /// FROM_UNIXTIME(seconds[, format]).
    FromUnixTime,
    /// STR_TO_DATE(text, format) (`str_to_date.rs`).
    StrToDate,
    /// FROM_DAYS(n), the inverse of TO_DAYS.
    FromDays,
    /// MAKEDATE(year, day of the year).
    MakeDate,
    /// MAKETIME(hours, minutes, seconds).
    MakeTime,
    SecToTime,
    TimeToSec,
    /// TIME(expr): a time, or a datetime's time of day.
    Time,
    TimeDiff,
    /// ADDTIME(a, time), or SUBTIME if true.
    AddTime(bool),
    /// TIMESTAMP(expr[, time]).
    Timestamp,
    PeriodAdd,
    PeriodDiff,
    ToSeconds,
    /// (date, amount): the date moved by amount units.
    Add(Unit),
    /// (from, to): whole units from one to the other.
    Diff(Unit),
    /// The amount of `INTERVAL expr unit` in a compound unit (`intervals.rs`).
    Interval(Compound),
    /// EXTRACT(unit FROM d) of a compound unit.
    Extract(Compound),
}

/// The function of a (lower-case) name that takes its arguments as values, with its least
/// and greatest argument count. DATE_ADD and the others whose arguments hold a unit are
/// compiled from their syntax (`expr.rs`).
pub fn lookup(name: &str) -> Option<(DateFunc, usize, usize)> {
    let one = |f| Some((f, 1, 1));
    match name {
        "hour" => one(DateFunc::Part(Unit::Hour)),
        "minute" => one(DateFunc::Part(Unit::Minute)),
        "second" => one(DateFunc::Part(Unit::Second)),
        "microsecond" => one(DateFunc::Part(Unit::Microsecond)),
        "quarter" => one(DateFunc::Part(Unit::Quarter)),
        "dayofweek" => one(DateFunc::DayOfWeek),
        "weekday" => one(DateFunc::WeekDay),
        "dayofyear" => one(DateFunc::DayOfYear),
        "dayname" => one(DateFunc::DayName),
        "monthname" => one(DateFunc::MonthName),
        "date" => one(DateFunc::Date),
        "last_day" => one(DateFunc::LastDay),
        "to_days" => one(DateFunc::ToDays),
        "datediff" => Some((DateFunc::DateDiff, 2, 2)),
        "date_format" => Some((DateFunc::DateFormat, 2, 2)),
        "week" => Some((DateFunc::Week, 1, 2)),
        "yearweek" => Some((DateFunc::YearWeek, 1, 2)),
        "weekofyear" => one(DateFunc::WeekOfYear),
        "unix_timestamp" => one(DateFunc::UnixTimestamp),
        "from_unixtime" => Some((DateFunc::FromUnixTime, 1, 2)),
        "str_to_date" => Some((DateFunc::StrToDate, 2, 2)),
        "from_days" => one(DateFunc::FromDays),
        "makedate" => Some((DateFunc::MakeDate, 2, 2)),
        "maketime" => Some((DateFunc::MakeTime, 3, 3)),
        "sec_to_time" => one(DateFunc::SecToTime),
        "time_to_sec" => one(DateFunc::TimeToSec),
        "time" => one(DateFunc::Time),
        "timediff" => Some((DateFunc::TimeDiff, 2, 2)),
        "addtime" => Some((DateFunc::AddTime(false), 2, 2)),
        "subtime" => Some((DateFunc::AddTime(true), 2, 2)),
        "timestamp" => Some((DateFunc::Timestamp, 1, 2)),
        "period_add" => Some((DateFunc::PeriodAdd, 2, 2)),
        "period_diff" => Some((DateFunc::PeriodDiff, 2, 2)),
        "to_seconds" => one(DateFunc::ToSeconds),
        _ => match Compound::call(name)? {
            (c, true) => one(DateFunc::Extract(c)),
            (c, false) => one(DateFunc::Interval(c)),
        },
    }
}

pub(crate) const DAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
pub(crate) const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A point in time: days since 1970-01-01 and microseconds into the day, and whether it
/// was a date (no time of day).
#[derive(Clone, Copy)]
struct Instant {
    days: i64,
    micros: i64,
    date_only: bool,
}

impl Instant {
    /// The instant of a datetime's microseconds since 1970-01-01.
    fn of(micros: i64) -> Instant {
        Instant {
            days: micros.div_euclid(MICROS_PER_DAY),
            micros: micros.rem_euclid(MICROS_PER_DAY),
            date_only: false,
        }
    }

    /// Microseconds since 1970-01-01 00:00:00 (wide: a stored date may be any integer).
    fn since_epoch(self) -> i128 {
        i128::from(self.days) * i128::from(MICROS_PER_DAY) + i128::from(self.micros)
    }

    fn civil(self) -> (i64, i64, i64) {
        civil_from_days(self.days)
    }

    /// Monday is 0.
    fn weekday(self) -> i64 {
        (self.days + 3).rem_euclid(7)
    }

    fn value(self) -> Option<Value> {
        match self.date_only {
            true => in_range(self.days).then(|| date(self.days)),
            false => {
                let whole = self.micros % MICROS_PER_SECOND == 0;
                datetime(self.since_epoch(), if whole { 0 } else { MAX_FSP })
            }
        }
    }
}

/// Whether a day is one a date holds, 0001-01-01 to 9999-12-31.
fn in_range(days: i64) -> bool {
    (days_from_civil(1, 1, 1)..=days_from_civil(9999, 12, 31)).contains(&days)
}

/// A DATETIME of `fsp` digits, None outside the dates' range.
fn datetime(micros: i128, fsp: u8) -> Option<Value> {
    let micros = i64::try_from(micros).ok()?;
    in_range(micros.div_euclid(MICROS_PER_DAY)).then_some(Value::Temporal(Temporal {
        kind: TimeType::DateTime(fsp),
        value: micros,
    }))
}

/// A TIME of `fsp` digits, clipped to ±838:59:59 as MySQL clips it.
fn time(micros: i128, fsp: u8) -> Value {
    let max = i128::from(MAX_TIME);
    Value::Temporal(Temporal {
        kind: TimeType::Time(fsp),
        value: micros.clamp(-max, max) as i64,
    })
}

/// An argument of the time functions: a TIME (microseconds), or a point in time. Text is
/// read as a time first, then as a datetime.
#[derive(Clone, Copy)]
enum Clock {
    Time(i64),
    At(Instant),
}

fn clock(v: &Value, func: &str) -> Result<Clock, SqlError> {
    let time = match v {
        Value::Temporal(t) if matches!(t.kind, TimeType::Time(_)) => Some(t.value),
        Value::Text(s) => Temporal::parse(TimeType::Time(MAX_FSP), s).map(|t| t.value),
        _ => None,
    };
    Ok(match time {
        Some(micros) => Clock::Time(micros),
        None => Clock::At(instant(v, func)?),
    })
}

/// ADDTIME's, SUBTIME's and TIMESTAMP's sum: `at` moved by the time `by` (`sign` 1 or -1); a
/// datetime as `by` gives NULL, as in MySQL.
fn shift(at: Clock, by: &Value, sign: i128, fsp: u8, func: &str) -> Result<Value, SqlError> {
    let Clock::Time(by) = clock(by, func)? else {
        return Ok(Value::Null);
    };
    let by = sign * i128::from(by);
    Ok(match at {
        Clock::Time(t) => time(i128::from(t) + by, fsp),
        Clock::At(t) => datetime(t.since_epoch() + by, fsp).unwrap_or(Value::Null),
    })
}

/// A period, YYMM or YYYYMM, as months since year 0; MySQL 8 refuses any other.
fn period_months(p: i64, func: &str) -> Result<i64, SqlError> {
    let month = p % 100;
    if p <= 0 || !(1..=12).contains(&month) {
        return Err(SqlError::TypeMismatch(format!(
            "incorrect arguments to {func}: {p} is not a period YYMM or YYYYMM"
        )));
    }
    Ok(full_year(p / 100) * 12 + month - 1)
}

/// Months since year 0 as a period YYYYMM, as MySQL writes one (0 stays 0).
fn period(months: i64) -> Option<i64> {
    match months {
        0 => Some(0),
        1.. => full_year(months / 12)
            .checked_mul(100)?
            .checked_add(months % 12 + 1),
        _ => None,
    }
}

/// The latest instant UNIX_TIMESTAMP and FROM_UNIXTIME take, 3001-01-18 23:59:59.999999, as
/// MySQL's (its 64-bit builds'); the earliest is 1970-01-01.
const MAX_UNIX_MICROS: i128 = 32_536_771_199_999_999;

/// A year below 100 as MySQL reads two digits (70 to 99 are 19xx, the others 20xx).
pub(crate) fn full_year(n: i64) -> i64 {
    match n {
        0..=99 => Temporal::year(n, 2).map_or(n, |t| t.value),
        _ => n,
    }
}

/// A format argument (DATE_FORMAT's, FROM_UNIXTIME's).
fn format_text<'a>(v: &'a Value, func: &str) -> Result<&'a str, SqlError> {
    match v {
        Value::Text(format) => Ok(format),
        _ => Err(SqlError::TypeMismatch(format!(
            "{func} takes its format as text"
        ))),
    }
}

/// The fractional-second digits of an argument: its type's, or as many as its text has (at
/// most 6), as MySQL counts them for a constant.
fn precision(v: &Value) -> u8 {
    match v {
        Value::Temporal(t) => match t.kind {
            TimeType::DateTime(fsp) | TimeType::Timestamp(fsp) | TimeType::Time(fsp) => fsp,
            _ => 0,
        },
        Value::Text(s) => s.trim().rsplit_once('.').map_or(0, |(_, fraction)| {
            fraction.len().min(usize::from(MAX_FSP)) as u8
        }),
        _ => 0,
    }
}

/// A number of seconds (FROM_UNIXTIME's, SEC_TO_TIME's, MAKETIME's) as microseconds, with
/// its fractional digits (at most 6; a double's are 6, as MySQL counts them). Past the
/// range of microseconds it saturates.
fn seconds(v: &Value, func: &str) -> Result<(i128, u8), SqlError> {
    let saturated = |negative: bool| if negative { i128::MIN } else { i128::MAX };
    let exact = match v {
        Value::Double(d) => {
            let micros = Decimal::from_f64(*d, MAX_FSP).map_or(saturated(*d < 0.0), |d| d.units);
            return Ok((micros, MAX_FSP));
        }
        Value::Decimal(d) => *d,
        Value::Text(s) => Decimal::parse_signed(s)
            .ok_or_else(|| SqlError::TypeMismatch(format!("{func} needs a number, not '{s}'")))?,
        other => Decimal::from_int(i128::from(whole(other, func)?)),
    };
    let micros = exact
        .rescale(MAX_FSP)
        .map_or(saturated(exact.units < 0), |d| d.units);
    Ok((micros, exact.scale.min(MAX_FSP)))
}

/// A date argument: a date, datetime or timestamp, or text of one.
fn instant(v: &Value, func: &str) -> Result<Instant, SqlError> {
    let t = match v {
        Value::Temporal(t) => *t,
        Value::Text(s) => {
            let s = s.trim();
            // Text of a date alone stays a date, as MySQL's interval arithmetic keeps it.
            match Temporal::parse(TimeType::DateTime(6), s) {
                Some(t) if s.len() <= 10 => Temporal {
                    kind: TimeType::Date,
                    value: t.value.div_euclid(MICROS_PER_DAY),
                },
                Some(t) => t,
                None => {
                    return Err(SqlError::TypeMismatch(format!(
                        "{func} needs a date, found '{s}'"
                    )))
                }
            }
        }
        other => {
            return Err(SqlError::TypeMismatch(format!(
                "{func} needs a date, found {}",
                other.kind()
            )))
        }
    };
    match t.kind {
        TimeType::Date => Ok(Instant {
            days: t.value,
            micros: 0,
            date_only: true,
        }),
        TimeType::DateTime(_) | TimeType::Timestamp(_) => Ok(Instant::of(t.value)),
        _ => Err(SqlError::TypeMismatch(format!(
            "{func} needs a date, found {}",
            t.kind_name()
        ))),
    }
}

/// A time, or a datetime's time of day (TIME, TIME_TO_SEC).
fn time_of_day(v: &Value, func: &str) -> Result<i64, SqlError> {
    Ok(match clock(v, func)? {
        Clock::Time(micros) => micros,
        Clock::At(at) => at.micros,
    })
}

/// The time of HOUR, MINUTE, SECOND and MICROSECOND: its magnitude (HOUR of a TIME may pass
/// 23).
fn clock_part(v: &Value, func: &str) -> Result<i64, SqlError> {
    Ok(time_of_day(v, func)?.saturating_abs())
}

/// The function applied to evaluated arguments, none of them NULL.
pub fn call(f: DateFunc, args: &[Value]) -> Result<Value, SqlError> {
    let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
    let int = |n: i64| Ok(Value::Int(n));
    match f {
        DateFunc::Part(unit) => part(unit, arg(0)),
        DateFunc::DayOfWeek => int((instant(arg(0), "DAYOFWEEK")?.weekday() + 1) % 7 + 1),
        DateFunc::WeekDay => int(instant(arg(0), "WEEKDAY")?.weekday()),
        DateFunc::DayOfYear => {
            let at = instant(arg(0), "DAYOFYEAR")?;
            int(at.days - days_from_civil(at.civil().0, 1, 1) + 1)
        }
        DateFunc::DayName => {
            let day = instant(arg(0), "DAYNAME")?.weekday() as usize;
            Ok(Value::Text(DAY_NAMES[day].into()))
        }
        DateFunc::MonthName => {
            let (_, m, _) = instant(arg(0), "MONTHNAME")?.civil();
            Ok(Value::Text(MONTH_NAMES[m as usize - 1].into()))
        }
        DateFunc::Date => Ok(date(instant(arg(0), "DATE")?.days)),
        DateFunc::LastDay => {
            let (y, m, _) = instant(arg(0), "LAST_DAY")?.civil();
            Ok(date(days_from_civil(y, m, days_in_month(y, m))))
        }
        // Days since year 0, as MySQL counts them.
        DateFunc::ToDays => int(instant(arg(0), "TO_DAYS")?.days.saturating_add(719_528)),
        DateFunc::DateDiff => {
            int(instant(arg(0), "DATEDIFF")?.days - instant(arg(1), "DATEDIFF")?.days)
        }
        DateFunc::DateFormat => Ok(Value::Text(date_format(
            instant(arg(0), "DATE_FORMAT")?,
            format_text(arg(1), "DATE_FORMAT")?,
        ))),
        DateFunc::UnixTimestamp => {
            let micros = instant(arg(0), "UNIX_TIMESTAMP")?.since_epoch();
            if !(0..=MAX_UNIX_MICROS).contains(&micros) {
                return int(0);
            }
            // Whole seconds, or a decimal of the argument's fractional digits, as MySQL gives.
            Ok(match precision(arg(0)) {
                0 => Value::Int((micros / i128::from(MICROS_PER_SECOND)) as i64),
                fsp => Value::Decimal(Decimal {
                    units: micros / 10i128.pow(u32::from(MAX_FSP - fsp)),
                    scale: fsp,
                }),
            })
        }
        DateFunc::FromUnixTime => {
            let (micros, fsp) = seconds(arg(0), "FROM_UNIXTIME")?;
            if !(0..=MAX_UNIX_MICROS).contains(&micros) {
                return Ok(Value::Null);
            }
            let t = Temporal {
                kind: TimeType::DateTime(fsp),
                value: micros as i64,
            };
            Ok(match args.get(1) {
                None => Value::Temporal(t),
                Some(format) => Value::Text(date_format(
                    Instant::of(t.value),
                    format_text(format, "FROM_UNIXTIME")?,
                )),
            })
        }
        DateFunc::Week | DateFunc::YearWeek => {
            let name = if f == DateFunc::Week {
                "WEEK"
            } else {
                "YEARWEEK"
            };
            let days = instant(arg(0), name)?.days;
            let mode = args.get(1).map(|m| whole(m, name)).transpose()?;
            let flags = weeks::week_mode(mode.unwrap_or(0));
            match f {
                DateFunc::Week => int(weeks::week(days, flags).0),
                _ => {
                    let (week, year) = weeks::week(days, flags | weeks::WEEK_YEAR);
                    int(year * 100 + week)
                }
            }
        }
        DateFunc::WeekOfYear => {
            let days = instant(arg(0), "WEEKOFYEAR")?.days;
            int(weeks::week(days, weeks::week_mode(3)).0)
        }
        DateFunc::StrToDate => {
            let (text, format) = (
                functions::text(arg(0), "STR_TO_DATE")?,
                functions::text(arg(1), "STR_TO_DATE")?,
            );
            Ok(str_to_date(&text, &format).map_or(Value::Null, Value::Temporal))
        }
        DateFunc::FromDays => {
            let days = whole(arg(0), "FROM_DAYS")?.checked_sub(719_528);
            Ok(days.filter(|d| in_range(*d)).map_or(Value::Null, date))
        }
        DateFunc::MakeDate => {
            let (year, day) = (whole(arg(0), "MAKEDATE")?, whole(arg(1), "MAKEDATE")?);
            if !(0..=9999).contains(&year) || day <= 0 {
                return Ok(Value::Null);
            }
            let days = days_from_civil(full_year(year), 1, 1).checked_add(day - 1);
            Ok(days.filter(|d| in_range(*d)).map_or(Value::Null, date))
        }
        DateFunc::MakeTime => {
            let (hours, minutes) = (whole(arg(0), "MAKETIME")?, whole(arg(1), "MAKETIME")?);
            let (seconds, fsp) = seconds(arg(2), "MAKETIME")?;
            if !(0..=59).contains(&minutes)
                || !(0..60 * i128::from(MICROS_PER_SECOND)).contains(&seconds)
            {
                return Ok(Value::Null);
            }
            let rest = i128::from(minutes) * 60 * i128::from(MICROS_PER_SECOND) + seconds;
            let magnitude = i128::from(hours).abs() * 3600 * i128::from(MICROS_PER_SECOND) + rest;
            Ok(time(if hours < 0 { -magnitude } else { magnitude }, fsp))
        }
        DateFunc::SecToTime => {
            let (micros, fsp) = seconds(arg(0), "SEC_TO_TIME")?;
            Ok(time(micros, fsp))
        }
        // The fraction dropped, as MySQL does.
        DateFunc::TimeToSec => int(time_of_day(arg(0), "TIME_TO_SEC")? / MICROS_PER_SECOND),
        DateFunc::Time => Ok(time(time_of_day(arg(0), "TIME")?.into(), precision(arg(0)))),
        DateFunc::TimeDiff => {
            let fsp = precision(arg(0)).max(precision(arg(1)));
            Ok(
                match (clock(arg(0), "TIMEDIFF")?, clock(arg(1), "TIMEDIFF")?) {
                    (Clock::Time(a), Clock::Time(b)) => time(i128::from(a) - i128::from(b), fsp),
                    (Clock::At(a), Clock::At(b)) => time(a.since_epoch() - b.since_epoch(), fsp),
                    // A time and a datetime, as MySQL gives.
                    _ => Value::Null,
                },
            )
        }
        DateFunc::AddTime(subtract) => {
            let name = if subtract { "SUBTIME" } else { "ADDTIME" };
            let fsp = precision(arg(0)).max(precision(arg(1)));
            let sign = if subtract { -1 } else { 1 };
            shift(clock(arg(0), name)?, arg(1), sign, fsp, name)
        }
        DateFunc::Timestamp => {
            let at = instant(arg(0), "TIMESTAMP")?;
            let fsp = precision(arg(0));
            match args.get(1) {
                None => Ok(datetime(at.since_epoch(), fsp).unwrap_or(Value::Null)),
                Some(by) => shift(Clock::At(at), by, 1, fsp.max(precision(by)), "TIMESTAMP"),
            }
        }
        DateFunc::PeriodAdd => {
            let (p, n) = (whole(arg(0), "PERIOD_ADD")?, whole(arg(1), "PERIOD_ADD")?);
            // MySQL answers 0 for the period 0 before checking it.
            if p == 0 {
                return int(0);
            }
            let months = period_months(p, "PERIOD_ADD")?.checked_add(n);
            months
                .and_then(period)
                .map(Value::Int)
                .ok_or_else(|| out_of_range("BIGINT", format!("PERIOD_ADD({p}, {n})")))
        }
        DateFunc::PeriodDiff => int(period_months(whole(arg(0), "PERIOD_DIFF")?, "PERIOD_DIFF")?
            - period_months(whole(arg(1), "PERIOD_DIFF")?, "PERIOD_DIFF")?),
        // Seconds since year 0, as MySQL counts them (TO_DAYS's days).
        DateFunc::ToSeconds => {
            let micros = instant(arg(0), "TO_SECONDS")?.since_epoch();
            let seconds = micros.div_euclid(i128::from(MICROS_PER_SECOND)) + 719_528 * 86_400;
            int(seconds.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
        }
        DateFunc::Add(unit) => {
            let amount = whole(arg(1), "DATE_ADD")?;
            if let Value::Temporal(t) = arg(0) {
                if let TimeType::Time(fsp) = t.kind {
                    return add_to_time(t.value, fsp, unit, amount);
                }
            }
            let at = instant(arg(0), "DATE_ADD")?;
            Ok(add(at, unit, amount)
                .and_then(Instant::value)
                .unwrap_or(Value::Null))
        }
        DateFunc::Interval(c) => c.amount(arg(0)),
        DateFunc::Extract(c) => compound_part(c, arg(0)),
        DateFunc::Diff(unit) => {
            let (from, to) = (
                instant(arg(0), "TIMESTAMPDIFF")?,
                instant(arg(1), "TIMESTAMPDIFF")?,
            );
            int(diff(from, to, unit))
        }
    }
}

fn date(days: i64) -> Value {
    Value::Temporal(Temporal {
        kind: TimeType::Date,
        value: days,
    })
}

fn part(unit: Unit, v: &Value) -> Result<Value, SqlError> {
    let int = |n: i64| Ok(Value::Int(n));
    match unit {
        Unit::Microsecond => int(clock_part(v, "MICROSECOND")? % MICROS_PER_SECOND),
        Unit::Second => int(clock_part(v, "SECOND")? / MICROS_PER_SECOND % 60),
        Unit::Minute => int(clock_part(v, "MINUTE")? / (60 * MICROS_PER_SECOND) % 60),
        Unit::Hour => int(clock_part(v, "HOUR")? / (3600 * MICROS_PER_SECOND)),
        Unit::Day => int(instant(v, "DAY")?.civil().2),
        Unit::Month => int(instant(v, "MONTH")?.civil().1),
        Unit::Quarter => int((instant(v, "QUARTER")?.civil().1 - 1) / 3 + 1),
        Unit::Year => int(instant(v, "YEAR")?.civil().0),
        // MySQL's default_week_format, 0.
        Unit::Week => int(weeks::week(instant(v, "WEEK")?.days, weeks::week_mode(0)).0),
    }
}

/// EXTRACT of a compound unit: YEAR_MONTH of a date; the others of a time, or of a point in
/// time's day of the month and time of day (`intervals.rs`).
fn compound_part(c: Compound, v: &Value) -> Result<Value, SqlError> {
    if c == Compound::YearMonth {
        let (y, m, _) = instant(v, "EXTRACT")?.civil();
        return Ok(Value::Int(y * 100 + m));
    }
    Ok(Value::Int(match clock(v, "EXTRACT")? {
        Clock::Time(micros) => c.extract(0, micros),
        Clock::At(at) => c.extract(at.civil().2, at.micros),
    }))
}

/// The instant moved by `amount` units: calendar units keep the day of the month, or the
/// month's last day if it has fewer (2024-01-31 + 1 month is 2024-02-29), as MySQL does.
/// A date moved by a unit of a day or more stays a date.
fn add(at: Instant, unit: Unit, amount: i64) -> Option<Instant> {
    if let Some(months) = unit.months() {
        let (y, m, d) = at.civil();
        let total = (y * 12 + m - 1).checked_add(amount.checked_mul(months)?)?;
        let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
        if !(1..=9999).contains(&y) {
            return None;
        }
        let days = days_from_civil(y, m, d.min(days_in_month(y, m)));
        return Some(Instant { days, ..at });
    }
    let step = unit.micros()?;
    let micros = (at.days.checked_mul(MICROS_PER_DAY)?)
        .checked_add(at.micros)?
        .checked_add(amount.checked_mul(step)?)?;
    Some(Instant {
        days: micros.div_euclid(MICROS_PER_DAY),
        micros: micros.rem_euclid(MICROS_PER_DAY),
        date_only: at.date_only && step % MICROS_PER_DAY == 0,
    })
}

/// A TIME moved by `amount` units of a clock (MySQL 8.0.28 on): a TIME, NULL past
/// ±838:59:59. Moved by days or more MySQL gives a DATETIME on the current date, which the
/// core has no clock for.
fn add_to_time(micros: i64, fsp: u8, unit: Unit, amount: i64) -> Result<Value, SqlError> {
    let step = match unit {
        Unit::Microsecond | Unit::Second | Unit::Minute | Unit::Hour => unit.micros(),
        _ => None,
    };
    let Some(step) = step else {
        return unsupported("DATE_ADD of a TIME by days, weeks, months, quarters or years");
    };
    let moved = amount
        .checked_mul(step)
        .and_then(|by| micros.checked_add(by))
        .filter(|m| (-MAX_TIME..=MAX_TIME).contains(m));
    Ok(moved.map_or(Value::Null, |m| {
        let fsp = if m % MICROS_PER_SECOND == 0 {
            fsp
        } else {
            MAX_FSP
        };
        time(i128::from(m), fsp)
    }))
}

/// Whole units from `from` to `to`, truncated toward zero; calendar units count whole
/// months, a month not complete until its day and time of day are reached.
fn diff(from: Instant, to: Instant, unit: Unit) -> i64 {
    if let Some(months) = unit.months() {
        let (fy, fm, fd) = from.civil();
        let (ty, tm, td) = to.civil();
        let mut n = (ty * 12 + tm) - (fy * 12 + fm);
        let (f_rest, t_rest) = ((fd, from.micros), (td, to.micros));
        if n > 0 && t_rest < f_rest {
            n -= 1;
        } else if n < 0 && t_rest > f_rest {
            n += 1;
        }
        return n / months;
    }
    let step = unit.micros().map_or(1, i128::from);
    let n = (to.since_epoch() - from.since_epoch()) / step;
    n.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// MySQL's DATE_FORMAT specifiers; any other letter is written as it is, as MySQL writes a
/// specifier it does not know.
fn date_format(at: Instant, format: &str) -> String {
    let (y, m, d) = at.civil();
    let secs = at.micros / MICROS_PER_SECOND;
    let (h, min, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let h12 = match h % 12 {
        0 => 12,
        n => n,
    };
    let ampm = if h < 12 { "AM" } else { "PM" };
    let weekday = at.weekday() as usize;
    let month = MONTH_NAMES[m as usize - 1];
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(spec) = chars.next() else {
            out.push('%');
            break;
        };
        let piece = match spec {
            'a' => DAY_NAMES[weekday][..3].into(),
            'b' => month[..3].into(),
            'c' => format!("{m}"),
            'D' => format!("{d}{}", ordinal_suffix(d)),
            'd' => format!("{d:02}"),
            'e' => format!("{d}"),
            'f' => format!("{:06}", at.micros % MICROS_PER_SECOND),
            'H' => format!("{h:02}"),
            'h' | 'I' => format!("{h12:02}"),
            'i' => format!("{min:02}"),
            'j' => format!("{:03}", at.days - days_from_civil(y, 1, 1) + 1),
            'k' => format!("{h}"),
            'l' => format!("{h12}"),
            'M' => month.into(),
            'm' => format!("{m:02}"),
            'p' => ampm.into(),
            'r' => format!("{h12:02}:{min:02}:{s:02} {ampm}"),
            'S' | 's' => format!("{s:02}"),
            'T' => format!("{h:02}:{min:02}:{s:02}"),
            'W' => DAY_NAMES[weekday].into(),
            'w' => format!("{}", (weekday + 1) % 7),
            'U' | 'u' | 'V' | 'v' => {
                format!("{:02}", weeks::week(at.days, weeks::format_flags(spec)).0)
            }
            'X' | 'x' => format!("{:04}", weeks::week(at.days, weeks::format_flags(spec)).1),
            'Y' => format!("{y:04}"),
            'y' => format!("{:02}", y % 100),
            other => format!("{other}"),
        };
        out.push_str(&piece);
    }
    out
}

fn ordinal_suffix(d: i64) -> &'static str {
    match (d % 10, d % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}
