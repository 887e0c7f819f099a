//! Table schemas: typed columns, nullability, and an optional (composite) primary key.
//! A table without a primary key is "keyless", as in Dolt: duplicate rows are allowed.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::{put_bytes, put_uvarint, CodecError, Reader};
use crate::db::decimal::{MAX_PRECISION, MAX_SCALE};
use crate::db::temporal::{TimeType, MAX_FSP};
use crate::db::value::{ColumnType, IntWidth};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
    pub nullable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Schema {
    pub columns: Vec<Column>,
    /// Indexes into `columns`, in key order; empty for a keyless table.
    pub primary_key: Vec<usize>,
}

impl Schema {
    pub fn is_keyless(&self) -> bool {
        self.primary_key.is_empty()
    }

    /// Column names are matched without regard to case, as MySQL and Dolt do.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The columns not in the primary key, in table order.
    pub fn value_columns(&self) -> Vec<usize> {
        (0..self.columns.len())
            .filter(|i| !self.primary_key.contains(i))
            .collect()
    }

    /// A `CREATE TABLE` statement that makes this schema.
    pub fn to_sql(&self, table: &str) -> String {
        let mut parts: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                let null = if c.nullable { "" } else { " NOT NULL" };
                format!("  `{}` {}{}", c.name, c.ty, null)
            })
            .collect();
        if !self.primary_key.is_empty() {
            let cols: Vec<String> = self
                .primary_key
                .iter()
                .map(|&i| format!("`{}`", self.columns[i].name))
                .collect();
            parts.push(format!("  PRIMARY KEY ({})", cols.join(", ")));
        }
        format!("CREATE TABLE `{table}` (\n{}\n);", parts.join(",\n"))
    }

    /// Binary encoding, inside a root value chunk (docs/FORMAT.md, "Schemas").
    pub fn encode(&self, out: &mut Vec<u8>) {
        put_uvarint(out, self.columns.len() as u64);
        for c in &self.columns {
            put_bytes(out, c.name.as_bytes());
            match c.ty {
                ColumnType::Integer { width, unsigned } => out.push(int_tag(width, unsigned)),
                ColumnType::Double => out.push(3),
                ColumnType::Decimal { precision, scale } => {
                    out.extend_from_slice(&[DECIMAL, precision, scale])
                }
                ColumnType::Text { max_len } => {
                    out.push(4);
                    put_uvarint(out, max_len.map_or(0, u64::from));
                }
                ColumnType::Bool => out.push(5),
                ColumnType::Blob { max_len } => {
                    out.push(6);
                    put_uvarint(out, max_len.map_or(0, u64::from));
                }
                ColumnType::Temporal(kind) => match kind {
                    TimeType::Date => out.push(16),
                    TimeType::DateTime(fsp) => out.extend_from_slice(&[17, fsp]),
                    TimeType::Timestamp(fsp) => out.extend_from_slice(&[18, fsp]),
                    TimeType::Time(fsp) => out.extend_from_slice(&[19, fsp]),
                    TimeType::Year => out.push(20),
                },
            }
            out.push(c.nullable as u8);
        }
        put_uvarint(out, self.primary_key.len() as u64);
        for &i in &self.primary_key {
            put_uvarint(out, i as u64);
        }
    }

    pub fn decode(r: &mut Reader<'_>) -> Result<Schema, CodecError> {
        let n = r.count()?;
        let mut columns = Vec::with_capacity(n);
        for _ in 0..n {
            let name = r.string()?;
            let ty = match r.u8()? {
                3 => ColumnType::Double,
                4 => ColumnType::Text {
                    max_len: max_len(r)?,
                },
                5 => ColumnType::Bool,
                6 => ColumnType::Blob {
                    max_len: max_len(r)?,
                },
                16 => ColumnType::Temporal(TimeType::Date),
                17 => ColumnType::Temporal(TimeType::DateTime(fsp(r)?)),
                18 => ColumnType::Temporal(TimeType::Timestamp(fsp(r)?)),
                19 => ColumnType::Temporal(TimeType::Time(fsp(r)?)),
                20 => ColumnType::Temporal(TimeType::Year),
                DECIMAL => {
                    let (precision, scale) = (r.u8()?, r.u8()?);
                    if !valid_decimal(precision, scale) {
                        return Err(CodecError::Invalid("decimal precision or scale"));
                    }
                    ColumnType::Decimal { precision, scale }
                }
                tag => match INT_TAGS.iter().find(|(t, _, _)| *t == tag) {
                    Some(&(_, width, unsigned)) => ColumnType::Integer { width, unsigned },
                    None => return Err(CodecError::Invalid("column type")),
                },
            };
            let nullable = match r.u8()? {
                0 => false,
                1 => true,
                _ => return Err(CodecError::Invalid("nullable flag")),
            };
            columns.push(Column { name, ty, nullable });
        }
        let k = r.count()?;
        let mut primary_key = Vec::with_capacity(k);
        for _ in 0..k {
            // Checked before narrowing: on wasm32, `as usize` would wrap 2^32 to column 0.
            let i = r.uvarint()?;
            if i >= columns.len() as u64 || primary_key.contains(&(i as usize)) {
                return Err(CodecError::Invalid("primary key column"));
            }
            primary_key.push(i as usize);
        }
        Ok(Schema {
            columns,
            primary_key,
        })
    }
}

