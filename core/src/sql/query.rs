//! The general query path, for what the single-table path in `select.rs` does not plan:
//! joins (inner, left, right, cross, comma) with aliases, derived tables, GROUP BY with
//! aggregates and HAVING, DISTINCT, subqueries (scalar, IN, EXISTS, correlated or not) and
//! UNION [ALL].
//!
//! It runs in two steps. First every table the query's text names is read into memory
//! (asynchronously, as storage is). Then the query is compiled and run synchronously over
//! those rows, so that a correlated subquery can run again for each row of the query around
//! it. Joins (`join.rs`) are nested loops with a lookup by value for equality conditions.
//!
//! The FROM items of the top SELECT (not of a subquery, a derived table or a UNION) are the
//! exception: they are read as the query runs, by key where they can be (`key_join.rs`).
//! To know which tables anything else reads, the query is compiled once over the tables'
//! columns alone; those tables are then read whole and the query compiled again.
//!
//! Rows are laid out as the columns of the FROM tables in order, then the row of the query
//! around (for a subquery), then, in a grouped query, one slot per aggregate.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::collections::BTreeSet;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

use sqlparser::ast::{
    self, GroupByExpr, JoinConstraint, JoinOperator, OrderByKind, OrderBySort, Query, Select,
    SelectItem, SelectItemQualifiedWildcardKind, SetExpr, SetOperator, SetQuantifier, TableFactor,
};
use sqlparser::dialect::MySqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::chunk_store::ChunkStore;
use crate::db::root_value::{RootValue, TableRef};
use crate::db::table::Span;
use crate::db::table::Table;
use crate::db::value::Value;
use crate::io::Storage;
use crate::sql::aggregate::{AggFunc, Aggregate};
use crate::sql::dates::Unit;
use crate::sql::expr::{
    compare_each, compile_in, gives_json, one_family, value_key, BinOp, Correlated, Expr, KeySet,
    Resolve, SubqueryUse,
};
use crate::sql::functions::whole;
use crate::sql::history::{as_of, versioned_key, History};
use crate::sql::information_schema;
use crate::sql::join::{equi_join, join, JoinKind, Relation, Source, Stored};
use crate::sql::json_table::JsonTable;
use crate::sql::key_join::{self, leads_key, JoinStats};
use crate::sql::recursive;
use crate::sql::select::{limits, MAX_RESULT_ROWS};
use crate::sql::session::Session;
use crate::sql::tokens::blank;
use crate::sql::window::{
    append as append_windows, compare_keys, place as place_window, reads_window, Bound, Frame,
    Offset, Window, WindowFunc, UNPLACED,
};
use crate::sql::{no_query_clauses, object_name, open_table, unsupported, QueryResult, SqlError};

/// The tables a query may read, by stored name (lower case), read before it runs, and the
/// common table expressions of a WITH around.
#[derive(Clone)]
pub(crate) struct Catalog {
    pub(crate) tables: BTreeMap<String, Arc<Relation>>,
    /// The stored tables among them, opened.
    stored: BTreeMap<String, TableRef>,
    /// Those whose rows `tables` does not hold yet (only their columns).
    unread: BTreeSet<String>,
    /// The stored tables the query reads whole, found as it compiles.
    wanted: Rc<RefCell<BTreeSet<String>>>,
    /// Set for the top SELECT, whose FROM items are read as it runs: taken by the first
    /// SELECT compiled.
    keyed: Cell<bool>,
    /// The revisions whose roots the query was given (for `AS OF`).
    revisions: BTreeSet<String>,
    /// The session whose user variables the query reads and assigns.
    session: Session,
    /// The statement's clock (`History::now_ms`), which UUID() reads.
    now_ms: Option<u64>,
}

impl Catalog {
    /// Reads the rows of the `wanted` tables not read yet.
    async fn read_wanted<S: Storage>(&mut self, store: &ChunkStore<S>) -> Result<(), SqlError> {
        let mut total = 0;
        let wanted = self.wanted.borrow().clone();
        for key in wanted.intersection(&self.unread.clone()) {
            let Some(table) = self.stored.get(key) else {
                continue;
            };
            let relation = read_table(store, &Table::new(table), &Span::All, &mut total).await?;
            self.tables.insert(key.clone(), Arc::new(relation));
            self.unread.remove(key);
        }
        Ok(())
    }
}

/// Runs a query on the general path.
pub async fn run<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    query: &Query,
) -> Result<QueryResult, SqlError> {
    Ok(Box::pin(run_with(store, root, history, query, true))
        .await?
        .0)
}

/// Runs a query on the general path, its top SELECT's FROM items read by key where they can
/// be when `keys` is set (else every table is read whole first, as before), saying what the
/// join read.
pub(crate) async fn run_with<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    query: &Query,
    keys: bool,
) -> Result<(QueryResult, JoinStats), SqlError> {
    let mut stats = JoinStats::default();
    if keys {
        if let Some((mut catalog, _)) = keyed_plan(store, root, history, query).await? {
            catalog.read_wanted(store).await?;
            catalog.keyed.set(true);
            let (plan, _) = compile_query(&catalog, query, None)?;
            if let QueryPlan::Select(select) = &plan {
                let rows = Box::pin(key_join::join(
                    store,
                    &select.sources,
                    select.filter.as_ref(),
                    &mut stats,
                ))
                .await?;
                let rows = select.finish(rows, &[])?;
                let result = QueryResult {
                    columns: plan.columns().to_vec(),
                    rows,
                    affected: None,
                };
                return Ok((result, stats));
            }
        }
    }
    let catalog = load(store, root, history, &query.to_string(), true).await?;
    let (plan, _) = compile_query(&catalog, query, None)?;
    let rows = plan.run(&[])?;
    let result = QueryResult {
        columns: plan.columns().to_vec(),
        rows,
        affected: None,
    };
    Ok((result, stats))
}

/// The query compiled over its tables' columns alone, its top SELECT's FROM items to be read
/// as it runs (by key where they can be), with the catalog; None for a query that takes the
/// path reading every table it names whole first.
async fn keyed_plan<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    query: &Query,
) -> Result<Option<(Catalog, QueryPlan)>, SqlError> {
    // Not under WITH, whose tables may hide stored ones, nor a UNION, whose SELECTs run
    // synchronously as parts of one plan.
    if query.with.is_some() || !matches!(query.body.as_ref(), SetExpr::Select(_)) {
        return Ok(None);
    }
    let catalog = load(store, root, history, &query.to_string(), false).await?;
    catalog.keyed.set(true);
    // Compiled over the columns alone, a query may fail where its rows would let it run (a
    // derived table's division over no rows is fine, over some not): then it takes the path
    // that reads everything first.
    Ok(compile_query(&catalog, query, None)
        .ok()
        .map(|(plan, _)| (catalog, plan)))
}

/// How the general path reads a query's tables, for EXPLAIN, worked out as `run_with` works
/// it out, without reading rows.
pub(crate) enum Reading {
    /// The top SELECT's FROM items, read as it runs (`key_join::join`), with its WHERE; and
    /// the tables read whole before (those subqueries and derived tables read), by their
    /// catalog names (lower case; `versioned_key`'s for `AS OF`).
    Keyed {
        sources: Vec<Source>,
        filter: Option<Expr>,
        whole: Vec<String>,
    },
    /// Every stored table the query's words name (see `load`), read whole first, by their
    /// catalog names.
    Whole(Vec<String>),
}

/// How `run_with` would read the query's tables; an error where running it would fail
/// before reading any.
pub(crate) async fn reading<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    query: &Query,
) -> Result<Reading, SqlError> {
    if let Some((catalog, QueryPlan::Select(select))) =
        keyed_plan(store, root, history, query).await?
    {
        let whole = catalog.wanted.borrow().iter().cloned().collect();
        let SelectPlan {
            sources, filter, ..
        } = *select;
        return Ok(Reading::Keyed {
            sources,
            filter,
            whole,
        });
    }
    let catalog = load(store, root, history, &query.to_string(), false).await?;
    // Over the columns alone a query may fail where its rows let it run (see `keyed_plan`);
    // what its text alone makes fail, running it fails with too.
    match compile_query(&catalog, query, None) {
        Err(
            e @ (SqlError::Syntax(_)
            | SqlError::Unsupported(_)
            | SqlError::TableNotFound(_)
            | SqlError::UnknownColumn(_)
            | SqlError::DuplicateColumn(_)),
        ) => Err(e),
        _ => Ok(Reading::Whole(catalog.stored.into_keys().collect())),
    }
}

