//! UPDATE t SET c = expr, ... [WHERE ...] [ORDER BY ...] [LIMIT n] and DELETE FROM t
//! [WHERE ...] [ORDER BY ...] [LIMIT n].

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use sqlparser::ast::{self, AssignmentTarget, Delete, FromTable, Truncate, Update};

use crate::chunk_store::ChunkStore;
use crate::db::root_value::RootValue;
use crate::db::schema::Schema;
use crate::db::table::{Span, Table};
use crate::db::value::Value;
use crate::io::Storage;
use crate::sql::constraints::{self, store_table};
use crate::sql::expr::{compile, compile_in, Expr, InSession, Scope};
use crate::sql::history::History;
use crate::sql::window::compare_keys;
use crate::sql::{
    access, object_name, open_table, plain_table, unsupported, QueryResult, SqlError,
};

/// The table an UPDATE or DELETE changes, its expressions compiled over it (the WHERE, if
/// any, taken out as `filter`), and the rows `access::plan` reads for it: what the statement
/// runs, and what EXPLAIN shows of it (`explain.rs`).
pub(crate) struct Planned {
    pub(crate) name: String,
    pub(crate) table: Table,
    /// UPDATE's new values, then the ORDER BY keys.
    exprs: Vec<Expr>,
    pub(crate) filter: Option<Expr>,
    pub(crate) span: Span,
}

async fn plan<'a, S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    from: &ast::TableWithJoins,
    exprs: impl Iterator<Item = &'a ast::Expr>,
    selection: Option<&'a ast::Expr>,
) -> Result<Planned, SqlError> {
    let (name, table) = open_table(root, &plain_table(from)?)?;
    let scope = Scope {
        table: &name,
        schema: table.schema(),
    };
    let all: Vec<&ast::Expr> = exprs.chain(selection).collect();
    let mut exprs = compile_all(store, root, history, scope, &all).await?;
    let filter = selection.is_some().then(|| exprs.pop()).flatten();
    let span = access::plan(filter.as_ref(), &table, None);
    Ok(Planned {
        name,
        table,
        exprs,
        filter,
        span,
    })
}

/// An UPDATE's plan, and the columns it assigns, in order.
pub(crate) async fn plan_update<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    u: &Update,
) -> Result<(Planned, Vec<usize>), SqlError> {
    if u.from.is_some() {
        return unsupported("UPDATE ... FROM");
    }
    if u.returning.is_some() || u.output.is_some() || u.or.is_some() || u.on_cluster.is_some() {
        return unsupported("UPDATE clause");
    }
    let values = u.assignments.iter().map(|a| &a.value);
    let keys = u.order_by.iter().map(|o| &o.expr);
    let planned = plan(
        store,
        root,
        history,
        &u.table,
        values.chain(keys),
        u.selection.as_ref(),
    )
    .await?;
    let scope = Scope {
        table: &planned.name,
        schema: planned.table.schema(),
    };
    let targets = u
        .assignments
        .iter()
        .map(|a| assigned_column(&scope, a))
        .collect::<Result<_, _>>()?;
    Ok((planned, targets))
}

/// A DELETE's plan.
pub(crate) async fn plan_delete<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    d: &Delete,
) -> Result<Planned, SqlError> {
    let from = match &d.from {
        FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from) => from,
    };
    let [from] = from.as_slice() else {
        return unsupported("DELETE from more than one table");
    };
    if !d.tables.is_empty() || d.using.is_some() {
        return unsupported("multi-table DELETE");
    }
    if d.returning.is_some() || d.output.is_some() || d.on_cluster.is_some() {
        return unsupported("DELETE clause");
    }
    let keys = d.order_by.iter().map(|o| &o.expr);
    plan(store, root, history, from, keys, d.selection.as_ref()).await
}

pub async fn update<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    history: &History,
    u: Update,
) -> Result<QueryResult, SqlError> {
    let (planned, targets) = plan_update(store, root, history, &u).await?;
    let Planned {
        name,
        mut table,
        exprs: mut compiled,
        filter,
        span,
    } = planned;
    let keys = compiled.split_off(u.assignments.len());
    let set = targets.clone();
    let sets: Vec<(usize, Expr)> = targets.into_iter().zip(compiled).collect();
    let chosen = Chosen::find(
        store,
        &table,
        &span,
        filter.as_ref(),
        &keys,
        &u.order_by,
        u.limit.as_ref(),
    )
    .await?;
    let schema = table.schema().clone();
    let changed = table
        .update_where(store, &span, |row| {
            if !passes(filter.as_ref(), row)? || !chosen.holds(&schema, row) {
                return Ok::<_, SqlError>(None);
            }
            // Left to right, each assignment seeing the ones before it, as MySQL does.
            let mut new = row.to_vec();
            for (i, e) in &sets {
                new[*i] = e.eval(&new)?;
            }
            constraints::touch(&schema, row, &mut new, &set, history.now_ms)?;
            Ok(Some(new))
        })
        .await?;
    store_table(store, root, name, table, QueryResult::affected(changed)).await
}

