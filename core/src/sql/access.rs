//! Which part of a keyed table's row map a WHERE clause can touch: one key when it pins every
//! primary key column with `=`, a key range when it pins a leading run of them and bounds the
//! next (`<`, `<=`, `>`, `>=`, BETWEEN), else a range of an index's entries narrowed the same
//! way, else everything. The span only narrows the rows read:
//! the full WHERE is still evaluated on each of them, so a span may be wider than needed
//! (a strict bound is scanned as inclusive) but never narrower.

use alloc::vec::Vec;
use core::ops::Bound;

use crate::db::index::{encode_part, successor};
use crate::db::row::encode_ordered;
use crate::db::schema::Schema;
use crate::db::table::{Span, Table};
use crate::db::value::Value;
use crate::sql::expr::{compare, BinOp, Expr};

/// The part of `table`'s row map the WHERE clause `filter` touches, by primary key: see the
/// module doc. Keyless tables and clauses that pin no leading key column get everything.
pub fn span(filter: Option<&Expr>, schema: &Schema) -> Span {
    let Some(filter) = filter else {
        return Span::All;
    };
    let conjuncts = conjuncts(filter);
    primary_span(&conjuncts, schema).unwrap_or(Span::All)
}

/// The rows of `table` a query reads for `filter` and an ORDER BY on `order` (columns, each
/// ascending) with a LIMIT: by primary key where the clause narrows that, else through the
/// index whose columns it narrows most (or, with a LIMIT, whose order is the ORDER BY's),
/// else everything. Only indexes whose maps are built are used.
pub fn plan(filter: Option<&Expr>, table: &Table, order: Option<&[usize]>) -> Span {
    let schema = table.schema();
    let conjuncts = filter.map(conjuncts).unwrap_or_default();
    if let Some(span) = primary_span(&conjuncts, schema) {
        return span;
    }
    let built = |i: &usize| table.index_root(*i).is_some();
    let best = (0..schema.indexes.len())
        .filter(built)
        .filter_map(|i| {
            Some((
                i,
                narrowed(&conjuncts, schema, &schema.indexes[i].columns, true)?,
            ))
        })
        .max_by_key(|(i, n)| (n.score(), core::cmp::Reverse(*i)));
    if let Some((i, n)) = best {
        return Span::Index(i, n.lower, n.upper);
    }
    // An ORDER BY a LIMIT cuts short, in an index's order: its entries give the rows sorted.
    let ordered = order.and_then(|order| {
        (0..schema.indexes.len())
            .filter(built)
            .find(|&i| !order.is_empty() && schema.indexes[i].columns.starts_with(order))
    });
    match ordered {
        Some(i) if !schema.primary_key.starts_with(order.unwrap_or(&[])) => {
            Span::Index(i, Bound::Unbounded, Bound::Unbounded)
        }
        _ => Span::All,
    }
}

fn conjuncts(filter: &Expr) -> Vec<&Expr> {
    let mut out = Vec::new();
    and_terms(filter, &mut out);
    out
}

/// A span by primary key, if the clause narrows one.
fn primary_span(conjuncts: &[&Expr], schema: &Schema) -> Option<Span> {
    if schema.is_keyless() {
        return None;
    }
    let n = narrowed(conjuncts, schema, &schema.primary_key, false)?;
    if n.pinned == schema.primary_key.len() {
        let Bound::Included(key) = n.lower else {
            return None;
        };
        return Some(Span::Key(key));
    }
    Some(Span::Range(n.lower, n.upper))
}

/// How far the clause narrows the keys of a map ordered by `columns`.
struct Narrowed {
    /// Leading columns pinned with `=`.
    pinned: usize,
    /// Whether the column after them is bounded too.
    bounded: bool,
    lower: Bound<Vec<u8>>,
    upper: Bound<Vec<u8>>,
}

impl Narrowed {
    fn score(&self) -> usize {
        self.pinned * 2 + usize::from(self.bounded)
    }
}