/// Compiles expressions over the rows of one table (UPDATE's and DELETE's WHERE and SET)
/// where they hold subqueries, which may read the table's row (correlated) or not.
pub async fn compile_over_table<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    table: &str,
    schema: &crate::db::schema::Schema,
    exprs: &[&ast::Expr],
) -> Result<Vec<Expr>, SqlError> {
    let text: Vec<String> = exprs.iter().map(|e| e.to_string()).collect();
    let catalog = load(store, root, history, &text.join(" "), true).await?;
    let columns = schema
        .columns
        .iter()
        .map(|c| (String::from(table), c.name.clone()))
        .collect();
    let names = Names::new(&catalog, columns, None);
    exprs.iter().map(|e| compile_in(e, &names)).collect()
}

/// Opens every table whose name appears among the words of `text`: of the working root, of
/// a revision where the name is followed by its `('rev')` (see `history::mark_as_of`), or a
/// system table of `history`; with `read`, reads the stored ones' rows too. A word that
/// names a table but is used as something else (a column, an alias) only reads a table
/// needlessly.
async fn load<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    text: &str,
    read: bool,
) -> Result<Catalog, SqlError> {
    let tokens: Vec<Token> = Tokenizer::new(&MySqlDialect {}, text)
        .tokenize()
        .map_err(|e| SqlError::Syntax(e.to_string()))?
        .into_iter()
        .filter(|t| !blank(t))
        .collect();
    let mut catalog = Catalog {
        tables: BTreeMap::new(),
        stored: BTreeMap::new(),
        unread: BTreeSet::new(),
        wanted: Rc::default(),
        keyed: Cell::new(false),
        revisions: history.roots.keys().cloned().collect(),
        session: history.session.clone(),
        now_ms: history.now_ms,
    };
    let tables = &mut catalog.tables;
    let mut open = |key: String, table: Table| {
        catalog.stored.insert(key.clone(), table.stored().clone());
        catalog.unread.insert(key);
    };
    let database = catalog.session.database();
    for (i, token) in tokens.iter().enumerate() {
        let Token::Word(w) = token else { continue };
        if let [Token::Period, Token::Word(view), ..] = &tokens[i + 1..] {
            if w.value.eq_ignore_ascii_case(information_schema::NAME) {
                let key = information_schema::key(&view.value);
                let found = information_schema::view(root, database.as_deref(), &view.value);
                if let (false, Some(view)) = (tables.contains_key(&key), found) {
                    let relation = Relation {
                        columns: view.columns,
                        rows: view.rows,
                    };
                    tables.insert(key, Arc::new(relation));
                }
                continue;
            }
        }
        if let [Token::LParen, Token::SingleQuotedString(rev), Token::RParen, ..] = &tokens[i + 1..]
        {
            // `t AS OF 'rev'` reads as `t('rev')`, as does a call such as `upper('a')`: only
            // a table there is opened, and FROM (`factor`) says what a name it lacks is.
            let key = versioned_key(&w.value, rev);
            let at = history.roots.get(rev);
            if let Some(Ok((_, table))) = at.map(|at| open_table(at, &w.value)) {
                if !tables.contains_key(&key) {
                    tables.insert(key.clone(), Arc::new(columns_of(&table)));
                    open(key, table);
                }
            }
            continue;
        }
        let key = w.value.to_ascii_lowercase();
        if tables.contains_key(&key) {
            continue;
        }
        let relation = match open_table(root, &w.value) {
            Ok((_, table)) => {
                tables.insert(key.clone(), Arc::new(columns_of(&table)));
                open(key, table);
                continue;
            }
            Err(_) => match history.tables.get(&key) {
                Some(system) => Relation {
                    columns: system.columns.clone(),
                    rows: system.rows.clone(),
                },
                None => continue,
            },
        };
        tables.insert(key, Arc::new(relation));
    }
    if read {
        *catalog.wanted.borrow_mut() = catalog.unread.clone();
        catalog.read_wanted(store).await?;
    }
    Ok(catalog)
}

/// The catalog name of a table a query names, and what its columns are qualified by: `t`;
/// `db.t` where `db` is the store's database (`database`); an information_schema view,
/// `information_schema.tables`, qualified as `tables`.
fn table_name(
    name: &ast::ObjectName,
    database: Option<&str>,
) -> Result<(String, String), SqlError> {
    let [ast::ObjectNamePart::Identifier(db), ast::ObjectNamePart::Identifier(table)] =
        name.0.as_slice()
    else {
        let table = object_name(name)?;
        return Ok((table.clone(), table));
    };
    let qualifier = table.value.clone();
    if db.value.eq_ignore_ascii_case(information_schema::NAME) {
        return Ok((information_schema::key(&table.value), qualifier));
    }
    match database {
        Some(ours) if db.value == ours => Ok((qualifier.clone(), qualifier)),
        _ => Err(SqlError::UnknownDatabase(db.value.clone())),
    }
}

/// A table's columns, without its rows.
fn columns_of(table: &Table) -> Relation {
    Relation {
        columns: table
            .schema()
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect(),
        rows: Vec::new(),
    }
}

/// The rows of a table in `span`, `total` counting the rows read so far by the query.
pub(crate) async fn read_table<S: Storage>(
    store: &ChunkStore<S>,
    table: &Table,
    span: &Span,
    total: &mut u64,
) -> Result<Relation, SqlError> {
    let Relation { columns, mut rows } = columns_of(table);
    table
        .visit(store, span, |_, row, times| {
            // A keyless row's repeat count comes from a chunk: bounded, as results are.
            *total = total.saturating_add(times);
            if *total > MAX_RESULT_ROWS {
                return Err(SqlError::TooManyRows(*total));
            }
            for _ in 1..times {
                rows.push(row.clone());
            }
            rows.push(core::mem::take(row));
            Ok(true)
        })
        .await?;
    Ok(Relation { columns, rows })
}

/// A compiled query: a SELECT, or a set operation of two.
#[derive(Debug)]
pub(crate) enum QueryPlan {
    Select(Box<SelectPlan>),
    Union {
        left: Box<QueryPlan>,
        right: Box<QueryPlan>,
        all: bool,
        columns: Vec<String>,
        /// ORDER BY over the result's columns.
        order: Vec<(Expr, bool)>,
        offset: usize,
        limit: Option<usize>,
    },
}

impl QueryPlan {
    pub(crate) fn columns(&self) -> &[String] {
        match self {
            QueryPlan::Select(s) => &s.columns,
            QueryPlan::Union { columns, .. } => columns,
        }
    }

    /// The result rows, for the row `outer` of the query around (empty at the top).
    pub(crate) fn run(&self, outer: &[Value]) -> Result<Vec<Vec<Value>>, SqlError> {
        match self {
            QueryPlan::Select(s) => s.run(outer),
            QueryPlan::Union {
                left,
                right,
                all,
                order,
                offset,
                limit,
                ..
            } => {
                let mut rows = left.run(outer)?;
                rows.extend(right.run(outer)?);
                if !*all {
                    rows = distinct(rows);
                }
                let keyed = rows
                    .into_iter()
                    .map(|r| Ok((keys(order, &r)?, r)))
                    .collect::<Result<Vec<_>, SqlError>>()?;
                Ok(sort_and_page(keyed, order, *offset, *limit))
            }
        }
    }
}

#[derive(Debug)]
pub(crate) struct SelectPlan {
    columns: Vec<String>,
    sources: Vec<Source>,
    filter: Option<Expr>,
    /// Some when the query groups: by these keys (none: one group of every row).
    group_by: Option<Vec<Expr>>,
    aggregates: Vec<Aggregate>,
    having: Option<Expr>,
    /// Computed over the rows grouping and HAVING leave; their values follow the
    /// aggregates'.
    windows: Vec<Window>,
    outputs: Vec<Expr>,
    distinct: bool,
    order: Vec<(Expr, bool)>,
    offset: usize,
    limit: Option<usize>,
    /// Columns of the FROM items together (rows of the query around follow them).
    width: usize,
}

impl SelectPlan {
    fn run(&self, outer: &[Value]) -> Result<Vec<Vec<Value>>, SqlError> {
        self.finish(join(&self.sources, outer)?, outer)
    }

