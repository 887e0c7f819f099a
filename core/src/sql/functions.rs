//! Scalar functions and CAST, with MySQL's meanings: string functions (LOWER, UPPER, LENGTH,
//! CHAR_LENGTH, SUBSTR, CONCAT, TRIM, REPLACE), math (ABS, ROUND, FLOOR, CEIL, MOD),
//! GREATEST and LEAST, and the NULL helpers (COALESCE, IFNULL, NULLIF, IF); the date, JSON,
//! regular expression and other string functions are in their own modules. Exact values stay exact: ROUND of a decimal
//! rounds its digits, FLOOR of a decimal is an integer, and an integer that does not fit is
//! an error, never a wrapped value.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::db::decimal::{pow10, Decimal};
use crate::db::value::{int_value, ColumnType, Value};
use crate::sql::dates::DateFunc;
use crate::sql::expr::{binary, compare, out_of_range, BinOp};
use crate::sql::json::{self, JsonFunc};
use crate::sql::math::{self, MathFunc};
use crate::sql::regexp::{self, RegexpFunc};
use crate::sql::strings::{self, StrFunc};
use crate::sql::{unsupported, SqlError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Lower,
    Upper,
    /// Bytes, as MySQL's LENGTH.
    Length,
    CharLength,
    Substr,
    Concat,
    Trim,
    LTrim,
    RTrim,
    Replace,
    Abs,
    Round,
    Floor,
    Ceil,
    Mod,
    Year,
    Month,
    Day,
    Coalesce,
    IfNull,
    NullIf,
    If,
    /// The date and time functions of `dates.rs`.
    Date(DateFunc),
    /// The JSON functions of `json.rs`.
    Json(JsonFunc),
    /// The string functions of `strings.rs`.
    Str(StrFunc),
    /// The math, formatting and digest functions of `math.rs`.
    Math(MathFunc),
    /// The regular expression functions of `regexp.rs`.
    Regexp(RegexpFunc),
    Greatest,
    Least,
}

impl Func {
    /// The function of a name, checked for its number of arguments.
    pub fn lookup(name: &str, args: usize) -> Result<Func, SqlError> {
        let lower = name.to_ascii_lowercase();
        let (func, min, max) = match lower.as_str() {
            "lower" | "lcase" => (Func::Lower, 1, 1),
            "upper" | "ucase" => (Func::Upper, 1, 1),
            "length" | "octet_length" => (Func::Length, 1, 1),
            "char_length" | "character_length" => (Func::CharLength, 1, 1),
            "substr" | "substring" | "mid" => (Func::Substr, 2, 3),
            "concat" => (Func::Concat, 1, usize::MAX),
            "trim" => (Func::Trim, 1, 1),
            "ltrim" => (Func::LTrim, 1, 1),
            "rtrim" => (Func::RTrim, 1, 1),
            "replace" => (Func::Replace, 3, 3),
            "abs" => (Func::Abs, 1, 1),
            "round" => (Func::Round, 1, 2),
            "floor" => (Func::Floor, 1, 1),
            "ceil" | "ceiling" => (Func::Ceil, 1, 1),
            "mod" => (Func::Mod, 2, 2),
            "year" => (Func::Year, 1, 1),
            "month" => (Func::Month, 1, 1),
            "day" | "dayofmonth" => (Func::Day, 1, 1),
            "coalesce" => (Func::Coalesce, 1, usize::MAX),
            "ifnull" => (Func::IfNull, 2, 2),
            "nullif" => (Func::NullIf, 2, 2),
            "if" => (Func::If, 3, 3),
            "greatest" => (Func::Greatest, 2, usize::MAX),
            "least" => (Func::Least, 2, usize::MAX),
            other => {
                if let Some((f, min, max)) = crate::sql::dates::lookup(other) {
                    (Func::Date(f), min, max)
                } else if let Some((f, min, max)) = json::lookup(other) {
                    (Func::Json(f), min, max)
                } else if let Some((f, min, max)) = strings::lookup(other) {
                    (Func::Str(f), min, max)
                } else if let Some((f, min, max)) = math::lookup(other) {
                    (Func::Math(f), min, max)
                } else if let Some((f, min, max)) = regexp::lookup(other) {
                    (Func::Regexp(f), min, max)
                } else {
                    return unsupported(format!("function {name}"));
                }
            }
        };
        if args < min || args > max {
            // UNIX_TIMESTAMP() is left as a call only when there is no clock (`history.rs`).
            if args == 0 && crate::sql::history::reads_clock(&lower) {
                return unsupported(format!("function {name}"));
            }
            return Err(SqlError::Syntax(format!(
                "incorrect parameter count in the call to native function '{name}'"
            )));
        }
        Ok(func)
    }

