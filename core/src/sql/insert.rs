//! INSERT INTO t [(columns)] VALUES (...), ... — from sqlparser's tree or from the fast
//! parser, through one path from there on.

use alloc::string::String;
use alloc::vec::Vec;

use sqlparser::ast::{self, Insert, Query, SetExpr, TableObject};

use crate::chunk_store::ChunkStore;
use crate::db::root_value::RootValue;
use crate::db::schema::Schema;
use crate::db::table::Batch;
use crate::db::value::Value;
use crate::io::Storage;
use crate::sql::constraints::{self, store_table};
use crate::sql::expr::InSession;
use crate::sql::history::History;
use crate::sql::{
    expr, fast_insert, object_name, open_table, plain_query, unsupported, upsert, QueryResult,
    SqlError,
};

/// An INSERT whose values are known: a table, the columns given (empty: all, in table
/// order), and rows of values in that column order.
#[derive(Clone, Debug, PartialEq)]
pub struct InsertValues {
    pub table: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    /// Where a row gave `DEFAULT` (row, position among its values): the column's default,
    /// known only once the table is (its value stands NULL in `rows` until then).
    pub defaults: Vec<(usize, usize)>,
}

/// `sql` read by sqlparser alone, for comparing the fast parser with it (tests and fuzzing).
#[cfg(any(test, feature = "fuzzing"))]
pub fn parse_slow(sql: &str) -> Result<InsertValues, SqlError> {
    use sqlparser::ast::Statement;
    let mut statements =
        sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::MySqlDialect {}, sql)?;
    match statements.pop() {
        Some(Statement::Insert(ins)) if statements.is_empty() => from_ast(ins, &History::default()),
        _ => unsupported("anything but one INSERT"),
    }
}

/// `ins`'s values, computed in `history`'s statement (they may read and assign its
/// session's variables, and read its clock), as `run_statement` computes a plain INSERT's
/// (for the tests and fuzzing that compare the fast parser with it).
#[cfg(any(test, feature = "fuzzing"))]
pub fn from_ast(ins: Insert, history: &History) -> Result<InsertValues, SqlError> {
    from_ast_refusals(&ins)?;
    match shape(&ins)? {
        (table, columns, Source::Values(values)) => computed(table, columns, values, history),
        _ => unsupported("INSERT ... SELECT"),
    }
}

/// The clauses of an INSERT that no path here takes (IGNORE, REPLACE and ON DUPLICATE KEY
/// UPDATE are taken off before, by `upsert::Mode::of`).
fn from_ast_refusals(ins: &Insert) -> Result<(), SqlError> {
    let refused = [
        (ins.ignore, "INSERT IGNORE"),
        (ins.replace_into, "REPLACE"),
        (ins.priority.is_some(), "INSERT priority"),
        (ins.on.is_some(), "INSERT ... ON DUPLICATE KEY UPDATE"),
        (ins.insert_alias.is_some(), "INSERT ... AS alias"),
        (!ins.assignments.is_empty(), "INSERT ... SET"),
        (ins.partitioned.is_some(), "INSERT ... PARTITION"),
        (ins.table_alias.is_some(), "INSERT table alias"),
        (ins.returning.is_some(), "INSERT ... RETURNING"),
        (
            ins.or.is_some() || ins.overwrite || !ins.after_columns.is_empty(),
            "INSERT option",
        ),
    ];
    match refused.iter().find(|(present, _)| *present) {
        Some((_, what)) => unsupported(what),
        None => Ok(()),
    }
}

