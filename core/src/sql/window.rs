//! Window functions, as MySQL 8 has them: `f(...) OVER ([PARTITION BY ...] [ORDER BY ...])`
//! in the select list or ORDER BY. ROW_NUMBER, RANK, DENSE_RANK, NTILE, LAG, LEAD,
//! FIRST_VALUE, LAST_VALUE, and COUNT, SUM, AVG, MIN and MAX over a window.
//!
//! They run after WHERE, grouping and HAVING, over the rows those leave, and each row gains
//! one value per window (slots after the aggregates'). The frame is the default one: with
//! ORDER BY, the partition from its start to the current row and its peers (rows of equal
//! order keys); without, the whole partition. Explicit frames and named windows are refused.

use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

use crate::db::value::Value;
use crate::sql::aggregate::Aggregate;
use crate::sql::expr::Expr;
use crate::sql::SqlError;

/// Window references compile to columns from here on, renumbered to their slots once the
/// select's aggregates are all known (`slot`).
pub const UNPLACED: usize = usize::MAX / 2;

#[derive(Clone, Debug)]
pub enum WindowFunc {
    RowNumber,
    Rank,
    DenseRank,
    /// NTILE(n): the bucket, 1 to n, of n about equal ones in order.
    Ntile(u64),
    /// LAG (`back`) or LEAD by `offset` rows, with a default for past the partition.
    Shift {
        back: bool,
        offset: usize,
        default: Option<Expr>,
    },
    FirstValue,
    LastValue,
    Aggregate(Aggregate),
}

#[derive(Clone, Debug)]
pub struct Window {
    pub func: WindowFunc,
    /// The argument of LAG, LEAD, FIRST_VALUE and LAST_VALUE.
    pub arg: Option<Expr>,
    pub partition: Vec<Expr>,
    /// Order keys, each with whether it is descending.
    pub order: Vec<(Expr, bool)>,
}

/// Where a compiled window reference reads from, given `base`, the first window slot.
pub fn place(e: &mut Expr, base: usize) {
    e.for_each_column(&mut |c| {
        if *c >= UNPLACED {
            *c = base + (*c - UNPLACED);
        }
    });
}

/// Whether an expression reads a window's value (where none may be read).
pub fn reads_window(e: &Expr) -> bool {
    let mut found = false;
    e.clone().for_each_column(&mut |c| found |= *c >= UNPLACED);
    found
}

/// Adds each window's value to each row.
pub fn append(windows: &[Window], rows: &mut [Vec<Value>]) -> Result<(), SqlError> {
    let mut values = Vec::with_capacity(windows.len());
    for w in windows {
        values.push(w.values(rows)?);
    }
    for (i, row) in rows.iter_mut().enumerate() {
        for column in &mut values {
            row.push(core::mem::replace(&mut column[i], Value::Null));
        }
    }
    Ok(())
}

/// Rows compared by order keys, NULLs first as MySQL sorts them, each key maybe descending.
pub fn compare_keys(a: &[Value], b: &[Value], desc: impl Iterator<Item = bool>) -> Ordering {
    a.iter()
        .zip(b)
        .zip(desc)
        .map(|((x, y), desc)| match desc {
            true => x.sql_cmp(y).reverse(),
            false => x.sql_cmp(y),
        })
        .find(|o| *o != Ordering::Equal)
        .unwrap_or(Ordering::Equal)
}