    /// Whether the function is evaluated on its arguments' values; the others (COALESCE,
    /// IFNULL, IF) choose among their arguments and are evaluated lazily by the caller.
    pub fn lazy(self) -> bool {
        matches!(self, Func::Coalesce | Func::IfNull | Func::If)
    }

    /// The function applied to evaluated arguments (of the count `lookup` checked).
    pub fn call(self, args: &[Value]) -> Result<Value, SqlError> {
        let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
        // Most functions are NULL when any argument is.
        let strict = match self {
            Func::Coalesce | Func::IfNull | Func::NullIf | Func::If => false,
            Func::Json(f) => f.strict(),
            Func::Str(f) => f.strict(),
            Func::Math(f) => f.strict(),
            _ => true,
        };
        if strict && args.iter().any(Value::is_null) {
            return Ok(Value::Null);
        }
        Ok(match self {
            Func::Lower => Value::Text(text(arg(0), "LOWER")?.to_lowercase()),
            Func::Upper => Value::Text(text(arg(0), "UPPER")?.to_uppercase()),
            Func::Length => Value::Int(match arg(0) {
                Value::Blob(b) => b.len() as i64,
                v => text(v, "LENGTH")?.len() as i64,
            }),
            Func::CharLength => Value::Int(text(arg(0), "CHAR_LENGTH")?.chars().count() as i64),
            Func::Substr => {
                let s = text(arg(0), "SUBSTR")?;
                let pos = whole(arg(1), "SUBSTR")?;
                let len = args.get(2).map(|v| whole(v, "SUBSTR")).transpose()?;
                Value::Text(substr(&s, pos, len))
            }
            Func::Concat => {
                let mut out = String::new();
                for a in args {
                    out.push_str(&text(a, "CONCAT")?);
                }
                Value::Text(out)
            }
            Func::Trim => Value::Text(text(arg(0), "TRIM")?.trim_matches(' ').into()),
            Func::LTrim => Value::Text(text(arg(0), "LTRIM")?.trim_start_matches(' ').into()),
            Func::RTrim => Value::Text(text(arg(0), "RTRIM")?.trim_end_matches(' ').into()),
            Func::Replace => {
                let (s, from, to) = (
                    text(arg(0), "REPLACE")?,
                    text(arg(1), "REPLACE")?,
                    text(arg(2), "REPLACE")?,
                );
                // MySQL leaves the text as it is when the searched string is empty.
                Value::Text(if from.is_empty() {
                    s
                } else {
                    s.replace(from.as_str(), &to)
                })
            }
            Func::Abs => match arg(0) {
                Value::Int(n) => Value::Int(
                    n.checked_abs()
                        .ok_or_else(|| out_of_range("BIGINT", format!("abs({n})")))?,
                ),
                Value::Bool(b) => Value::Int(i64::from(*b)),
                Value::Decimal(d) if d.units < 0 => Value::Decimal(
                    d.checked_neg()
                        .ok_or_else(|| out_of_range("DECIMAL", format!("abs({d})")))?,
                ),
                Value::Decimal(d) => Value::Decimal(*d),
                Value::Double(d) => Value::Double(if *d < 0.0 { -d } else { *d }),
                other => return Err(wrong_type("ABS", other)),
            },
            Func::Round => {
                let places = args.get(1).map(|v| whole(v, "ROUND")).transpose()?;
                round(arg(0), places.unwrap_or(0), false)?
            }
            Func::Floor => floor_ceil(arg(0), false)?,
            Func::Ceil => floor_ceil(arg(0), true)?,
            Func::Mod => binary(BinOp::Mod, arg(0).clone(), arg(1).clone())?,
            Func::Year => date_part(arg(0), 0..4, "YEAR")?,
            Func::Month => date_part(arg(0), 5..7, "MONTH")?,
            Func::Day => date_part(arg(0), 8..10, "DAY")?,
            Func::NullIf => match compare(arg(0), arg(1))? {
                Some(core::cmp::Ordering::Equal) => Value::Null,
                _ => arg(0).clone(),
            },
            // Lazy functions: the caller evaluates them; given values, pick as they do.
            Func::Coalesce | Func::IfNull => args
                .iter()
                .find(|v| !v.is_null())
                .cloned()
                .unwrap_or(Value::Null),
            Func::Date(f) => crate::sql::dates::call(f, args)?,
            Func::Json(f) => f.call(args)?,
            Func::Str(f) => f.call(args)?,
            Func::Math(f) => f.call(args)?,
            Func::Regexp(f) => f.call(args)?,
            // The greatest or least argument, as compared everywhere (NULL if one is).
            Func::Greatest | Func::Least => {
                let mut best = &args[0];
                for v in &args[1..] {
                    let o = compare(v, best)?.unwrap_or(core::cmp::Ordering::Equal);
                    if (self == Func::Greatest && o.is_gt()) || (self == Func::Least && o.is_lt()) {
                        best = v;
                    }
                }
                best.clone()
            }
            Func::If => {
                if crate::sql::expr::truth(arg(0))? == Some(true) {
                    arg(1).clone()
                } else {
                    arg(2).clone()
                }
            }
        })
    }
}