/// Where an INSERT's rows come from.
pub(crate) enum Source<'a> {
    Values(&'a ast::Values),
    /// INSERT ... SELECT.
    Query(&'a Query),
}

/// The table an INSERT names, its columns (empty: all) and where its rows come from.
fn shape(ins: &Insert) -> Result<(String, Vec<String>, Source<'_>), SqlError> {
    let TableObject::TableName(table) = &ins.table else {
        return unsupported("INSERT into a table function");
    };
    let table = object_name(table)?;
    let columns = ins
        .columns
        .iter()
        .map(object_name)
        .collect::<Result<_, _>>()?;
    let Some(query) = &ins.source else {
        return unsupported("INSERT without VALUES");
    };
    let source = match query.body.as_ref() {
        SetExpr::Values(values) => {
            plain_query(query)?;
            if query.order_by.is_some() || query.limit_clause.is_some() {
                return unsupported("ORDER BY or LIMIT in INSERT");
            }
            Source::Values(values)
        }
        _ => Source::Query(query),
    };
    Ok((table, columns, source))
}

/// An INSERT or REPLACE as every path takes it, before any value is computed (EXPLAIN stops
/// here): its mode, taken off the statement, then `shape`'s parts.
pub(crate) fn plan(
    ins: &mut Insert,
) -> Result<(upsert::Mode, String, Vec<String>, Source<'_>), SqlError> {
    let mode = upsert::Mode::of(ins)?;
    from_ast_refusals(ins)?;
    let (table, columns, source) = shape(ins)?;
    Ok((mode, table, columns, source))
}

/// The rows of an INSERT ... VALUES, computed.
fn computed(
    table: String,
    columns: Vec<String>,
    values: &ast::Values,
    history: &History,
) -> Result<InsertValues, SqlError> {
    let mut defaults = Vec::new();
    let mut rows = Vec::with_capacity(values.rows.len());
    for (r, row) in values.rows.iter().enumerate() {
        let mut out = Vec::with_capacity(row.content.len());
        for (i, e) in row.content.iter().enumerate() {
            match e {
                ast::Expr::Identifier(id)
                    if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("DEFAULT") =>
                {
                    defaults.push((r, i));
                    out.push(Value::Null);
                }
                e => {
                    let names = InSession {
                        scope: None,
                        history,
                    };
                    out.push(expr::compile_in(e, &names)?.eval(&[])?)
                }
            }
        }
        rows.push(out);
    }
    Ok(InsertValues {
        table,
        columns,
        rows,
        defaults,
    })
}

/// Any INSERT or REPLACE statement: of VALUES or of a SELECT's rows; plain, IGNORE, REPLACE
/// or ON DUPLICATE KEY UPDATE (those three in `upsert.rs`).
pub async fn run_statement<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    history: &History,
    mut ins: Insert,
) -> Result<QueryResult, SqlError> {
    let (mode, table, columns, source) = plan(&mut ins)?;
    let values = match source {
        Source::Values(values) => computed(table, columns, values, history)?,
        // The query runs first, over the root as it is before the statement, so a table may
        // be filled from itself.
        Source::Query(query) => InsertValues {
            table,
            columns,
            rows: crate::sql::select::run(store, root, history, query.clone())
                .await?
                .rows,
            defaults: Vec::new(),
        },
    };
    match mode {
        upsert::Mode::Plain => run(store, root, values, history).await,
        mode => upsert::run(store, root, values, mode, history).await,
    }
}

/// A plain INSERT of `values`, at `history`'s clock (for DEFAULT CURRENT_TIMESTAMP), setting
/// its LAST_INSERT_ID.
pub async fn run<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    values: InsertValues,
    history: &History,
) -> Result<QueryResult, SqlError> {
    let InsertValues {
        table,
        columns,
        rows,
        defaults,
    } = values;
    let mut rows = Some(rows);
    let next = |_| Ok(rows.take().unwrap_or_default());
    insert_groups(store, root, &table, &columns, &defaults, history, next).await
}

/// `run` for a bulk INSERT the fast parser reads, inserted as it is read, a group of rows at
/// a time, so its rows are never all held as values. None when the text turns out not to be
/// of the form that parser reads: nothing has changed, and sqlparser must read it.
pub async fn run_fast<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    mut reader: fast_insert::Reader<'_>,
    history: &History,
) -> Option<Result<QueryResult, SqlError>> {
    let table = core::mem::take(&mut reader.table);
    let columns = core::mem::take(&mut reader.columns);
    let mut declined = false;
    let next = |most| {
        reader.rows(most).ok_or_else(|| {
            declined = true;
            // Never seen: `declined` says what happened.
            SqlError::Syntax(String::new())
        })
    };
    let outcome = insert_groups(store, root, &table, &columns, &[], history, next).await;
    if declined {
        return None;
    }
    if outcome.is_err() {
        // A statement that does not parse fails for that, whatever its rows hold, as in
        // MySQL: read the rest.
        loop {
            match reader.rows(fast_insert::GROUP) {
                None => return None,
                Some(rows) if rows.is_empty() => break,
                Some(_) => {}
            }
        }
    }
    Some(outcome)
}

