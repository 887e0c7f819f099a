//! INSERT IGNORE, REPLACE and INSERT ... ON DUPLICATE KEY UPDATE: inserts that meet a row
//! of the same primary key skip it, replace it, or update it, as MySQL does. Rows are taken
//! one at a time, so a later row of the statement meets an earlier one as MySQL's do.
//!
//! Affected rows count as MySQL counts them: 1 per row inserted, 2 per row replaced or
//! updated to new values, 0 for a duplicate skipped or updated to the values it had. IGNORE
//! skips duplicate keys only; a value that does not fit its column is still an error (MySQL
//! would store an adjusted value with a warning: Cairn never stores a wrong value).

use alloc::boxed::Box;
use alloc::format;
use alloc::string::ToString;
use alloc::vec::Vec;

use sqlparser::ast::{self, Insert, OnInsert};

use crate::chunk_store::ChunkStore;
use crate::db::root_value::RootValue;
use crate::db::schema::Schema;
use crate::db::table::{Span, Table};
use crate::db::value::Value;
use crate::io::Storage;
use crate::sql::constraints::{self, store_table};
use crate::sql::expr::{compile_in, BinOp, Expr, Resolve, Scope};
use crate::sql::history::History;
use crate::sql::insert::{arrange, InsertValues};
use crate::sql::session::Session;
use crate::sql::update_delete::assigned_column;
use crate::sql::{access, open_table, unsupported, QueryResult, SqlError};

/// What an INSERT does with a row whose key the table has.
pub enum Mode {
    /// Fail (a plain INSERT).
    Plain,
    Ignore,
    Replace,
    /// ON DUPLICATE KEY UPDATE's assignments, as written (compiled against the table).
    Update(Vec<ast::Assignment>),
}

impl Mode {
    /// The statement's mode, its clause taken off the statement.
    pub fn of(ins: &mut Insert) -> Result<Mode, SqlError> {
        let mode = match (ins.ignore, ins.replace_into, ins.on.take()) {
            (false, false, None) => Mode::Plain,
            (true, false, None) => Mode::Ignore,
            (false, true, None) => Mode::Replace,
            (false, false, Some(OnInsert::DuplicateKeyUpdate(sets))) => Mode::Update(sets),
            (_, _, Some(OnInsert::OnConflict(_))) => return unsupported("ON CONFLICT"),
            _ => return unsupported("INSERT IGNORE or REPLACE with ON DUPLICATE KEY UPDATE"),
        };
        ins.ignore = false;
        ins.replace_into = false;
        Ok(mode)
    }
}

/// Names in ON DUPLICATE KEY UPDATE: a column is the row the table has; `VALUES(c)` is the
/// row the statement would have inserted, which follows it.
struct UpdateNames<'a> {
    scope: Scope<'a>,
    /// The statement's: whose variables the values read and assign (`... id =
    /// LAST_INSERT_ID(id)`), and its clock.
    history: &'a History,
}

impl Resolve for UpdateNames<'_> {
    fn column(&self, parts: &[ast::Ident]) -> Result<Expr, SqlError> {
        self.scope.column(parts).map(Expr::Column)
    }

    fn function(&self, call: &ast::Function) -> Option<Result<Expr, SqlError>> {
        if !call.name.to_string().eq_ignore_ascii_case("values") {
            return None;
        }
        let column = match &call.args {
            ast::FunctionArguments::List(list) => match list.args.as_slice() {
                [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e))] => match e {
                    ast::Expr::Identifier(id) => self.scope.column(core::slice::from_ref(id)),
                    ast::Expr::CompoundIdentifier(parts) => self.scope.column(parts),
                    _ => unsupported(format!("{call}: VALUES takes a column")),
                },
                _ => unsupported(format!("{call}: VALUES takes a column")),
            },
            _ => unsupported(format!("{call}")),
        };
        Some(column.map(|i| Expr::Column(self.scope.schema.columns.len() + i)))
    }

    fn session(&self) -> Option<&Session> {
        Some(&self.history.session)
    }

    fn now_ms(&self) -> Option<u64> {
        self.history.now_ms
    }
}

