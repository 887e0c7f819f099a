//! Cairn's SQL subset, in MySQL's dialect as Dolt speaks it: CREATE/ALTER/RENAME/DROP TABLE
//! (CREATE TABLE ... SELECT in `create_select.rs`), INSERT, UPDATE, DELETE, SHOW TABLES, SHOW
//! INDEX, DESCRIBE, EXPLAIN SELECT (`explain.rs`), and SELECT: over one table with key
//! lookups, ranges and paging (`select.rs`), or with joins, grouping, DISTINCT, subqueries
//! and UNION (`query.rs`); scalar functions, CASE and CAST in `functions.rs`; SET of user
//! variables, which last for the session, in `session.rs`.
//!
//! [`execute`] runs a script statement by statement against a working root value. Like a
//! MySQL client in autocommit mode: each statement that succeeds is applied to the root at
//! once; the first that fails leaves the root as it was before that statement (the ones
//! before it stay applied) and ends the script with its error. [`execute_into`] keeps the
//! results of the statements before it, for front ends that show them as the MySQL client
//! does. [`execute_in`] runs a script on [`Roots`], whose transaction (BEGIN ... COMMIT,
//! `transaction.rs`) and autocommit setting may outlast the script.

mod access;
mod aggregate;
mod alter;
pub(crate) mod constraints;
mod create_select;
mod dates;
mod ddl;
mod describe;
mod explain;
pub(crate) mod expr;
pub(crate) mod fast_insert;
mod fast_parse;
mod fast_select;
mod foreign_key;
pub mod format;
mod functions;
pub mod history;
mod information_schema;
pub(crate) mod insert;
pub(crate) mod intervals;
mod join;
mod json;
mod json_path;
mod json_table;
mod key_join;
mod math;
mod params;
pub mod procedure;
mod query;
mod random;
mod recursive;
mod regexp;
pub mod select;
pub mod session;
mod split;
mod str_to_date;
mod strings;
mod system_variables;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_dates;
#[cfg(test)]
mod tests_fast_select;
#[cfg(test)]
mod tests_foreign;
#[cfg(test)]
mod tests_index;
#[cfg(test)]
mod tests_information_schema;
#[cfg(test)]
mod tests_join_keys;
#[cfg(test)]
mod tests_json;
#[cfg(test)]
mod tests_json_table;
#[cfg(test)]
mod tests_math;
#[cfg(test)]
mod tests_procedures;
#[cfg(test)]
mod tests_query;
#[cfg(test)]
mod tests_random;
#[cfg(test)]
mod tests_regexp;
#[cfg(test)]
mod tests_schema;
#[cfg(test)]
mod tests_session;
#[cfg(test)]
mod tests_statements;
#[cfg(test)]
mod tests_strings;
#[cfg(test)]
mod tests_transactions;
#[cfg(test)]
mod tests_types;
mod tokens;
mod transaction;
mod update_delete;
mod upsert;
mod weeks;
mod window;

pub use constraints::check_parses;
pub use history::History;
pub use params::Params;
pub use session::Session;
pub use split::ends_open;
pub use transaction::{Roots, Transaction};

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::future::Future;
use core::pin::Pin;

use sqlparser::ast::{
    ObjectName, ObjectNamePart, ObjectType, Query, Statement, TableFactor, TableWithJoins,
};
use sqlparser::dialect::MySqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use crate::chunk_store::ChunkStore;
use crate::db::foreign::{self, Cause};
use crate::db::root_value::RootValue;
use crate::db::table::{Table, TableError};
use crate::db::value::Value;
use crate::io::Storage;
use crate::prolly::ProllyError;

/// What one statement returns: rows for SELECT and SHOW, a count of affected rows for writes.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    pub affected: Option<u64>,
}

