//! The joins at the top of a query, reading its stored tables as it runs instead of holding
//! them whole: an item joined on `before = item.column`, where that column leads the item's
//! primary key or one of its built indexes, is read per row before it by key (a key, a key
//! prefix's range or an index range, through `access::plan` and `Table::visit` as a single
//! table's WHERE is); the first item is read only where the query's WHERE narrows its key
//! (unless a RIGHT join could bring back rows that cut). Other items are read whole and
//! joined in memory (`join.rs`), as are system tables and derived tables, and so is a keyed
//! item when the rows before it would look up more keys than reading it whole costs.
//!
//! A lookup finds exactly the rows the `=` accepts only for a value of the key column's own
//! family (an exact number for a numeric column, text for a text one) that converts to it
//! exactly; for any other value (7.5 against an int, text against a number) that row of the
//! join compares every row of the item, as the in-memory join does. NULL matches nothing.

use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;

use crate::chunk_store::ChunkStore;
use crate::db::table::{Span, Table, TableError};
use crate::db::value::Value;
use crate::io::Storage;
use crate::prolly;
use crate::sql::access;
use crate::sql::expr::{key_family, value_key, BinOp, Expr};
use crate::sql::join::{join_row, step, JoinKind, Source, Stored};
use crate::sql::query::read_table;
use crate::sql::SqlError;

/// What the join read, for tests and measurements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct JoinStats {
    /// Items read per row by key.
    pub by_key: usize,
    /// Whether the first item was read only in a range the WHERE gave.
    pub narrowed: bool,
    /// Rows read from stored tables.
    pub rows_read: u64,
}

/// Whether column `column` of `table` leads its primary key or one of its built indexes, so
/// that rows with one value of it are read by a key range.
pub(crate) fn leads_key(table: &Table, column: usize) -> bool {
    let schema = table.schema();
    let primary = !schema.is_keyless() && schema.primary_key.first() == Some(&column);
    primary
        || schema.indexes.iter().enumerate().any(|(i, index)| {
            index.columns.first() == Some(&column) && table.index_root(i).is_some()
        })
}

/// The FROM items of a query's top level joined (`filter` is its WHERE), as `join::join`
/// joins them with no row around.
pub(crate) async fn join<S: Storage>(
    store: &ChunkStore<S>,
    sources: &[Source],
    filter: Option<&Expr>,
    stats: &mut JoinStats,
) -> Result<Vec<Vec<Value>>, SqlError> {
    let mut rows: Vec<Vec<Value>> = alloc::vec![Vec::new()];
    let mut width = 0;
    for (i, source) in sources.iter().enumerate() {
        rows = match &source.stored {
            None => step(rows, width, source, &source.relation.rows, &[])?,
            Some(stored) => {
                let narrow_by = narrowing(sources, filter, i);
                let joined = stored_item(store, rows, width, source, stored, narrow_by, stats);
                Box::pin(joined).await?
            }
        };
        width += source.relation.columns.len();
    }
    Ok(rows)
}

/// The WHERE that narrows the reading of item `i` when it is read whole: the first item's,
/// unless a RIGHT join is among them (WHERE's comparisons reject the NULLs a RIGHT join pads
/// with, but the rows it cuts from the first item would change which of the right item's rows
/// match nothing).
pub(crate) fn narrowing<'a>(
    sources: &[Source],
    filter: Option<&'a Expr>,
    i: usize,
) -> Option<&'a Expr> {
    let right_join = sources.iter().any(|s| s.join == JoinKind::Right);
    filter.filter(|_| i == 0 && !right_join)
}

/// The span of a stored item read whole, narrowed by `narrow_by` (see `narrowing`).
pub(crate) fn whole_span(table: &Table, narrow_by: Option<&Expr>) -> Span {
    narrow_by.map_or(Span::All, |f| access::plan(Some(f), table, None))
}

/// The rows so far (`width` values each) joined with a stored item: by key where its
/// condition allows and that is worth it, else read whole (the first item only in the range
/// `narrow_by`, a WHERE, gives).
async fn stored_item<S: Storage>(
    store: &ChunkStore<S>,
    rows: Vec<Vec<Value>>,
    width: usize,
    source: &Source,
    stored: &Stored,
    narrow_by: Option<&Expr>,
    stats: &mut JoinStats,
) -> Result<Vec<Vec<Value>>, SqlError> {
    let table = Table::new(&stored.table);
    if let Some((probe, column)) = stored.lookup {
        if worth_looking_up(store, &table, &rows, probe).await? {
            stats.by_key += 1;
            return by_key(store, rows, source, &table, probe, column, stats).await;
        }
    }
    let span = whole_span(&table, narrow_by);
    stats.narrowed |= span != Span::All;
    let right = read(store, &table, &span, stats).await?;
    step(rows, width, source, &right, &[])
}

