//! Window functions, as MySQL 8 has them: `f(...) OVER ([PARTITION BY ...] [ORDER BY ...]
//! [frame])` in the select list or ORDER BY. ROW_NUMBER, RANK, DENSE_RANK, NTILE, LAG, LEAD,
//! FIRST_VALUE, LAST_VALUE, NTH_VALUE, and the aggregates over a window.
//!
//! They run after WHERE, grouping and HAVING, over the rows those leave, and each row gains
//! one value per window (slots after the aggregates'). The aggregates and FIRST_VALUE,
//! LAST_VALUE and NTH_VALUE read the row's frame: `ROWS` or `RANGE` `BETWEEN` two bounds,
//! by default `RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`: from the partition's start
//! to the current row's last peer (rows of equal order keys; without ORDER BY every row of
//! the partition is a peer). A RANGE offset over a date, datetime or time key is an
//! `INTERVAL`, moved by DATE_ADD's arithmetic. Named windows are resolved where the query
//! is compiled. MySQL parses GROUPS frames and EXCLUDE but runs neither; sqlparser has no
//! EXCLUDE, and GROUPS is refused as MySQL refuses it.

use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

use crate::db::value::Value;
use crate::sql::aggregate::Aggregate;
use crate::sql::dates::{self, DateFunc, Unit};
use crate::sql::expr::{binary, compare, BinOp, Expr};
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
    /// NTH_VALUE(expr, n): the frame's n-th row's value, counted from 1.
    NthValue(usize),
    Aggregate(Aggregate),
}

/// Where a frame starts or ends, around the current row.
#[derive(Clone, Debug, PartialEq)]
pub enum Bound {
    UnboundedPreceding,
    Preceding(Offset),
    CurrentRow,
    Following(Offset),
    UnboundedFollowing,
}

/// A bound's constant offset: a count of rows for ROWS, a distance in the order key's
/// values for RANGE, or for RANGE over a temporal key `INTERVAL amount unit`.
#[derive(Clone, Debug, PartialEq)]
pub enum Offset {
    Value(Value),
    Interval(i64, Unit),
}

impl Bound {
    /// Bounds in the order they may come: a frame may not start after its end's kind.
    fn rank(&self) -> u8 {
        match self {
            Bound::UnboundedPreceding => 0,
            Bound::Preceding(_) => 1,
            Bound::CurrentRow => 2,
            Bound::Following(_) => 3,
            Bound::UnboundedFollowing => 4,
        }
    }
}

/// The rows of the partition a framed function reads for each row.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// ROWS counts rows; RANGE measures the order key's values (CURRENT ROW: the peers).
    pub rows: bool,
    pub start: Bound,
    pub end: Bound,
}

impl Frame {
    /// MySQL's default frame.
    pub const DEFAULT: Frame = Frame {
        rows: false,
        start: Bound::UnboundedPreceding,
        end: Bound::CurrentRow,
    };

    /// A frame as declared, checked as MySQL checks it; `keys` is how many ORDER BY keys
    /// the window has.
    pub fn new(rows: bool, start: Bound, end: Bound, keys: usize) -> Result<Frame, SqlError> {
        let refused = |why: &str| Err(SqlError::Unsupported(alloc::format!("window frame: {why}")));
        if start == Bound::UnboundedFollowing || end == Bound::UnboundedPreceding {
            return refused("UNBOUNDED FOLLOWING cannot start it, nor UNBOUNDED PRECEDING end it");
        }
        if start.rank() > end.rank() {
            return refused("its start cannot be after its end");
        }
        for b in [&start, &end] {
            if let Bound::Preceding(offset) | Bound::Following(offset) = b {
                let fits = match (rows, offset) {
                    (true, Offset::Interval(..)) => {
                        return refused("INTERVAL can only be used with RANGE frames")
                    }
                    (_, Offset::Interval(n, _)) => *n >= 0,
                    (_, Offset::Value(Value::Int(n))) => *n >= 0,
                    (false, Offset::Value(Value::Decimal(d))) => d.to_f64() >= 0.0,
                    (false, Offset::Value(Value::Double(d))) => *d >= 0.0,
                    _ => false,
                };
                if !fits {
                    return refused(match rows {
                        true => "a ROWS offset is a non-negative integer",
                        false => "a RANGE offset is a non-negative number or INTERVAL",
                    });
                }
                if !rows && keys != 1 {
                    return refused("a RANGE offset needs exactly one ORDER BY key");
                }
            }
        }
        Ok(Frame { rows, start, end })
    }
}

