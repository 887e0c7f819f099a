//! SQL values and column types.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt;

use crate::db::decimal::Decimal;
use crate::db::temporal::{Temporal, TimeType};

/// MySQL's integer widths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntWidth {
    Tiny,
    Small,
    Medium,
    Int,
    Big,
}

impl IntWidth {
    fn bits(self) -> u32 {
        match self {
            IntWidth::Tiny => 8,
            IntWidth::Small => 16,
            IntWidth::Medium => 24,
            IntWidth::Int => 32,
            IntWidth::Big => 64,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// An integer of one of MySQL's widths, signed or `unsigned`, with MySQL's range. Values
    /// are `Value::Int`, except those of a bigint unsigned past i64::MAX: decimals of scale 0.
    Integer {
        width: IntWidth,
        unsigned: bool,
    },
    Double,
    /// `decimal(precision, scale)`: exact, at most 38 digits, `scale` of them decimals.
    Decimal {
        precision: u8,
        scale: u8,
    },
    /// `text`, or `varchar(n)` with a maximum length in characters.
    Text {
        max_len: Option<u32>,
    },
    Bool,
    /// `blob`, or `varbinary(n)` with a maximum length in bytes.
    Blob {
        max_len: Option<u32>,
    },
    /// `date`, `datetime(fsp)`, `timestamp(fsp)`, `time(fsp)`, `year`.
    Temporal(TimeType),
    /// `json`: text that is one JSON value, checked on write and kept as written.
    Json,
    /// `enum('a', ...)`: text, one of the column's members (`Column::members`, which checks
    /// it: the type alone does not know them).
    Enum,
}

impl ColumnType {
    pub const INT: ColumnType = ColumnType::Integer {
        width: IntWidth::Int,
        unsigned: false,
    };
    pub const BIGINT: ColumnType = ColumnType::Integer {
        width: IntWidth::Big,
        unsigned: false,
    };

    /// The least and greatest value of an integer type.
    pub fn int_range(width: IntWidth, unsigned: bool) -> (i128, i128) {
        let bits = width.bits();
        if unsigned {
            (0, (1i128 << bits) - 1)
        } else {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        }
    }

    /// "least to greatest", for errors.
    pub fn range_text(&self) -> String {
        match *self {
            ColumnType::Integer { width, unsigned } => {
                let (lo, hi) = ColumnType::int_range(width, unsigned);
                format!("{lo} to {hi}")
            }
            ColumnType::Decimal { precision, scale } => {
                let max = Decimal::max_of(precision, scale);
                format!("-{max} to {max}")
            }
            ColumnType::Temporal(kind) => kind.range().into(),
            _ => String::new(),
        }
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnType::Integer { width, unsigned } => {
                f.write_str(match width {
                    IntWidth::Tiny => "tinyint",
                    IntWidth::Small => "smallint",
                    IntWidth::Medium => "mediumint",
                    IntWidth::Int => "int",
                    IntWidth::Big => "bigint",
                })?;
                if *unsigned {
                    f.write_str(" unsigned")?;
                }
                Ok(())
            }
            ColumnType::Double => f.write_str("double"),
            ColumnType::Decimal { precision, scale } => write!(f, "decimal({precision},{scale})"),
            ColumnType::Text { max_len: None } => f.write_str("text"),
            ColumnType::Text { max_len: Some(n) } => write!(f, "varchar({n})"),
            ColumnType::Bool => f.write_str("bool"),
            ColumnType::Blob { max_len: None } => f.write_str("blob"),
            ColumnType::Blob { max_len: Some(n) } => write!(f, "varbinary({n})"),
            ColumnType::Temporal(kind) => kind.fmt(f),
            ColumnType::Json => f.write_str("json"),
            ColumnType::Enum => f.write_str("enum"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Double(f64),
    Decimal(Decimal),
    Text(String),
    Bool(bool),
    Blob(Vec<u8>),
    Temporal(Temporal),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// SQL ordering for ORDER BY and comparisons: NULL first, numbers by value across int,
    /// decimal and double, dates and times by time, then text, booleans and blobs by their
    /// natural order.
    pub fn sql_cmp(&self, other: &Value) -> Ordering {
        use crate::db::decimal::Decimal as Dec;
        use Value::*;
        fn rank(v: &Value) -> u8 {
            match v {
                Null => 0,
                Bool(_) => 1,
                Int(_) | Double(_) | Decimal(_) => 2,
                Temporal(_) => 3,
                Text(_) => 4,
                Blob(_) => 5,
            }
        }
        match (self, other) {
            (Int(a), Int(b)) => a.cmp(b),
            (Int(a), Double(b)) => (*a as f64).total_cmp(b),
            (Double(a), Int(b)) => a.total_cmp(&(*b as f64)),
            (Double(a), Double(b)) => a.total_cmp(b),
            (Decimal(a), Decimal(b)) => a.cmp(b),
            (Int(a), Decimal(b)) => Dec::from_int((*a).into()).cmp(b),
            (Decimal(a), Int(b)) => a.cmp(&Dec::from_int((*b).into())),
            (Decimal(a), Double(b)) => a.to_f64().total_cmp(b),
            (Double(a), Decimal(b)) => a.total_cmp(&b.to_f64()),
            (Text(a), Text(b)) => a.cmp(b),
            (Bool(a), Bool(b)) => a.cmp(b),
            (Blob(a), Blob(b)) => a.cmp(b),
            (Temporal(a), Temporal(b)) => a.compare(b).unwrap_or(a.value.cmp(&b.value)),
            _ => rank(self).cmp(&rank(other)),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Int(v) => write!(f, "{v}"),
            Value::Double(v) => write!(f, "{v}"),
            Value::Decimal(v) => write!(f, "{v}"),
            Value::Text(v) => f.write_str(v),
            Value::Bool(v) => f.write_str(if *v { "true" } else { "false" }),
            Value::Temporal(t) => t.fmt(f),
            Value::Blob(v) => write!(f, "0x{}", crate::hex::Hex(v)),
        }
    }
}

/// Why a value does not fit a column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeError {
    Mismatch {
        expected: ColumnType,
        found: &'static str,
    },
    /// The value as SQL would print it, and the type it is outside of.
    OutOfRange {
        value: String,
        ty: ColumnType,
    },
    TooLong {
        ty: ColumnType,
        len: usize,
    },
    /// Text that is no value of a temporal type (a date that does not exist, a wrong form).
    Invalid {
        value: String,
        kind: TimeType,
    },
    /// Text that is no member of an enum column.
    NotMember {
        value: String,
    },
    /// Text that is not one JSON value: the byte offset, and what was expected there.
    Json {
        at: usize,
        expected: &'static str,
    },
    /// NaN or an infinity, which no column stores (MySQL refuses them too): NaN is equal to
    /// nothing, so as a key or in a comparison it would break every rule of order.
    NotFinite,
}

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeError::Mismatch { expected, found } => {
                write!(f, "expected a value of type {expected}, found {found}")
            }
            TypeError::OutOfRange { value, ty } => write!(
                f,
                "value {value} is out of range for {ty} ({})",
                ty.range_text()
            ),
            TypeError::TooLong { ty, len } => {
                write!(f, "value of length {len} is too long for {ty}")
            }
            TypeError::Invalid { value, kind } => write!(
                f,
                "'{value}' is not a valid {kind} (write it as {})",
                kind.form()
            ),
            TypeError::NotMember { value } => write!(f, "'{value}' is not one of its values"),
            TypeError::Json { at, expected } => {
                write!(f, "invalid JSON text at byte {at}: expected {expected}")
            }
            TypeError::NotFinite => f.write_str("NaN and infinities cannot be stored"),
        }
    }
}