    /// The result rows from the FROM items' rows joined.
    fn finish(
        &self,
        mut rows: Vec<Vec<Value>>,
        outer: &[Value],
    ) -> Result<Vec<Vec<Value>>, SqlError> {
        if let Some(filter) = &self.filter {
            let mut kept = Vec::with_capacity(rows.len());
            for row in rows {
                if filter.accepts(&row)? {
                    kept.push(row);
                }
            }
            rows = kept;
        }
        if let Some(keys) = &self.group_by {
            rows = self.group(keys, rows, outer)?;
            if let Some(having) = &self.having {
                let mut kept = Vec::with_capacity(rows.len());
                for row in rows {
                    if having.accepts(&row)? {
                        kept.push(row);
                    }
                }
                rows = kept;
            }
        }
        if !self.windows.is_empty() {
            append_windows(&self.windows, &mut rows)?;
        }
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let values = self
                .outputs
                .iter()
                .map(|e| e.eval(row))
                .collect::<Result<Vec<_>, _>>()?;
            out.push((keys(&self.order, row)?, values));
        }
        if self.distinct {
            let mut seen = alloc::collections::BTreeSet::new();
            out.retain(|(_, values)| seen.insert(group_key(values)));
        }
        Ok(sort_and_page(out, &self.order, self.offset, self.limit))
    }

    /// One row per group: the group's first row (all NULL for the one group of no rows),
    /// then each aggregate's value.
    fn group(
        &self,
        keys: &[Expr],
        rows: Vec<Vec<Value>>,
        outer: &[Value],
    ) -> Result<Vec<Vec<Value>>, SqlError> {
        let mut order: Vec<String> = Vec::new();
        let mut groups: BTreeMap<String, (Vec<Value>, Vec<crate::sql::aggregate::State>)> =
            BTreeMap::new();
        for row in rows {
            let key_values = keys
                .iter()
                .map(|k| k.eval(&row))
                .collect::<Result<Vec<_>, _>>()?;
            let key = group_key(&key_values);
            let entry = match groups.get_mut(&key) {
                Some(e) => e,
                None => {
                    order.push(key.clone());
                    let states = self.aggregates.iter().map(Aggregate::start).collect();
                    groups.entry(key).or_insert((row.clone(), states))
                }
            };
            for (agg, state) in self.aggregates.iter().zip(entry.1.iter_mut()) {
                agg.add(state, &row)?;
            }
        }
        if keys.is_empty() && groups.is_empty() {
            // Aggregates over no rows still give one row (COUNT 0, the others NULL).
            let mut row = alloc::vec![Value::Null; self.width];
            row.extend_from_slice(outer);
            let states = self.aggregates.iter().map(Aggregate::start).collect();
            order.push(String::new());
            groups.insert(String::new(), (row, states));
        }
        let mut out = Vec::with_capacity(groups.len());
        for key in order {
            let Some((mut row, states)) = groups.remove(&key) else {
                continue;
            };
            for (agg, state) in self.aggregates.iter().zip(states) {
                row.push(agg.finish(state)?);
            }
            out.push(row);
        }
        Ok(out)
    }
}

/// Groups treat NULLs as one value, unlike joins.
pub(crate) fn group_key(values: &[Value]) -> String {
    let mut key = String::new();
    for v in values {
        key.push_str(&value_key(v).unwrap_or_else(|| "null".into()));
        key.push('\u{0}');
    }
    key
}

/// The rows without repeats (the first of each kept), rows being alike when their group
/// keys are: NULLs alike, values alike when SQL calls them equal.
fn distinct(rows: Vec<Vec<Value>>) -> Vec<Vec<Value>> {
    let mut seen = alloc::collections::BTreeSet::new();
    rows.into_iter()
        .filter(|row| seen.insert(group_key(row)))
        .collect()
}

fn keys(order: &[(Expr, bool)], row: &[Value]) -> Result<Vec<Value>, SqlError> {
    order.iter().map(|(e, _)| e.eval(row)).collect()
}

fn sort_and_page(
    mut rows: Vec<(Vec<Value>, Vec<Value>)>,
    order: &[(Expr, bool)],
    offset: usize,
    limit: Option<usize>,
) -> Vec<Vec<Value>> {
    if !order.is_empty() {
        // Stable, so rows that tie keep their order.
        rows.sort_by(|a, b| compare_keys(&a.0, &b.0, order.iter().map(|(_, d)| *d)));
    }
    rows.into_iter()
        .skip(offset)
        .take(limit.unwrap_or(usize::MAX))
        .map(|(_, values)| values)
        .collect()
}

/// The names a query's expressions may use: the columns of its FROM items (each with the
/// name or alias it is known by), then those of the queries around it.
pub(crate) struct Names<'a> {
    catalog: &'a Catalog,
    columns: Vec<(String, String)>,
    /// Columns a USING or NATURAL join merged into their namesake of the other side: only
    /// their table's name finds them.
    hidden: Vec<usize>,
    outer: Option<&'a Names<'a>>,
    /// Set when a name resolved to a column of a query around: the query is correlated.
    used_outer: Cell<bool>,
    /// The aggregates found so far; their slots follow the row of the query around.
    aggregates: RefCell<Vec<Aggregate>>,
    /// Whether an aggregate may appear in the expression being compiled (not in WHERE, not
    /// inside another aggregate).
    aggregates_allowed: Cell<bool>,
    /// Result columns by alias, which GROUP BY, HAVING and ORDER BY may name, each with
    /// whether it holds an aggregate.
    aliases: RefCell<Vec<(String, Expr, bool)>>,
    /// The window functions found so far (see `window::UNPLACED`).
    windows: RefCell<Vec<Window>>,
    /// Whether a window function may appear in the expression being compiled (the select
    /// list and ORDER BY only).
    windows_allowed: Cell<bool>,
    /// The SELECT's `WINDOW name AS (...)` definitions.
    named_windows: &'a [ast::NamedWindowDefinition],
}

/// An aggregate's arguments, its ORDER BY keys (each maybe descending) and its separator.
type AggregateParts = (Vec<Expr>, Vec<(Expr, bool)>, Option<String>);

impl Names<'_> {
    /// Columns of this query and every query around it.
    fn total_width(&self) -> usize {
        self.columns.len() + self.outer.map_or(0, Names::total_width)
    }

    fn find(&self, parts: &[ast::Ident]) -> Result<Option<usize>, SqlError> {
        let matches: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .filter(|(i, (table, column))| match parts {
                [c] => column.eq_ignore_ascii_case(&c.value) && !self.hidden.contains(i),
                [t, c] => {
                    table.eq_ignore_ascii_case(&t.value) && column.eq_ignore_ascii_case(&c.value)
                }
                _ => false,
            })
            .map(|(i, _)| i)
            .collect();
        match matches.as_slice() {
            [] => Ok(None),
            [i] => Ok(Some(*i)),
            _ => Err(SqlError::Unsupported(format!(
                "column '{}' is ambiguous: name its table",
                join_idents(parts)
            ))),
        }
    }
}