#[derive(Clone, Debug)]
pub struct Window {
    pub func: WindowFunc,
    /// The argument of LAG, LEAD, FIRST_VALUE and LAST_VALUE.
    pub arg: Option<Expr>,
    pub partition: Vec<Expr>,
    /// Order keys, each with whether it is descending.
    pub order: Vec<(Expr, bool)>,
    pub frame: Frame,
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
            WindowFunc::FirstValue | WindowFunc::LastValue | WindowFunc::NthValue(_) => {
                for (pos, (from, to)) in self.frames(order, peers)?.into_iter().enumerate() {
                    let at = match self.func {
                        WindowFunc::FirstValue => Some(from),
                        WindowFunc::LastValue => to.checked_sub(1),
                        WindowFunc::NthValue(n) => from.checked_add(n - 1),
                        _ => None,
                    };
                    out[order[pos]] = match at.filter(|&at| at >= from && at < to) {
                        Some(at) => arg(order[at])?,
                        None => Value::Null,
                    };
                }
            }
            WindowFunc::Aggregate(agg) => {
                let frames = self.frames(order, peers)?;
                self.aggregate(agg, rows, order, &frames, out)?;
            }
        }
        Ok(())
    }

    /// Each row's frame (by position in `order`) as a range of positions.
    fn frames(
        &self,
        order: &[usize],
        peers: &[&[(String, Vec<Value>, usize)]],
    ) -> Result<Vec<(usize, usize)>, SqlError> {
        let n = order.len();
        // Each position's run of peers, and its order key (for RANGE offsets).
        let mut runs = Vec::with_capacity(n);
        let mut keys = Vec::with_capacity(n);
        let mut at = 0;
        for run in peers {
            for (_, key, _) in run.iter() {
                runs.push((at, at + run.len()));
                keys.push(key.first().cloned().unwrap_or(Value::Null));
            }
            at += run.len();
        }
        let desc = self.order.first().is_some_and(|(_, d)| *d);
        let f = &self.frame;
        let mut out = Vec::with_capacity(n);
        for (pos, &run) in runs.iter().enumerate() {
            let bound = |b: &Bound, end: bool| -> Result<usize, SqlError> {
                Ok(match (b, f.rows) {
                    (Bound::UnboundedPreceding, _) => 0,
                    (Bound::UnboundedFollowing, _) => n,
                    (Bound::CurrentRow, true) => pos + usize::from(end),
                    (Bound::CurrentRow, false) => match end {
                        true => run.1,
                        false => run.0,
                    },
                    (Bound::Preceding(v), true) => {
                        (pos + usize::from(end)).saturating_sub(count(v))
                    }
                    (Bound::Following(v), true) => {
                        (pos + usize::from(end)).saturating_add(count(v)).min(n)
                    }
                    (Bound::Preceding(v) | Bound::Following(v), false) => {
                        let back = matches!(b, Bound::Preceding(_));
                        range_bound(&keys, run, pos, v, back != desc, end, desc)?
                    }
                })
            };
            let (from, to) = (bound(&f.start, false)?, bound(&f.end, true)?);
            out.push((from, to.max(from)));
        }
        Ok(out)
    }

    /// An aggregate over each row's frame. A frame that always starts at the partition's
    /// start grows as the rows go, so the rows are added once each; other frames are
    /// aggregated anew for each row.
    fn aggregate(
        &self,
        agg: &Aggregate,
        rows: &[Vec<Value>],
        order: &[usize],
        frames: &[(usize, usize)],
        out: &mut [Value],
    ) -> Result<(), SqlError> {
        if self.frame.start == Bound::UnboundedPreceding {
            let mut state = agg.start();
            let mut added = 0;
            let mut last: Option<(usize, Value)> = None;
            for (pos, &(_, to)) in frames.iter().enumerate() {
                if let Some((end, value)) = &last {
                    if *end == to {
                        out[order[pos]] = value.clone();
                        continue;
                    }
                }
                while added < to {
                    agg.add(&mut state, &rows[order[added]])?;
                    added += 1;
                }
                let value = agg.finish(state.clone())?;
                out[order[pos]] = value.clone();
                last = Some((to, value));
            }
            return Ok(());
        }
        for (pos, &(from, to)) in frames.iter().enumerate() {
            let mut state = agg.start();
            for &i in &order[from..to] {
                agg.add(&mut state, &rows[i])?;
            }
            out[order[pos]] = agg.finish(state)?;
        }
        Ok(())
    }
}

