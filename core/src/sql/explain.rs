//! `EXPLAIN SELECT ...` (also DESCRIBE SELECT): one row per table the query reads, saying how,
//! in the columns of MySQL's traditional EXPLAIN; `EXPLAIN UPDATE ...` and `EXPLAIN DELETE
//! ...`: one row, `select_type` UPDATE or DELETE, for the table the statement changes, as
//! `update_delete::plan_update` and `plan_delete` plan it for the statement itself; `EXPLAIN
//! INSERT ...` and `EXPLAIN REPLACE ...`: MySQL's one row for the table written, then those of
//! an INSERT ... SELECT's query. It asks the planners the executor asks —
//! `select::single_table` and `select::span` for one table, `query::reading` and `key_join`'s
//! choices for the general path, `insert::plan` for an INSERT — and reads no rows.
//!
//! `type` is `const` for a primary key point lookup, `ref` for the keys of a primary key or
//! index that start with the values `=` gives, `range` for other key or index ranges, `index`
//! for a whole index read in its order, `eq_ref`/`ref` for a join read through a key per row
//! before it (`eq_ref` when one key value finds at most one row), and `ALL` for a full read.
//! `key` is the key read (`possible_keys` the same: the planner weighs no others); `key_len`,
//! `rows` and `filtered` are NULL, as Cairn keeps no statistics. A join read by key may still
//! be read whole when, as it runs, the rows before it would look up more keys than reading it
//! costs (`key_join::worth_looking_up`).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::ops::Bound;

use sqlparser::ast::{Expr, Insert, OrderByExpr, Query, SetExpr, Statement, TableFactor};

use crate::chunk_store::ChunkStore;
use crate::db::index::successor;
use crate::db::root_value::RootValue;
use crate::db::schema::{Column, Schema};
use crate::db::table::{Span, Table};
use crate::db::value::Value;
use crate::io::Storage;
use crate::sql::ddl::column_positions;
use crate::sql::history::History;
use crate::sql::join::Source;
use crate::sql::key_join::{narrowing, probe, whole_span, Probe};
use crate::sql::query::{reading, Reading};
use crate::sql::{
    insert, object_name, open_table, select, unsupported, update_delete, upsert, QueryResult,
    SqlError,
};

/// One row of the answer.
struct Line {
    id: i64,
    select_type: &'static str,
    table: Option<String>,
    access: Option<&'static str>,
    key: Option<String>,
    reference: Option<String>,
    extra: Vec<&'static str>,
}

impl Line {
    fn new(id: i64, select_type: &'static str, table: Option<String>) -> Line {
        Line {
            id,
            select_type,
            table,
            access: None,
            key: None,
            reference: None,
            extra: Vec::new(),
        }
    }
}

/// Answers an `EXPLAIN` statement: of a SELECT, INSERT, REPLACE, UPDATE or DELETE; EXPLAIN
/// ANALYZE, which runs the statement, and formats other than the traditional table are
/// refused.
pub async fn explain<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    statement: Statement,
) -> Result<QueryResult, SqlError> {
    let Statement::Explain {
        analyze,
        verbose,
        query_plan,
        estimate,
        statement,
        format,
        options,
        ..
    } = statement
    else {
        return unsupported("a statement other than EXPLAIN here");
    };
    if analyze {
        return unsupported(
            "EXPLAIN ANALYZE (it runs the query; EXPLAIN without ANALYZE says how it would run)",
        );
    }
    if let Some(format) = format {
        return unsupported(format!(
            "EXPLAIN {format} (EXPLAIN alone gives the traditional table)"
        ));
    }
    if verbose || query_plan || estimate || options.is_some() {
        return unsupported("EXPLAIN option");
    }
    let query = match *statement {
        Statement::Query(query) => query,
        Statement::Update(u) => {
            let (planned, _) = update_delete::plan_update(store, root, history, &u).await?;
            return Ok(answer(vec![changed(
                "UPDATE",
                &planned,
                &u.order_by,
                &u.limit,
            )]));
        }
        Statement::Delete(d) => {
            let planned = update_delete::plan_delete(store, root, history, &d).await?;
            return Ok(answer(vec![changed(
                "DELETE",
                &planned,
                &d.order_by,
                &d.limit,
            )]));
        }
        Statement::Insert(mut ins) => {
            return Ok(answer(inserted(store, root, history, &mut ins).await?));
        }
        _ => {
            return unsupported(
                "EXPLAIN of a statement other than SELECT, INSERT, REPLACE, UPDATE or DELETE \
                 (EXPLAIN t describes a table)",
            )
        }
    };
    Ok(answer(read(store, root, history, &query).await?))
}

/// The tables a query reads.
async fn read<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    query: &Query,
) -> Result<Vec<Line>, SqlError> {
    Ok(match select::single_table(root, history, query)? {
        Some((table, plan)) => vec![single(table.as_ref().map(|(n, t)| (n.as_str(), t)), &plan)],
        None => general(store, root, history, query).await?,
    })
}

