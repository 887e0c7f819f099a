//! SELECT over one table (or none, for constant expressions): WHERE, ORDER BY, LIMIT and
//! OFFSET, and COUNT(*) / COUNT(expr) over the whole result.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::ops::Bound;

use sqlparser::ast::{
    self, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr, LimitClause, OrderByKind,
    OrderBySort, Query, Select, SelectFlavor, SelectItem, SelectItemQualifiedWildcardKind, SetExpr,
};

use crate::chunk_store::ChunkStore;
use crate::db::root_value::RootValue;
use crate::db::table::{Span, Table};
use crate::db::value::Value;
use crate::io::Storage;
use crate::sql::expr::{compile, Expr, Scope};
use crate::sql::history::History;
use crate::sql::{
    access, object_name, open_table, plain_query, plain_table, unsupported, QueryResult, SqlError,
};

/// A compiled SELECT: `simple_plan`'s, or the key lookup fast path's (`fast_select.rs`).
pub(crate) struct Plan {
    pub(crate) columns: Vec<String>,
    pub(crate) outputs: Vec<Output>,
    pub(crate) filter: Option<Expr>,
    /// Sort keys, each with "descending".
    pub(crate) order: Vec<(Expr, bool)>,
    pub(crate) offset: usize,
    pub(crate) limit: Option<usize>,
}

impl Plan {
    /// Per column of a table of `columns`, whether the plan reads it: a scan decodes only
    /// those.
    fn columns_read(&self, columns: usize) -> Vec<bool> {
        let mut read = alloc::vec![false; columns];
        let exprs = self
            .outputs
            .iter()
            .filter_map(|o| match o {
                Output::Value(e) | Output::Count(Some(e)) => Some(e),
                Output::Count(None) => None,
            })
            .chain(&self.filter)
            .chain(self.order.iter().map(|(e, _)| e));
        for e in exprs {
            // A copy, as `for_each_column` may change what it visits.
            e.clone().for_each_column(&mut |c| {
                if let Some(r) = read.get_mut(*c) {
                    *r = true;
                }
            });
        }
        read
    }
}

pub(crate) enum Output {
    Value(Expr),
    /// COUNT(*) when None, else COUNT(expr): rows where it is not NULL.
    Count(Option<Expr>),
}

pub async fn run<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    query: Query,
) -> Result<QueryResult, SqlError> {
    Ok(run_paged(store, root, history, query, None).await?.0)
}

/// Where a page of a streamed SELECT starts (after the encoded primary key the last page
/// ended at) and how many rows it holds at most.
pub struct Page {
    pub after: Option<Vec<u8>>,
    pub rows: usize,
}

/// A SELECT a page at a time: answers the page's rows and, where more may follow, the key to
/// continue after. Pages follow the primary key, so only a query whose rows come in key order
/// and need no whole-result step (no COUNT, no other ORDER BY, no LIMIT or OFFSET) is paged;
/// any other comes whole, as one page. Each page reads only its own part of the table.
pub async fn run_paged<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    query: Query,
    page: Option<&Page>,
) -> Result<(QueryResult, Option<Vec<u8>>), SqlError> {
    let Some((table, plan)) = single_table(root, history, &query)? else {
        return Ok((
            crate::sql::query::run(store, root, history, &query).await?,
            None,
        ));
    };
    let Some((_, mut table)) = table else {
        // No FROM: one row with no columns.
        let mut rows = Rows::default();
        if plan.filter.as_ref().map_or(Ok(true), |f| f.accepts(&[]))? {
            rows.add(&plan, &[], 1)?;
        }
        return Ok((finish(&plan, rows)?, None));
    };
    run_plan(store, &mut table, &plan, page, None).await
}

