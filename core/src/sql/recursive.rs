//! `WITH RECURSIVE`: a common table made of SELECTs that do not read it (the anchor) and,
//! after a UNION [ALL | DISTINCT], one that does. As MySQL runs it: the anchor's rows first;
//! then the recursive SELECT again and again, each time reading only the rows the time
//! before added, until it adds none. UNION DISTINCT adds only rows not there yet.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::sync::Arc;
use alloc::vec::Vec;

use sqlparser::ast::{self, SetExpr, SetOperator, SetQuantifier, TableFactor};

use crate::sql::join::Relation;
use crate::sql::query::{compile_set, group_key, renamed, same_width, Catalog, Names};
use crate::sql::select::MAX_RESULT_ROWS;
use crate::sql::{unsupported, SqlError};

/// MySQL's `cte_max_recursion_depth`: a recursion that has not ended by then is taken for
/// one that never will.
const MAX_ROUNDS: usize = 1000;

/// Whether `query` reads the table `name` in a FROM of its own (a recursive reference).
pub(crate) fn reads(query: &ast::Query, name: &str) -> bool {
    set_reads(&query.body, name)
}

fn set_reads(body: &SetExpr, name: &str) -> bool {
    match body {
        SetExpr::Select(select) => select.from.iter().any(|t| {
            factor_reads(&t.relation, name)
                || t.joins.iter().any(|j| factor_reads(&j.relation, name))
        }),
        SetExpr::Query(q) => reads(q, name),
        SetExpr::SetOperation { left, right, .. } => {
            set_reads(left, name) || set_reads(right, name)
        }
        _ => false,
    }
}

fn factor_reads(factor: &TableFactor, name: &str) -> bool {
    match factor {
        TableFactor::Table { name: n, .. } => {
            matches!(n.0.as_slice(), [part] if part.as_ident().is_some_and(|i| i.value.eq_ignore_ascii_case(name)))
        }
        TableFactor::Derived { subquery, .. } => reads(subquery, name),
        TableFactor::NestedJoin {
            table_with_joins, ..
        } => {
            factor_reads(&table_with_joins.relation, name)
                || table_with_joins
                    .joins
                    .iter()
                    .any(|j| factor_reads(&j.relation, name))
        }
        _ => false,
    }
}

/// The rows of the recursive common table `cte` (named `name`, lower case), run over
/// `catalog`.
pub(crate) fn run(
    catalog: &Catalog,
    cte: &ast::Cte,
    name: &str,
    outer: Option<&Names<'_>>,
) -> Result<Arc<Relation>, SqlError> {
    let query = &cte.query;
    let plain = query.order_by.is_none()
        && query.limit_clause.is_none()
        && query.fetch.is_none()
        && query.with.is_none();
    let SetExpr::SetOperation {
        left: anchor,
        op: SetOperator::Union,
        set_quantifier,
        right: step,
    } = query.body.as_ref()
    else {
        return unsupported(format!(
            "recursive WITH table {name}: it must be SELECTs that do not read it, UNION, and \
             one SELECT that does"
        ));
    };
    if !plain {
        return unsupported(format!(
            "ORDER BY or LIMIT in the recursive WITH table {name}"
        ));
    }
    if set_reads(anchor, name) {
        return unsupported(format!(
            "recursive WITH table {name}: only the SELECT after the last UNION may read it"
        ));
    }
    let distinct = match set_quantifier {
        SetQuantifier::All => false,
        SetQuantifier::None | SetQuantifier::Distinct => true,
        other => return unsupported(format!("UNION {other}")),
    };
    let named = |relation: Relation| match cte.alias.columns.is_empty() {
        true => Ok(Arc::new(relation)),
        false => renamed(&relation, &cte.alias),
    };
    let (plan, correlated) = compile_set(catalog, anchor, outer)?;
    if correlated {
        return unsupported("a WITH table that reads the row of a query around it");
    }
    let columns = plan.columns().to_vec();
    let mut seen = BTreeSet::new();
    let mut fresh = |rows: Vec<Vec<_>>| -> Vec<Vec<_>> {
        match distinct {
            true => rows
                .into_iter()
                .filter(|r| seen.insert(group_key(r)))
                .collect(),
            false => rows,
        }
    };
    let mut all = fresh(plan.run(&[])?);
    let mut added = all.clone();
    let mut catalog = catalog.clone();
    let mut round = 0;
    while !added.is_empty() {
        round += 1;
        if round > MAX_ROUNDS {
            return Err(SqlError::Unsupported(format!(
                "recursive query {name} aborted after {MAX_ROUNDS} rounds that each added rows"
            )));
        }
        let working = named(Relation {
            columns: columns.clone(),
            rows: added,
        })?;
        catalog.tables.insert(name.into(), working);
        let (plan, correlated) = compile_set(&catalog, step, outer)?;
        if correlated {
            return unsupported("a WITH table that reads the row of a query around it");
        }
        same_width(columns.len(), plan.columns().len())?;
        added = fresh(plan.run(&[])?);
        all.extend(added.iter().cloned());
        if all.len() as u64 > MAX_RESULT_ROWS {
            return Err(SqlError::TooManyRows(all.len() as u64));
        }
    }
    named(Relation { columns, rows: all })
}