pub async fn delete<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    history: &History,
    d: Delete,
) -> Result<QueryResult, SqlError> {
    let Planned {
        name,
        mut table,
        exprs: keys,
        filter,
        span,
    } = plan_delete(store, root, history, &d).await?;
    let chosen = Chosen::find(
        store,
        &table,
        &span,
        filter.as_ref(),
        &keys,
        &d.order_by,
        d.limit.as_ref(),
    )
    .await?;
    let schema = table.schema().clone();
    let deleted = table
        .delete_where(store, &span, |row| {
            Ok::<_, SqlError>(passes(filter.as_ref(), row)? && chosen.holds(&schema, row))
        })
        .await?;
    store_table(store, root, name, table, QueryResult::affected(deleted)).await
}

/// Expressions over the table's rows: on the single-table scope, or, where that does not
/// plan them (subqueries), on the general path's.
async fn compile_all<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    scope: Scope<'_>,
    exprs: &[&ast::Expr],
) -> Result<Vec<Expr>, SqlError> {
    let names = InSession {
        scope: Some(scope),
        history,
    };
    match exprs.iter().map(|e| compile_in(e, &names)).collect() {
        Err(SqlError::Unsupported(_)) => {
            crate::sql::query::compile_over_table(
                store,
                root,
                history,
                scope.table,
                scope.schema,
                exprs,
            )
            .await
        }
        done => done,
    }
}

/// The rows an ORDER BY and LIMIT leave an UPDATE or DELETE, by their primary keys' values;
/// every row the WHERE passes when there is no LIMIT (an ORDER BY alone changes nothing
/// here, as each statement is checked as a whole).
enum Chosen {
    All,
    Keys(BTreeSet<String>),
}

impl Chosen {
    async fn find<S: Storage>(
        store: &ChunkStore<S>,
        table: &Table,
        span: &Span,
        filter: Option<&Expr>,
        keys: &[Expr],
        order: &[ast::OrderByExpr],
        limit: Option<&ast::Expr>,
    ) -> Result<Chosen, SqlError> {
        let Some(limit) = limit else {
            return Ok(Chosen::All);
        };
        let limit = match compile(limit, None)? {
            Expr::Literal(Value::Int(n)) if n >= 0 => n as u64,
            _ => return unsupported(format!("LIMIT {limit}: it takes a whole number")),
        };
        let schema = table.schema();
        if schema.is_keyless() {
            return unsupported("LIMIT in an UPDATE or DELETE of a table without a primary key");
        }
        let desc = order
            .iter()
            .map(crate::sql::query::descending)
            .collect::<Result<Vec<_>, _>>()?;
        // Every row the WHERE passes, with its order keys, in key order (which ties keep).
        let mut rows: Vec<(Vec<Value>, String)> = Vec::new();
        table
            .visit(store, span, |_, row, _| {
                if passes(filter, row)? {
                    let by = keys.iter().map(|k| k.eval(row)).collect::<Result<_, _>>()?;
                    rows.push((by, key_of(schema, row)));
                }
                Ok::<_, SqlError>(true)
            })
            .await?;
        rows.sort_by(|a, b| compare_keys(&a.0, &b.0, desc.iter().copied()));
        let take = usize::try_from(limit).unwrap_or(usize::MAX);
        Ok(Chosen::Keys(
            rows.into_iter().take(take).map(|(_, k)| k).collect(),
        ))
    }

    fn holds(&self, schema: &Schema, row: &[Value]) -> bool {
        match self {
            Chosen::All => true,
            Chosen::Keys(keys) => keys.contains(&key_of(schema, row)),
        }
    }
}

/// A row's primary key values, as one comparable string.
fn key_of(schema: &Schema, row: &[Value]) -> String {
    let key: Vec<Value> = schema.primary_key.iter().map(|&i| row[i].clone()).collect();
    crate::sql::query::group_key(&key)
}

fn passes(filter: Option<&Expr>, row: &[Value]) -> Result<bool, SqlError> {
    filter.map_or(Ok(true), |f| f.accepts(row))
}

/// TRUNCATE [TABLE] t, ...: every row deleted, the schema kept. Affects 0 rows, as MySQL
/// reports it.
pub async fn truncate<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    t: Truncate,
) -> Result<QueryResult, SqlError> {
    if t.partitions.is_some()
        || t.identity.is_some()
        || t.cascade.is_some()
        || t.on_cluster.is_some()
    {
        return unsupported("TRUNCATE option");
    }
    // Every table is found before any is emptied, so a missing one changes nothing.
    let mut tables = Vec::with_capacity(t.table_names.len());
    for target in &t.table_names {
        match open_table(root, &object_name(&target.name)?) {
            Ok(table) => tables.push(table),
            Err(SqlError::TableNotFound(_)) if t.if_exists => {}
            Err(e) => return Err(e),
        }
    }
    for (name, mut table) in tables {
        table
            .delete_where::<_, SqlError, _>(store, &Span::All, |_| Ok(true))
            .await?;
        let stored = table.finish(store, &name).await?;
        root.tables.insert(name, stored);
    }
    Ok(QueryResult::affected(0))
}

/// The column `SET column = ...` assigns, as `scope` names it.
pub(crate) fn assigned_column(scope: &Scope<'_>, a: &ast::Assignment) -> Result<usize, SqlError> {
    let AssignmentTarget::ColumnName(column) = &a.target else {
        return unsupported(format!("assignment to {}", a.target));
    };
    let parts = column
        .0
        .iter()
        .map(|p| p.as_ident().cloned())
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| SqlError::UnknownColumn(format!("{column}")))?;
    scope.column(&parts)
}