/// A lookup costs about as much as reading this many rows in order (measured in a release
/// build: a key's lookup in a table of a million rows, as much as 230 rows of a scan).
const LOOKUP_ROWS: u64 = 200;
/// So few lookups cost little, however small the table.
const FEW_LOOKUPS: usize = 32;

/// Whether the rows before an item (`probe` their column to look up) had better read it by
/// key than whole: by how many distinct values they look up against how many rows it has
/// (counted from its map's root alone).
async fn worth_looking_up<S: Storage>(
    store: &ChunkStore<S>,
    table: &Table,
    rows: &[Vec<Value>],
    probe: usize,
) -> Result<bool, SqlError> {
    if rows.len() <= FEW_LOOKUPS {
        return Ok(true);
    }
    let entries = prolly::count(store, table.rows())
        .await
        .map_err(TableError::from)?;
    let most = usize::try_from(entries / LOOKUP_ROWS)
        .unwrap_or(usize::MAX)
        .max(FEW_LOOKUPS);
    let mut keys = BTreeSet::new();
    for row in rows {
        if let Some(key) = row.get(probe).and_then(value_key) {
            keys.insert(key);
            if keys.len() > most {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// How one row before the item finds its rows of the item.
pub(crate) enum Probe {
    /// NULL: none.
    Null,
    /// By a span of the table, the same for every value with this key (`value_key`).
    Span(String, Span),
    /// By comparing every row.
    Scan,
}

pub(crate) fn probe(value: &Value, table: &Table, column: usize) -> Probe {
    if value.is_null() {
        return Probe::Null;
    }
    let family = key_family(value);
    let same_family = matches!(family, Some(1 | 2))
        && table
            .schema()
            .columns
            .get(column)
            .and_then(|c| c.coerce(value.clone()).ok())
            .is_some_and(|c| key_family(&c) == family);
    let key = value_key(value);
    let (true, Some(key)) = (same_family, key) else {
        return Probe::Scan;
    };
    // `access::plan` narrows only by a value that converts exactly.
    let eq = Expr::Binary(
        BinOp::Eq,
        Box::new(Expr::Column(column)),
        Box::new(Expr::Literal(value.clone())),
    );
    match access::plan(Some(&eq), table, None) {
        Span::All => Probe::Scan,
        span => Probe::Span(key, span),
    }
}

/// The rows so far joined with the item, each finding its rows by key.
async fn by_key<S: Storage>(
    store: &ChunkStore<S>,
    rows: Vec<Vec<Value>>,
    source: &Source,
    table: &Table,
    probe_column: usize,
    column: usize,
    stats: &mut JoinStats,
) -> Result<Vec<Vec<Value>>, SqlError> {
    let mut joined = Vec::new();
    // Rows before often repeat a value (many orders of one customer): each is read once.
    let mut found: BTreeMap<String, Vec<Vec<Value>>> = BTreeMap::new();
    let mut whole: Option<Vec<Vec<Value>>> = None;
    for left in &rows {
        let value = left.get(probe_column).unwrap_or(&Value::Null);
        let candidates: &[Vec<Value>] = match probe(value, table, column) {
            Probe::Null => &[],
            Probe::Span(key, span) => {
                if !found.contains_key(&key) {
                    let rows = read(store, table, &span, stats).await?;
                    found.insert(key.clone(), rows);
                }
                found.get(&key).map_or(&[], Vec::as_slice)
            }
            Probe::Scan => {
                if whole.is_none() {
                    whole = Some(read(store, table, &Span::All, stats).await?);
                }
                whole.as_deref().unwrap_or_default()
            }
        };
        let candidates = candidates
            .iter()
            .enumerate()
            .map(|(i, r)| (i, r.as_slice()));
        join_row(&mut joined, left, candidates, source, &[], |_| {})?;
    }
    Ok(joined)
}

async fn read<S: Storage>(
    store: &ChunkStore<S>,
    table: &Table,
    span: &Span,
    stats: &mut JoinStats,
) -> Result<Vec<Vec<Value>>, SqlError> {
    Ok(read_table(store, table, span, &mut stats.rows_read)
        .await?
        .rows)
}