/// The table (None: no FROM) and plan of a query this path plans: one table (or none) with
/// key lookups, ranges and paging. None for anything it does not plan (joins, grouping,
/// subqueries, UNION, ...), which goes to the general path, whole.
pub(crate) fn single_table(
    root: &RootValue,
    history: &History,
    query: &Query,
) -> Result<Option<Planned>, SqlError> {
    match simple_plan(root, query) {
        Ok(planned) => Ok(Some(planned)),
        // A system table is no table of the root: the general path reads it.
        Err(e)
            if matches!(e, SqlError::Unsupported(_))
                || matches!(e, SqlError::TableNotFound(_)) && !history.tables.is_empty() =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The part of `table` a plan reads (`access::plan`), an ORDER BY of columns that a LIMIT
/// cuts short perhaps read in an index's order.
pub(crate) fn span(plan: &Plan, table: &Table) -> Span {
    let order: Option<Vec<usize>> = plan
        .order
        .iter()
        .map(|(e, desc)| match e {
            Expr::Column(c) if !desc => Some(*c),
            _ => None,
        })
        .collect();
    let order = order.filter(|_| plan.limit.is_some());
    access::plan(plan.filter.as_ref(), table, order.as_deref())
}

/// Whether the plan counts the table's rows without reading them: COUNT(*) of it all.
pub(crate) fn counts_whole(plan: &Plan, span: &Span) -> bool {
    matches!(
        (plan.outputs.as_slice(), &plan.filter, span),
        ([Output::Count(None)], None, Span::All)
    )
}

/// Runs a plan over one table: see `run_paged`. `known` is the span `access::plan` gives
/// for it, when the caller has already worked that out (the key lookup fast path does).
pub(crate) async fn run_plan<S: Storage>(
    store: &ChunkStore<S>,
    table: &mut Table,
    plan: &Plan,
    page: Option<&Page>,
    known: Option<Span>,
) -> Result<(QueryResult, Option<Vec<u8>>), SqlError> {
    let span = known.unwrap_or_else(|| span(plan, table));
    // One row by its key is decoded whole: working out which columns to skip would cost more.
    if !matches!(span, Span::Key(_)) {
        table.read_only(&plan.columns_read(table.schema().columns.len()));
    }
    if counts_whole(plan, &span) {
        let n = table.count(store).await?;
        return Ok((finish(plan, Rows::counted(n))?, None));
    }
    // COUNTs take no row in: each passing row adds to them, with no limit or page to check.
    if let Some(Output::Count(_)) = plan.outputs.first() {
        let mut counts = alloc::vec![0; plan.outputs.len()];
        table
            .visit(store, &span, |_, row, times| {
                if plan.filter.as_ref().map_or(Ok(true), |f| f.accepts(row))? {
                    count_into(&mut counts, plan, row, times)?;
                }
                Ok::<_, SqlError>(true)
            })
            .await?;
        let rows = Rows {
            counts: Some(counts),
            ..Rows::default()
        };
        return Ok((finish(plan, rows)?, None));
    }
    // Rows come in key order, or in an index's; they need sorting unless the ORDER BY is a
    // prefix of that order, ascending.
    let (read_order, by_index) = match &span {
        Span::Index(i, ..) => (&table.schema().indexes[*i].columns, true),
        _ => (&table.schema().primary_key, false),
    };
    let key_order = plan
        .order
        .iter()
        .zip(read_order)
        .all(|((e, desc), &k)| !desc && *e == Expr::Column(k))
        && plan.order.len() <= read_order.len();
    // Pages continue after a primary key, so rows read through an index come whole.
    let whole = !key_order || plan.limit.is_some() || plan.offset > 0 || by_index;
    let page = page.filter(|_| !whole);
    let stop_after = match (key_order, plan.limit, page) {
        (_, _, Some(page)) => Some(page.rows.max(1)),
        (true, Some(limit), None) => Some(plan.offset.saturating_add(limit)),
        _ => None,
    };
    let span = match page.and_then(|p| p.after.clone()) {
        None => span,
        // The last page ended at a key inside the span: go on after it.
        Some(_) if matches!(span, Span::Key(_)) => {
            return Ok((finish(plan, Rows::default())?, None))
        }
        Some(after) => match span {
            Span::Range(_, end) => Span::Range(Bound::Excluded(after), end),
            _ => Span::Range(Bound::Excluded(after), Bound::Unbounded),
        },
    };
    let mut rows = Rows::default();
    let mut last = None;
    table
        .visit(store, &span, |key, row, count| {
            if let Some(filter) = &plan.filter {
                if !filter.accepts(row)? {
                    return Ok::<_, SqlError>(true);
                }
            }
            rows.add(plan, row, count)?;
            let go_on = stop_after.is_none_or(|n| rows.len() < n as u64);
            if !go_on {
                last = Some(key.to_vec());
            }
            Ok(go_on)
        })
        .await?;
    let next = if page.is_some() { last } else { None };
    Ok((finish(plan, rows)?, next))
}

/// A query's table, by its stored name (None: no FROM), and its plan.
pub(crate) type Planned = (Option<(String, Table)>, Plan);

/// The single-table plan of a query, or Unsupported for one this path does not plan.
fn simple_plan(root: &RootValue, query: &Query) -> Result<Planned, SqlError> {
    plain_query(query)?;
    let SetExpr::Select(select) = query.body.as_ref() else {
        return unsupported("query other than a single SELECT (UNION, VALUES, ...)");
    };
    check_select(select)?;
    let table = match select.from.as_slice() {
        [] => None,
        [from] => Some(open_table(root, &plain_table(from)?)?),
        _ => return unsupported("more than one table in FROM (joins)"),
    };
    let scope = table.as_ref().map(|(name, t)| Scope {
        table: name,
        schema: t.schema(),
    });
    let plan = plan(select, query, scope)?;
    Ok((table, plan))
}

fn check_select(s: &Select) -> Result<(), SqlError> {
    let refused = [
        (s.distinct.is_some(), "SELECT DISTINCT"),
        (s.having.is_some(), "HAVING"),
        (!s.named_window.is_empty(), "WINDOW"),
        (
            s.group_by != GroupByExpr::Expressions(Vec::new(), Vec::new()),
            "GROUP BY",
        ),
    ];
    match refused.iter().find(|(present, _)| *present) {
        Some((_, what)) => unsupported(what),
        None => check_clauses(s),
    }
}

/// Refuses the clauses of a SELECT that no path supports.
pub(crate) fn check_clauses(s: &Select) -> Result<(), SqlError> {
    let refused = [
        (s.into.is_some(), "SELECT ... INTO"),
        (
            s.select_modifiers.is_some()
                || s.top.is_some()
                || s.exclude.is_some()
                || !s.lateral_views.is_empty()
                || s.prewhere.is_some()
                || !s.connect_by.is_empty()
                || !s.cluster_by.is_empty()
                || !s.distribute_by.is_empty()
                || !s.sort_by.is_empty()
                || s.qualify.is_some()
                || s.value_table_mode.is_some()
                || s.flavor != SelectFlavor::Standard,
            "SELECT clause",
        ),
    ];
    match refused.iter().find(|(present, _)| *present) {
        Some((_, what)) => unsupported(what),
        None => Ok(()),
    }
}

fn plan(select: &Select, query: &Query, scope: Option<Scope<'_>>) -> Result<Plan, SqlError> {
    let mut columns = Vec::new();
    let mut outputs = Vec::new();
    for item in &select.projection {
        let (expr, alias) = match item {
            SelectItem::Wildcard(opts) if opts.to_string().is_empty() => {
                star(scope, &mut columns, &mut outputs)?;
                continue;
            }
            SelectItem::QualifiedWildcard(
                SelectItemQualifiedWildcardKind::ObjectName(name),
                opts,
            ) if opts.to_string().is_empty()
                && scope.is_some_and(|s| {
                    object_name(name).is_ok_and(|n| n.eq_ignore_ascii_case(s.table))
                }) =>
            {
                star(scope, &mut columns, &mut outputs)?;
                continue;
            }
            SelectItem::UnnamedExpr(e) => (e, None),
            SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.value.clone())),
            other => return unsupported(format!("select item {other}")),
        };
        columns.push(alias.unwrap_or_else(|| header(expr)));
        outputs.push(match count(expr, scope)? {
            Some(c) => c,
            None => Output::Value(compile(expr, scope)?),
        });
    }
    let counts = outputs
        .iter()
        .filter(|o| matches!(o, Output::Count(_)))
        .count();
    if counts != 0 && counts != outputs.len() {
        return unsupported("COUNT next to other columns (needs GROUP BY)");
    }
    let filter = select
        .selection
        .as_ref()
        .map(|e| compile(e, scope))
        .transpose()?;
    let mut order = Vec::new();
    if let Some(order_by) = &query.order_by {
        let OrderByKind::Expressions(items) = &order_by.kind else {
            return unsupported("ORDER BY ALL");
        };
        if order_by.interpolate.is_some() {
            return unsupported("ORDER BY ... INTERPOLATE");
        }
        for item in items {
            let desc = match (
                &item.options.sort,
                item.options.nulls_first,
                &item.with_fill,
            ) {
                (None | Some(OrderBySort::Asc), None, None) => false,
                (Some(OrderBySort::Desc), None, None) => true,
                _ => return unsupported(format!("ORDER BY {item}")),
            };
            order.push((
                sort_key(&item.expr, select, &columns, &outputs, scope)?,
                desc,
            ));
        }
    }
    let (offset, limit) = limits(query.limit_clause.as_ref())?;
    Ok(Plan {
        columns,
        outputs,
        filter,
        order,
        offset,
        limit,
    })
}