impl QueryResult {
    fn affected(n: u64) -> Self {
        QueryResult {
            affected: Some(n),
            ..QueryResult::default()
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum SqlError {
    /// The parser's message.
    Syntax(String),
    /// Valid SQL that Cairn does not implement; says which part.
    Unsupported(String),
    TableNotFound(String),
    TableExists(String),
    UnknownColumn(String),
    DuplicateColumn(String),
    /// A table definition or schema change MySQL would refuse (an invalid default, a
    /// duplicate constraint name, NOT NULL without a default on rows); says what to change.
    Definition(String),
    /// An INSERT row with a different number of values than columns; `row` counts from 1.
    ValueCount {
        expected: usize,
        found: usize,
        row: usize,
    },
    /// An expression applied to values of types it does not take.
    TypeMismatch(String),
    /// A row the table refused (NULL, type, duplicate key) or could not read or write.
    Table(TableError),
    /// Bound parameters that do not fit the query's placeholders.
    Parameter(String),
    /// A result of more rows than `select::MAX_RESULT_ROWS` (repeats of a keyless row
    /// included).
    TooManyRows(u64),
    /// COMMIT of a transaction begun before another writer changed the working root; the
    /// transaction was rolled back (`transaction.rs`).
    SerializationFailure,
    /// ROLLBACK TO or RELEASE of a savepoint the open transaction does not have.
    SavepointNotFound(String),
    /// A statement that would change the database in a transaction begun READ ONLY; it
    /// changed nothing.
    ReadOnlyTransaction,
    /// A CALL of a procedure Cairn lacks, or with arguments it does not take; says which.
    Procedure(String),
    /// A database other than the store's one (and information_schema), by name (MySQL's
    /// error 1049).
    UnknownDatabase(String),
    /// SET of a system variable to a value it does not take (MySQL's error 1231).
    WrongValue {
        variable: String,
        value: String,
    },
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SqlError::Syntax(msg) => write!(f, "syntax error: {msg}"),
            SqlError::Definition(msg) | SqlError::Procedure(msg) => f.write_str(msg),
            SqlError::Parameter(msg) => write!(f, "parameters: {msg}"),
            SqlError::TooManyRows(n) => write!(
                f,
                "the result would hold {n} rows, more than {}; add a LIMIT, or count them with count(*)",
                select::MAX_RESULT_ROWS
            ),
            SqlError::Unsupported(what) => write!(f, "unsupported SQL: {what}"),
            SqlError::TableNotFound(t) => write!(f, "table not found: {t}"),
            SqlError::UnknownDatabase(db) => write!(
                f,
                "unknown database '{db}': a store holds one database (see SHOW DATABASES)"
            ),
            SqlError::TableExists(t) => write!(f, "table with name {t} already exists"),
            SqlError::UnknownColumn(c) => {
                write!(f, "column '{c}' could not be found in any table in scope")
            }
            SqlError::DuplicateColumn(c) => write!(f, "duplicate column name '{c}'"),
            SqlError::ValueCount {
                expected,
                found,
                row,
            } => write!(
                f,
                "column count doesn't match value count at row {row}: \
                 expected {expected} values, found {found}"
            ),
            SqlError::TypeMismatch(msg) => write!(f, "type mismatch: {msg}"),
            SqlError::SavepointNotFound(name) => write!(f, "SAVEPOINT {name} does not exist"),
            SqlError::WrongValue { variable, value } => {
                write!(f, "Variable '{variable}' can't be set to the value of '{value}'")
            }
            SqlError::Table(e) => e.fmt(f),
            SqlError::ReadOnlyTransaction => f.write_str(
                "Cannot execute statement in a READ ONLY transaction (COMMIT or ROLLBACK it first)",
            ),
            SqlError::SerializationFailure => f.write_str(
                "serialization failure: this transaction conflicts with a committed \
                 transaction from another client; the transaction was rolled back, run it again",
            ),
        }
    }
}

impl From<TableError> for SqlError {
    fn from(e: TableError) -> Self {
        SqlError::Table(e)
    }
}

/// A store that failed under a table's rows, as the executor reports any.
impl From<ProllyError> for SqlError {
    fn from(e: ProllyError) -> Self {
        SqlError::Table(TableError::Prolly(e))
    }
}

impl From<ParserError> for SqlError {
    fn from(e: ParserError) -> Self {
        let msg = match e {
            ParserError::TokenizerError(m) | ParserError::ParserError(m) => m,
            ParserError::RecursionLimitExceeded => "the statement is nested too deeply".into(),
        };
        SqlError::Syntax(msg)
    }
}

pub(crate) fn unsupported<T>(what: impl fmt::Display) -> Result<T, SqlError> {
    Err(SqlError::Unsupported(what.to_string()))
}

/// How deeply sqlparser may nest. Its default (50) lets `NOT NOT ... 1` overflow a 2 MiB
/// thread stack in a debug build; 24 levels is still far more than the subset needs.
pub(crate) const RECURSION_LIMIT: usize = 24;

/// Runs every statement of `sql` against `root`; see the module docs for what a failure
/// leaves behind.
pub async fn execute<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    sql: &str,
) -> Result<Vec<QueryResult>, SqlError> {
    execute_with(store, root, sql, &Params::None).await
}

