//! Column and table options enforced as rows are written: DEFAULT and AUTO_INCREMENT fill
//! an INSERT's rows, CHECK constraints judge every row a table writes, UNIQUE keys (through
//! their indexes) the table a statement leaves.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use sqlparser::ast;
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::chunk_store::ChunkStore;
use crate::db::constraints::next_auto_increment;
use crate::db::foreign::{self, Cause};
use crate::db::index::changed_rows;
use crate::db::root_value::RootValue;
use crate::db::row::RowLayout;
use crate::db::schema::Schema;
use crate::db::table::{RowCheck, Table, TableError};
use crate::db::value::{int_value, Value};
use crate::hash::Hash;
use crate::io::Storage;
use crate::sql::expr::{compile, truth, Scope};
use crate::sql::history::History;
use crate::sql::{bounded, QueryResult, SqlError, RECURSION_LIMIT};

/// A CHECK expression's SQL text as an expression: the whole text, nothing after it, with
/// the bounds every statement has (it may come from a stored schema).
pub(crate) fn parse_check(text: &str) -> Result<ast::Expr, SqlError> {
    let tokens = Tokenizer::new(&MySqlDialect {}, text)
        .tokenize_with_location()
        .map_err(|e| SqlError::Syntax(e.to_string()))?;
    let mut parser = Parser::new(&MySqlDialect {})
        .with_recursion_limit(RECURSION_LIMIT)
        .with_tokens_with_locations(bounded(tokens)?);
    let e = parser.parse_expr()?;
    if parser.peek_token().token != Token::EOF {
        return Err(SqlError::Syntax(alloc::format!(
            "a CHECK expression ends after '{e}'"
        )));
    }
    Ok(e)
}

/// Whether a stored CHECK expression reads as one (docs/FORMAT.md, "Schemas").
pub fn check_parses(text: &str) -> bool {
    parse_check(text).is_ok()
}

/// The CHECK constraints of `schema`, compiled over its columns: a row fails when one is
/// false (NULL passes, as in MySQL). A check that does not compile (possible only in a
/// forged store: CREATE and ALTER TABLE compile every one) fails each write, naming it, and
/// leaves reads alone.
pub(crate) fn row_check(table: &str, schema: &Schema) -> Option<RowCheck> {
    if schema.checks.is_empty() {
        return None;
    }
    let scope = Scope { table, schema };
    let compiled: Vec<_> = schema
        .checks
        .iter()
        .map(|c| {
            let e = parse_check(&c.expr).and_then(|e| compile(&e, Some(scope)));
            (c.name.clone(), e)
        })
        .collect();
    Some(Box::new(move |row: &[Value]| {
        for (name, e) in &compiled {
            let fails = |error: Option<String>| TableError::Check {
                name: name.clone(),
                error,
            };
            let e = e.as_ref().map_err(|e| fails(Some(e.to_string())))?;
            match e.eval(row).and_then(|v| truth(&v)) {
                Ok(Some(false)) => return Err(fails(None)),
                Ok(_) => {}
                Err(e) => return Err(fails(Some(e.to_string()))),
            }
        }
        Ok(())
    }))
}

/// Holds a merged root (`after`, changed from `before`, the side merged into) to the rules
/// neither side could check alone: its foreign keys, carrying out no action (a parent one
/// side deleted while the other added a child fails the merge), and its tables' CHECK
/// constraints on the rows the merge made. What `merge` and SQL's COMMIT both ask.
pub(crate) async fn check_merged_root<S: Storage>(
    store: &mut ChunkStore<S>,
    before: &RootValue,
    after: &mut RootValue,
) -> Result<(), TableError> {
    foreign::enforce(store, before, after, Cause::Check).await?;
    check_merged_rows(store, before, after).await
}

/// Holds the rows a merge made to their tables' CHECK constraints: each side checked its own
/// rows, but neither checked a row merged cell by cell, nor its rows against a check only the
/// other side added. A table whose schema changed has every row checked.
async fn check_merged_rows<S: Storage>(
    store: &ChunkStore<S>,
    before: &RootValue,
    after: &RootValue,
) -> Result<(), TableError> {
    for (name, table) in &after.tables {
        let Some(check) = row_check(name, &table.schema) else {
            continue;
        };
        let from = before.tables.get(name).filter(|t| t.schema == table.schema);
        let from = from.map_or(Hash::EMPTY, |t| t.rows);
        let layout = RowLayout::new(&table.schema);
        for change in changed_rows(store, &layout, from, table.rows).await? {
            if let Some((row, _)) = change.new {
                check(&row)?;
            }
        }
    }
    Ok(())
}

/// Gives each row whose AUTO_INCREMENT column is NULL (given so, or left out), or 0 where
/// `zero_numbers`, the next value, counting up from the column's greatest value: the first
/// value given, if any.
pub(crate) async fn auto_increment<S: Storage>(
    store: &ChunkStore<S>,
    table: &Table,
    rows: &mut [Vec<Value>],
    zero_numbers: bool,
) -> Result<Option<i128>, SqlError> {
    let mut counter = AutoIncrement::of(table.schema(), zero_numbers);
    counter.fill(store, table, rows).await?;
    Ok(counter.first)
}