fn star(
    scope: Option<Scope<'_>>,
    columns: &mut Vec<String>,
    outputs: &mut Vec<Output>,
) -> Result<(), SqlError> {
    let Some(scope) = scope else {
        return unsupported("SELECT * without FROM");
    };
    for (i, c) in scope.schema.columns.iter().enumerate() {
        columns.push(c.name.clone());
        outputs.push(Output::Value(Expr::Column(i)));
    }
    Ok(())
}

/// A result column's name for an expression without an alias: a column's own name, else the
/// expression as written.
pub(crate) fn header(expr: &ast::Expr) -> String {
    match expr {
        ast::Expr::Identifier(id) => id.value.clone(),
        ast::Expr::CompoundIdentifier(parts) => parts
            .last()
            .map_or_else(|| expr.to_string(), |p| p.value.clone()),
        e => e.to_string(),
    }
}

/// COUNT(*) or COUNT(expr); None for anything that is not a call of COUNT.
fn count(e: &ast::Expr, scope: Option<Scope<'_>>) -> Result<Option<Output>, SqlError> {
    let ast::Expr::Function(f) = e else {
        return Ok(None);
    };
    if !f.name.to_string().eq_ignore_ascii_case("count") {
        // A scalar function, compiled as an expression (another aggregate is refused there).
        return Ok(None);
    }
    let plain = f.filter.is_none()
        && f.over.is_none()
        && f.within_group.is_empty()
        && f.null_treatment.is_none()
        && matches!(f.parameters, FunctionArguments::None);
    let arg = match &f.args {
        FunctionArguments::List(list)
            if plain && list.duplicate_treatment.is_none() && list.clauses.is_empty() =>
        {
            match list.args.as_slice() {
                [FunctionArg::Unnamed(arg)] => arg,
                _ => return unsupported(format!("{e}")),
            }
        }
        _ => return unsupported(format!("{e}")),
    };
    Ok(Some(Output::Count(match arg {
        FunctionArgExpr::Wildcard => None,
        FunctionArgExpr::Expr(inner) => Some(compile(inner, scope)?),
        _ => return unsupported(format!("{e}")),
    })))
}

