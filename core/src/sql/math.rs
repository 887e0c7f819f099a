//! Math, number formatting and digest functions, with MySQL's meanings: SQRT, POW, EXP, LN,
//! LOG, LOG2, LOG10, the trigonometric functions, PI, DEGREES, RADIANS, SIGN, TRUNCATE,
//! CONV, FORMAT, CRC32, MD5, SHA1 and SHA2.
//!
//! The floating-point functions work in doubles through `libm` (the core has no `std`, whose
//! float methods call the platform's C library; libm is the same algorithms in Rust, so the
//! native and the wasm builds give the same bits). As in MySQL, an argument outside a
//! function's domain (SQRT(-1), LN(0), ACOS(2)) gives NULL, and a result a double cannot hold
//! (EXP(1000), COT(0)) is an error, never an infinity stored in a table.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use crate::db::decimal::Decimal;
use crate::db::value::Value;
use crate::sql::expr::out_of_range;
use crate::sql::functions::{bytes, round, whole, wrong_type};
use crate::sql::random;
use crate::sql::{unsupported, SqlError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MathFunc {
    Sqrt,
    Pow,
    Exp,
    Ln,
    /// LOG(x), the natural logarithm, or LOG(base, x).
    Log,
    Log2,
    Log10,
    Sin,
    Cos,
    Tan,
    Cot,
    Asin,
    Acos,
    /// ATAN(x), or ATAN(y, x) as ATAN2.
    Atan,
    Pi,
    Degrees,
    Radians,
    Sign,
    Truncate,
    Conv,
    Format,
    Crc32,
    Md5,
    Sha1,
    Sha2,
    /// RAND(seed) for a seed that varies by row (`random.rs`; RAND() and RAND(constant) are
    /// generators compiled there).
    Rand,
    UuidToBin,
    BinToUuid,
    IsUuid,
}

/// The function of a lower-case name, with its least and greatest argument counts.
pub fn lookup(name: &str) -> Option<(MathFunc, usize, usize)> {
    use MathFunc::*;
    Some(match name {
        "sqrt" => (Sqrt, 1, 1),
        "pow" | "power" => (Pow, 2, 2),
        "exp" => (Exp, 1, 1),
        "ln" => (Ln, 1, 1),
        "log" => (Log, 1, 2),
        "log2" => (Log2, 1, 1),
        "log10" => (Log10, 1, 1),
        "sin" => (Sin, 1, 1),
        "cos" => (Cos, 1, 1),
        "tan" => (Tan, 1, 1),
        "cot" => (Cot, 1, 1),
        "asin" => (Asin, 1, 1),
        "acos" => (Acos, 1, 1),
        "atan" => (Atan, 1, 2),
        "atan2" => (Atan, 2, 2),
        "pi" => (Pi, 0, 0),
        "degrees" => (Degrees, 1, 1),
        "radians" => (Radians, 1, 1),
        "sign" => (Sign, 1, 1),
        "truncate" => (Truncate, 2, 2),
        "conv" => (Conv, 3, 3),
        "format" => (Format, 2, 3),
        "crc32" => (Crc32, 1, 1),
        "md5" => (Md5, 1, 1),
        "sha1" | "sha" => (Sha1, 1, 1),
        "sha2" => (Sha2, 2, 2),
        "uuid_to_bin" => (UuidToBin, 1, 2),
        "bin_to_uuid" => (BinToUuid, 1, 2),
        "is_uuid" => (IsUuid, 1, 1),
        _ => return None,
    })
}

impl MathFunc {
    /// Whether any NULL argument makes the result NULL; FORMAT's locale may be NULL.
    pub fn strict(self) -> bool {
        !matches!(self, MathFunc::Format | MathFunc::Rand)
    }

    /// The function applied to its evaluated arguments (of the count `lookup` checked; none
    /// NULL where `strict`).
    pub fn call(self, args: &[Value]) -> Result<Value, SqlError> {
        let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
        let name = self.name();
        let x = || real(arg(0), name);
        // A result a double cannot hold is MySQL's error, naming the call.
        let finite = |r: f64| {
            if r.is_finite() {
                Ok(Value::Double(r))
            } else {
                let shown: Vec<String> = args.iter().map(ToString::to_string).collect();
                Err(out_of_range(
                    "DOUBLE",
                    format!("{}({})", name.to_ascii_lowercase(), shown.join(",")),
                ))
            }
        };
        // Outside the domain: NULL, as MySQL gives (with a warning, which Cairn lacks).
        let within = |ok: bool, r: f64| if ok { finite(r) } else { Ok(Value::Null) };
        match self {
            MathFunc::Sqrt => {
                let x = x()?;
                within(x >= 0.0, libm::sqrt(x))
            }
            MathFunc::Pow => finite(libm::pow(x()?, real(arg(1), name)?)),
            MathFunc::Exp => finite(libm::exp(x()?)),
            MathFunc::Ln => {
                let x = x()?;
                within(x > 0.0, libm::log(x))
            }
            MathFunc::Log if args.len() == 2 => {
                // LOG(base, x), as MySQL computes it: any positive base but 1.
                let (base, x) = (x()?, real(arg(1), name)?);
                within(
                    base > 0.0 && base != 1.0 && x > 0.0,
                    libm::log(x) / libm::log(base),
                )
            }
            MathFunc::Log => {
                let x = x()?;
                within(x > 0.0, libm::log(x))
            }
            MathFunc::Log2 => {
                let x = x()?;
                within(x > 0.0, libm::log2(x))
            }
            MathFunc::Log10 => {
                let x = x()?;
                within(x > 0.0, libm::log10(x))
            }
            MathFunc::Sin => finite(libm::sin(x()?)),
            MathFunc::Cos => finite(libm::cos(x()?)),
            MathFunc::Tan => finite(libm::tan(x()?)),
            MathFunc::Cot => finite(1.0 / libm::tan(x()?)),
            MathFunc::Asin => {
                let x = x()?;
                within((-1.0..=1.0).contains(&x), libm::asin(x))
            }
            MathFunc::Acos => {
                let x = x()?;
                within((-1.0..=1.0).contains(&x), libm::acos(x))
            }
            MathFunc::Atan if args.len() == 2 => finite(libm::atan2(x()?, real(arg(1), name)?)),
            MathFunc::Atan => finite(libm::atan(x()?)),
            MathFunc::Pi => Ok(Value::Double(core::f64::consts::PI)),
            MathFunc::Degrees => finite(x()?.to_degrees()),
            MathFunc::Radians => finite(x()?.to_radians()),
            MathFunc::Sign => Ok(Value::Int(match arg(0) {
                Value::Int(n) => n.signum(),
                Value::Bool(b) => i64::from(*b),
                Value::Decimal(d) => d.units.signum() as i64,
                other => {
                    let x = real(other, name)?;
                    i64::from(x > 0.0) - i64::from(x < 0.0)
                }
            })),
            MathFunc::Truncate => round(arg(0), whole(arg(1), name)?, true),
            MathFunc::Conv => Ok(conv(arg(0), whole(arg(1), name)?, whole(arg(2), name)?)),
            MathFunc::Format => format_number(arg(0), arg(1), arg(2)),
            MathFunc::Crc32 => {
                let data = bytes(arg(0), name)?;
                Ok(Value::Int(i64::from(crc32fast::hash(&data))))
            }
            MathFunc::Md5 => Ok(hex_digest::<Md5>(&bytes(arg(0), name)?)),
            MathFunc::Sha1 => Ok(hex_digest::<Sha1>(&bytes(arg(0), name)?)),
            MathFunc::Sha2 => {
                let data = bytes(arg(0), name)?;
                Ok(match whole(arg(1), name)? {
                    224 => hex_digest::<Sha224>(&data),
                    0 | 256 => hex_digest::<Sha256>(&data),
                    384 => hex_digest::<Sha384>(&data),
                    512 => hex_digest::<Sha512>(&data),
                    // Another length: NULL, as MySQL gives.
                    _ => Value::Null,
                })
            }
            MathFunc::Rand => random::rand_of(arg(0)),
            MathFunc::UuidToBin => random::uuid_to_bin(arg(0), args.get(1)),
            MathFunc::BinToUuid => random::bin_to_uuid(arg(0), args.get(1)),
            MathFunc::IsUuid => random::is_uuid(arg(0)),
        }
    }

    fn name(self) -> &'static str {
        use MathFunc::*;
        match self {
            Sqrt => "SQRT",
            Pow => "POW",
            Exp => "EXP",
            Ln => "LN",
            Log => "LOG",
            Log2 => "LOG2",
            Log10 => "LOG10",
            Sin => "SIN",
            Cos => "COS",
            Tan => "TAN",
            Cot => "COT",
            Asin => "ASIN",
            Acos => "ACOS",
            Atan => "ATAN",
            Pi => "PI",
            Degrees => "DEGREES",
            Radians => "RADIANS",
            Sign => "SIGN",
            Truncate => "TRUNCATE",
            Conv => "CONV",
            Format => "FORMAT",
            Crc32 => "CRC32",
            Md5 => "MD5",
            Sha1 => "SHA1",
            Sha2 => "SHA2",
            Rand => "RAND",
            UuidToBin => "UUID_TO_BIN",
            BinToUuid => "BIN_TO_UUID",
            IsUuid => "IS_UUID",
        }
    }
}