/// A statement's AUTO_INCREMENT counter, carried from one group of its rows to the next.
pub(crate) struct AutoIncrement {
    column: Option<usize>,
    /// Whether a 0 given is numbered as NULL is, as MySQL numbers it unless `sql_mode` has
    /// NO_AUTO_VALUE_ON_ZERO.
    zero_numbers: bool,
    /// The next value, once a row has needed one (the column's greatest value read then).
    next: Option<i128>,
    /// Past the greatest value rows gave before any needed one.
    given: i128,
    /// The first value given to a row.
    pub first: Option<i128>,
}

impl AutoIncrement {
    pub(crate) fn of(schema: &Schema, zero_numbers: bool) -> Self {
        AutoIncrement {
            column: schema.columns.iter().position(|c| c.auto_increment),
            zero_numbers,
            next: None,
            given: i128::MIN,
            first: None,
        }
    }

    /// Gives `rows`, the statement's next ones, their values.
    pub(crate) async fn fill<S: Storage>(
        &mut self,
        store: &ChunkStore<S>,
        table: &Table,
        rows: &mut [Vec<Value>],
    ) -> Result<(), SqlError> {
        let Some(column) = self.column else {
            return Ok(());
        };
        let kind = &table.schema().columns[column];
        for row in rows.iter_mut() {
            let Some(v) = row.get_mut(column) else {
                continue;
            };
            // Seen as the column will hold it, so that 0.0 and 7.0 count as 0 and 7 do; a
            // value that does not fit is left for the row's check to refuse.
            if !v.is_null() && !matches!(v, Value::Int(_)) {
                if let Ok(held) = kind.coerce(v.clone()) {
                    *v = held;
                }
            }
            match v {
                Value::Null => {}
                Value::Int(0) if self.zero_numbers => {}
                // A value given moves the counter past it, as MySQL's does.
                Value::Int(n) => {
                    let past = i128::from(*n) + 1;
                    match &mut self.next {
                        Some(next) => *next = (*next).max(past),
                        None => self.given = self.given.max(past),
                    }
                    continue;
                }
                _ => continue,
            }
            let next = match self.next {
                Some(next) => next,
                None => next_auto_increment(store, table, column)
                    .await?
                    .max(self.given)
                    .max(kind.auto_increment_start.map_or(1, i128::from)),
            };
            // Past the type's range, the column's coercion refuses it.
            *v = int_value(next);
            self.first = self.first.or(Some(next));
            self.next = Some(next + 1);
        }
        Ok(())
    }
}

/// Stores a table a statement wrote back into the root, its indexes brought along, once its
/// UNIQUE keys hold.
pub(crate) async fn store_table<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    name: String,
    table: Table,
    result: QueryResult,
) -> Result<QueryResult, SqlError> {
    let stored = table.finish(store, &name).await?;
    root.tables.insert(name, stored);
    Ok(result)
}

/// An INSERT that succeeded, having generated `first` as its first AUTO_INCREMENT value
/// (None: it generated none), sets LAST_INSERT_ID to it, as MySQL does.
pub(crate) fn generated(history: &History, first: Option<i128>) {
    if let Some(n) = first.and_then(|n| u64::try_from(n).ok()) {
        history.session.set_last_insert_id(n);
    }
}

/// The value column `i` of `schema` takes where a write leaves it to its DEFAULT (`now_ms`:
/// the statement's clock, which DEFAULT CURRENT_TIMESTAMP reads).
pub(crate) fn default_of(
    schema: &Schema,
    i: usize,
    now_ms: Option<u64>,
) -> Result<Value, SqlError> {
    let column = &schema.columns[i];
    column.default_at(now_ms).ok_or_else(|| no_clock(column))
}

/// ON UPDATE CURRENT_TIMESTAMP: `new`, which an UPDATE made of `old` setting the columns
/// `set`, with the clock in each such column it did not set, if the row changed (a value
/// compared as the column stores it).
pub(crate) fn touch(
    schema: &Schema,
    old: &[Value],
    new: &mut [Value],
    set: &[usize],
    now_ms: Option<u64>,
) -> Result<(), SqlError> {
    let stamped = |i: usize| schema.columns[i].update_now && !set.contains(&i);
    if !(0..new.len()).any(stamped) {
        return Ok(());
    }
    let stored = |i: usize| schema.columns[i].coerce(new[i].clone()).ok();
    if (0..new.len()).all(|i| stored(i).as_ref() == Some(&old[i])) {
        return Ok(());
    }
    for i in (0..new.len()).filter(|&i| stamped(i)) {
        let column = &schema.columns[i];
        new[i] = now_ms
            .and_then(|now| column.clock(now))
            .ok_or_else(|| no_clock(column))?;
    }
    Ok(())
}

/// The error for a column whose value is the clock, where the caller gave none.
pub(crate) fn no_clock(column: &crate::db::schema::Column) -> SqlError {
    SqlError::Unsupported(alloc::format!(
        "column '{}' reads the clock (CURRENT_TIMESTAMP), which this caller does not give; \
         give the column a value",
        column.name
    ))
}
