//! Which part of a keyed table's row map a WHERE clause can touch: one key when it pins every
//! primary key column with `=`, a key range when it pins a leading run of them and bounds the
//! next (`<`, `<=`, `>`, `>=`, BETWEEN), else everything. The span only narrows the rows read:
//! the full WHERE is still evaluated on each of them, so a span may be wider than needed
//! (a strict bound is scanned as inclusive) but never narrower.

use alloc::vec::Vec;
use core::ops::Bound;

use crate::db::row::encode_ordered;
use crate::db::schema::Schema;
use crate::db::table::Span;
use crate::db::value::Value;
use crate::sql::expr::{compare, BinOp, Expr};

pub fn span(filter: Option<&Expr>, schema: &Schema) -> Span {
    let Some(filter) = filter else {
        return Span::All;
    };
    let mut conjuncts = Vec::new();
    and_terms(filter, &mut conjuncts);
    let mut prefix = Vec::new();
    let mut next = None;
    for &col in &schema.primary_key {
        let pinned = conjuncts.iter().find_map(|c| match bound(c, col, schema) {
            Some((BinOp::Eq, v)) => Some(v),
            _ => None,
        });
        match pinned {
            Some(v) => encode_ordered(&mut prefix, schema.columns[col].ty, &v),
            None => {
                next = Some(col);
                break;
            }
        }
    }
    let Some(col) = next else {
        return if schema.is_keyless() {
            Span::All
        } else {
            Span::Key(prefix)
        };
    };
    let with = |v: &Value| {
        let mut key = prefix.clone();
        encode_ordered(&mut key, schema.columns[col].ty, v);
        key
    };
    let mut lower = (!prefix.is_empty()).then(|| prefix.clone());
    let mut upper = successor(prefix.clone());
    for term in &conjuncts {
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
                    let key = with(&v);
                    if lower.as_ref().is_none_or(|l| key > *l) {
                        lower = Some(key);
                    }
                }
                BinOp::Lt | BinOp::LtEq => {
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
    if lower.is_none() && upper.is_none() {
        return Span::All;
    }
    Span::Range(
        lower.map_or(Bound::Unbounded, Bound::Included),
        upper.map_or(Bound::Unbounded, Bound::Excluded),
    )
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

/// The least key greater than every key that starts with `prefix` (None: no such key, or
/// an empty prefix, which every key starts with).
fn successor(mut prefix: Vec<u8>) -> Option<Vec<u8>> {
    while let Some(last) = prefix.pop() {
        if last < 0xff {
            prefix.push(last + 1);
            return Some(prefix);
        }
    }
    None
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