pub async fn run<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    values: InsertValues,
    mode: Mode,
    history: &History,
) -> Result<QueryResult, SqlError> {
    let now_ms = history.now_ms;
    let (name, mut table) = open_table(root, &values.table)?;
    let mut rows = arrange(table.schema(), values, now_ms)?;
    let zero_numbers = history.session.zero_numbers_rows();
    let first = constraints::auto_increment(store, &table, &mut rows, zero_numbers).await?;
    let sets = match &mode {
        Mode::Update(assignments) => compile_sets(&name, table.schema(), assignments, history)?,
        _ => Vec::new(),
    };
    if table.schema().is_keyless() {
        // No key, so no duplicates: every row goes in.
        let inserted = table.insert(store, rows).await?;
        let result = store_table(store, root, name, table, QueryResult::affected(inserted)).await?;
        constraints::generated(history, first);
        return Ok(result);
    }
    let mut affected = 0u64;
    for row in rows {
        let row = table.check_row(row)?;
        let span = key_span(table.schema(), &row);
        let existing = existing_row(store, &table, &span).await?;
        let Some(old) = existing else {
            affected += table.insert(store, alloc::vec![row]).await?;
            continue;
        };
        match &mode {
            // A plain INSERT fails on the duplicate, as it always does.
            Mode::Plain => affected += table.insert(store, alloc::vec![row]).await?,
            Mode::Ignore => {}
            Mode::Replace => {
                table
                    .delete_where::<_, SqlError, _>(store, &span, |_| Ok(true))
                    .await?;
                table.insert(store, alloc::vec![row]).await?;
                affected += 2;
            }
            Mode::Update(_) => {
                // Left to right, each assignment seeing the ones before it, as MySQL does.
                let width = old.len();
                let mut both = old.clone();
                both.extend(row);
                for (i, e) in &sets {
                    both[*i] = e.eval(&both)?;
                }
                both.truncate(width);
                let set: Vec<usize> = sets.iter().map(|(i, _)| *i).collect();
                constraints::touch(table.schema(), &old, &mut both, &set, now_ms)?;
                let new = table.check_row(both)?;
                if new != old {
                    table
                        .update_where::<_, SqlError, _>(store, &span, |_| Ok(Some(new.clone())))
                        .await?;
                    affected += 2;
                }
            }
        }
    }
    let result = store_table(store, root, name, table, QueryResult::affected(affected)).await?;
    constraints::generated(history, first);
    Ok(result)
}

fn compile_sets(
    table: &str,
    schema: &Schema,
    assignments: &[ast::Assignment],
    history: &History,
) -> Result<Vec<(usize, Expr)>, SqlError> {
    let names = UpdateNames {
        scope: Scope { table, schema },
        history,
    };
    assignments
        .iter()
        .map(|a| {
            let column = assigned_column(&names.scope, a)?;
            Ok((column, compile_in(&a.value, &names)?))
        })
        .collect()
}

/// The span of the one key a row has: its primary key columns pinned to its values.
fn key_span(schema: &Schema, row: &[Value]) -> Span {
    let pins = schema.primary_key.iter().map(|&k| {
        Expr::Binary(
            BinOp::Eq,
            Box::new(Expr::Column(k)),
            Box::new(Expr::Literal(row[k].clone())),
        )
    });
    let filter = pins.reduce(|a, b| Expr::Binary(BinOp::And, Box::new(a), Box::new(b)));
    access::span(filter.as_ref(), schema)
}

async fn existing_row<S: Storage>(
    store: &ChunkStore<S>,
    table: &Table,
    span: &Span,
) -> Result<Option<Vec<Value>>, SqlError> {
    let mut found = None;
    table
        .visit::<_, SqlError, _>(store, span, |_, row, _| {
            found = Some(core::mem::take(row));
            Ok(false)
        })
        .await?;
    Ok(found)
}
