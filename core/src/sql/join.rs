//! Joins of FROM items held in memory: nested loops, with a lookup by value for an equality
//! condition between a column before the joined item and one of it; LEFT pads the rows
//! that match nothing with NULLs, RIGHT adds the joined item's rows that nothing matched.
//! `key_join.rs` runs the same steps for the top of a query, reading some items by key.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use crate::db::root_value::TableRef;
use crate::db::value::Value;
use crate::sql::expr::{one_family, value_key, BinOp, Expr};
use crate::sql::json_table::JsonTable;
use crate::sql::select::MAX_RESULT_ROWS;
use crate::sql::SqlError;

/// A table's rows in memory, with its column names.
#[derive(Debug)]
pub(crate) struct Relation {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// One FROM item: its rows, how it joins the items before it, and on what.
#[derive(Debug)]
pub(crate) struct Source {
    /// Its rows, unless `stored` says they are read when the query runs (then only the
    /// columns are known here).
    pub relation: Arc<Relation>,
    pub join: JoinKind,
    pub on: Option<Expr>,
    /// For an equality condition `left = right` between a column before this item and one of
    /// this item: the two column indexes (the right one within this item), for a hash lookup.
    pub equi: Option<(usize, usize)>,
    pub stored: Option<Stored>,
    /// A JSON_TABLE that reads the rows before it: its rows are made for each of those.
    pub lateral: Option<JsonTable>,
}

/// A FROM item at the top of a query, read from its table as the query runs.
#[derive(Debug)]
pub(crate) struct Stored {
    pub table: TableRef,
    /// `(left, right)` of an equality `left = right` where `right` (within this item) leads
    /// the table's primary key or one of its built indexes: its rows are read per row before
    /// it, by key.
    pub lookup: Option<(usize, usize)>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum JoinKind {
    Inner,
    Left,
    Right,
}

/// The FROM items joined, each row followed by `outer`.
pub(crate) fn join(sources: &[Source], outer: &[Value]) -> Result<Vec<Vec<Value>>, SqlError> {
    let mut rows: Vec<Vec<Value>> = alloc::vec![Vec::new()];
    let mut width = 0;
    for source in sources {
        rows = step(rows, width, source, &source.relation.rows, outer)?;
        width += source.relation.columns.len();
    }
    for row in &mut rows {
        row.extend_from_slice(outer);
    }
    Ok(rows)
}

/// The rows so far (`width` values each) joined with one item whose rows are `right`.
pub(crate) fn step(
    rows: Vec<Vec<Value>>,
    width: usize,
    source: &Source,
    right: &[Vec<Value>],
    outer: &[Value],
) -> Result<Vec<Vec<Value>>, SqlError> {
    if let Some(table) = &source.lateral {
        return lateral(rows, source, table, outer);
    }
    let mut joined = Vec::new();
    let mut right_matched = alloc::vec![false; right.len()];
    // Equality joins look rows up by the key's printed value instead of trying all,
    // when both sides hold values of one family (numbers, or text) that print alike
    // exactly when they are equal.
    let equi = source.equi.filter(|&(l, r)| {
        let values = rows
            .iter()
            .map(|row| &row[l])
            .chain(right.iter().map(|row| &row[r]));
        one_family(values).is_some()
    });
    let index: Option<BTreeMap<String, Vec<usize>>> = equi.map(|(_, r)| {
        let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, row) in right.iter().enumerate() {
            if let Some(k) = value_key(&row[r]) {
                map.entry(k).or_default().push(i);
            }
        }
        map
    });
    for left in &rows {
        let candidates: Vec<usize> = match (&index, equi) {
            (Some(map), Some((l, _))) => value_key(&left[l])
                .and_then(|k| map.get(&k).cloned())
                .unwrap_or_default(),
            _ => (0..right.len()).collect(),
        };
        let candidates = candidates.into_iter().map(|i| (i, right[i].as_slice()));
        join_row(&mut joined, left, candidates, source, outer, |i| {
            right_matched[i] = true
        })?;
    }
    if source.join == JoinKind::Right {
        for (i, r) in right.iter().enumerate() {
            if !right_matched[i] {
                let mut row = alloc::vec![Value::Null; width];
                row.extend_from_slice(r);
                joined.push(row);
            }
        }
    }
    Ok(joined)
}

/// The rows so far joined with a JSON_TABLE that reads them, its rows made from each.
fn lateral(
    rows: Vec<Vec<Value>>,
    source: &Source,
    table: &JsonTable,
    outer: &[Value],
) -> Result<Vec<Vec<Value>>, SqlError> {
    let mut joined = Vec::new();
    let mut scope = Vec::new();
    for left in &rows {
        scope.clear();
        scope.extend_from_slice(left);
        scope.extend_from_slice(outer);
        let right = table.rows(&scope)?;
        let candidates = right.iter().enumerate().map(|(i, r)| (i, r.as_slice()));
        join_row(&mut joined, left, candidates, source, outer, |_| {})?;
    }
    Ok(joined)
}

/// Adds to `joined` the row `left` followed by each candidate row of the item that its
/// condition accepts (`matched` told the candidate's number), or for a LEFT join that finds
/// none, `left` padded with NULLs.
pub(crate) fn join_row<'a>(
    joined: &mut Vec<Vec<Value>>,
    left: &[Value],
    candidates: impl Iterator<Item = (usize, &'a [Value])>,
    source: &Source,
    outer: &[Value],
    mut matched: impl FnMut(usize),
) -> Result<(), SqlError> {
    let width = left.len() + source.relation.columns.len();
    let mut any = false;
    for (i, right) in candidates {
        let mut row = Vec::with_capacity(width + outer.len());
        row.extend_from_slice(left);
        row.extend_from_slice(right);
        row.extend_from_slice(outer);
        if source.on.as_ref().map_or(Ok(true), |on| on.accepts(&row))? {
            row.truncate(width);
            joined.push(row);
            any = true;
            matched(i);
        }
    }
    if !any && source.join == JoinKind::Left {
        let mut row = left.to_vec();
        row.resize(width, Value::Null);
        joined.push(row);
    }
    if joined.len() as u64 > MAX_RESULT_ROWS {
        return Err(SqlError::TooManyRows(joined.len() as u64));
    }
    Ok(())
}

/// `a = b` among the AND-ed terms of a join condition, one side a column before the joined
/// item and the other a column of it (`before` columns come first, `width` are the item's)
/// for which `usable` holds.
pub(crate) fn equi_join(
    on: &Expr,
    before: usize,
    width: usize,
    usable: &dyn Fn(usize) -> bool,
) -> Option<(usize, usize)> {
    match on {
        Expr::Binary(BinOp::And, a, b) => {
            equi_join(a, before, width, usable).or_else(|| equi_join(b, before, width, usable))
        }
        Expr::Binary(BinOp::Eq, a, b) => match (a.as_ref(), b.as_ref()) {
            (Expr::Column(x), Expr::Column(y)) | (Expr::Column(y), Expr::Column(x))
                if *x < before && (before..before + width).contains(y) && usable(*y - before) =>
            {
                Some((*x, *y - before))
            }
            _ => None,
        },
        _ => None,
    }
}