/// An INSERT or REPLACE, as `insert::plan` takes it apart: MySQL's row for the table written
/// (`type` ALL, the rest NULL), then an INSERT ... SELECT's query's rows. No value is
/// computed: one may assign a variable.
async fn inserted<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    ins: &mut Insert,
) -> Result<Vec<Line>, SqlError> {
    let (mode, table, columns, source) = insert::plan(ins)?;
    let (name, table) = open_table(root, &table)?;
    column_positions(table.schema(), &columns)?;
    let kind = match mode {
        upsert::Mode::Replace => "REPLACE",
        _ => "INSERT",
    };
    let mut line = Line::new(1, kind, Some(name));
    line.access = Some("ALL");
    let mut lines = vec![line];
    if let insert::Source::Query(query) = source {
        lines.extend(read(store, root, history, query).await?);
    }
    Ok(lines)
}

/// The one table of the single-table path (None: no FROM).
fn single(table: Option<(&str, &Table)>, plan: &select::Plan) -> Line {
    let Some((name, table)) = table else {
        let mut line = Line::new(1, "SIMPLE", None);
        line.extra.push("No tables used");
        return line;
    };
    let span = select::span(plan, table);
    // A keyed table's rows are counted from its row map's tree (`Table::count`), without
    // reading them; a keyless table's repeats are read row by row.
    if select::counts_whole(plan, &span) && !table.schema().is_keyless() {
        let mut line = Line::new(1, "SIMPLE", None);
        line.extra.push("Select tables optimized away");
        return line;
    }
    let mut line = Line::new(1, "SIMPLE", Some(name.into()));
    let (access, key) = spanned(&span, table.schema());
    line.access = Some(access);
    line.key = key;
    if plan.filter.is_some() {
        line.extra.push("Using where");
    }
    line
}

/// The table an UPDATE or DELETE changes, read as the statement reads it
/// (`update_delete::Planned`): with an ORDER BY ... LIMIT, the rows the WHERE passes are
/// sorted first (MySQL's "Using filesort").
fn changed(
    kind: &'static str,
    planned: &update_delete::Planned,
    order_by: &[OrderByExpr],
    limit: &Option<Expr>,
) -> Line {
    let mut line = Line::new(1, kind, Some(planned.name.clone()));
    let (access, key) = spanned(&planned.span, planned.table.schema());
    line.access = Some(access);
    line.key = key;
    if planned.filter.is_some() {
        line.extra.push("Using where");
    }
    if !order_by.is_empty() && limit.is_some() {
        line.extra.push("Using filesort");
    }
    line
}

/// How a span reads a table: `type` and `key`. A range of the keys that start with one
/// prefix is what `=` on leading key columns gives: MySQL's `ref`.
fn spanned(span: &Span, schema: &Schema) -> (&'static str, Option<String>) {
    let index = |i: &usize| schema.indexes.get(*i).map(|x| x.name.clone());
    let prefix = |lower: &Bound<Vec<u8>>, upper: &Bound<Vec<u8>>| match (lower, upper) {
        (Bound::Included(p), Bound::Excluded(u)) => successor(p.clone()).as_ref() == Some(u),
        _ => false,
    };
    match span {
        Span::Key(_) => ("const", Some("PRIMARY".into())),
        Span::Range(l, u) if prefix(l, u) => ("ref", Some("PRIMARY".into())),
        Span::Range(..) => ("range", Some("PRIMARY".into())),
        Span::Index(i, Bound::Unbounded, Bound::Unbounded) => ("index", index(i)),
        Span::Index(i, l, u) if prefix(l, u) => ("ref", index(i)),
        Span::Index(i, ..) => ("range", index(i)),
        Span::All => ("ALL", None),
    }
}

/// The tables of a query on the general path.
async fn general<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    query: &Query,
) -> Result<Vec<Line>, SqlError> {
    match reading(store, root, history, query).await? {
        Reading::Keyed {
            sources,
            filter,
            whole,
        } => {
            let select_type = if whole.is_empty() {
                "SIMPLE"
            } else {
                "PRIMARY"
            };
            let names = from_names(query);
            let mut lines = Vec::new();
            for i in 0..sources.len() {
                let name = names.get(i).cloned();
                let mut line = Line::new(1, select_type, name);
                item(&mut line, &sources, &names, i, filter.as_ref());
                lines.push(line);
            }
            if let (Some(line), true) = (lines.last_mut(), filter.is_some()) {
                line.extra.push("Using where");
            }
            for (n, key) in whole.iter().enumerate() {
                let mut line = Line::new(n as i64 + 2, "SUBQUERY", Some(shown(key)));
                line.access = Some("ALL");
                lines.push(line);
            }
            Ok(lines)
        }
        Reading::Whole(tables) => {
            let select_type = match query.body.as_ref() {
                SetExpr::Select(_) => "SIMPLE",
                _ => "UNION",
            };
            if tables.is_empty() {
                let mut line = Line::new(1, select_type, None);
                line.extra.push("No tables used");
                return Ok(vec![line]);
            }
            Ok(tables
                .iter()
                .map(|key| {
                    let mut line = Line::new(1, select_type, Some(shown(key)));
                    line.access = Some("ALL");
                    line
                })
                .collect())
        }
    }
}