/// `execute` with values for the query's `?` or `:name` placeholders.
pub async fn execute_with<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    sql: &str,
    params: &Params,
) -> Result<Vec<QueryResult>, SqlError> {
    let mut results = Vec::new();
    execute_into(store, root, sql, params, &History::default(), &mut results).await?;
    Ok(results)
}

/// `execute_with`, reading the revisions and system tables of `history` (resolved from
/// [`history::needs`]), and adding each statement's result to `results` as it succeeds: when
/// one fails, `results` holds those of the statements before it (whose changes stay
/// applied). A transaction the script leaves open ends with it, rolled back.
pub async fn execute_into<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    sql: &str,
    params: &Params,
    history: &History,
    results: &mut Vec<QueryResult>,
) -> Result<(), SqlError> {
    let mut roots = Roots::new(core::mem::take(root));
    let outcome = execute_in(store, &mut roots, sql, params, history, results).await;
    *root = roots.working;
    match outcome? {
        Some(call) => Err(SqlError::Procedure(alloc::format!(
            "{} runs on a repository's branch, which this script has none of",
            call.procedure.name()
        ))),
        None => Ok(()),
    }
}

/// Where `execute_in` stopped: at a `CALL` of a version-control procedure, which the
/// repository runs before the rest of the script.
#[derive(Debug)]
pub struct Call {
    pub procedure: procedure::Procedure,
    /// Where in the script the statements after the call start.
    pub rest: usize,
}