pub(crate) fn wrong_type(func: &str, v: &Value) -> SqlError {
    SqlError::TypeMismatch(format!("{func} does not take {}", v.kind()))
}

/// A value as text, as MySQL converts it for string functions: numbers in their digits,
/// booleans as 1 and 0.
pub fn text(v: &Value, func: &str) -> Result<String, SqlError> {
    Ok(match v {
        Value::Text(s) => s.clone(),
        Value::Bool(b) => String::from(if *b { "1" } else { "0" }),
        Value::Int(_) | Value::Decimal(_) | Value::Double(_) | Value::Temporal(_) => v.to_string(),
        Value::Blob(b) => String::from_utf8(b.clone()).map_err(|_| wrong_type(func, v))?,
        Value::Null => String::new(),
    })
}

/// A value as bytes, as MySQL reads it for a function of bytes (HEX, ASCII, the digests,
/// BIN_TO_UUID): a blob's own, anything else the text it converts to; borrowed where it can
/// be, as HEX of a long text would otherwise copy it.
pub fn bytes<'a>(v: &'a Value, func: &str) -> Result<Cow<'a, [u8]>, SqlError> {
    Ok(match v {
        Value::Blob(b) => Cow::Borrowed(b),
        Value::Text(s) => Cow::Borrowed(s.as_bytes()),
        other => Cow::Owned(text(other, func)?.into_bytes()),
    })
}

/// A part of a date, datetime or timestamp (or of text in one of their forms), read from
/// its canonical form `YYYY-MM-DD...` at `digits`; a YEAR is its own year.
fn date_part(v: &Value, digits: core::ops::Range<usize>, func: &str) -> Result<Value, SqlError> {
    use crate::db::temporal::{Temporal, TimeType};
    let t = match v {
        Value::Temporal(t) => *t,
        Value::Text(s) => Temporal::parse(TimeType::DateTime(6), s.trim())
            .ok_or_else(|| SqlError::TypeMismatch(format!("{func} needs a date, found '{s}'")))?,
        other => return Err(wrong_type(func, other)),
    };
    match t.kind {
        TimeType::Year if digits.start == 0 => return Ok(Value::Int(t.value)),
        TimeType::Year | TimeType::Time(_) => {
            return Err(SqlError::TypeMismatch(format!(
                "{func} needs a date, found {}",
                t.kind_name()
            )))
        }
        _ => {}
    }
    let printed = t.to_string();
    printed
        .get(digits)
        .and_then(|d| d.parse().ok())
        .map(Value::Int)
        .ok_or_else(|| SqlError::TypeMismatch(format!("{func} cannot read '{printed}'")))
}

/// An integer argument (a position, a length, a number of places).
pub(crate) fn whole(v: &Value, func: &str) -> Result<i64, SqlError> {
    let not_whole = || SqlError::TypeMismatch(format!("{func} takes a whole amount, not {v}"));
    match v {
        Value::Int(n) => Ok(*n),
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::Decimal(d) => d
            .rescale(0)
            .and_then(|d| i64::try_from(d.units).ok())
            .ok_or_else(not_whole),
        // As MySQL reads a number written as text.
        Value::Text(s) => s.trim().parse().map_err(|_| not_whole()),
        other => Err(wrong_type(func, other)),
    }
}

/// MySQL's SUBSTR: positions count characters from 1, or from the end when negative; position
/// 0, or a negative length, gives the empty string.
fn substr(s: &str, pos: i64, len: Option<i64>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len() as i64;
    let start = match pos {
        0 => return String::new(),
        p if p > 0 => p - 1,
        p => n + p,
    };
    if start < 0 || start >= n {
        return String::new();
    }
    let end = match len {
        Some(l) if l <= 0 => return String::new(),
        Some(l) => start.saturating_add(l).min(n),
        None => n,
    };
    chars[start as usize..end as usize].iter().collect()
}

