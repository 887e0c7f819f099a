//! The next AUTO_INCREMENT value, which a row alone cannot decide (UNIQUE keys, the other
//! such rule, are kept by their indexes: `db::index`).

use crate::chunk_store::ChunkStore;
use crate::db::table::{Span, Table, TableError};
use crate::db::value::Value;
use crate::io::Storage;
use crate::prolly;

/// The value AUTO_INCREMENT gives the next row that asks: the column's greatest value + 1, as
/// MySQL computes it on opening a table (1 for an empty table).
pub async fn next_auto_increment<S: Storage>(
    store: &ChunkStore<S>,
    table: &Table,
    column: usize,
) -> Result<i128, TableError> {
    let schema = table.schema();
    let mut max: Option<i128> = None;
    let mut see = |row: &[Value]| {
        if let Some(n) = int_of(&row[column]) {
            max = Some(max.map_or(n, |m| m.max(n)));
        }
    };
    if schema.primary_key.first() == Some(&column) {
        // The first key column: the map's last key holds its greatest value.
        if let Some(key) = prolly::last_key(store, table.rows()).await? {
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