/// A ROWS offset as a count (checked non-negative when the frame was made).
fn count(offset: &Offset) -> usize {
    match offset {
        Offset::Value(Value::Int(n)) => usize::try_from(*n).unwrap_or(usize::MAX),
        _ => 0,
    }
}

/// The key `offset` before (`down`) or after a RANGE frame's current row's non-NULL `key`,
/// refused as MySQL refuses a number over a temporal key or an INTERVAL over any other.
/// None: an INTERVAL moved it past the dates' or times' range, past every key.
fn moved(key: &Value, offset: &Offset, down: bool) -> Result<Option<Value>, SqlError> {
    let refused = |why: &str| Err(SqlError::Unsupported(alloc::format!("window frame: {why}")));
    let temporal = matches!(key, Value::Temporal(_));
    match offset {
        Offset::Value(_) if temporal => refused(
            "RANGE frame has ORDER BY expression of datetime type. Only INTERVAL bound value allowed",
        ),
        Offset::Value(v) => {
            let op = if down { BinOp::Sub } else { BinOp::Add };
            binary(op, key.clone(), v.clone()).map(Some)
        }
        Offset::Interval(n, unit) if temporal => {
            // Non-negative (`Frame::new`), so its negation cannot overflow.
            let n = if down { -n } else { *n };
            let at = dates::call(DateFunc::Add(*unit), &[key.clone(), Value::Int(n)])?;
            Ok(Some(at).filter(|v| !v.is_null()))
        }
        Offset::Interval(..) => refused(
            "RANGE frame has ORDER BY expression of numeric type, INTERVAL bound value not allowed",
        ),
    }
}

/// A RANGE bound with an offset: the first position (of the partition's keys, in window
/// order) past the rows before it (a start) or past the rows up to it (an end), where the
/// bound's value is the current row's key minus the offset (`down`) or plus it. A row
/// whose key is NULL has its peers for a frame.
fn range_bound(
    keys: &[Value],
    run: (usize, usize),
    pos: usize,
    offset: &Offset,
    down: bool,
    end: bool,
    desc: bool,
) -> Result<usize, SqlError> {
    if keys[pos].is_null() {
        return Ok(if end { run.1 } else { run.0 });
    }
    let target = moved(&keys[pos], offset, down)?;
    // Whether a key comes before the target in window order (or at it, for an end).
    // NULLs come first ascending and last descending.
    let mut failed = None;
    let at = keys.partition_point(|k| {
        if k.is_null() {
            return !desc;
        }
        let order = match &target {
            Some(target) => compare(k, target),
            // Moved out of range: below every key, or above.
            None => Ok(Some(if down {
                Ordering::Greater
            } else {
                Ordering::Less
            })),
        };
        match order {
            Ok(Some(o)) => {
                let o = if desc { o.reverse() } else { o };
                o.is_lt() || (end && o.is_eq())
            }
            Ok(None) => false,
            Err(e) => {
                failed = Some(e);
                false
            }
        }
    });
    match failed {
        Some(e) => Err(e),
        None => Ok(at),
    }
}