/// The type byte of decimal(p,s), followed by p and s.
const DECIMAL: u8 = 7;

/// The type bytes of the integer types: int and bigint kept their first bytes, and tinyint,
/// smallint and mediumint, once stored as int, have their own since rows encoding 2.
const INT_TAGS: [(u8, IntWidth, bool); 10] = [
    (1, IntWidth::Int, false),
    (2, IntWidth::Big, false),
    (8, IntWidth::Tiny, false),
    (9, IntWidth::Small, false),
    (10, IntWidth::Medium, false),
    (11, IntWidth::Tiny, true),
    (12, IntWidth::Small, true),
    (13, IntWidth::Medium, true),
    (14, IntWidth::Int, true),
    (15, IntWidth::Big, true),
];

fn int_tag(width: IntWidth, unsigned: bool) -> u8 {
    INT_TAGS
        .iter()
        .find(|(_, w, u)| (*w, *u) == (width, unsigned))
        .map_or(1, |(tag, _, _)| *tag)
}

/// What decimal(precision, scale) may be: 1 to 38 digits, at most 30 (and at most all of
/// them) decimals.
pub fn valid_decimal(precision: u8, scale: u8) -> bool {
    (1..=MAX_PRECISION).contains(&precision) && scale <= precision.min(MAX_SCALE)
}

/// Fractional-second digits, 0 to 6.
fn fsp(r: &mut Reader<'_>) -> Result<u8, CodecError> {
    match r.u8()? {
        fsp if fsp <= MAX_FSP => Ok(fsp),
        _ => Err(CodecError::Invalid("fractional-second precision")),
    }
}

/// A text or blob column's maximum length; 0 stands for none.
fn max_len(r: &mut Reader<'_>) -> Result<Option<u32>, CodecError> {
    match r.uvarint()? {
        0 => Ok(None),
        m => u32::try_from(m)
            .map(Some)
            .map_err(|_| CodecError::Invalid("column length")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// docs/FORMAT.md, "Schemas": the type bytes of the types that rows encoding 2 added.
    #[test]
    fn new_types_in_docs_format() {
        let column = |name: &str, ty| Column {
            name: name.into(),
            ty,
            nullable: false,
        };
        let schema = Schema {
            columns: vec![
                column(
                    "d",
                    ColumnType::Decimal {
                        precision: 5,
                        scale: 2,
                    },
                ),
                column(
                    "u",
                    ColumnType::Integer {
                        width: IntWidth::Big,
                        unsigned: true,
                    },
                ),
                column(
                    "t",
                    ColumnType::Integer {
                        width: IntWidth::Tiny,
                        unsigned: false,
                    },
                ),
                column("i", ColumnType::INT),
                column("a", ColumnType::Temporal(TimeType::Date)),
                column("b", ColumnType::Temporal(TimeType::DateTime(3))),
                column("c", ColumnType::Temporal(TimeType::Timestamp(0))),
                column("e", ColumnType::Temporal(TimeType::Time(6))),
                column("f", ColumnType::Temporal(TimeType::Year)),
            ],
            primary_key: vec![0],
        };
        let mut out = Vec::new();
        schema.encode(&mut out);
        let mut want = vec![
            9, 1, b'd', 7, 5, 2, 0, 1, b'u', 15, 0, 1, b't', 8, 0, 1, b'i', 1, 0,
        ];
        want.extend_from_slice(&[1, b'a', 16, 0, 1, b'b', 17, 3, 0, 1, b'c', 18, 0, 0]);
        want.extend_from_slice(&[1, b'e', 19, 6, 0, 1, b'f', 20, 0, 1, 0]);
        assert_eq!(out, want);
        let bad_fsp = [1, 1, b'x', 17, 7, 0, 0];
        assert_eq!(
            Schema::decode(&mut Reader::new(&bad_fsp)),
            Err(CodecError::Invalid("fractional-second precision"))
        );
        assert_eq!(Schema::decode(&mut Reader::new(&out)), Ok(schema));
        for (p, s) in [(0, 0), (39, 2), (5, 6), (38, 31)] {
            let bad = [1, 1, b'd', 7, p, s, 0, 0];
            assert_eq!(
                Schema::decode(&mut Reader::new(&bad)),
                Err(CodecError::Invalid("decimal precision or scale"))
            );
        }
        assert_eq!(
            Schema::decode(&mut Reader::new(&[1, 1, b'x', 21, 0, 0])),
            Err(CodecError::Invalid("column type"))
        );
    }
}