/// `execute_into` on `roots`: statements between BEGIN and COMMIT run on its transaction's
/// root, and a transaction open at the end of the script stays open in it.
pub async fn execute_in<S: Storage>(
    store: &mut ChunkStore<S>,
    roots: &mut Roots,
    sql: &str,
    params: &Params,
    history: &History,
    results: &mut Vec<QueryResult>,
) -> Result<Option<Call>, SqlError> {
    // Bind every statement before running any, so values that do not fit the placeholders
    // change nothing. Bound statements skip the fast paths, which read literals only.
    let pieces: Vec<Piece> = if matches!(params, Params::None) {
        split::statements(sql)
            .into_iter()
            .map(Piece::Text)
            .collect()
    } else {
        let mut binder = params::Binder::new(params);
        let bound = split::statements(sql)
            .into_iter()
            .map(|text| match procedure::parse(text)? {
                Some(_) => Err(SqlError::Procedure(
                    "a script with CALL takes no bound values: write the arguments in it".into(),
                )),
                None => binder.bind(text).map(Piece::Bound),
            })
            .collect::<Result<Vec<_>, _>>()?;
        binder.finish()?;
        bound
    };
    for piece in pieces {
        let tokens = match piece {
            Piece::Bound(tokens) => tokens,
            Piece::Text(text) => {
                if let Some(procedure) = procedure::parse(text)? {
                    let rest = text.as_ptr() as usize - sql.as_ptr() as usize + text.len();
                    return Ok(Some(Call { procedure, rest }));
                }
                if let Some(reader) = fast_insert::Reader::start(text) {
                    roots.begin_implicitly(&history.session);
                    let read_only = roots.read_only().then(|| history.session.state());
                    let root = roots.root();
                    let before = root.clone();
                    let fast = apart(insert::run_fast(store, root, reader, history));
                    if let Some(result) = fast.await {
                        let result = result?;
                        transaction::kept_read_only(read_only, &history.session, &before, root)?;
                        apart(keys_hold(store, before, root, Cause::Delete, history)).await?;
                        push(history, results, result);
                        continue;
                    }
                }
                if let Some(result) = fast_select::run(store, roots.root(), text).await {
                    // It read the root the transaction it opens begins at.
                    roots.begin_implicitly(&history.session);
                    push(history, results, result?);
                    continue;
                }
                Tokenizer::new(&MySqlDialect {}, text)
                    .tokenize_with_location()
                    .map_err(|e| SqlError::Syntax(e.to_string()))?
            }
        };
        if let Some(table) = alter::keys_switch(&tokens) {
            find_table(roots.root(), table)?;
            push(history, results, QueryResult::affected(0));
            continue;
        }
        let (statements, clock) = parse(tokens, history)?;
        for statement in statements {
            if let Some(control) = transaction::control(&statement)? {
                apart(transaction::merge_concurrent(
                    store, roots, history, &control,
                ))
                .await?;
                let result = transaction::apply(roots, &history.session, control)?;
                push(history, results, result);
                continue;
            }
            roots.begin_implicitly(&history.session);
            let read_only = roots.read_only().then(|| history.session.state());
            let root = roots.root();
            let hold = keys_to_hold(&statement, root);
            // Apart (boxed): the statement's future is tens of KiB in a debug build, and every
            // caller up to `block_on` would hold a copy of it on the stack deep parses need.
            let mut result = apart(run(store, root, history, statement)).await?;
            if let Some((cause, before)) = hold {
                transaction::kept_read_only(read_only, &history.session, &before, root)?;
                apart(keys_hold(store, before, root, cause, history)).await?;
            }
            history::name_clock_columns(&mut result.columns, &clock);
            push(history, results, result);
        }
    }
    Ok(None)
}

/// `future`, boxed behind `dyn Future` by a function never inlined: the caller's state
/// machine then holds a pointer, not the future's code. V8 compiles each wasm function the
/// first time it is called, so a statement compiles only the branches it takes; with every
/// statement kind inlined, `execute_in` was 182 KB of wasm that a page's first query compiled
/// (docs/BENCHMARKS.md, "The browser entry as one module").
#[inline(never)]
pub(crate) fn apart<'a, T>(
    future: impl Future<Output = T> + 'a,
) -> Pin<Box<dyn Future<Output = T> + 'a>> {
    Box::pin(future)
}

/// Keeps a statement's result, noting for ROW_COUNT() what it changed.
fn push(history: &History, results: &mut Vec<QueryResult>, result: QueryResult) {
    history.session.statement_done(result.affected);
    results.push(result);
}

/// One statement of a script: its text, or its tokens with the parameters bound.
enum Piece<'a> {
    Text(&'a str),
    Bound(Vec<TokenWithSpan>),
}

/// What a statement that may write makes foreign keys do (`db::foreign`), with the root
/// before it, to compare the root after it with; None for a query. Called inline where
/// statements run: a wrapping async fn would add a frame to every deep expression's stack.
fn keys_to_hold(statement: &Statement, root: &RootValue) -> Option<(Cause, RootValue)> {
    let cause = match statement {
        Statement::Query(_) | Statement::Explain { .. } | Statement::Set(_) => return None,
        Statement::Update(_) => Cause::Update,
        Statement::Insert(ins) if ins.on.is_some() && !ins.replace_into => Cause::Update,
        _ => Cause::Delete,
    };
    Some((cause, root.clone()))
}