/// An ORDER BY term: a result column's alias, a 1-based result column number, or an
/// expression over the table's columns.
fn sort_key(
    e: &ast::Expr,
    select: &Select,
    columns: &[String],
    outputs: &[Output],
    scope: Option<Scope<'_>>,
) -> Result<Expr, SqlError> {
    let output = |i: usize| match outputs.get(i) {
        Some(Output::Value(e)) => Ok(e.clone()),
        Some(Output::Count(_)) => unsupported("ORDER BY COUNT"),
        None => Err(SqlError::UnknownColumn(format!("{e}"))),
    };
    if let ast::Expr::Identifier(id) = e {
        let aliased = select.projection.iter().any(|item| {
            matches!(item, SelectItem::ExprWithAlias { alias, .. } if alias.value.eq_ignore_ascii_case(&id.value))
        });
        if aliased {
            if let Some(i) = columns
                .iter()
                .position(|c| c.eq_ignore_ascii_case(&id.value))
            {
                return output(i);
            }
        }
    }
    match compile(e, None) {
        Ok(Expr::Literal(Value::Int(n))) => {
            output(usize::try_from(n).map_or(usize::MAX, |n| n.wrapping_sub(1)))
        }
        _ => compile(e, scope),
    }
}

/// A LIMIT or OFFSET: a constant, non-negative integer.
pub(crate) fn count_value(e: &ast::Expr) -> Result<usize, SqlError> {
    match compile(e, None)? {
        Expr::Literal(Value::Int(n)) if n >= 0 => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
        _ => unsupported(format!(
            "LIMIT or OFFSET {e}: it must be a non-negative integer"
        )),
    }
}

/// The most rows one result may hold: a keyless row's repeat count comes from a chunk, and a
/// forged one (billions of copies in a few bytes) must fail as an error, not exhaust memory.
pub const MAX_RESULT_ROWS: u64 = 100_000_000;

/// What a scan collects: result rows with their sort keys and how many times each repeats
/// (a keyless table's count, expanded only in `finish` and only within OFFSET and LIMIT),
/// or running counts.
#[derive(Default)]
struct Rows {
    rows: Vec<(Vec<Value>, Vec<Value>, u64)>,
    /// Rows collected, repeats included.
    total: u64,
    counts: Option<Vec<u64>>,
}

