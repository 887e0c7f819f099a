//! Secondary indexes (`KEY`, `UNIQUE KEY`, `CREATE INDEX`): one prolly map per index, kept
//! beside the table's row map and stored in its root value (docs/FORMAT.md, "Indexes").
//!
//! An entry's key is the row's values in the index's columns, each as a byte 0 (NULL) or 1
//! followed by its ordered encoding, and then the row's own key in the row map; its value is
//! the length of the part before the row key. So entries of equal values stay distinct, come
//! in row key order, and NULLs sort first, as MySQL's do. A scan of a range of values in the
//! index yields the row keys to read.
//!
//! The maps follow the rows in one place, [`refresh`]: from the difference between the row
//! map a table had and the one it has, so a statement that changed three rows changes three
//! entries per index, whatever wrote them (SQL, import, merge).

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::ops::Bound;

use crate::chunk_store::ChunkStore;
use crate::codec::{put_uvarint, CodecError, Reader};
use crate::db::root_value::TableRef;
use crate::db::row::{encode_ordered, RowLayout};
use crate::db::schema::{Index, Schema};
use crate::db::table::TableError;
use crate::db::value::Value;
use crate::hash::Hash;
use crate::io::Storage;
use crate::prolly;

/// Appends one index column's value: NULL as 0, any other as 1 and its ordered encoding.
pub fn encode_part(out: &mut Vec<u8>, schema: &Schema, column: usize, value: &Value) {
    if value.is_null() {
        out.push(0);
    } else {
        out.push(1);
        encode_ordered(out, schema.columns[column].ty, value);
    }
}

/// The entry of a row stored under `row_key` in `index`.
fn entry(schema: &Schema, index: &Index, row: &[Value], row_key: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut key = Vec::new();
    for &c in &index.columns {
        encode_part(&mut key, schema, c, &row[c]);
    }
    let mut value = Vec::new();
    put_uvarint(&mut value, key.len() as u64);
    key.extend_from_slice(row_key);
    (key, value)
}

/// The row key an index entry points at. Entries come from the store: a length past the key
/// is damage, not a panic.
pub fn row_key<'a>(key: &'a [u8], value: &[u8]) -> Result<&'a [u8], TableError> {
    let mut r = Reader::new(value);
    let at = r.uvarint()?;
    r.end()?;
    usize::try_from(at)
        .ok()
        .and_then(|at| key.get(at..))
        .filter(|rest| !rest.is_empty())
        .ok_or(TableError::Corrupt(CodecError::Invalid("index entry")))
}

/// The least key greater than every key that starts with `prefix` (None: no such key, or
/// an empty prefix, which every key starts with).
pub fn successor(mut prefix: Vec<u8>) -> Option<Vec<u8>> {
    while let Some(last) = prefix.pop() {
        if last < 0xff {
            prefix.push(last + 1);
            return Some(prefix);
        }
    }
    None
}

/// `table` (named `name`) as it is stored once its schema is `schema` and its rows `rows`,
/// with every index map brought along. An index `before` had over the same columns and row
/// keys is updated by the rows that changed; any other is built from every row. A unique
/// index that two rows now share fails, with MySQL's error, and nothing is stored.
pub async fn refresh<S: Storage>(
    store: &mut ChunkStore<S>,
    name: &str,
    before: &TableRef,
    schema: &Schema,
    rows: Hash,
) -> Result<TableRef, TableError> {
    if rows.is_empty() {
        // No rows, no entries (TRUNCATE, DELETE of everything): nothing to compare.
        let roots = alloc::vec![Hash::EMPTY; schema.indexes.len()];
        return Ok(TableRef::new(schema.clone(), rows, roots));
    }
    let comparable = before.schema.columns == schema.columns
        && before.schema.primary_key == schema.primary_key
        && before.indexes.len() == before.schema.indexes.len();
    // Per index: the rows and index map it is updated from.
    let bases: Vec<(Hash, Hash)> = schema
        .indexes
        .iter()
        .map(|index| {
            let same = |k: &Index| k.columns == index.columns && k.unique == index.unique;
            match before.schema.indexes.iter().position(same) {
                Some(j) if comparable => (before.rows, before.indexes[j]),
                _ => (Hash::EMPTY, Hash::EMPTY),
            }
        })
        .collect();
    let layout = RowLayout::new(schema);
    let mut changes: BTreeMap<Hash, Vec<Change>> = BTreeMap::new();
    for &(from, _) in &bases {
        if from != rows && !changes.contains_key(&from) {
            changes.insert(from, changed_rows(store, &layout, from, rows).await?);
        }
    }
    let mut roots = Vec::with_capacity(bases.len());
    for (index, (from, root)) in schema.indexes.iter().zip(bases) {
        let list = changes.get(&from).map_or(&[][..], Vec::as_slice);
        roots.push(update(store, name, schema, index, root, list).await?);
    }
    Ok(TableRef::new(schema.clone(), rows, roots))
}