/// `root`, changed from `before` by one statement, held to its foreign keys (unless the
/// session turned `foreign_key_checks` off); on failure it is `before` again.
async fn keys_hold<S: Storage>(
    store: &mut ChunkStore<S>,
    before: RootValue,
    root: &mut RootValue,
    cause: Cause,
    history: &History,
) -> Result<(), SqlError> {
    if !history.session.foreign_key_checks() {
        return Ok(());
    }
    if let Err(e) = foreign::enforce(store, &before, root, cause).await {
        *root = before;
        return Err(e.into());
    }
    Ok(())
}

/// The statements of one piece of a script, from its tokens: `AS OF` and the clock's calls
/// rewritten (`history.rs`), the expressions bounded; with the clock's literals written, to
/// name the result's columns as the statement wrote them.
fn parse(
    tokens: Vec<TokenWithSpan>,
    history: &History,
) -> Result<(Vec<Statement>, history::ClockCalls), SqlError> {
    let (tokens, mut clock) = history::mark_clock(tokens, history.now_ms);
    let tokens = history::mark_last_insert_id(tokens, history.session.last_insert_id(), &mut clock);
    let tokens = history::mark_versions(tokens, history, &mut clock)?;
    let tokens = session::mark_set(tokens);
    let tokens = intervals::mark(tokens, &mut clock);
    let statements = Parser::new(&MySqlDialect {})
        .with_recursion_limit(RECURSION_LIMIT)
        .with_tokens_with_locations(bounded(history::mark_as_of(tokens)?)?)
        .parse_statements()?;
    Ok((statements, clock))
}

/// Operators one expression may chain. Parsing, compiling and dropping an expression recurse
/// once per operator of a chain (`1+1+...`, `a=1 OR a=2 OR ...`), so a long enough chain
/// would overflow the stack; parentheses are bounded by `RECURSION_LIMIT` already.
const MAX_CHAIN: usize = 128;

/// The statement's tokens, refused if an expression chains more than `MAX_CHAIN` operators (a
/// comma or a parenthesis starts a new expression).
pub(crate) fn bounded(tokens: Vec<TokenWithSpan>) -> Result<Vec<TokenWithSpan>, SqlError> {
    let mut chain = 0;
    for t in &tokens {
        match &t.token {
            Token::Comma | Token::LParen | Token::RParen | Token::SemiColon => chain = 0,
            Token::Word(w) if matches!(w.keyword, Keyword::AND | Keyword::OR | Keyword::XOR) => {
                chain += 1
            }
            Token::Plus
            | Token::Minus
            | Token::Mul
            | Token::Div
            | Token::Mod
            | Token::Eq
            | Token::Neq
            | Token::Lt
            | Token::Gt
            | Token::LtEq
            | Token::GtEq
            | Token::StringConcat => chain += 1,
            _ => {}
        }
        if chain > MAX_CHAIN {
            return unsupported(alloc::format!(
                "an expression of more than {MAX_CHAIN} operators"
            ));
        }
    }
    Ok(tokens)
}

/// One page of a single SELECT (see `select::run_paged`), with `params` bound.
pub async fn query_page<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    sql: &str,
    params: &Params,
    page: &select::Page,
) -> Result<(QueryResult, Option<Vec<u8>>), SqlError> {
    let mut binder = params::Binder::new(params);
    let (mut statements, clock) = match split::statements(sql).as_slice() {
        [text] => {
            let tokens = binder.bind(text)?;
            binder.finish()?;
            parse(tokens, history)?
        }
        _ => (Vec::new(), Vec::new()),
    };
    match (statements.pop(), statements.is_empty()) {
        (Some(Statement::Query(query)), true) => {
            let (mut result, next) =
                select::run_paged(store, root, history, *query, Some(page)).await?;
            history::name_clock_columns(&mut result.columns, &clock);
            Ok((result, next))
        }
        _ => unsupported("anything but one SELECT in a streamed query"),
    }
}

