//! A root value: the state of every table at one moment — table name to schema and rows.
//! Commits and working sets point at root values.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::{put_bytes, put_uvarint, CodecError, Reader};
use crate::db::kind::{self, Kind};
use crate::db::schema::Schema;
use crate::hash::Hash;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRef {
    pub schema: Schema,
    /// Root of the table's row map (`Hash::EMPTY` when it has no rows).
    pub rows: Hash,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RootValue {
    /// Sorted by name: `BTreeMap` keeps the encoding canonical.
    pub tables: BTreeMap<String, TableRef>,
}

impl RootValue {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = alloc::vec![Kind::RootValue as u8];
        put_uvarint(&mut out, self.tables.len() as u64);
        for (name, table) in &self.tables {
            put_bytes(&mut out, name.as_bytes());
            let mut schema = Vec::new();
            table.schema.encode(&mut schema);
            put_bytes(&mut out, &schema);
            out.extend_from_slice(&table.rows.0);
        }
        out
    }

    pub fn decode(chunk: &[u8]) -> Result<RootValue, CodecError> {
        let mut r = kind::open(chunk, Kind::RootValue)?;
        let n = r.count()?;
        let mut tables = BTreeMap::new();
        let mut last: Option<String> = None;
        for _ in 0..n {
            let name = r.string()?;
            if last.as_ref().is_some_and(|l| *l >= name) {
                return Err(CodecError::Invalid("table order"));
            }
            let mut block = Reader::new(r.bytes()?);
            let schema = Schema::decode(&mut block)?;
            // Bytes after the schema would be a second encoding of the same root value.
            block.end()?;
            let rows = r.hash()?;
            last = Some(name.clone());
            tables.insert(name, TableRef { schema, rows });
        }
        r.end()?;
        Ok(RootValue { tables })
    }

    /// Chunks this one points at: each table's row map root.
    pub fn refs(&self) -> Vec<Hash> {
        self.tables
            .values()
            .map(|t| t.rows)
            .filter(|h| !h.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::schema::Column;
    use crate::db::value::ColumnType;

    #[test]
    fn bytes_after_a_schema_are_refused() {
        let schema = Schema {
            columns: alloc::vec![Column::new("a", ColumnType::INT, false)],
            primary_key: alloc::vec![0],
            ..Schema::default()
        };
        let mut root = RootValue::default();
        root.tables.insert(
            "t".into(),
            TableRef {
                schema: schema.clone(),
                rows: Hash::of(b"rows"),
            },
        );
        assert_eq!(RootValue::decode(&root.encode()), Ok(root.clone()));
        // The same chunk with a junk byte inside the schema's length-prefixed block: it
        // decoded to the same root value, a second encoding of it (found by fuzzing).
        let mut block = Vec::new();
        schema.encode(&mut block);
        // Since rows encoding 3 bytes after the primary key are its constraints; an empty
        // list of them would be a second encoding too.
        let mut empty = block.clone();
        empty.extend_from_slice(&[0, 0]);
        assert_eq!(
            Schema::decode(&mut Reader::new(&empty)),
            Err(CodecError::Invalid("empty constraints"))
        );
        let mut with_check = schema.clone();
        with_check.checks.push(crate::db::schema::Check {
            name: "c".into(),
            expr: "a > 0".into(),
        });
        block.clear();
        with_check.encode(&mut block);
        block.push(0);
        let mut chunk = alloc::vec![Kind::RootValue as u8, 1];
        put_bytes(&mut chunk, b"t");
        put_bytes(&mut chunk, &block);
        chunk.extend_from_slice(&Hash::of(b"rows").0);
        assert_eq!(
            RootValue::decode(&chunk),
            Err(CodecError::Invalid("trailing bytes"))
        );
    }
}