/// A row whose stored version changed: `None` where it was not (or is no longer) stored.
pub struct Change {
    pub key: Vec<u8>,
    /// The row and how many times it is stored (keyless tables repeat rows).
    pub old: Option<(Vec<Value>, u64)>,
    pub new: Option<(Vec<Value>, u64)>,
}

/// The rows that differ between the row maps at `from` and `to` (both of `layout`), in key
/// order.
pub async fn changed_rows<S: Storage>(
    store: &ChunkStore<S>,
    layout: &RowLayout,
    from: Hash,
    to: Hash,
) -> Result<Vec<Change>, TableError> {
    let diff = prolly::diff(store, from, to).await?;
    let mut list = Vec::with_capacity(diff.len());
    for d in diff {
        let old = d.left.map(|v| decode(layout, &d.key, &v)).transpose()?;
        let new = d.right.map(|v| decode(layout, &d.key, &v)).transpose()?;
        list.push(Change {
            key: d.key,
            old,
            new,
        });
    }
    Ok(list)
}

fn decode(layout: &RowLayout, key: &[u8], value: &[u8]) -> Result<(Vec<Value>, u64), TableError> {
    if layout.is_keyless() {
        let (count, row) = layout.decode_keyless(value)?;
        Ok((row, count))
    } else {
        Ok((layout.decode(key, value)?, 1))
    }
}

/// Index `index`'s map at `root` after `changes`, checked if unique.
async fn update<S: Storage>(
    store: &mut ChunkStore<S>,
    name: &str,
    schema: &Schema,
    index: &Index,
    root: Hash,
    changes: &[Change],
) -> Result<Hash, TableError> {
    let mut edits: Vec<(Vec<u8>, Option<Vec<u8>>)> = Vec::new();
    // The entries added whose values a unique index must not hold twice.
    let mut added: Vec<(Vec<u8>, &[Value])> = Vec::new();
    let unique = |row: &[Value]| index.unique && index.columns.iter().all(|&i| !row[i].is_null());
    for c in changes {
        if let Some((row, count)) = &c.new {
            // A keyless row stored twice holds its values twice (under one entry).
            if *count > 1 && unique(row) {
                return Err(duplicate(name, index, row));
            }
        }
        let old = c
            .old
            .as_ref()
            .map(|(row, _)| entry(schema, index, row, &c.key));
        let new = c
            .new
            .as_ref()
            .map(|(row, _)| entry(schema, index, row, &c.key));
        if old == new {
            continue;
        }
        if let Some((key, _)) = old {
            edits.push((key, None));
        }
        if let (Some((key, value)), Some((row, _))) = (new, &c.new) {
            if unique(row) {
                let prefix = key[..key.len() - c.key.len()].to_vec();
                added.push((prefix, row));
            }
            edits.push((key, Some(value)));
        }
    }
    if edits.is_empty() {
        return Ok(root);
    }
    edits.sort_by(|a, b| a.0.cmp(&b.0));
    added.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(pair) = added.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(duplicate(name, index, pair[1].1));
    }
    let new_root = if root.is_empty() {
        let entries = edits.into_iter().filter_map(|(k, v)| Some((k, v?)));
        prolly::build(store, entries.collect::<Vec<_>>()).await?
    } else {
        prolly::apply(store, root, edits).await?
    };
    // Values new to the index may meet values rows already held (none when it was empty).
    if !root.is_empty() {
        for (prefix, row) in &added {
            let end = successor(prefix.clone());
            let end = end.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
            let mut held = 0;
            prolly::scan(store, new_root, (Bound::Included(prefix), end), |_, _| {
                held += 1;
                held < 2
            })
            .await?;
            if held > 1 {
                return Err(duplicate(name, index, row));
            }
        }
    }
    Ok(new_root)
}

fn duplicate(table: &str, index: &Index, row: &[Value]) -> TableError {
    let values: Vec<String> = index.columns.iter().map(|&i| row[i].to_string()).collect();
    TableError::DuplicateEntry {
        entry: values.join("-"),
        key: format!("{table}.{}", index.name),
    }
}
