//! A file's value as a column's value: read as SQL reads the literal (a JSON number, or a
//! CSV field in a numeric or boolean column, as a number literal; a string as text), then
//! coerced by the column type exactly as an INSERT's values are.

use alloc::format;
use alloc::string::{String, ToString};

use super::Cell;
use crate::db::table::TableError;
use crate::db::value::{ColumnType, TypeError, Value};

/// Why a value does not fit; [`Refusal::in_column`] words it for a column.
pub enum Refusal {
    NotANumber(String, ColumnType),
    Type(TypeError),
}

impl Refusal {
    pub fn in_column(self, column: &str) -> String {
        match self {
            Refusal::NotANumber(text, ty) => format!(
                "'{}' is not a value of column '{column}' {ty} (write a number)",
                crate::text::printable(&text)
            ),
            Refusal::Type(error) => TableError::Type {
                column: column.into(),
                error,
            }
            .to_string(),
        }
    }
}

pub fn convert(cell: Cell, ty: &ColumnType) -> Result<Value, Refusal> {
    let numeric = matches!(
        ty,
        ColumnType::Integer { .. } | ColumnType::Decimal { .. } | ColumnType::Double
    );
    let value = match cell {
        Cell::Null => Value::Null,
        Cell::Bool(b) => Value::Bool(b),
        Cell::Text(t) if *ty == ColumnType::Bool && t.eq_ignore_ascii_case("true") => {
            Value::Bool(true)
        }
        Cell::Text(t) if *ty == ColumnType::Bool && t.eq_ignore_ascii_case("false") => {
            Value::Bool(false)
        }
        Cell::Number(t) => number(&t).ok_or(Refusal::NotANumber(t, *ty))?,
        Cell::Text(t) if numeric || *ty == ColumnType::Bool => match number(&t) {
            Some(v) => v,
            None => return Err(Refusal::NotANumber(t, *ty)),
        },
        Cell::Text(t) => Value::Text(t),
    };
    ty.coerce(value).map_err(Refusal::Type)
}

/// The shape of a number literal: an optional sign, digits with an optional fraction, an
/// optional exponent. Whether it is an integer, and whether it has an exponent.
pub fn shape(text: &str) -> Option<(bool, bool)> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text).as_bytes();
    let digits = |from: usize| {
        body[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let int = digits(0);
    let mut at = int;
    let mut frac = 0;
    let dot = body.get(at) == Some(&b'.');
    if dot {
        frac = digits(at + 1);
        at += 1 + frac;
    }
    if int + frac == 0 {
        return None;
    }
    let exponent = matches!(body.get(at), Some(b'e' | b'E'));
    if exponent {
        at += 1;
        if matches!(body.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let n = digits(at);
        if n == 0 {
            return None;
        }
        at += n;
    }
    (at == body.len()).then_some((!dot && !exponent, exponent))
}

/// A number literal's value, as the SQL parser gives it (integer, exact decimal, or double
/// with an exponent); None for text that is not one.
pub fn number(text: &str) -> Option<Value> {
    shape(text)?;
    let (negative, body) = match text.strip_prefix('-') {
        Some(body) => (true, body),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    crate::sql::expr::number(body, negative).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::decimal::Decimal;
    use crate::db::value::IntWidth;

    #[test]
    fn reads_values_as_insert_would() {
        let int = ColumnType::INT;
        let text = |s: &str| Cell::Text(s.into());
        assert_eq!(convert(text("-12"), &int).ok(), Some(Value::Int(-12)));
        assert_eq!(convert(text("2.5"), &int).ok(), Some(Value::Int(3)));
        assert!(convert(text("12abc"), &int).is_err());
        assert!(convert(text(""), &int).is_err());
        assert!(convert(text("1e3"), &int).is_err(), "a double is no int");
        let tiny = ColumnType::Integer {
            width: IntWidth::Tiny,
            unsigned: false,
        };
        let e = convert(text("300"), &tiny).err().unwrap().in_column("t");
        assert!(e.contains("out of range for column 't' tinyint"), "{e}");
        let dec = ColumnType::Decimal {
            precision: 5,
            scale: 2,
        };
        assert_eq!(
            convert(Cell::Number("1.005".into()), &dec).ok(),
            Some(Value::Decimal(Decimal {
                units: 101,
                scale: 2
            }))
        );
        assert_eq!(
            convert(text("TRUE"), &ColumnType::Bool).ok(),
            Some(Value::Bool(true))
        );
        assert_eq!(
            convert(text("0"), &ColumnType::Bool).ok(),
            Some(Value::Bool(false))
        );
        let s = ColumnType::Text { max_len: None };
        assert_eq!(convert(text("42"), &s).ok(), Some(Value::Text("42".into())));
        assert!(convert(Cell::Number("42".into()), &s).is_err(), "as INSERT");
        assert!(convert(text("nan"), &ColumnType::Double).is_err());
        assert!(convert(text("inf"), &ColumnType::Double).is_err());
    }

    #[test]
    fn knows_number_shapes() {
        assert_eq!(shape("12"), Some((true, false)));
        assert_eq!(shape("-1.5"), Some((false, false)));
        assert_eq!(shape(".5"), Some((false, false)));
        assert_eq!(shape("5."), Some((false, false)));
        assert_eq!(shape("1e-3"), Some((false, true)));
        for no in [
            "", "-", ".", "1e", "1.2.3", " 1", "0x10", "1_000", "--1", "e5",
        ] {
            assert_eq!(shape(no), None, "{no}");
        }
    }
}