impl Rows {
    fn counted(n: u64) -> Self {
        Rows {
            counts: Some(alloc::vec![n]),
            ..Rows::default()
        }
    }

    fn len(&self) -> u64 {
        self.total
    }

    /// Takes in a table row (seen `times` times) that passed the filter.
    fn add(&mut self, plan: &Plan, row: &[Value], times: u64) -> Result<(), SqlError> {
        if let Some(Output::Count(_)) = plan.outputs.first() {
            let counts = self
                .counts
                .get_or_insert_with(|| alloc::vec![0; plan.outputs.len()]);
            return count_into(counts, plan, row, times);
        }
        let values = plan
            .outputs
            .iter()
            .map(|o| match o {
                Output::Value(e) => e.eval(row),
                Output::Count(_) => Ok(Value::Null),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let keys = plan
            .order
            .iter()
            .map(|(e, _)| e.eval(row))
            .collect::<Result<Vec<_>, _>>()?;
        self.total = self.total.saturating_add(times);
        self.rows.push((values, keys, times));
        Ok(())
    }
}

/// Adds a row that passed the filter (seen `times` times) to each COUNT output it counts for.
fn count_into(counts: &mut [u64], plan: &Plan, row: &[Value], times: u64) -> Result<(), SqlError> {
    for (n, out) in counts.iter_mut().zip(&plan.outputs) {
        if let Output::Count(arg) = out {
            let counted = match arg {
                None => true,
                Some(e) => !e.eval(row)?.is_null(),
            };
            // `times` comes from a chunk: a forged count must not wrap around.
            *n = n.saturating_add(if counted { times } else { 0 });
        }
    }
    Ok(())
}

fn finish(plan: &Plan, rows: Rows) -> Result<QueryResult, SqlError> {
    let out: Vec<Vec<Value>> = if matches!(plan.outputs.first(), Some(Output::Count(_))) {
        // An aggregate over no rows still gives one row of zeros.
        let counts = rows
            .counts
            .unwrap_or_else(|| alloc::vec![0; plan.outputs.len()]);
        let row = counts.into_iter().map(|n| Value::Int(n as i64)).collect();
        alloc::vec![row]
            .into_iter()
            .skip(plan.offset)
            .take(plan.limit.unwrap_or(usize::MAX))
            .collect()
    } else {
        let total = rows.total;
        let mut rows = rows.rows;
        if !plan.order.is_empty() {
            rows.sort_by(|a, b| {
                a.1.iter()
                    .zip(&b.1)
                    .zip(&plan.order)
                    .map(|((x, y), (_, desc))| {
                        let o = x.sql_cmp(y);
                        if *desc {
                            o.reverse()
                        } else {
                            o
                        }
                    })
                    .find(|o| *o != Ordering::Equal)
                    .unwrap_or(Ordering::Equal)
            });
        }
        let offset = plan.offset as u64;
        let wanted = total
            .saturating_sub(offset)
            .min(plan.limit.map_or(u64::MAX, |l| l as u64));
        if wanted > MAX_RESULT_ROWS {
            return Err(SqlError::TooManyRows(wanted));
        }
        // Expand the repeats that fall between OFFSET and OFFSET + LIMIT, and no others.
        let mut out = Vec::with_capacity(wanted as usize);
        let mut skip = offset;
        for (values, _, times) in rows {
            let left = wanted - out.len() as u64;
            if left == 0 {
                break;
            }
            let skipped = skip.min(times);
            skip -= skipped;
            let take = (times - skipped).min(left);
            out.extend(core::iter::repeat_n(values, take as usize));
        }
        out
    };
    Ok(QueryResult {
        columns: plan.columns.clone(),
        rows: out,
        affected: None,
    })
}

/// OFFSET and LIMIT (or `LIMIT offset, count`), as counts.
pub(crate) fn limits(clause: Option<&LimitClause>) -> Result<(usize, Option<usize>), SqlError> {
    Ok(match clause {
        None => (0, None),
        Some(LimitClause::LimitOffset {
            limit,
            offset,
            limit_by,
        }) if limit_by.is_empty() => (
            offset.as_ref().map_or(Ok(0), |o| count_value(&o.value))?,
            limit.as_ref().map(count_value).transpose()?,
        ),
        Some(LimitClause::OffsetCommaLimit { offset, limit }) => {
            (count_value(offset)?, Some(count_value(limit)?))
        }
        Some(other) => return unsupported(format!("{other}")),
    })
}
