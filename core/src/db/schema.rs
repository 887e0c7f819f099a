//! Table schemas: typed columns, nullability, and an optional (composite) primary key.
//! A table without a primary key is "keyless", as in Dolt: duplicate rows are allowed.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::{put_bytes, put_uvarint, CodecError, Reader};
use crate::db::value::ColumnType;

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
            let (tag, max) = match c.ty {
                ColumnType::Int => (1, None),
                ColumnType::BigInt => (2, None),
                ColumnType::Double => (3, None),
                ColumnType::Text { max_len } => (4, Some(max_len)),
                ColumnType::Bool => (5, None),
                ColumnType::Blob { max_len } => (6, Some(max_len)),
            };
            out.push(tag);
            if let Some(max) = max {
                put_uvarint(out, max.map_or(0, u64::from));
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
                1 => ColumnType::Int,
                2 => ColumnType::BigInt,
                3 => ColumnType::Double,
                4 => ColumnType::Text {
                    max_len: max_len(r)?,
                },
                5 => ColumnType::Bool,
                6 => ColumnType::Blob {
                    max_len: max_len(r)?,
                },
                _ => return Err(CodecError::Invalid("column type")),
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

/// A text or blob column's maximum length; 0 stands for none.
fn max_len(r: &mut Reader<'_>) -> Result<Option<u32>, CodecError> {
    match r.uvarint()? {
        0 => Ok(None),
        m => u32::try_from(m)
            .map(Some)
            .map_err(|_| CodecError::Invalid("column length")),
    }
}