impl Window {
    /// The window's value for each row, in the rows' order.
    fn values(&self, rows: &[Vec<Value>]) -> Result<Vec<Value>, SqlError> {
        let mut keyed: Vec<(String, Vec<Value>, usize)> = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let partition = self
                .partition
                .iter()
                .map(|e| e.eval(row))
                .collect::<Result<Vec<_>, _>>()?;
            let order = self
                .order
                .iter()
                .map(|(e, _)| e.eval(row))
                .collect::<Result<Vec<_>, _>>()?;
            keyed.push((crate::sql::query::group_key(&partition), order, i));
        }
        let desc = || self.order.iter().map(|(_, d)| *d);
        // Stable: peers keep the order the rows came in.
        keyed.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| compare_keys(&a.1, &b.1, desc())));
        let mut out = alloc::vec![Value::Null; rows.len()];
        for partition in keyed.chunk_by(|a, b| a.0 == b.0) {
            let peers: Vec<&[(String, Vec<Value>, usize)]> = partition
                .chunk_by(|a, b| compare_keys(&a.1, &b.1, desc()) == Ordering::Equal)
                .collect();
            let order: Vec<usize> = partition.iter().map(|(_, _, i)| *i).collect();
            self.partition_values(rows, &order, &peers, &mut out)?;
        }
        Ok(out)
    }

    /// Values for one partition: `order` its rows in window order, `peers` the same rows
    /// in runs of equal order keys.
    fn partition_values(
        &self,
        rows: &[Vec<Value>],
        order: &[usize],
        peers: &[&[(String, Vec<Value>, usize)]],
        out: &mut [Value],
    ) -> Result<(), SqlError> {
        let arg = |i: usize| match &self.arg {
            Some(e) => e.eval(&rows[i]),
            None => Ok(Value::Null),
        };
        let n = order.len();
        match &self.func {
            WindowFunc::RowNumber => {
                for (pos, &i) in order.iter().enumerate() {
                    out[i] = Value::Int(pos as i64 + 1);
                }
            }
            WindowFunc::Rank | WindowFunc::DenseRank => {
                let mut before = 0;
                for (group, run) in peers.iter().enumerate() {
                    let rank = match self.func {
                        WindowFunc::Rank => before + 1,
                        _ => group + 1,
                    };
                    for (_, _, i) in run.iter() {
                        out[*i] = Value::Int(rank as i64);
                    }
                    before += run.len();
                }
            }
            WindowFunc::Ntile(buckets) => {
                // As MySQL: n / buckets rows each, the first n % buckets one more.
                let buckets = (*buckets).min(n as u64).max(1) as usize;
                let (size, extra) = (n / buckets, n % buckets);
                for (pos, &i) in order.iter().enumerate() {
                    let big = extra * (size + 1);
                    let bucket = match pos < big {
                        true => pos / (size + 1),
                        false => extra + (pos - big) / size.max(1),
                    };
                    out[i] = Value::Int(bucket as i64 + 1);
                }
            }
            WindowFunc::Shift {
                back,
                offset,
                default,
            } => {
                for (pos, &i) in order.iter().enumerate() {
                    let from = match back {
                        true => pos.checked_sub(*offset),
                        false => pos.checked_add(*offset).filter(|p| *p < n),
                    };
                    out[i] = match (from, default) {
                        (Some(p), _) => arg(order[p])?,
                        (None, Some(d)) => d.eval(&rows[i])?,
                        (None, None) => Value::Null,
                    };
                }
            }
            WindowFunc::FirstValue => {
                let first = arg(order[0])?;
                order.iter().for_each(|&i| out[i] = first.clone());
            }
            WindowFunc::LastValue => {
                // The frame ends at the current row's last peer (the partition's last row
                // without ORDER BY: all its rows are peers).
                for run in peers {
                    let (_, _, last) = run[run.len() - 1];
                    let value = arg(last)?;
                    run.iter().for_each(|(_, _, i)| out[*i] = value.clone());
                }
            }
            WindowFunc::Aggregate(agg) => {
                // A running aggregate, each run of peers added before any of them reads it.
                let mut state = agg.start();
                for run in peers {
                    for (_, _, i) in run.iter() {
                        agg.add(&mut state, &rows[*i])?;
                    }
                    let value = agg.finish(state.clone())?;
                    run.iter().for_each(|(_, _, i)| out[*i] = value.clone());
                }
            }
        }
        Ok(())
    }
}