/// Inserts the rows `next(most)` gives, up to `most` at a time, until it gives none: placed
/// in the table's columns (`Placing`), numbered by AUTO_INCREMENT, checked, and written as
/// one batch at the end, so that a failure anywhere changes nothing.
async fn insert_groups<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    table: &str,
    columns: &[String],
    defaults: &[(usize, usize)],
    history: &History,
    mut next: impl FnMut(usize) -> Result<Vec<Vec<Value>>, SqlError>,
) -> Result<QueryResult, SqlError> {
    let (name, mut table) = open_table(root, table)?;
    let placing = Placing::new(table.schema(), columns, history.now_ms)?;
    let zero_numbers = history.session.zero_numbers_rows();
    let mut counter = constraints::AutoIncrement::of(table.schema(), zero_numbers);
    let mut batch = Batch::default();
    let mut read = 0;
    loop {
        let rows = next(fast_insert::GROUP)?;
        if rows.is_empty() {
            break;
        }
        let count = rows.len();
        let mut rows = placing.place(table.schema(), rows, defaults, read, history.now_ms)?;
        read += count;
        counter.fill(store, &table, &mut rows).await?;
        table.add_rows(rows, &mut batch)?;
    }
    let inserted = table.insert_batch(store, batch).await?;
    let result = store_table(store, root, name, table, QueryResult::affected(inserted)).await?;
    constraints::generated(history, counter.first);
    Ok(result)
}

/// An INSERT's rows as whole table rows: values placed in the columns named, each other
/// column's DEFAULT, or NULL, in the others (the table checks NOT NULL).
pub(crate) fn arrange(
    schema: &Schema,
    values: InsertValues,
    now_ms: Option<u64>,
) -> Result<Vec<Vec<Value>>, SqlError> {
    let placing = Placing::new(schema, &values.columns, now_ms)?;
    placing.place(schema, values.rows, &values.defaults, 0, now_ms)
}

/// Where an INSERT's values go among its table's columns, and what the others hold.
struct Placing {
    /// The column of each value given; empty: all columns, in order.
    positions: Vec<usize>,
    /// How many values a row gives.
    given: usize,
    /// A row of the columns left out, holding their defaults (read once: the clock is one
    /// instant); None when every column is given, in order.
    left_out: Option<Vec<Value>>,
}

impl Placing {
    fn new(schema: &Schema, columns: &[String], now_ms: Option<u64>) -> Result<Self, SqlError> {
        let width = schema.columns.len();
        let positions = crate::sql::ddl::column_positions(schema, columns)?;
        let in_order = positions.is_empty() || positions.iter().copied().eq(0..width);
        let given = if positions.is_empty() {
            width
        } else {
            positions.len()
        };
        let left_out = match in_order {
            true => None,
            false => Some(
                (0..width)
                    .map(|i| match positions.contains(&i) {
                        true => Ok(Value::Null),
                        false => constraints::default_of(schema, i, now_ms),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        Ok(Placing {
            positions,
            given,
            left_out,
        })
    }

    /// `rows`, the statement's rows from number `first` on (counting from 0), as whole
    /// table rows; `defaults` as `InsertValues` has them, numbered in the whole statement.
    fn place(
        &self,
        schema: &Schema,
        rows: Vec<Vec<Value>>,
        defaults: &[(usize, usize)],
        first: usize,
        now_ms: Option<u64>,
    ) -> Result<Vec<Vec<Value>>, SqlError> {
        let mut placed = Vec::with_capacity(rows.len());
        for (n, row) in rows.into_iter().enumerate() {
            if row.len() != self.given {
                return Err(SqlError::ValueCount {
                    expected: self.given,
                    found: row.len(),
                    row: first + n + 1,
                });
            }
            placed.push(match &self.left_out {
                None => row,
                Some(template) => {
                    let mut full = template.clone();
                    for (&i, v) in self.positions.iter().zip(row) {
                        full[i] = v;
                    }
                    full
                }
            });
        }
        // `DEFAULT` given: the column's default, or NULL (which an AUTO_INCREMENT column fills).
        for &(r, at) in defaults {
            let column = if self.positions.is_empty() {
                at
            } else {
                self.positions[at]
            };
            if let Some(row) = r.checked_sub(first).and_then(|r| placed.get_mut(r)) {
                row[column] = constraints::default_of(schema, column, now_ms)?;
            }
        }
        Ok(placed)
    }
}