fn join_idents(parts: &[ast::Ident]) -> String {
    parts
        .iter()
        .map(|p| p.value.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

impl Resolve for Names<'_> {
    fn column(&self, parts: &[ast::Ident]) -> Result<Expr, SqlError> {
        if let Some(i) = self.find(parts)? {
            return Ok(Expr::Column(i));
        }
        if let [name] = parts {
            let aliases = self.aliases.borrow();
            if let Some((_, e, aggregated)) = aliases
                .iter()
                .find(|(a, _, _)| a.eq_ignore_ascii_case(&name.value))
            {
                // Where aggregates are not allowed (GROUP BY), an aggregate's alias is not.
                if *aggregated && !self.aggregates_allowed.get() {
                    return cannot_group(&ast::Expr::Identifier(name.clone()));
                }
                return Ok(e.clone());
            }
        }
        let mut offset = self.columns.len();
        let mut outer = self.outer;
        let mut passed: Vec<&Names<'_>> = Vec::new();
        while let Some(names) = outer {
            if let Some(i) = names.find(parts)? {
                // This query, and every one between it and the one named, reads the row of
                // a query around: each is correlated.
                self.used_outer.set(true);
                passed.iter().for_each(|n| n.used_outer.set(true));
                return Ok(Expr::Column(offset + i));
            }
            passed.push(names);
            offset += names.columns.len();
            outer = names.outer;
        }
        Err(SqlError::UnknownColumn(join_idents(parts)))
    }

    fn function(&self, call: &ast::Function) -> Option<Result<Expr, SqlError>> {
        if call.over.is_some() {
            return Some(self.window_call(call));
        }
        let name = call.name.to_string();
        if !crate::sql::aggregate::is_aggregate(&name) {
            return None;
        }
        Some(self.aggregate_call(call, &name))
    }

    fn session(&self) -> Option<&Session> {
        Some(&self.catalog.session)
    }

    fn now_ms(&self) -> Option<u64> {
        self.catalog.now_ms
    }

    fn subquery(&self, query: &Query, using: SubqueryUse) -> Result<Expr, SqlError> {
        let (plan, correlated) = compile_query(self.catalog, query, Some(self))?;
        if plan.columns().len() != 1 && !matches!(using, SubqueryUse::Exists(_)) {
            return Err(SqlError::Unsupported(format!(
                "a subquery of {} columns where one is wanted",
                plan.columns().len()
            )));
        }
        let sub = Subquery {
            plan,
            using,
            outer_width: self.total_width(),
        };
        if correlated {
            return Ok(Expr::Subquery(Arc::new(sub)));
        }
        // Not correlated: its value is the same for every row, so it is computed once here
        // (its rows still have the place of the row around, which it does not read).
        let rows = sub.plan.run(&alloc::vec![Value::Null; sub.outer_width])?;
        Ok(match sub.using {
            SubqueryUse::In(lhs, negated) => {
                let values: Vec<Value> = rows
                    .into_iter()
                    .map(|r| r.into_iter().next().unwrap_or(Value::Null))
                    .collect();
                // A long list of one family is looked up by key, not compared item by item.
                match (values.len() > 8, one_family(values.iter())) {
                    (true, Some(_)) => Expr::InSet(lhs, Arc::new(KeySet::new(values)), negated),
                    _ => Expr::InList(
                        lhs,
                        values.into_iter().map(Expr::Literal).collect(),
                        negated,
                    ),
                }
            }
            // The comparisons read the row around: kept with the values, made once.
            SubqueryUse::Compare(lhs, op, all) => Expr::Subquery(Arc::new(Quantified {
                lhs: *lhs,
                op,
                all,
                values: rows
                    .into_iter()
                    .map(|r| r.into_iter().next().unwrap_or(Value::Null))
                    .collect(),
            })),
            using => Expr::Literal(answer(&using, rows, &[])?),
        })
    }
}

/// `lhs op ANY|ALL` over the values of a subquery that does not read the row around.
#[derive(Debug)]
struct Quantified {
    lhs: Expr,
    op: BinOp,
    all: bool,
    values: Vec<Value>,
}

impl Correlated for Quantified {
    fn eval(&self, row: &[Value]) -> Result<Value, SqlError> {
        compare_each(
            &self.lhs.eval(row)?,
            self.op,
            self.all,
            self.values.iter().cloned(),
        )
    }
}

/// A correlated subquery: its plan, run for each row of the query around.
struct Subquery {
    plan: QueryPlan,
    using: SubqueryUse,
    outer_width: usize,
}

impl Names<'_> {
    fn aggregate_call(&self, call: &ast::Function, name: &str) -> Result<Expr, SqlError> {
        if !self.aggregates_allowed.get() {
            return unsupported(format!("aggregate {call} here"));
        }
        let plain = call.filter.is_none()
            && call.over.is_none()
            && call.within_group.is_empty()
            && call.null_treatment.is_none()
            && matches!(call.parameters, ast::FunctionArguments::None);
        let ast::FunctionArguments::List(list) = &call.args else {
            return unsupported(format!("{call}"));
        };
        if !plain {
            return unsupported(format!("{call}"));
        }
        let distinct = match list.duplicate_treatment {
            None | Some(ast::DuplicateTreatment::All) => false,
            Some(ast::DuplicateTreatment::Distinct) => true,
        };
        let star = matches!(
            list.args.as_slice(),
            [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Wildcard)]
        );
        // `*` counts rows; no other aggregate takes it.
        let func = match AggFunc::named(name, star) {
            Some(AggFunc::CountStar) if distinct => None,
            Some(f) if star && f != AggFunc::CountStar => None,
            f => f,
        };
        let Some(func) = func else {
            return unsupported(format!("{call}"));
        };
        let mut args = Vec::new();
        if !star {
            for a in &list.args {
                let ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) = a else {
                    return unsupported(format!("{call}"));
                };
                args.push(e);
            }
        }
        let count_fits = match func {
            AggFunc::CountStar => args.is_empty(),
            // COUNT(DISTINCT a, b): rows of distinct non-NULL (a, b).
            AggFunc::Count if distinct => !args.is_empty(),
            AggFunc::GroupConcat => !args.is_empty(),
            AggFunc::JsonObjectAgg => args.len() == 2,
            _ => args.len() == 1,
        };
        if !count_fits {
            return unsupported(format!("{call}"));
        }
        // The arguments read source rows: no aggregate inside an aggregate.
        self.aggregates_allowed.set(false);
        let compiled = self.aggregate_parts(call, func, &args, &list.clauses);
        self.aggregates_allowed.set(true);
        let (mut exprs, order, separator) = compiled?;
        let mut agg = Aggregate::new(func, None, distinct);
        if !exprs.is_empty() {
            agg.arg = Some(exprs.remove(0));
        }
        agg.more = exprs;
        agg.order = order;
        if let Some(separator) = separator {
            agg.separator = separator;
        }
        agg.json = args.last().is_some_and(|e| gives_json(e));
        let mut found = self.aggregates.borrow_mut();
        found.push(agg);
        Ok(Expr::Column(self.total_width() + found.len() - 1))
    }

    /// An aggregate's arguments compiled, with GROUP_CONCAT's ORDER BY and SEPARATOR.
    fn aggregate_parts(
        &self,
        call: &ast::Function,
        func: AggFunc,
        args: &[&ast::Expr],
        clauses: &[ast::FunctionArgumentClause],
    ) -> Result<AggregateParts, SqlError> {
        let exprs = args
            .iter()
            .map(|e| compile_in(e, self))
            .collect::<Result<Vec<_>, _>>()?;
        let mut order = Vec::new();
        let mut separator = None;
        for clause in clauses {
            match clause {
                ast::FunctionArgumentClause::OrderBy(items) if func == AggFunc::GroupConcat => {
                    for item in items {
                        order.push((compile_in(&item.expr, self)?, descending(item)?));
                    }
                }
                ast::FunctionArgumentClause::Separator(v) if func == AggFunc::GroupConcat => {
                    match &v.value {
                        ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => {
                            separator = Some(s.clone())
                        }
                        _ => return unsupported(format!("{call}: SEPARATOR takes a string")),
                    }
                }
                _ => return unsupported(format!("{call}")),
            }
        }
        Ok((exprs, order, separator))
    }

    /// `f(...) OVER (...)`: a window function, read from a slot placed later.
    fn window_call(&self, call: &ast::Function) -> Result<Expr, SqlError> {
        if !self.windows_allowed.get() {
            return unsupported(format!(
                "window function {call} here (only in the select list and ORDER BY)"
            ));
        }
        let spec = match &call.over {
            Some(ast::WindowType::WindowSpec(spec)) => self.window_spec(spec, 0)?,
            Some(ast::WindowType::NamedWindow(name)) => self.named_window(name, 0)?,
            None => return unsupported(format!("{call}")),
        };
        let spec = &spec;
        let plain = call.filter.is_none()
            && call.within_group.is_empty()
            && call.null_treatment.is_none()
            && matches!(call.parameters, ast::FunctionArguments::None);
        let args = match &call.args {
            ast::FunctionArguments::None => &[][..],
            ast::FunctionArguments::List(list)
                if plain && list.clauses.is_empty() && list.duplicate_treatment.is_none() =>
            {
                list.args.as_slice()
            }
            _ => return unsupported(format!("{call}")),
        };
        // No window inside a window; aggregates are read as the select list reads them.
        self.windows_allowed.set(false);
        let compiled = self.window_parts(call, args, spec);
        self.windows_allowed.set(true);
        let window = compiled?;
        let mut found = self.windows.borrow_mut();
        found.push(window);
        Ok(Expr::Column(UNPLACED + found.len() - 1))
    }

    /// A window as written, `OVER (w ORDER BY ...)` taking the named window `w` and adding
    /// to it as MySQL allows: an ORDER BY where `w` has none, a frame where `w` has none,
    /// never a PARTITION BY. `depth` bounds a chain of names (a cycle is refused).
    fn window_spec(
        &self,
        spec: &ast::WindowSpec,
        depth: usize,
    ) -> Result<ast::WindowSpec, SqlError> {
        let Some(name) = &spec.window_name else {
            return Ok(spec.clone());
        };
        let base = self.named_window(name, depth)?;
        // MySQL's words (an OVER's own window has no name).
        let refused = |why: String| Err(SqlError::Unsupported(why));
        if !spec.partition_by.is_empty() {
            return refused("a window which depends on another cannot define partitioning".into());
        }
        if !spec.order_by.is_empty() && !base.order_by.is_empty() {
            return refused(format!(
                "a window cannot inherit '{name}' since both contain an ORDER BY clause"
            ));
        }
        if base.window_frame.is_some() {
            return refused(format!(
                "window '{name}' has a frame definition, so cannot be referenced by another window"
            ));
        }
        Ok(ast::WindowSpec {
            window_name: None,
            partition_by: base.partition_by,
            order_by: match spec.order_by.is_empty() {
                true => base.order_by,
                false => spec.order_by.clone(),
            },
            window_frame: spec.window_frame.clone(),
        })
    }

    /// The window `WINDOW name AS (...)` defines, its own references followed.
    fn named_window(&self, name: &ast::Ident, depth: usize) -> Result<ast::WindowSpec, SqlError> {
        let defined = self
            .named_windows
            .iter()
            .find(|ast::NamedWindowDefinition(n, _)| n.value.eq_ignore_ascii_case(&name.value));
        let Some(ast::NamedWindowDefinition(_, expr)) = defined else {
            return Err(SqlError::Unsupported(format!(
                "window name '{name}' is not defined"
            )));
        };
        if depth > self.named_windows.len() {
            return Err(SqlError::Unsupported(
                "there is a circularity in the window dependency graph".into(),
            ));
        }
        match expr {
            ast::NamedWindowExpr::NamedWindow(other) => self.named_window(other, depth + 1),
            ast::NamedWindowExpr::WindowSpec(spec) => self.window_spec(spec, depth + 1),
        }
    }

    fn window_parts(
        &self,
        call: &ast::Function,
        args: &[ast::FunctionArg],
        spec: &ast::WindowSpec,
    ) -> Result<Window, SqlError> {
        let mut exprs = Vec::with_capacity(args.len());
        let mut star = false;
        for arg in args {
            match arg {
                ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => {
                    exprs.push(compile_in(e, self)?)
                }
                ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Wildcard) if args.len() == 1 => {
                    star = true
                }
                _ => return unsupported(format!("{call}")),
            }
        }
        // A constant argument: a count of rows or buckets.
        let count = |e: Option<&Expr>, least: i64| -> Result<Option<u64>, SqlError> {
            match e {
                None => Ok(None),
                Some(Expr::Literal(Value::Int(n))) if *n >= least => Ok(Some(*n as u64)),
                Some(_) => unsupported(format!(
                    "{call}: its count must be an integer literal of at least {least}"
                )),
            }
        };
        let name = call.name.to_string().to_ascii_lowercase();
        let mut exprs = exprs.into_iter();
        let (func, arg) = match (name.as_str(), exprs.len()) {
            ("row_number", 0) => (WindowFunc::RowNumber, None),
            ("rank", 0) => (WindowFunc::Rank, None),
            ("dense_rank", 0) => (WindowFunc::DenseRank, None),
            ("ntile", 1) => {
                let n = count(exprs.next().as_ref(), 1)?.unwrap_or(1);
                (WindowFunc::Ntile(n), None)
            }
            ("lag" | "lead", 1..=3) => {
                let arg = exprs.next();
                let offset = count(exprs.next().as_ref(), 0)?.unwrap_or(1);
                let shift = WindowFunc::Shift {
                    back: name == "lag",
                    offset: usize::try_from(offset).unwrap_or(usize::MAX),
                    default: exprs.next(),
                };
                (shift, arg)
            }
            ("first_value", 1) => (WindowFunc::FirstValue, exprs.next()),
            ("last_value", 1) => (WindowFunc::LastValue, exprs.next()),
            ("nth_value", 2) => {
                let arg = exprs.next();
                let n = count(exprs.next().as_ref(), 1)?.unwrap_or(1);
                (
                    WindowFunc::NthValue(usize::try_from(n).unwrap_or(usize::MAX)),
                    arg,
                )
            }
            (_, n) if n <= 1 && !(star && name != "count") => {
                let Some(func) = crate::sql::aggregate::AggFunc::named(&name, star) else {
                    return unsupported(format!("window function {call}"));
                };
                let agg = Aggregate::new(func, exprs.next(), false);
                (WindowFunc::Aggregate(agg), None)
            }
            _ => return unsupported(format!("window function {call}")),
        };
        let partition = spec
            .partition_by
            .iter()
            .map(|e| compile_in(e, self))
            .collect::<Result<Vec<_>, _>>()?;
        let order = spec
            .order_by
            .iter()
            .map(|item| Ok((compile_in(&item.expr, self)?, descending(item)?)))
            .collect::<Result<Vec<_>, SqlError>>()?;
        let frame = match &spec.window_frame {
            None => Frame::DEFAULT,
            Some(frame) => self.frame(frame, order.len())?,
        };
        Ok(Window {
            func,
            arg,
            partition,
            order,
            frame,
        })
    }

    /// A window's `ROWS` or `RANGE` frame; its offsets are constants.
    fn frame(&self, frame: &ast::WindowFrame, keys: usize) -> Result<Frame, SqlError> {
        let rows = match frame.units {
            ast::WindowFrameUnits::Rows => true,
            ast::WindowFrameUnits::Range => false,
            // MySQL parses GROUPS but refuses it, in these words.
            ast::WindowFrameUnits::Groups => {
                return unsupported("this version of MySQL doesn't yet support 'GROUPS'")
            }
        };
        let bound = |b: &ast::WindowFrameBound| -> Result<Bound, SqlError> {
            let constant = |e: &ast::Expr| match compile_in(e, self)? {
                Expr::Literal(v) => Ok(v),
                _ => unsupported(format!("window frame offset {e}: it must be a constant")),
            };
            let offset = |e: &ast::Expr| match e {
                ast::Expr::Interval(i) => {
                    let (unit, amount) = Unit::of_interval(i)?;
                    Ok(Offset::Interval(
                        whole(&constant(amount)?, "INTERVAL")?,
                        unit,
                    ))
                }
                e => constant(e).map(Offset::Value),
            };
            Ok(match b {
                ast::WindowFrameBound::CurrentRow => Bound::CurrentRow,
                ast::WindowFrameBound::Preceding(None) => Bound::UnboundedPreceding,
                ast::WindowFrameBound::Following(None) => Bound::UnboundedFollowing,
                ast::WindowFrameBound::Preceding(Some(e)) => Bound::Preceding(offset(e)?),
                ast::WindowFrameBound::Following(Some(e)) => Bound::Following(offset(e)?),
            })
        };
        let start = bound(&frame.start_bound)?;
        let end = match &frame.end_bound {
            Some(b) => bound(b)?,
            None => Bound::CurrentRow,
        };
        Frame::new(rows, start, end, keys)
    }
}

