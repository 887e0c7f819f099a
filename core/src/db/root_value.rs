//! A root value: the state of every table at one moment — table name to schema and rows.
//! Commits and working sets point at root values.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use crate::codec::{put_bytes, put_uvarint, CodecError, Reader};
use crate::db::kind::{self, Kind};
use crate::db::schema::Schema;
use crate::hash::Hash;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRef {
    /// Shared: every statement opens the tables it reads, and a schema is many strings.
    pub schema: Arc<Schema>,
    /// Root of the table's row map (`Hash::EMPTY` when it has no rows).
    pub rows: Hash,
    /// Root of each of `schema.indexes`' maps, in order (`db::index`). Empty while a table
    /// of rows encoding 3 with unique keys has had no write since: its maps are built then,
    /// and until then it is stored as that encoding stored it.
    pub indexes: Vec<Hash>,
}

impl TableRef {
    /// A table without keys or with its keys' maps.
    pub fn new(schema: impl Into<Arc<Schema>>, rows: Hash, indexes: Vec<Hash>) -> TableRef {
        TableRef {
            schema: schema.into(),
            rows,
            indexes,
        }
    }

    /// The root of index `i`'s map, if it has been built.
    pub fn index_root(&self, i: usize) -> Option<Hash> {
        self.indexes.get(i).copied()
    }
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
            let mut block = Vec::new();
            let unbuilt = table.indexes.len() != table.schema.indexes.len();
            if unbuilt {
                table.schema.encode_legacy(&mut block);
            } else {
                table.schema.encode(&mut block);
            }
            put_bytes(&mut out, &block);
            out.extend_from_slice(&table.rows.0);
            // Since rows encoding 4 the roots of the table's keys' maps, one per key.
            for root in &table.indexes {
                out.extend_from_slice(&root.0);
            }
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
            let (schema, unbuilt) = Schema::decode_stored(&mut block)?;
            // Bytes after the schema would be a second encoding of the same root value.
            block.end()?;
            let rows = r.hash()?;
            // A table of rows encoding 3 has no maps for its unique keys until its next write.
            let mut indexes = Vec::new();
            if !unbuilt {
                for _ in &schema.indexes {
                    indexes.push(r.hash()?);
                }
            }
            last = Some(name.clone());
            tables.insert(name, TableRef::new(schema, rows, indexes));
        }
        r.end()?;
        Ok(RootValue { tables })
    }

    /// Chunks this one points at: each table's row map root and its keys' map roots.
    pub fn refs(&self) -> Vec<Hash> {
        self.tables
            .values()
            .flat_map(|t| core::iter::once(t.rows).chain(t.indexes.iter().copied()))
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
            TableRef::new(schema.clone(), Hash::of(b"rows"), Vec::new()),
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
        // (Read as the start of an empty list of keys, which is refused as well.)
        assert_eq!(
            RootValue::decode(&chunk),
            Err(CodecError::Invalid("empty key list"))
        );
    }

    /// docs/FORMAT.md, "Root values": each key's map root follows the rows root; a table of
    /// rows encoding 3 with unique keys has none and keeps its bytes until they are built.
    #[test]
    fn key_maps_follow_the_rows() {
        let mut schema = Schema {
            columns: alloc::vec![
                Column::new("a", ColumnType::INT, false),
                Column::new("b", ColumnType::INT, true)
            ],
            primary_key: alloc::vec![0],
            ..Schema::default()
        };
        schema.indexes.push(crate::db::schema::Index {
            name: "b".into(),
            columns: alloc::vec![1],
            unique: true,
        });
        let (rows, key) = (Hash::of(b"rows"), Hash::of(b"key"));
        let mut root = RootValue::default();
        let built = TableRef::new(schema.clone(), rows, alloc::vec![key]);
        root.tables.insert("t".into(), built);
        let chunk = root.encode();
        assert_eq!(chunk[chunk.len() - 40..], [rows.0, key.0].concat());
        assert_eq!(RootValue::decode(&chunk), Ok(root.clone()));
        assert_eq!(root.refs(), [rows, key]);
        // Its key's root cut off.
        assert!(RootValue::decode(&chunk[..chunk.len() - 20]).is_err());
        // Unbuilt: encoding 3's bytes, no map root, and only the rows as a reference.
        root.tables
            .insert("t".into(), TableRef::new(schema, rows, Vec::new()));
        let chunk = root.encode();
        let mut block = Vec::new();
        root.tables["t"].schema.encode_legacy(&mut block);
        assert_eq!(block[block.len() - 5..], [1, 1, b'b', 1, 1]);
        assert_eq!(chunk[chunk.len() - 20..], rows.0);
        assert_eq!(RootValue::decode(&chunk), Ok(root.clone()));
        assert_eq!(root.refs(), [rows]);
    }
}