/// The key range of a map ordered by `columns` (an index's when `marked`: each value after a
/// byte 0 for NULL, 1 for any other, see `db::index`) that the conjuncts allow, if they
/// narrow it at all.
fn narrowed(
    conjuncts: &[&Expr],
    schema: &Schema,
    columns: &[usize],
    marked: bool,
) -> Option<Narrowed> {
    let encode = |out: &mut Vec<u8>, col: usize, v: &Value| {
        if marked {
            encode_part(out, schema, col, v);
        } else {
            encode_ordered(out, schema.columns[col].ty, v);
        }
    };
    let mut prefix = Vec::new();
    let mut next = None;
    let mut pinned = 0;
    for &col in columns {
        let value = conjuncts.iter().find_map(|c| match bound(c, col, schema) {
            Some((BinOp::Eq, v)) => Some(v),
            _ => None,
        });
        match value {
            Some(v) => {
                encode(&mut prefix, col, &v);
                pinned += 1;
            }
            None => {
                next = Some(col);
                break;
            }
        }
    }
    let Some(col) = next else {
        // Every column pinned: the keys that start with the prefix (for the primary key,
        // exactly one key).
        let upper = successor(prefix.clone()).map_or(Bound::Unbounded, Bound::Excluded);
        return Some(Narrowed {
            pinned,
            bounded: false,
            lower: Bound::Included(prefix),
            upper,
        });
    };
    let with = |v: &Value| {
        let mut key = prefix.clone();
        encode(&mut key, col, v);
        key
    };
    let mut lower = (!prefix.is_empty()).then(|| prefix.clone());
    let mut upper = successor(prefix.clone());
    let mut bounded = false;
    for term in conjuncts {
        let terms: Vec<(BinOp, Value)> = match term {
            Expr::Between(e, low, high, false) if **e == Expr::Column(col) => {
                let low = bound(
                    &Expr::Binary(BinOp::GtEq, e.clone(), low.clone()),
                    col,
                    schema,
                );
                let high = bound(
                    &Expr::Binary(BinOp::LtEq, e.clone(), high.clone()),
                    col,
                    schema,
                );
                low.into_iter().chain(high).collect()
            }
            _ => bound(term, col, schema).into_iter().collect(),
        };
        for (op, v) in terms {
            match op {
                BinOp::Gt | BinOp::GtEq => {
                    bounded = true;
                    let key = with(&v);
                    if lower.as_ref().is_none_or(|l| key > *l) {
                        lower = Some(key);
                    }
                }
                BinOp::Lt | BinOp::LtEq => {
                    bounded = true;
                    let key = if op == BinOp::Lt {
                        Some(with(&v))
                    } else {
                        successor(with(&v))
                    };
                    if let Some(key) = key {
                        if upper.as_ref().is_none_or(|u| key < *u) {
                            upper = Some(key);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if marked && bounded && lower.as_ref() == (!prefix.is_empty()).then_some(&prefix) {
        // No comparison holds for NULL: an index's range starts after its NULLs.
        let mut past_nulls = prefix.clone();
        past_nulls.push(1);
        lower = Some(past_nulls);
    }
    if lower.is_none() && upper.is_none() {
        return None;
    }
    Some(Narrowed {
        pinned,
        bounded,
        lower: lower.map_or(Bound::Unbounded, Bound::Included),
        upper: upper.map_or(Bound::Unbounded, Bound::Excluded),
    })
}

fn and_terms<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match e {
        Expr::Binary(BinOp::And, a, b) => {
            and_terms(a, out);
            and_terms(b, out);
        }
        other => out.push(other),
    }
}

/// `column op value` (either way round) as a comparison of column `col` with a value of its
/// own type. A value that does not convert exactly to the column's type (text, or 1.999 that
/// a decimal(5,2) would round) gives no bound: the comparison may still hold across types, so
/// the scan must not be narrowed by it.
fn bound(term: &Expr, col: usize, schema: &Schema) -> Option<(BinOp, Value)> {
    let Expr::Binary(op, a, b) = term else {
        return None;
    };
    let (op, v) = match (a.as_ref(), b.as_ref()) {
        (Expr::Column(c), Expr::Literal(v)) if *c == col => (*op, v),
        (Expr::Literal(v), Expr::Column(c)) if *c == col => (flip(*op)?, v),
        _ => return None,
    };
    if !matches!(
        op,
        BinOp::Eq | BinOp::Lt | BinOp::LtEq | BinOp::Gt | BinOp::GtEq
    ) {
        return None;
    }
    let column = schema.columns.get(col)?;
    let exact = column.ty.coerce(v.clone()).ok().filter(|c| {
        !c.is_null() && compare(c, v).ok().flatten() == Some(core::cmp::Ordering::Equal)
    })?;
    Some((op, exact))
}

fn flip(op: BinOp) -> Option<BinOp> {
    Some(match op {
        BinOp::Eq => BinOp::Eq,
        BinOp::Lt => BinOp::Gt,
        BinOp::LtEq => BinOp::GtEq,
        BinOp::Gt => BinOp::Lt,
        BinOp::GtEq => BinOp::LtEq,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::schema::Column;
    use crate::db::value::ColumnType;
    use alloc::boxed::Box;
    use alloc::string::ToString;

    fn schema(pk: &[usize]) -> Schema {
        Schema {
            columns: ["a", "b", "c"]
                .iter()
                .map(|n| Column::new(n.to_string(), ColumnType::INT, true))
                .collect(),
            primary_key: pk.to_vec(),
            ..Schema::default()
        }
    }

    fn cmp(op: BinOp, col: usize, v: i64) -> Expr {
        Expr::Binary(
            op,
            Box::new(Expr::Column(col)),
            Box::new(Expr::Literal(Value::Int(v))),
        )
    }

    fn and(a: Expr, b: Expr) -> Expr {
        Expr::Binary(BinOp::And, Box::new(a), Box::new(b))
    }

    fn key(vs: &[i64]) -> Vec<u8> {
        let mut out = Vec::new();
        vs.iter()
            .for_each(|v| encode_ordered(&mut out, ColumnType::INT, &Value::Int(*v)));
        out
    }

    #[test]
    fn picks_point_range_or_all() {
        let s = schema(&[0, 1]);
        let both = and(cmp(BinOp::Eq, 1, 2), cmp(BinOp::Eq, 0, 1));
        assert_eq!(span(Some(&both), &s), Span::Key(key(&[1, 2])));
        let range = and(cmp(BinOp::Gt, 0, 3), cmp(BinOp::LtEq, 0, 7));
        assert_eq!(
            span(Some(&range), &s),
            Span::Range(Bound::Included(key(&[3])), Bound::Excluded(key(&[8])))
        );
        let prefix = cmp(BinOp::Eq, 0, 5);
        assert_eq!(
            span(Some(&prefix), &s),
            Span::Range(Bound::Included(key(&[5])), Bound::Excluded(key(&[6])))
        );
        // Only the second key column, an OR, or a keyless table: everything.
        assert_eq!(span(Some(&cmp(BinOp::Eq, 1, 2)), &s), Span::All);
        let or = Expr::Binary(
            BinOp::Or,
            Box::new(cmp(BinOp::Eq, 0, 1)),
            Box::new(cmp(BinOp::Eq, 0, 2)),
        );
        assert_eq!(span(Some(&or), &s), Span::All);
        assert_eq!(span(Some(&both), &schema(&[])), Span::All);
        // A value of another type does not narrow the scan.
        let text = Expr::Binary(
            BinOp::Eq,
            Box::new(Expr::Column(0)),
            Box::new(Expr::Literal(Value::Text("1".into()))),
        );
        assert_eq!(span(Some(&text), &schema(&[0])), Span::All);
    }
}
