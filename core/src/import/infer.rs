//! Column types for `import --create`, inferred from every value of each column:
//!
//! - every value an integer: `int` if all fit 32 bits, `bigint` if 64, else `decimal(n,0)`;
//! - integers and decimals without an exponent: `decimal(p,s)`, wide enough for all of them
//!   exactly (past 38 digits, `double`);
//! - any number with an exponent among numbers: `double`;
//! - every value `true` or `false` (any case; JSON booleans): `bool`;
//! - anything else, mixed kinds, or no value at all: `text`.
//!
//! A value is judged by its text, so a JSON string `"12"` counts as an integer as the CSV
//! field `12` does. NULLs (empty CSV fields, JSON `null`, a JSON row without the column) say nothing. Columns
//! are nullable, except the primary key's.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::value::shape;
use super::{Cell, ImportError, Record};
use crate::db::decimal::{MAX_PRECISION, MAX_SCALE};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Guess {
    Nothing,
    Bool,
    /// The least and greatest integer seen.
    Int(i128, i128),
    /// Digits before and after the point, at most.
    Decimal(u32, u32),
    Double,
    Text,
}

impl Guess {
    fn of(cell: &Cell) -> Guess {
        let text = match cell {
            Cell::Null => return Guess::Nothing,
            Cell::Bool(_) => return Guess::Bool,
            Cell::Text(t) if t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false") => {
                return Guess::Bool
            }
            Cell::Text(t) | Cell::Number(t) => t,
        };
        match shape(text) {
            None => Guess::Text,
            Some((_, true)) => Guess::Double,
            Some((true, false)) => match text.parse::<i128>() {
                Ok(n) if digits(n) <= u32::from(MAX_PRECISION) => Guess::Int(n, n),
                _ => Guess::Double,
            },
            Some((false, false)) => {
                let body = text.trim_start_matches(['-', '+']);
                let (int, frac) = body.split_once('.').unwrap_or((body, ""));
                let int = int.trim_start_matches('0').len().max(1) as u32;
                Guess::Decimal(int, frac.len() as u32)
            }
        }
    }

    fn join(self, other: Guess) -> Guess {
        use Guess::*;
        match (self, other) {
            (Nothing, g) | (g, Nothing) => g,
            (Bool, Bool) => Bool,
            (Int(a, b), Int(c, d)) => Int(a.min(c), b.max(d)),
            (Int(lo, hi), Decimal(i, s)) | (Decimal(i, s), Int(lo, hi)) => {
                Decimal(i.max(digits(lo)).max(digits(hi)), s)
            }
            (Decimal(a, b), Decimal(c, d)) => Decimal(a.max(c), b.max(d)),
            (Int(..) | Decimal(..) | Double, Int(..) | Decimal(..) | Double) => Double,
            _ => Text,
        }
    }

    fn sql(self) -> String {
        match self {
            Guess::Bool => "bool".into(),
            Guess::Int(lo, hi) if i32::try_from(lo).is_ok() && i32::try_from(hi).is_ok() => {
                "int".into()
            }
            Guess::Int(lo, hi) if i64::try_from(lo).is_ok() && i64::try_from(hi).is_ok() => {
                "bigint".into()
            }
            Guess::Int(lo, hi) => format!("decimal({},0)", digits(lo).max(digits(hi))),
            Guess::Decimal(int, scale)
                if int + scale <= u32::from(MAX_PRECISION) && scale <= u32::from(MAX_SCALE) =>
            {
                format!("decimal({},{scale})", int + scale)
            }
            Guess::Decimal(..) | Guess::Double => "double".into(),
            Guess::Nothing | Guess::Text => "text".into(),
        }
    }
}

/// Decimal digits of an integer's magnitude.
fn digits(n: i128) -> u32 {
    n.unsigned_abs().checked_ilog10().map_or(1, |d| d + 1)
}

/// The file's columns, in order, with what their values so far say.
pub struct Columns {
    names: Vec<String>,
    guesses: Vec<Guess>,
}

impl Columns {
    pub fn new(names: Vec<String>) -> Columns {
        let guesses = alloc::vec![Guess::Nothing; names.len()];
        Columns { names, guesses }
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn has(&self, name: &str) -> bool {
        self.index(name).is_some()
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n.eq_ignore_ascii_case(name))
    }

    /// Takes in one record; a JSON row may name columns the first did not (they are added).
    pub fn see(&mut self, record: &Record, csv: bool) -> Result<(), ImportError> {
        if csv && record.cells.len() != self.names.len() {
            return Err(ImportError::Format(format!(
                "line {}: {} fields, where the header has {}",
                record.line,
                record.cells.len(),
                self.names.len()
            )));
        }
        for (n, cell) in record.cells.iter().enumerate() {
            let i = match &record.names {
                Some(names) => match self.index(&names[n]) {
                    Some(i) => i,
                    None => {
                        self.names.push(names[n].clone());
                        self.guesses.push(Guess::Nothing);
                        self.names.len() - 1
                    }
                },
                None => n,
            };
            self.guesses[i] = self.guesses[i].join(Guess::of(cell));
        }
        Ok(())
    }

    /// The CREATE TABLE statement for these columns, keyed by `key`.
    pub fn create_table(&self, table: &str, key: &[String]) -> String {
        let quote = |name: &str| format!("`{}`", name.replace('`', "``"));
        let mut parts: Vec<String> = self
            .names
            .iter()
            .zip(&self.guesses)
            .map(|(name, guess)| format!("{} {}", quote(name), guess.sql()))
            .collect();
        let key: Vec<String> = key.iter().map(|k| quote(k)).collect();
        parts.push(format!("primary key ({})", key.join(", ")));
        format!("create table {} ({})", quote(table), parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(values: &[&str]) -> String {
        let cells: Vec<Guess> = values
            .iter()
            .map(|v| {
                Guess::of(&match *v {
                    "" => Cell::Null,
                    v => Cell::Text(v.into()),
                })
            })
            .collect();
        cells.into_iter().fold(Guess::Nothing, Guess::join).sql()
    }

    #[test]
    fn infers_column_types() {
        assert_eq!(infer(&["1", "-2", ""]), "int");
        assert_eq!(infer(&["1", "3000000000"]), "bigint");
        assert_eq!(infer(&["1", "99999999999999999999"]), "decimal(20,0)");
        assert_eq!(infer(&["1", "2.50", "-10.1"]), "decimal(4,2)");
        assert_eq!(infer(&["0.001"]), "decimal(4,3)");
        assert_eq!(infer(&["1", "1e3"]), "double");
        assert_eq!(infer(&["true", "FALSE"]), "bool");
        assert_eq!(infer(&["1", "x"]), "text");
        assert_eq!(infer(&["true", "1"]), "text");
        assert_eq!(infer(&["", ""]), "text");
        assert_eq!(infer(&["2024-01-01"]), "text");
    }
}