impl core::fmt::Debug for Subquery {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Subquery({:?})", self.using)
    }
}

impl Correlated for Subquery {
    fn eval(&self, row: &[Value]) -> Result<Value, SqlError> {
        let outer = row.get(..self.outer_width).unwrap_or(row);
        let rows = self.plan.run(outer)?;
        answer(&self.using, rows, row)
    }
}

/// A subquery's rows as the value its use makes of them; `row` is the row `IN`'s left side
/// reads.
fn answer(using: &SubqueryUse, rows: Vec<Vec<Value>>, row: &[Value]) -> Result<Value, SqlError> {
    Ok(match using {
        SubqueryUse::Scalar => match rows.len() {
            0 => Value::Null,
            1 => rows.into_iter().flatten().next().unwrap_or(Value::Null),
            _ => return unsupported("a subquery returning more than 1 row as a value"),
        },
        SubqueryUse::Exists(negated) => Value::Bool(rows.is_empty() == *negated),
        SubqueryUse::In(lhs, negated) => {
            let list = rows
                .into_iter()
                .map(|r| Expr::Literal(r.into_iter().next().unwrap_or(Value::Null)))
                .collect();
            Expr::InList(Box::new(Expr::Literal(lhs.eval(row)?)), list, *negated).eval(&[])?
        }
        SubqueryUse::Compare(lhs, op, all) => {
            let values = rows
                .into_iter()
                .map(|r| r.into_iter().next().unwrap_or(Value::Null));
            compare_each(&lhs.eval(row)?, *op, *all, values)?
        }
    })
}

