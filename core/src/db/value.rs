//! SQL values and column types.

use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// 32-bit signed integer (`int`, `integer`, `smallint`, `tinyint`).
    Int,
    /// 64-bit signed integer.
    BigInt,
    Double,
    /// `text`, or `varchar(n)` with a maximum length in characters.
    Text {
        max_len: Option<u32>,
    },
    Bool,
    /// `blob`, or `varbinary(n)` with a maximum length in bytes.
    Blob {
        max_len: Option<u32>,
    },
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnType::Int => f.write_str("int"),
            ColumnType::BigInt => f.write_str("bigint"),
            ColumnType::Double => f.write_str("double"),
            ColumnType::Text { max_len: None } => f.write_str("text"),
            ColumnType::Text { max_len: Some(n) } => write!(f, "varchar({n})"),
            ColumnType::Bool => f.write_str("bool"),
            ColumnType::Blob { max_len: None } => f.write_str("blob"),
            ColumnType::Blob { max_len: Some(n) } => write!(f, "varbinary({n})"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Double(f64),
    Text(String),
    Bool(bool),
    Blob(Vec<u8>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// SQL ordering for ORDER BY and comparisons: NULL first, numbers by value across int and
    /// double, then text, booleans and blobs by their natural order.
    pub fn sql_cmp(&self, other: &Value) -> Ordering {
        use Value::*;
        fn rank(v: &Value) -> u8 {
            match v {
                Null => 0,
                Bool(_) => 1,
                Int(_) | Double(_) => 2,
                Text(_) => 3,
                Blob(_) => 4,
            }
        }
        match (self, other) {
            (Int(a), Int(b)) => a.cmp(b),
            (Int(a), Double(b)) => (*a as f64).total_cmp(b),
            (Double(a), Int(b)) => a.total_cmp(&(*b as f64)),
            (Double(a), Double(b)) => a.total_cmp(b),
            (Text(a), Text(b)) => a.cmp(b),
            (Bool(a), Bool(b)) => a.cmp(b),
            (Blob(a), Blob(b)) => a.cmp(b),
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
            Value::Text(v) => f.write_str(v),
            Value::Bool(v) => f.write_str(if *v { "true" } else { "false" }),
            Value::Blob(v) => {
                f.write_str("0x")?;
                v.iter().try_for_each(|b| write!(f, "{b:02x}"))
            }
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
    OutOfRange {
        ty: ColumnType,
    },
    TooLong {
        ty: ColumnType,
        len: usize,
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
            TypeError::OutOfRange { ty } => write!(f, "value out of range for type {ty}"),
            TypeError::TooLong { ty, len } => {
                write!(f, "value of length {len} is too long for {ty}")
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
            Value::Text(_) => "text",
            Value::Bool(_) => "a boolean",
            Value::Blob(_) => "a blob",
        }
    }
}

impl ColumnType {
    /// Converts a value to this column's type where SQL allows it (an integer into a double
    /// column, `1`/`0` into a bool, text into a blob), or says why it cannot. NULL passes;
    /// nullability is the schema's to check.
    pub fn coerce(&self, value: Value) -> Result<Value, TypeError> {
        let mismatch = |v: &Value| TypeError::Mismatch {
            expected: *self,
            found: v.kind(),
        };
        Ok(match (self, value) {
            (_, Value::Null) => Value::Null,
            (ColumnType::Int, Value::Int(v)) => {
                if i32::try_from(v).is_err() {
                    return Err(TypeError::OutOfRange { ty: *self });
                }
                Value::Int(v)
            }
            (ColumnType::BigInt, Value::Int(v)) => Value::Int(v),
            (ColumnType::Int | ColumnType::BigInt, Value::Bool(b)) => Value::Int(b as i64),
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
            (ColumnType::Blob { .. }, Value::Text(s)) => {
                return self.coerce(Value::Blob(s.into_bytes()))
            }
            (_, other) => return Err(mismatch(&other)),
        })
    }
}