/// How item `i` of the top SELECT's FROM is read (`key_join::join`'s choices).
fn item(
    line: &mut Line,
    sources: &[Source],
    names: &[String],
    i: usize,
    filter: Option<&crate::sql::expr::Expr>,
) {
    let source = &sources[i];
    let hashed = i > 0 && source.equi.is_some();
    let Some(stored) = &source.stored else {
        // A derived or system table, in memory.
        line.access = Some("ALL");
        if hashed {
            line.extra.push("Using join buffer (hash join)");
        }
        return;
    };
    let table = Table::new(&stored.table);
    let schema = table.schema();
    if let Some((before, column)) = stored.lookup {
        // The lookup of a value of the key column's own type.
        let found = schema
            .columns
            .get(column)
            .and_then(sample)
            .map(|v| probe(&v, &table, column));
        if let Some(Probe::Span(_, span)) = found {
            let (_, key) = spanned(&span, schema);
            let unique = match &span {
                Span::Key(_) => true,
                Span::Index(i, ..) => schema
                    .indexes
                    .get(*i)
                    .is_some_and(|x| x.unique && x.columns.len() == 1),
                _ => false,
            };
            line.access = Some(if unique { "eq_ref" } else { "ref" });
            line.key = key;
            line.reference = column_before(sources, names, before);
            return;
        }
        // Each value compares every row: the table is read whole, once.
        line.access = Some("ALL");
        return;
    }
    let (access, key) = spanned(&whole_span(&table, narrowing(sources, filter, i)), schema);
    line.access = Some(access);
    line.key = key;
    if hashed {
        line.extra.push("Using join buffer (hash join)");
    }
}

/// A value of a column's own type that a lookup by it takes, if one is simple to make (an
/// enum's first member for an enum).
fn sample(column: &Column) -> Option<Value> {
    let text = column.members.first().cloned().unwrap_or_default();
    [Value::Int(0), Value::Text(text)]
        .into_iter()
        .find_map(|v| column.coerce(v).ok())
}

/// `item.column` of the joined row's column `at`.
fn column_before(sources: &[Source], names: &[String], mut at: usize) -> Option<String> {
    for (i, source) in sources.iter().enumerate() {
        let columns = &source.relation.columns;
        match columns.get(at) {
            Some(c) => return Some(format!("{}.{c}", names.get(i)?)),
            None => at -= columns.len(),
        }
    }
    None
}

/// The names the top SELECT's FROM items go by (alias, or table), in order.
fn from_names(query: &Query) -> Vec<String> {
    let SetExpr::Select(select) = query.body.as_ref() else {
        return Vec::new();
    };
    let name = |factor: &TableFactor| match factor {
        TableFactor::Table { name, alias, .. } => alias
            .as_ref()
            .map(|a| a.name.value.clone())
            .or_else(|| object_name(name).ok())
            .unwrap_or_default(),
        TableFactor::Derived { alias, .. } | TableFactor::JsonTable { alias, .. } => alias
            .as_ref()
            .map(|a| a.name.value.clone())
            .unwrap_or_default(),
        other => other.to_string(),
    };
    select
        .from
        .iter()
        .flat_map(|from| {
            core::iter::once(name(&from.relation))
                .chain(from.joins.iter().map(|j| name(&j.relation)))
        })
        .collect()
}

/// A table as the general path keys it (lower case; `t\0rev` for `t AS OF 'rev'`).
fn shown(key: &str) -> String {
    match key.split_once('\0') {
        Some((table, rev)) => format!("{table} as of '{rev}'"),
        None => key.into(),
    }
}

fn answer(lines: Vec<Line>) -> QueryResult {
    let text = |s: Option<String>| s.map_or(Value::Null, Value::Text);
    let rows = lines
        .into_iter()
        .map(|l| {
            let extra = (!l.extra.is_empty()).then(|| l.extra.join("; "));
            vec![
                Value::Int(l.id),
                Value::Text(l.select_type.into()),
                text(l.table),
                Value::Null,
                text(l.access.map(String::from)),
                text(l.key.clone()),
                text(l.key),
                Value::Null,
                text(l.reference),
                Value::Null,
                Value::Null,
                text(extra),
            ]
        })
        .collect();
    QueryResult {
        columns: [
            "id",
            "select_type",
            "table",
            "partitions",
            "type",
            "possible_keys",
            "key",
            "key_len",
            "ref",
            "rows",
            "filtered",
            "Extra",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        affected: None,
    }
}