impl<'a> Names<'a> {
    fn new(
        catalog: &'a Catalog,
        columns: Vec<(String, String)>,
        outer: Option<&'a Names<'a>>,
    ) -> Self {
        Names {
            catalog,
            columns,
            hidden: Vec::new(),
            outer,
            used_outer: Cell::new(false),
            aggregates: RefCell::new(Vec::new()),
            aggregates_allowed: Cell::new(false),
            aliases: RefCell::new(Vec::new()),
            windows: RefCell::new(Vec::new()),
            windows_allowed: Cell::new(false),
            named_windows: &[],
        }
    }
}

/// Compiles a query; also answers whether it reads the row of a query around it.
fn compile_query(
    catalog: &Catalog,
    query: &Query,
    outer: Option<&Names<'_>>,
) -> Result<(QueryPlan, bool), SqlError> {
    no_query_clauses(query)?;
    let with_ctes;
    let catalog = match &query.with {
        Some(with) => {
            with_ctes = common_tables(catalog, with, outer)?;
            &with_ctes
        }
        None => catalog,
    };
    let (offset, limit) = limits(query.limit_clause.as_ref())?;
    let order = match &query.order_by {
        None => &[][..],
        Some(o) => match &o.kind {
            OrderByKind::Expressions(items) if o.interpolate.is_none() => items.as_slice(),
            _ => return unsupported(format!("{o}")),
        },
    };
    match query.body.as_ref() {
        SetExpr::Select(select) => {
            let (plan, correlated) = compile_select(catalog, select, order, outer)?;
            let mut plan = plan;
            plan.offset = offset;
            plan.limit = limit;
            Ok((QueryPlan::Select(Box::new(plan)), correlated))
        }
        body => {
            let (mut plan, correlated) = compile_set(catalog, body, outer)?;
            if order.is_empty() && offset == 0 && limit.is_none() {
                return Ok((plan, correlated));
            }
            let QueryPlan::Union {
                columns,
                order: plan_order,
                offset: plan_offset,
                limit: plan_limit,
                ..
            } = &mut plan
            else {
                return unsupported("ORDER BY or LIMIT around a parenthesized query");
            };
            // ORDER BY of a UNION names the result's columns, by name or position.
            let names = Names::new(
                catalog,
                columns.iter().map(|c| (String::new(), c.clone())).collect(),
                None,
            );
            *plan_order = order
                .iter()
                .map(|item| {
                    let desc = descending(item)?;
                    let e = match position(&item.expr, columns.len())? {
                        Some(i) => Expr::Column(i),
                        None => compile_in(&item.expr, &names)?,
                    };
                    Ok((e, desc))
                })
                .collect::<Result<_, SqlError>>()?;
            *plan_offset = offset;
            *plan_limit = limit;
            Ok((plan, correlated))
        }
    }
}

/// The catalog with WITH's common tables, each computed once, in order, so each may read
/// those before it; a common table hides a stored table of its name, as in MySQL.
fn common_tables(
    catalog: &Catalog,
    with: &ast::With,
    outer: Option<&Names<'_>>,
) -> Result<Catalog, SqlError> {
    let mut catalog = catalog.clone();
    for cte in &with.cte_tables {
        if cte.from.is_some() || cte.materialized.is_some() {
            return unsupported(format!("WITH option in {}", cte.alias));
        }
        let name = cte.alias.name.value.to_ascii_lowercase();
        if with.recursive && recursive::reads(&cte.query, &name) {
            let relation = recursive::run(&catalog, cte, &name, outer)?;
            catalog.tables.insert(name, relation);
            continue;
        }
        let (plan, correlated) = compile_query(&catalog, &cte.query, outer)?;
        if correlated {
            return unsupported("a WITH table that reads the row of a query around it");
        }
        let relation = Relation {
            columns: plan.columns().to_vec(),
            rows: plan.run(&[])?,
        };
        let relation = match cte.alias.columns.is_empty() {
            true => Arc::new(relation),
            false => renamed(&relation, &cte.alias)?,
        };
        catalog.tables.insert(name, relation);
    }
    Ok(catalog)
}

/// The SELECTs of a UNION (or of a recursive WITH table) give as many columns.
pub(crate) fn same_width(left: usize, right: usize) -> Result<(), SqlError> {
    if left != right {
        return Err(SqlError::Unsupported(format!(
            "the SELECTs of a UNION have {left} and {right} columns; they must have as many"
        )));
    }
    Ok(())
}

/// The operands of a set operation: SELECTs, parenthesized queries, or set operations.
pub(crate) fn compile_set(
    catalog: &Catalog,
    body: &SetExpr,
    outer: Option<&Names<'_>>,
) -> Result<(QueryPlan, bool), SqlError> {
    match body {
        SetExpr::Select(select) => {
            let (plan, correlated) = compile_select(catalog, select, &[], outer)?;
            Ok((QueryPlan::Select(Box::new(plan)), correlated))
        }
        SetExpr::Query(query) => compile_query(catalog, query, outer),
        SetExpr::SetOperation {
            left,
            op: SetOperator::Union,
            set_quantifier,
            right,
        } => {
            let all = match set_quantifier {
                SetQuantifier::All => true,
                SetQuantifier::None | SetQuantifier::Distinct => false,
                other => return unsupported(format!("UNION {other}")),
            };
            let (left, l) = compile_set(catalog, left, outer)?;
            let (right, r) = compile_set(catalog, right, outer)?;
            same_width(left.columns().len(), right.columns().len())?;
            Ok((
                QueryPlan::Union {
                    columns: left.columns().to_vec(),
                    left: Box::new(left),
                    right: Box::new(right),
                    all,
                    order: Vec::new(),
                    offset: 0,
                    limit: None,
                },
                l || r,
            ))
        }
        other => unsupported(format!("query {other}")),
    }
}

/// One FROM item, compiled.
struct Item {
    relation: Arc<Relation>,
    /// The name its columns are qualified by.
    qualifier: String,
    /// For a stored table of the top SELECT, the table to read as the query runs.
    stored: Option<TableRef>,
    /// A JSON_TABLE that reads the items before it.
    lateral: Option<JsonTable>,
}

impl Item {
    fn new(relation: Arc<Relation>, qualifier: String, stored: Option<TableRef>) -> Item {
        Item {
            relation,
            qualifier,
            stored,
            lateral: None,
        }
    }
}

