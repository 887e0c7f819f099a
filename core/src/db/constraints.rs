//! The table-wide rules a row alone cannot decide: UNIQUE keys, and the next AUTO_INCREMENT
//! value.

use alloc::collections::BTreeSet;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::chunk_store::ChunkStore;
use crate::db::row::encode_ordered;
use crate::db::table::{Span, Table, TableError};
use crate::db::value::Value;
use crate::io::Storage;
use crate::prolly;

/// Refuses a table in which two rows have equal non-NULL values in a UNIQUE key (NULLs
/// never collide, as in MySQL). It reads every row: Cairn keeps no secondary index yet, so
/// a write to a table with unique keys costs a scan of the table.
pub async fn check_unique<S: Storage>(
    store: &ChunkStore<S>,
    table: &Table,
    table_name: &str,
) -> Result<(), TableError> {
    let schema = table.schema();
    if schema.uniques.is_empty() {
        return Ok(());
    }
    let mut seen: Vec<BTreeSet<Vec<u8>>> = alloc::vec![BTreeSet::new(); schema.uniques.len()];
    table
        .visit(store, &Span::All, |_, row, count| {
            for (u, seen) in schema.uniques.iter().zip(seen.iter_mut()) {
                if u.columns.iter().any(|&i| row[i].is_null()) {
                    continue;
                }
                let mut key = Vec::new();
                for &i in &u.columns {
                    encode_ordered(&mut key, schema.columns[i].ty, &row[i]);
                }
                // A keyless row stored twice collides with itself.
                if count > 1 || !seen.insert(key) {
                    let values: Vec<String> =
                        u.columns.iter().map(|&i| row[i].to_string()).collect();
                    return Err(TableError::DuplicateEntry {
                        entry: values.join("-"),
                        key: alloc::format!("{table_name}.{}", u.name),
                    });
                }
            }
            Ok(true)
        })
        .await
}

/// The value AUTO_INCREMENT gives the next row that asks: the column's greatest value + 1, as
/// MySQL computes it on opening a table (1 for an empty table).
pub async fn next_auto_increment<S: Storage>(
    store: &ChunkStore<S>,
    table: &Table,
    column: usize,
) -> Result<i128, TableError> {
    let schema = table.schema();
    let mut max: Option<i128> = None;
    let mut see = |row: Vec<Value>| {
        if let Some(n) = int_of(&row[column]) {
            max = Some(max.map_or(n, |m| m.max(n)));
        }
    };
    if schema.primary_key.first() == Some(&column) {
        // The first key column: the map's last key holds its greatest value.
        if let Some(key) = prolly::last_key(store, table.to_ref().rows).await? {
            table
                .visit(store, &Span::Key(key), |_, row, _| {
                    see(row);
                    Ok::<_, TableError>(true)
                })
                .await?;
        }
    } else {
        table
            .visit(store, &Span::All, |_, row, _| {
                see(row);
                Ok::<_, TableError>(true)
            })
            .await?;
    }
    Ok(max.map_or(1, |m| m.max(0) + 1))
}

fn int_of(v: &Value) -> Option<i128> {
    match v {
        Value::Int(n) => Some((*n).into()),
        Value::Decimal(d) if d.scale == 0 => Some(d.units),
        _ => None,
    }
}