async fn run<S: Storage>(
    store: &mut ChunkStore<S>,
    root: &mut RootValue,
    history: &History,
    statement: Statement,
) -> Result<QueryResult, SqlError> {
    match statement {
        Statement::CreateTable(create) if create.query.is_some() => {
            create_select::run(store, root, history, create).await
        }
        Statement::CreateTable(create) => {
            ddl::create_table(root, create, history.session.foreign_key_checks())
        }
        Statement::AlterTable(alter) => {
            alter::alter_table(store, root, alter, history.now_ms).await
        }
        Statement::RenameTable(renames) => alter::rename_tables(root, &renames),
        Statement::Drop {
            object_type,
            if_exists,
            names,
            cascade,
            restrict,
            purge,
            temporary,
            table,
        } => {
            if cascade || restrict || purge || temporary {
                return unsupported("DROP option");
            }
            match (object_type, table, names.as_slice()) {
                (ObjectType::Index, Some(table), [name]) if !if_exists => {
                    alter::drop_index(store, root, name, &table).await
                }
                (ObjectType::Index, _, _) => {
                    unsupported("DROP INDEX other than DROP INDEX name ON table")
                }
                (_, Some(_), _) => unsupported("DROP option"),
                (object_type, None, names) => ddl::drop(root, object_type, if_exists, names),
            }
        }
        Statement::CreateIndex(c) => alter::create_index(store, root, c).await,
        Statement::Insert(ins) => insert::run_statement(store, root, history, ins).await,
        Statement::Truncate(t) => update_delete::truncate(store, root, t).await,
        Statement::ExplainTable {
            hive_format: None,
            table_name,
            ..
        } => describe::describe(root, &object_name(&table_name)?, false),
        Statement::ShowColumns {
            extended: false,
            full,
            show_options,
        } => match show_options
            .show_in
            .as_ref()
            .and_then(|s| s.parent_name.as_ref())
        {
            Some(table)
                if show_options.filter_position.is_none()
                    && show_options.starts_with.is_none()
                    && show_options.limit.is_none()
                    && show_options.limit_from.is_none() =>
            {
                describe::describe(root, &object_name(table)?, full)
            }
            _ => unsupported("SHOW COLUMNS option"),
        },
        Statement::ShowCreate {
            obj_type: sqlparser::ast::ShowCreateObject::Table,
            obj_name,
        } => describe::show_create(root, &object_name(&obj_name)?),
        Statement::ShowVariable { variable } if describe::shows_index(&variable) => {
            describe::show_index(root, &variable)
        }
        Statement::ShowVariable { variable } if describe::shows_warnings(&variable) => {
            Ok(describe::show_warnings())
        }
        Statement::Update(update) => update_delete::update(store, root, history, update).await,
        Statement::Delete(delete) => update_delete::delete(store, root, history, delete).await,
        Statement::Query(query) => select::run(store, root, history, *query).await,
        Statement::Set(set) => session::set(store, root, history, set).await,
        Statement::ShowVariables { filter, global, .. } => {
            session::show_variables(&history.session, filter, global)
        }
        // Accepted so that dumps load, after checking the tables exist: a Cairn writer never
        // waits for another (a statement's change lands by compare-and-swap, and COMMIT
        // merges another writer's), so there is nothing to lock.
        Statement::LockTables { tables } => {
            for lock in &tables {
                find_table(root, &lock.table.value)?;
            }
            Ok(QueryResult::affected(0))
        }
        Statement::UnlockTables => Ok(QueryResult::affected(0)),
        statement @ Statement::Explain { .. } => {
            explain::explain(store, root, history, statement).await
        }
        Statement::ShowTables {
            terse: false,
            history: false,
            extended: false,
            full,
            external: false,
            show_options,
        } if show_options.to_string().trim().is_empty() => {
            let database = history.session.database();
            Ok(describe::show_tables(root, full, database.as_deref()))
        }
        Statement::ShowDatabases {
            terse: false,
            history: false,
            show_options,
        } if show_options.to_string().trim().is_empty() => {
            let names = [
                Some(information_schema::NAME.into()),
                history.session.database(),
            ];
            Ok(QueryResult {
                columns: alloc::vec!["Database".into()],
                rows: names
                    .into_iter()
                    .flatten()
                    .map(|n| alloc::vec![Value::Text(n)])
                    .collect(),
                affected: None,
            })
        }
        Statement::CreateDatabase {
            db_name,
            if_not_exists,
            or_replace: false,
            default_charset,
            default_collation,
            ..
        } => {
            let database = history.session.database();
            ddl::create_database(
                &object_name(&db_name)?,
                if_not_exists,
                default_charset.as_deref(),
                default_collation.as_deref(),
                database.as_deref(),
            )?;
            Ok(QueryResult::affected(0))
        }
        Statement::Use(
            sqlparser::ast::Use::Object(name)
            | sqlparser::ast::Use::Database(name)
            | sqlparser::ast::Use::Schema(name),
        ) => {
            // The store's database is the only one a statement's tables can be in.
            let db = object_name(&name)?;
            match history.session.database() {
                Some(ours) if ours == db => Ok(QueryResult::affected(0)),
                _ if db.eq_ignore_ascii_case(information_schema::NAME) => unsupported(
                    "USE information_schema: name its views whole, as information_schema.tables",
                ),
                _ => Err(SqlError::UnknownDatabase(db)),
            }
        }
        other => unsupported(statement_kind(&other)),
    }
}