/// One FROM item as a relation; a stored table, unless of the top SELECT (`keyed`), is one
/// the query reads whole. A JSON_TABLE may read `before`, the columns of the items before it,
/// and the query around (`outer`): then `reads_outer` is set.
fn factor(
    catalog: &Catalog,
    factor: &TableFactor,
    keyed: bool,
    before: &[(String, String)],
    outer: Option<&Names<'_>>,
    reads_outer: &Cell<bool>,
) -> Result<Item, SqlError> {
    match factor {
        TableFactor::Table {
            name,
            alias,
            args,
            with_hints,
            version: None,
            with_ordinality: false,
            partitions,
            json_path: None,
            sample: None,
            ..
        } if with_hints.is_empty() && partitions.is_empty() => {
            let (table, qualifier) = table_name(name, catalog.session.database().as_deref())?;
            let key = match as_of(args.as_ref())? {
                Some(rev) => versioned_key(&table, rev),
                None => table.to_ascii_lowercase(),
            };
            let relation =
                catalog
                    .tables
                    .get(&key)
                    .cloned()
                    .ok_or_else(|| match as_of(args.as_ref()) {
                        Ok(Some(rev)) if !catalog.revisions.contains(rev) => {
                            SqlError::Unsupported(format!(
                                "AS OF '{rev}' here (it reads a database's history, which this \
                             query runs without)"
                            ))
                        }
                        Ok(Some(rev)) => SqlError::TableNotFound(format!("{table} as of '{rev}'")),
                        _ => SqlError::TableNotFound(table.clone()),
                    })?;
            let relation = match alias {
                Some(a) if !a.columns.is_empty() => renamed(&relation, a)?,
                _ => relation,
            };
            let stored = catalog.stored.get(&key).cloned();
            if stored.is_some() && !keyed {
                catalog.wanted.borrow_mut().insert(key);
            }
            let qualifier = alias.as_ref().map_or(qualifier, |a| a.name.value.clone());
            Ok(Item::new(relation, qualifier, stored.filter(|_| keyed)))
        }
        TableFactor::Derived {
            lateral: false,
            subquery,
            alias: Some(alias),
            sample: None,
        } => {
            // A derived table cannot read the query around it (that takes LATERAL), so it is
            // computed once, here.
            let (plan, _) = compile_query(catalog, subquery, None)?;
            let relation = Arc::new(Relation {
                columns: plan.columns().to_vec(),
                rows: plan.run(&[])?,
            });
            let relation = match alias.columns.is_empty() {
                true => relation,
                false => renamed(&relation, alias)?,
            };
            Ok(Item::new(relation, alias.name.value.clone(), None))
        }
        TableFactor::Derived { alias: None, .. } => {
            unsupported("a derived table without an alias (MySQL requires one)")
        }
        TableFactor::JsonTable {
            json_expr,
            json_path,
            columns,
            alias,
        } => {
            let qualifier = match alias {
                Some(a) if a.columns.is_empty() => a.name.value.clone(),
                Some(_) => return unsupported("column names after a JSON_TABLE's alias"),
                None => return unsupported("JSON_TABLE without an alias (MySQL requires one)"),
            };
            // The document is compiled in a scope of no columns of its own around the row
            // before it, so `used_outer` tells whether it reads a row, itself or in a subquery
            // (the compiled expression cannot tell: a correlated subquery and RAND() are both
            // `Expr::Subquery`). A document that reads no row is read once, here; else the
            // table's rows are made for each row before it (and of the query around) as the
            // query runs.
            let row = Names::new(catalog, before.to_vec(), outer);
            let names = Names::new(catalog, Vec::new(), Some(&row));
            let doc = compile_in(json_expr, &names)?;
            let table = JsonTable::compile(doc, json_path, columns)?;
            if !names.used_outer.get() {
                let relation = Relation {
                    rows: table.rows(&[])?,
                    columns: table.columns,
                };
                return Ok(Item::new(Arc::new(relation), qualifier, None));
            }
            reads_outer.set(reads_outer.get() || row.used_outer.get());
            let relation = Relation {
                columns: table.columns.clone(),
                rows: Vec::new(),
            };
            Ok(Item {
                lateral: Some(table),
                ..Item::new(Arc::new(relation), qualifier, None)
            })
        }
        other => unsupported(format!("FROM {other}")),
    }
}

/// A relation with the column names of `t AS a (c1, c2, ...)`.
pub(crate) fn renamed(
    relation: &Relation,
    alias: &ast::TableAlias,
) -> Result<Arc<Relation>, SqlError> {
    if alias.columns.len() != relation.columns.len() {
        return unsupported(format!(
            "{} column names for {} columns",
            alias.columns.len(),
            relation.columns.len()
        ));
    }
    Ok(Arc::new(Relation {
        columns: alias.columns.iter().map(|c| c.name.value.clone()).collect(),
        rows: relation.rows.clone(),
    }))
}