impl Value {
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Int(_) => "an integer",
            Value::Double(_) => "a double",
            Value::Decimal(_) => "a decimal",
            Value::Text(_) => "text",
            Value::Bool(_) => "a boolean",
            Value::Blob(_) => "a blob",
            Value::Temporal(t) => t.kind_name(),
        }
    }
}

impl ColumnType {
    /// Converts a value to this column's type where SQL allows it (an integer into a double
    /// column, `1`/`0` into a bool, text into a blob), or says why it cannot. NULL passes;
    /// nullability is the schema's to check.
    // Inlined into a row's loop: every value of a bulk INSERT passes here, and the wasm build
    // (for size) otherwise calls it (with Column::coerce, 5-7 % of its insert time).
    #[inline]
    pub fn coerce(&self, value: Value) -> Result<Value, TypeError> {
        let mismatch = |v: &Value| TypeError::Mismatch {
            expected: *self,
            found: v.kind(),
        };
        let out_of_range = |v: &Value| TypeError::OutOfRange {
            // `{:?}` writes 1e300 with its exponent, not three hundred digits.
            value: match v {
                Value::Double(d) => format!("{d:?}"),
                v => v.to_string(),
            },
            ty: *self,
        };
        Ok(match (self, value) {
            (_, Value::Null) => Value::Null,
            (&ColumnType::Integer { width, unsigned }, v) => {
                let n: i128 = match &v {
                    Value::Int(n) => (*n).into(),
                    Value::Bool(b) => (*b).into(),
                    // Rounded half away from zero, as MySQL stores 2.5 in an int as 3.
                    Value::Decimal(d) => d.rescale(0).ok_or_else(|| out_of_range(&v))?.units,
                    other => return Err(mismatch(other)),
                };
                let (lo, hi) = ColumnType::int_range(width, unsigned);
                if !(lo..=hi).contains(&n) {
                    return Err(out_of_range(&v));
                }
                int_value(n)
            }
            (&ColumnType::Decimal { precision, scale }, v) => {
                let d = match &v {
                    Value::Int(n) => Decimal::from_int((*n).into()).rescale(scale),
                    Value::Bool(b) => Decimal::from_int((*b).into()).rescale(scale),
                    Value::Decimal(d) => d.rescale(scale),
                    Value::Double(d) if !d.is_finite() => return Err(TypeError::NotFinite),
                    Value::Double(d) => Decimal::from_f64(*d, scale),
                    // Decimals travel as text in JSON and JS, so their text comes back in.
                    Value::Text(s) => match Decimal::parse_signed(s) {
                        Some(d) => d.rescale(scale),
                        None => return Err(mismatch(&v)),
                    },
                    other => return Err(mismatch(other)),
                };
                match d.filter(|d| d.fits(precision)) {
                    Some(d) => Value::Decimal(d),
                    None => return Err(out_of_range(&v)),
                }
            }
            (&ColumnType::Temporal(kind), v) => {
                let converted = match &v {
                    Value::Text(s) => match Temporal::parse(kind, s) {
                        Some(t) => Some(t),
                        None => {
                            return Err(TypeError::Invalid {
                                value: s.clone(),
                                kind,
                            })
                        }
                    },
                    Value::Temporal(t) if t.kind.family() == kind.family() => t.convert(kind),
                    Value::Int(n) if kind == TimeType::Year => Temporal::year(*n, 0),
                    other => return Err(mismatch(other)),
                };
                match converted {
                    Some(t) => Value::Temporal(t),
                    None => return Err(out_of_range(&v)),
                }
            }
            (ColumnType::Double, Value::Decimal(d)) => Value::Double(d.to_f64()),
            (ColumnType::Double, Value::Double(v)) if !v.is_finite() => {
                return Err(TypeError::NotFinite)
            }
            (ColumnType::Double, Value::Double(v)) => Value::Double(v),
            (ColumnType::Double, Value::Int(v)) => Value::Double(v as f64),
            (ColumnType::Bool, Value::Bool(b)) => Value::Bool(b),
            (ColumnType::Bool, Value::Int(v @ (0 | 1))) => Value::Bool(v == 1),
            (ColumnType::Text { max_len }, Value::Text(s)) => {
                let len = s.chars().count();
                if max_len.is_some_and(|m| len > m as usize) {
                    return Err(TypeError::TooLong { ty: *self, len });
                }
                Value::Text(s)
            }
            (ColumnType::Blob { max_len }, Value::Blob(b)) => {
                if max_len.is_some_and(|m| b.len() > m as usize) {
                    return Err(TypeError::TooLong {
                        ty: *self,
                        len: b.len(),
                    });
                }
                Value::Blob(b)
            }
            (ColumnType::Enum, Value::Text(s)) => Value::Text(s),
            (ColumnType::Json, Value::Text(s)) => match crate::db::json::check(&s) {
                Ok(()) => Value::Text(s),
                Err((at, expected)) => return Err(TypeError::Json { at, expected }),
            },
            (ColumnType::Blob { .. }, Value::Text(s)) => {
                return self.coerce(Value::Blob(s.into_bytes()))
            }
            (_, other) => return Err(mismatch(&other)),
        })
    }
}

/// An integer as a value: `Int` when it fits an i64, else (a bigint unsigned past i64::MAX) a
/// decimal of scale 0.
pub fn int_value(n: i128) -> Value {
    match i64::try_from(n) {
        Ok(n) => Value::Int(n),
        Err(_) => Value::Decimal(Decimal::from_int(n)),
    }
}