/// A number as a double; other values are refused, as Cairn's arithmetic refuses them.
fn real(v: &Value, func: &str) -> Result<f64, SqlError> {
    match v {
        Value::Double(d) => Ok(*d),
        Value::Int(n) => Ok(*n as f64),
        Value::Decimal(d) => Ok(d.to_f64()),
        Value::Bool(b) => Ok(f64::from(u8::from(*b))),
        other => Err(wrong_type(func, other)),
    }
}

/// The digest of `data` in lower-case hex, as MySQL's MD5, SHA1 and SHA2 print it.
fn hex_digest<D: Digest>(data: &[u8]) -> Value {
    Value::Text(crate::hex::Hex(&D::digest(data)).to_string())
}

/// CONV(n, from, to): the number `n` spells in base |from| written in base |to|, as MySQL
/// reads it: leading blanks skipped, digits read up to the first that is not one; a
/// negative `from` reads a signed number (clamped to BIGINT), else an unsigned one (clamped
/// to 2^64 - 1, a minus sign wrapping it); a negative `to` writes a signed number. NULL for
/// a base outside 2..=36.
fn conv(n: &Value, from: i64, to: i64) -> Value {
    let bases = 2..=36;
    if !bases.contains(&from.unsigned_abs()) || !bases.contains(&to.unsigned_abs()) {
        return Value::Null;
    }
    let spelled = match n {
        Value::Blob(b) => String::from_utf8_lossy(b).into_owned(),
        other => other.to_string(),
    };
    let s = spelled.trim_start();
    let (negative, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let from_radix = from.unsigned_abs() as u32;
    let mut magnitude: u64 = 0;
    let mut overflow = false;
    for c in s.chars() {
        let Some(d) = c.to_digit(from_radix) else {
            break;
        };
        match magnitude
            .checked_mul(u64::from(from_radix))
            .and_then(|m| m.checked_add(u64::from(d)))
        {
            Some(m) => magnitude = m,
            None => overflow = true,
        }
    }
    let value: u64 = if from < 0 {
        // Signed: clamped to BIGINT's range, then held in two's complement.
        let limit = if negative {
            i64::MIN.unsigned_abs()
        } else {
            i64::MAX as u64
        };
        let m = if overflow {
            limit
        } else {
            magnitude.min(limit)
        };
        if negative {
            (m as i64).wrapping_neg() as u64
        } else {
            m
        }
    } else if overflow {
        u64::MAX
    } else if negative {
        magnitude.wrapping_neg()
    } else {
        magnitude
    };
    let to_radix = to.unsigned_abs();
    let (sign, mut rest) = if to < 0 && (value as i64) < 0 {
        ("-", (value as i64).unsigned_abs())
    } else {
        ("", value)
    };
    let mut digits = Vec::new();
    loop {
        let d = (rest % to_radix) as u32;
        digits.push(char::from_digit(d, to_radix as u32).map_or('0', |c| c.to_ascii_uppercase()));
        rest /= to_radix;
        if rest == 0 {
            break;
        }
    }
    Value::Text(sign.chars().chain(digits.into_iter().rev()).collect())
}

/// The most decimal places FORMAT writes, as in MySQL.
const FORMAT_MAX_PLACES: i64 = 30;

/// FORMAT(x, places[, locale]): `x` rounded to `places` (0 to 30) as ROUND rounds it, written
/// with exactly that many decimals and commas between thousands, as MySQL writes it for
/// en_US. Other locales are refused rather than written as en_US.
fn format_number(x: &Value, places: &Value, locale: &Value) -> Result<Value, SqlError> {
    if x.is_null() || places.is_null() {
        return Ok(Value::Null);
    }
    match locale {
        Value::Null => {}
        Value::Text(l) if l.eq_ignore_ascii_case("en_US") => {}
        other => {
            return unsupported(format!(
                "FORMAT in locale '{other}' (Cairn writes numbers as en_US does)"
            ))
        }
    }
    let places = whole(places, "FORMAT")?.clamp(0, FORMAT_MAX_PLACES);
    let rounded = round(x, places, false)?;
    let written = match rounded {
        // Rounded to the double nearest `places` digits: written with that many, it reads back
        // those digits exactly.
        Value::Double(d) => format!("{d:.0$}", places as usize),
        Value::Int(_) | Value::Decimal(_) => {
            let d = match rounded {
                Value::Decimal(d) => d,
                other => Decimal::from_int(i128::from(whole(&other, "FORMAT")?)),
            };
            let mut s = d.to_string();
            let have = usize::from(d.scale);
            if have == 0 && places > 0 {
                s.push('.');
            }
            for _ in have..places as usize {
                s.push('0');
            }
            s
        }
        other => return Err(wrong_type("FORMAT", &other)),
    };
    Ok(Value::Text(thousands(&written)))
}

/// `number` (a sign, digits, maybe a point and more digits) with a comma between each three
/// digits before the point.
fn thousands(number: &str) -> String {
    let (sign, unsigned) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (whole_part, fraction) = match unsigned.find('.') {
        Some(at) => unsigned.split_at(at),
        None => (unsigned, ""),
    };
    let mut out = String::with_capacity(number.len() + whole_part.len() / 3);
    out.push_str(sign);
    for (i, c) in whole_part.chars().enumerate() {
        if i > 0 && (whole_part.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(fraction);
    out
}