fn compile_select(
    catalog: &Catalog,
    select: &Select,
    order: &[ast::OrderByExpr],
    outer: Option<&Names<'_>>,
) -> Result<(SelectPlan, bool), SqlError> {
    crate::sql::select::check_clauses(select)?;
    let distinct = match &select.distinct {
        None | Some(ast::Distinct::All) => false,
        Some(ast::Distinct::Distinct) => true,
        Some(other) => return unsupported(format!("{other}")),
    };
    let keyed = catalog.keyed.replace(false);
    // FROM: each item joins those before it; a comma is a join with no condition.
    let mut sources = Vec::new();
    let mut columns: Vec<(String, String)> = Vec::new();
    // The columns USING and NATURAL joins merged away (`Names::hidden`), and the others in
    // the order `*` gives them: as SQL defines a join's columns, each merged pair once, first,
    // then the left side's others, then the right side's.
    let mut hidden: Vec<usize> = Vec::new();
    let mut star: Vec<usize> = Vec::new();
    let reads_outer = Cell::new(false);
    let mut add = |item: Item,
                   join: JoinKind,
                   constraint: Option<&JoinConstraint>,
                   columns: &mut Vec<(String, String)>|
     -> Result<(), SqlError> {
        let Item {
            relation,
            qualifier,
            stored: table,
            lateral,
        } = item;
        if lateral.is_some() && join == JoinKind::Right {
            return unsupported(format!(
                "RIGHT JOIN of JSON_TABLE {qualifier}, which reads the tables before it: use \
                 JOIN or LEFT JOIN (MySQL refuses it too)"
            ));
        }
        let before = columns.len();
        columns.extend(
            relation
                .columns
                .iter()
                .map(|c| (qualifier.clone(), c.clone())),
        );
        let mut names = Names::new(catalog, columns.clone(), outer);
        names.hidden = hidden.clone();
        let width = relation.columns.len();
        // The names a USING join lists, or all those both sides have for a NATURAL one.
        let merged: Option<Vec<String>> = match constraint {
            None | Some(JoinConstraint::None) | Some(JoinConstraint::On(_)) => None,
            Some(JoinConstraint::Using(cols)) => {
                Some(cols.iter().map(object_name).collect::<Result<_, _>>()?)
            }
            Some(JoinConstraint::Natural) => Some(
                relation
                    .columns
                    .iter()
                    .filter(|c| star.iter().any(|&i| columns[i].1.eq_ignore_ascii_case(c)))
                    .cloned()
                    .collect(),
            ),
            Some(JoinConstraint::UsingAlias(..)) => return unsupported("USING (...) AS alias"),
        };
        let on = match (constraint, &merged) {
            (Some(JoinConstraint::On(e)), _) => Some(compile_in(e, &names)?),
            (_, None) => None,
            (_, Some(merged)) => {
                let mut left = Names::new(catalog, columns[..before].to_vec(), None);
                left.hidden = hidden.clone();
                let mut on: Option<Expr> = None;
                let mut pairs = Vec::new();
                for name in merged {
                    let l = left
                        .find(&[ast::Ident::new(name)])?
                        .ok_or_else(|| SqlError::UnknownColumn(name.clone()))?;
                    let r = relation
                        .columns
                        .iter()
                        .position(|x| x.eq_ignore_ascii_case(name))
                        .ok_or_else(|| SqlError::UnknownColumn(name.clone()))?;
                    let eq = Expr::Binary(
                        BinOp::Eq,
                        Box::new(Expr::Column(l)),
                        Box::new(Expr::Column(before + r)),
                    );
                    on = Some(match on {
                        None => eq,
                        Some(prev) => Expr::Binary(BinOp::And, Box::new(prev), Box::new(eq)),
                    });
                    pairs.push((l, before + r));
                }
                // The side whose rows a join keeps whole gives the merged column its value
                // (an INNER join's two are equal).
                pairs.sort_by_key(|&(l, _)| star.iter().position(|&i| i == l));
                let kept: Vec<usize> = pairs
                    .iter()
                    .map(|&(l, r)| if join == JoinKind::Right { r } else { l })
                    .collect();
                hidden.extend(
                    pairs
                        .iter()
                        .map(|&(l, r)| if join == JoinKind::Right { l } else { r }),
                );
                let merged_away = |i: &usize| pairs.iter().any(|&(l, r)| *i == l || *i == r);
                let others = star.iter().copied().chain(before..before + width);
                star = kept
                    .iter()
                    .copied()
                    .chain(others.filter(|i| !merged_away(i)))
                    .collect();
                on
            }
        };
        if merged.is_none() {
            star.extend(before..before + width);
        }
        if names.used_outer.get() {
            return unsupported("a join condition that reads the query around");
        }
        let equi = on
            .as_ref()
            .and_then(|e| equi_join(e, before, width, &|_| true));
        // A RIGHT join keeps every row of the item, so reads it whole.
        let stored = table.map(|table| Stored {
            lookup: on
                .as_ref()
                .filter(|_| join != JoinKind::Right)
                .and_then(|e| {
                    let opened = Table::new(&table);
                    equi_join(e, before, width, &|c| leads_key(&opened, c))
                }),
            table,
        });
        sources.push(Source {
            relation,
            join,
            on,
            equi,
            stored,
            lateral,
        });
        Ok(())
    };
    for from in &select.from {
        let item = factor(
            catalog,
            &from.relation,
            keyed,
            &columns,
            outer,
            &reads_outer,
        )?;
        add(item, JoinKind::Inner, None, &mut columns)?;
        for join in &from.joins {
            if join.global {
                return unsupported("GLOBAL JOIN");
            }
            let item = factor(
                catalog,
                &join.relation,
                keyed,
                &columns,
                outer,
                &reads_outer,
            )?;
            let (kind, constraint) = match &join.join_operator {
                JoinOperator::Join(c) | JoinOperator::Inner(c) | JoinOperator::CrossJoin(c) => {
                    (JoinKind::Inner, c)
                }
                JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (JoinKind::Left, c),
                JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (JoinKind::Right, c),
                JoinOperator::StraightJoin(c) => (JoinKind::Inner, c),
                JoinOperator::FullOuter(_) => return unsupported("FULL JOIN"),
                _ => return unsupported("this kind of JOIN"),
            };
            add(item, kind, Some(constraint), &mut columns)?;
        }
    }
    let width = columns.len();
    let mut names = Names::new(catalog, columns, outer);
    names.hidden = hidden;
    names.named_windows = &select.named_window;
    let filter = select
        .selection
        .as_ref()
        .map(|e| compile_in(e, &names))
        .transpose()?;
    // An item joined by a comma (or a JOIN without ON) takes its equality from the WHERE,
    // which every row the query gives meets: it is looked up by key as an ON would have it.
    if let Some(filter) = &filter {
        let mut before = 0;
        for source in sources.iter_mut() {
            let width = source.relation.columns.len();
            if before > 0 && source.join == JoinKind::Inner && source.on.is_none() {
                source.equi = equi_join(filter, before, width, &|_| true);
                if let Some(stored) = &mut source.stored {
                    let opened = Table::new(&stored.table);
                    stored.lookup = equi_join(filter, before, width, &|c| leads_key(&opened, c));
                }
            }
            before += width;
        }
    }

    // The result columns; aggregates found here get slots of the grouped row, windows
    // theirs after those.
    names.aggregates_allowed.set(true);
    names.windows_allowed.set(true);
    let mut headers = Vec::new();
    let mut outputs = Vec::new();
    // Whether each output holds an aggregate, which GROUP BY cannot name.
    let mut has_aggregate = Vec::new();
    for item in &select.projection {
        let (expr, alias) = match item {
            SelectItem::Wildcard(opts) if opts.to_string().is_empty() => {
                if width == 0 {
                    return unsupported("SELECT * without FROM");
                }
                for &i in &star {
                    headers.push(names.columns[i].1.clone());
                    outputs.push(Expr::Column(i));
                    has_aggregate.push(false);
                }
                continue;
            }
            SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(t), opts)
                if opts.to_string().is_empty() =>
            {
                let t = object_name(t)?;
                let before = outputs.len();
                for (i, (q, c)) in names.columns.iter().enumerate() {
                    if q.eq_ignore_ascii_case(&t) {
                        headers.push(c.clone());
                        outputs.push(Expr::Column(i));
                        has_aggregate.push(false);
                    }
                }
                if outputs.len() == before {
                    return Err(SqlError::TableNotFound(t));
                }
                continue;
            }
            SelectItem::UnnamedExpr(e) => (e, None),
            SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.value.clone())),
            other => return unsupported(format!("select item {other}")),
        };
        let aggregates_before = names.aggregates.borrow().len();
        let compiled = compile_in(expr, &names)?;
        let aggregated = names.aggregates.borrow().len() > aggregates_before;
        if let Some(a) = &alias {
            names
                .aliases
                .borrow_mut()
                .push((a.clone(), compiled.clone(), aggregated));
        }
        has_aggregate.push(aggregated);
        headers.push(alias.unwrap_or_else(|| crate::sql::select::header(expr)));
        outputs.push(compiled);
    }

    names.windows_allowed.set(false);
    let group_by = match &select.group_by {
        GroupByExpr::Expressions(exprs, modifiers) if modifiers.is_empty() => {
            names.aggregates_allowed.set(false);
            let keys = exprs
                .iter()
                .map(|e| match position(e, outputs.len())? {
                    Some(i) if has_aggregate[i] => cannot_group(e),
                    Some(i) => Ok(outputs[i].clone()),
                    None => compile_in(e, &names),
                })
                .collect::<Result<Vec<_>, _>>()?;
            names.aggregates_allowed.set(true);
            keys
        }
        other => return unsupported(format!("{other}")),
    };
    let having = select
        .having
        .as_ref()
        .map(|e| compile_in(e, &names))
        .transpose()?;
    names.windows_allowed.set(true);
    let mut order = order
        .iter()
        .map(|item| {
            let desc = descending(item)?;
            let e = match position(&item.expr, outputs.len())? {
                Some(i) => outputs[i].clone(),
                None => match &item.expr {
                    // A result alias first, as MySQL resolves ORDER BY names.
                    ast::Expr::Identifier(id) => {
                        let alias = names
                            .aliases
                            .borrow()
                            .iter()
                            .find(|(a, _, _)| a.eq_ignore_ascii_case(&id.value))
                            .map(|(_, e, _)| e.clone());
                        match alias {
                            Some(e) => e,
                            None => compile_in(&item.expr, &names)?,
                        }
                    }
                    e => compile_in(e, &names)?,
                },
            };
            Ok((e, desc))
        })
        .collect::<Result<Vec<_>, SqlError>>()?;
    let aggregates = names.aggregates.take();
    let windows = names.windows.take();
    // GROUP BY and HAVING may name a result's alias, but not a window's.
    if group_by.iter().chain(&having).any(reads_window) {
        return unsupported("a window function in GROUP BY or HAVING");
    }
    let first_window = names.total_width() + aggregates.len();
    for e in outputs.iter_mut().chain(order.iter_mut().map(|(e, _)| e)) {
        place_window(e, first_window);
    }
    let grouped = !group_by.is_empty() || !aggregates.is_empty();
    if having.is_some() && !grouped {
        return unsupported("HAVING without GROUP BY or an aggregate");
    }
    let correlated = names.used_outer.get() || reads_outer.get();
    Ok((
        SelectPlan {
            columns: headers,
            sources,
            filter,
            group_by: grouped.then_some(group_by),
            aggregates,
            having,
            windows,
            outputs,
            distinct,
            order,
            offset: 0,
            limit: None,
            width,
        },
        correlated,
    ))
}

/// GROUP BY naming an aggregate, which MySQL refuses too.
fn cannot_group<T>(e: &ast::Expr) -> Result<T, SqlError> {
    unsupported(format!(
        "GROUP BY {e}: a query cannot group on an aggregate"
    ))
}

/// A result column number (`ORDER BY 2`, `GROUP BY 1`), counted from 0.
fn position(e: &ast::Expr, outputs: usize) -> Result<Option<usize>, SqlError> {
    let ast::Expr::Value(v) = e else {
        return Ok(None);
    };
    let ast::Value::Number(n, _) = &v.value else {
        return Ok(None);
    };
    match n.parse::<usize>() {
        Ok(i) if (1..=outputs).contains(&i) => Ok(Some(i - 1)),
        _ => Err(SqlError::UnknownColumn(n.clone())),
    }
}

pub(crate) fn descending(item: &ast::OrderByExpr) -> Result<bool, SqlError> {
    match (
        &item.options.sort,
        item.options.nulls_first,
        &item.with_fill,
    ) {
        (None | Some(OrderBySort::Asc), None, None) => Ok(false),
        (Some(OrderBySort::Desc), None, None) => Ok(true),
        _ => unsupported(format!("ORDER BY {item}")),
    }
}