/// ROUND(v, places): a decimal to `places` digits (half away from zero, exactly), an integer
/// to tens, hundreds, ... for negative places, a double to the nearest, halves to even, as
/// MySQL rounds doubles (through the C library's `rint`). With `toward_zero`, TRUNCATE:
/// the digits past `places` dropped.
pub(crate) fn round(v: &Value, places: i64, toward_zero: bool) -> Result<Value, SqlError> {
    let name = if toward_zero { "TRUNCATE" } else { "ROUND" };
    let places_u8 = u8::try_from(places.clamp(0, 30)).unwrap_or(30);
    // `d` to `scale` digits (no more than it has): rounded, or cut.
    let to_scale = |d: Decimal, scale: u8| {
        if toward_zero {
            let unit = pow10(d.scale - scale)?;
            Some(Decimal {
                units: d.units / unit,
                scale,
            })
        } else {
            d.rescale(scale)
        }
    };
    Ok(match v {
        Value::Int(_) | Value::Bool(_) if places >= 0 => numeric(v),
        Value::Int(_) | Value::Bool(_) | Value::Decimal(_) => {
            let d = match v {
                Value::Decimal(d) => *d,
                other => Decimal::from_int(i128::from(whole(other, name)?)),
            };
            let overflow = || {
                out_of_range(
                    "DECIMAL",
                    format!("{}({v}, {places})", name.to_ascii_lowercase()),
                )
            };
            if places >= 0 {
                let r = to_scale(d, places_u8.min(d.scale)).ok_or_else(overflow)?;
                Value::Decimal(r)
            } else {
                // Round to 10^-places in one step (the digits read as `shift` places further
                // right, rounded to none), then back to scale 0: rounding to an integer
                // first would round 149.5 to 150 and then to 200.
                let shift = u8::try_from(places.unsigned_abs()).unwrap_or(u8::MAX);
                let zero = || match v {
                    Value::Decimal(_) => Value::Decimal(Decimal::from_int(0)),
                    _ => Value::Int(0),
                };
                // Past 38 digits the value is below half of 10^shift: it rounds to 0.
                let Some(scale) = d.scale.checked_add(shift).filter(|&s| s <= 38) else {
                    return Ok(zero());
                };
                let scaled = Decimal {
                    units: d.units,
                    scale,
                };
                let r = to_scale(scaled, 0).ok_or_else(overflow)?;
                let units = r
                    .units
                    .checked_mul(pow10(shift).ok_or_else(overflow)?)
                    .ok_or_else(overflow)?;
                match v {
                    Value::Decimal(_) => Value::Decimal(Decimal::from_int(units)),
                    _ => int_value(units),
                }
            }
        }
        Value::Double(x) => {
            let to_whole = if toward_zero { libm::trunc } else { libm::rint };
            let p = libm::pow(10.0, places.unsigned_abs().min(400) as f64);
            Value::Double(if !p.is_finite() {
                // Past a double's range of places: every digit kept, or none.
                if places >= 0 {
                    *x
                } else {
                    0.0
                }
            } else if places >= 0 {
                // Past 2^53 a double has no fraction left to round.
                match x * p {
                    y if y.is_finite() => to_whole(y) / p,
                    _ => *x,
                }
            } else {
                to_whole(x / p) * p
            })
        }
        other => return Err(wrong_type(name, other)),
    })
}

fn numeric(v: &Value) -> Value {
    match v {
        Value::Bool(b) => Value::Int(i64::from(*b)),
        other => other.clone(),
    }
}

/// FLOOR or CEIL: an integer for exact values (an error past BIGINT), a double for doubles.
fn floor_ceil(v: &Value, up: bool) -> Result<Value, SqlError> {
    Ok(match v {
        Value::Int(_) | Value::Bool(_) => numeric(v),
        Value::Decimal(d) => {
            let mut units = d.units;
            let unit = 10i128.pow(u32::from(d.scale));
            let (q, r) = (units / unit, units % unit);
            units = q + i128::from(up && r > 0) - i128::from(!up && r < 0);
            int_value(units)
        }
        Value::Double(x) => Value::Double(if up { libm::ceil(*x) } else { libm::floor(*x) }),
        other => return Err(wrong_type(if up { "CEIL" } else { "FLOOR" }, other)),
    })
}