/// The leading words of a statement, to name it in an error without echoing all of it.
fn statement_kind(statement: &Statement) -> String {
    let text = statement.to_string();
    let words: Vec<&str> = text.split_whitespace().take(2).collect();
    words.join(" ")
}

/// A one-part name of a table or column; `db.table` is not supported (one database per
/// store).
pub(crate) fn object_name(name: &ObjectName) -> Result<String, SqlError> {
    match name.0.as_slice() {
        [ObjectNamePart::Identifier(ident)] => Ok(ident.value.clone()),
        _ => unsupported(alloc::format!("qualified name {name}")),
    }
}

/// The table of a FROM, UPDATE or DELETE: one table by name, without joins or aliases.
pub(crate) fn plain_table(from: &TableWithJoins) -> Result<String, SqlError> {
    match &from.relation {
        TableFactor::Table {
            name,
            alias: None,
            args: None,
            with_hints,
            version: None,
            with_ordinality: false,
            partitions,
            json_path: None,
            sample: None,
            ..
        } if with_hints.is_empty() && partitions.is_empty() && from.joins.is_empty() => {
            object_name(name)
        }
        _ => unsupported(alloc::format!(
            "FROM {from} (one table by name, no joins or aliases)"
        )),
    }
}

/// Refuses the parts of a query that no statement here supports (WITH, FETCH, locking, ...).
pub(crate) fn plain_query(query: &Query) -> Result<(), SqlError> {
    if query.with.is_some() {
        return unsupported("WITH");
    }
    no_query_clauses(query)
}

/// Refuses the parts of a query that no path supports (FETCH, locking, ...): `plain_query`
/// but for WITH, which the general path reads.
pub(crate) fn no_query_clauses(query: &Query) -> Result<(), SqlError> {
    if query.fetch.is_some()
        || !query.locks.is_empty()
        || query.for_clause.is_some()
        || query.settings.is_some()
        || query.format_clause.is_some()
        || !query.pipe_operators.is_empty()
    {
        return unsupported("query clause");
    }
    Ok(())
}

/// A table of the root value by name, as a working copy, with its stored name.
pub(crate) fn open_table(root: &RootValue, name: &str) -> Result<(String, Table), SqlError> {
    let name = find_table(root, name)?;
    match root.tables.get(&name) {
        Some(t) => {
            let check = constraints::row_check(&name, &t.schema);
            Ok((name.clone(), Table::new(t).with_check(check)))
        }
        None => Err(SqlError::TableNotFound(name)),
    }
}

/// The stored name of a table, matched without regard to case as Dolt does.
pub(crate) fn find_table(root: &RootValue, name: &str) -> Result<String, SqlError> {
    if root.tables.contains_key(name) {
        return Ok(name.into());
    }
    root.tables
        .keys()
        .find(|k| k.eq_ignore_ascii_case(name))
        .cloned()
        .ok_or_else(|| SqlError::TableNotFound(name.into()))
}