/// What CAST converts to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CastTo {
    Char,
    Signed,
    Unsigned,
    /// A column type: DECIMAL(p,s), DOUBLE, DATE, DATETIME, TIME, ...
    Type(ColumnType),
}

/// CAST(v AS to), as MySQL converts: text is read as a number where one is wanted, exact
/// values are rounded half away from zero, and values that do not fit are errors.
pub fn cast(v: Value, to: CastTo) -> Result<Value, SqlError> {
    if v.is_null() {
        return Ok(Value::Null);
    }
    let fail = |v: &Value, to: &str| {
        SqlError::TypeMismatch(format!("cannot cast {} '{v}' to {to}", v.kind()))
    };
    // Text read as the number it spells, for the numeric targets.
    let as_number = |v: Value| -> Result<Value, SqlError> {
        match &v {
            Value::Text(s) => {
                let t = s.trim();
                let (neg, digits) = match t.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, t.strip_prefix('+').unwrap_or(t)),
                };
                crate::sql::expr::number(digits, neg).map_err(|_| fail(&v, "a number"))
            }
            _ => Ok(v),
        }
    };
    Ok(match to {
        CastTo::Char => match v {
            Value::Text(_) => v,
            other => Value::Text(text(&other, "CAST")?),
        },
        CastTo::Signed | CastTo::Unsigned => {
            let n = as_number(v)?;
            let n = match n {
                Value::Double(d) => Value::Double(libm::rint(d)),
                other => other,
            };
            let target = ColumnType::Integer {
                width: crate::db::value::IntWidth::Big,
                unsigned: to == CastTo::Unsigned,
            };
            let exact = match n {
                // A double is integral here; through a decimal so that the range is checked.
                Value::Double(d) => Decimal::from_f64(d, 0)
                    .map(Value::Decimal)
                    .ok_or_else(|| fail(&Value::Double(d), "an integer"))?,
                other => other,
            };
            target
                .coerce(exact.clone())
                .map_err(|_| fail(&exact, "an integer"))?
        }
        CastTo::Type(ty @ ColumnType::Integer { unsigned, .. }) => {
            // As SIGNED or UNSIGNED read text and round, then checked against the width.
            let n = cast(
                v,
                if unsigned {
                    CastTo::Unsigned
                } else {
                    CastTo::Signed
                },
            )?;
            ty.coerce(n.clone()).map_err(|e| {
                SqlError::TypeMismatch(format!("cannot cast {} '{n}': {e}", n.kind()))
            })?
        }
        CastTo::Type(ty) => {
            let v = match (ty, v) {
                (ColumnType::Decimal { .. } | ColumnType::Double, v) => as_number(v)?,
                (_, v) => v,
            };
            ty.coerce(v.clone()).map_err(|e| {
                SqlError::TypeMismatch(format!("cannot cast {} '{v}': {e}", v.kind()))
            })?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Value {
        Value::Decimal(Decimal::parse_signed(s).unwrap())
    }

    fn call(f: &str, args: &[Value]) -> Result<Value, SqlError> {
        Func::lookup(f, args.len())?.call(args)
    }

    #[test]
    fn string_functions() {
        let t = |s: &str| Value::Text(s.into());
        assert_eq!(call("upper", &[t("abé")]), Ok(t("ABÉ")));
        assert_eq!(call("length", &[t("hé")]), Ok(Value::Int(3)));
        assert_eq!(call("char_length", &[t("hé")]), Ok(Value::Int(2)));
        assert_eq!(
            call("substr", &[t("abcdef"), Value::Int(2), Value::Int(3)]),
            Ok(t("bcd"))
        );
        assert_eq!(call("substr", &[t("abcdef"), Value::Int(-2)]), Ok(t("ef")));
        assert_eq!(call("substr", &[t("abc"), Value::Int(0)]), Ok(t("")));
        assert_eq!(call("substr", &[t("abc"), Value::Int(9)]), Ok(t("")));
        assert_eq!(
            call("concat", &[t("a"), Value::Int(1), dec("1.50")]),
            Ok(t("a11.50"))
        );
        assert_eq!(call("concat", &[t("a"), Value::Null]), Ok(Value::Null));
        assert_eq!(call("trim", &[t("  a b ")]), Ok(t("a b")));
        assert_eq!(call("replace", &[t("aaa"), t("aa"), t("b")]), Ok(t("ba")));
        assert!(matches!(call("upper", &[]), Err(SqlError::Syntax(_))));
        assert!(matches!(call("nosuch", &[]), Err(SqlError::Unsupported(_))));
    }

    #[test]
    fn math_functions_stay_exact() {
        assert_eq!(
            call("round", &[dec("2.345"), Value::Int(2)]),
            Ok(dec("2.35"))
        );
        assert_eq!(call("round", &[dec("-2.5")]), Ok(dec("-3")));
        assert_eq!(
            call("round", &[Value::Int(1250), Value::Int(-2)]),
            Ok(Value::Int(1300))
        );
        // In one step: 149.5 is nearer 100 than 200.
        assert_eq!(
            call("round", &[dec("149.5"), Value::Int(-2)]),
            Ok(dec("100"))
        );
        assert_eq!(
            call("round", &[dec("-150"), Value::Int(-2)]),
            Ok(dec("-200"))
        );
        // Places past any digit: nothing left, or everything kept; never an overflow.
        assert_eq!(
            call("round", &[Value::Int(5), Value::Int(i64::MIN)]),
            Ok(Value::Int(0))
        );
        assert_eq!(
            call("round", &[dec("1.5"), Value::Int(i64::MAX)]),
            Ok(dec("1.5"))
        );
        assert_eq!(
            call("round", &[Value::Double(1e300), Value::Int(-400)]),
            Ok(Value::Double(0.0))
        );
        assert_eq!(
            call("round", &[Value::Double(1e300), Value::Int(300)]),
            Ok(Value::Double(1e300))
        );
        assert_eq!(call("round", &[Value::Double(2.5)]), Ok(Value::Double(2.0)));
        assert_eq!(
            call("round", &[Value::Double(-7.25), Value::Int(1)]),
            Ok(Value::Double(-7.2))
        );
        assert_eq!(call("floor", &[dec("-2.7")]), Ok(Value::Int(-3)));
        assert_eq!(call("ceil", &[dec("2.1")]), Ok(Value::Int(3)));
        assert_eq!(
            call("ceil", &[Value::Double(-2.1)]),
            Ok(Value::Double(-2.0))
        );
        assert_eq!(call("abs", &[dec("-1.50")]), Ok(dec("1.50")));
        assert!(call("abs", &[Value::Int(i64::MIN)]).is_err());
        assert_eq!(
            call("mod", &[Value::Int(-17), Value::Int(5)]),
            Ok(Value::Int(-2))
        );
        assert_eq!(
            call("mod", &[Value::Int(1), Value::Int(0)]),
            Ok(Value::Null)
        );
        assert_eq!(
            call("nullif", &[Value::Int(1), Value::Int(1)]),
            Ok(Value::Null)
        );
    }

    #[test]
    fn date_parts() {
        use crate::db::temporal::{Temporal, TimeType};
        let date = Value::Temporal(Temporal::parse(TimeType::Date, "2024-02-29").unwrap());
        assert_eq!(
            call("year", core::slice::from_ref(&date)),
            Ok(Value::Int(2024))
        );
        assert_eq!(
            call("month", core::slice::from_ref(&date)),
            Ok(Value::Int(2))
        );
        assert_eq!(call("day", &[date]), Ok(Value::Int(29)));
        let text = Value::Text("2019-03-01 10:20:30".into());
        assert_eq!(call("month", &[text]), Ok(Value::Int(3)));
        assert_eq!(call("year", &[Value::Null]), Ok(Value::Null));
        assert!(call("day", &[Value::Text("2023-02-30".into())]).is_err());
        assert!(call("year", &[Value::Int(2020)]).is_err());
    }

    #[test]
    fn casts() {
        let t = |s: &str| Value::Text(s.into());
        assert_eq!(cast(t(" -7 "), CastTo::Signed), Ok(Value::Int(-7)));
        assert_eq!(cast(dec("2.5"), CastTo::Signed), Ok(Value::Int(3)));
        assert_eq!(cast(Value::Double(2.5), CastTo::Signed), Ok(Value::Int(2)));
        assert!(cast(t("x"), CastTo::Signed).is_err());
        assert!(cast(Value::Int(-1), CastTo::Unsigned).is_err());
        assert_eq!(cast(dec("1.50"), CastTo::Char), Ok(t("1.50")));
        let d = ColumnType::Decimal {
            precision: 5,
            scale: 2,
        };
        assert_eq!(cast(t("1.999"), CastTo::Type(d)), Ok(dec("2.00")));
        assert!(cast(Value::Int(12345), CastTo::Type(d)).is_err());
    }
}
