//! What a session keeps from one statement to the next, as a MySQL connection does: user
//! variables (`SET @v = expr`, `@v := expr`, read as `@v`), LAST_INSERT_ID and autocommit
//! (`SET autocommit`, read as `@@autocommit`; the transaction it opens is the `Repo`'s). The
//! session is a `Repo` (a `cairn sql` process or shell, a JS `Repo`); it hands its
//! [`Session`] to each script through `History`, so every front end has them without code of
//! its own.
//!
//! A statement reads a variable once, when it is compiled (as LAST_INSERT_ID() is read once
//! per statement); assignments inside expressions (`@v := expr`, `LAST_INSERT_ID(expr)`)
//! write as each row is evaluated, so the last row's value stays. Compiled expressions are
//! `Send + Sync`, hence a lock rather than a `Cell`.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use sqlparser::ast::{self, Expr as AstExpr, ObjectName, ObjectNamePart, SelectItem, SetExpr};
use sqlparser::dialect::MySqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::chunk_store::ChunkStore;
use crate::db::root_value::RootValue;
use crate::db::value::Value;
use crate::io::Storage;
use crate::sql::functions::{cast, CastTo};
use crate::sql::history::History;
use crate::sql::system_variables;
use crate::sql::tokens::solid;
use crate::sql::{unsupported, QueryResult, SqlError};

/// The session's values.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionState {
    /// LAST_INSERT_ID(): the first value AUTO_INCREMENT gave in the session's last INSERT
    /// that gave one, or the last LAST_INSERT_ID(expr) gave (0: none yet).
    pub last_insert_id: u64,
    /// User variables by lower-case name (MySQL's are case-insensitive), without the `@`.
    pub variables: BTreeMap<String, Value>,
    /// MySQL's `autocommit` (`SET autocommit`, read as `@@autocommit`): when false, a
    /// statement outside a transaction opens one (`transaction.rs`).
    pub autocommit: bool,
    /// The other system variables the session set, by lower-case name
    /// (`system_variables.rs`); those it did not set have their defaults.
    pub system: BTreeMap<String, Value>,
    /// ROW_COUNT(): the rows the last statement changed, -1 after a query.
    pub row_count: i64,
    /// CONNECTION_ID(): the session's number, counted from 1 in a process.
    pub connection_id: u64,
    /// DATABASE(): the name of the store's one database, which the front end gives (the
    /// folder's name, as Dolt names a database); None: unnamed, and DATABASE() is NULL.
    pub database: Option<String>,
}

/// The last session's number.
static SESSIONS: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);

impl Default for SessionState {
    fn default() -> Self {
        SessionState {
            last_insert_id: 0,
            variables: BTreeMap::new(),
            autocommit: true,
            system: BTreeMap::new(),
            row_count: 0,
            connection_id: SESSIONS.fetch_add(1, core::sync::atomic::Ordering::Relaxed) + 1,
            database: None,
        }
    }
}

/// A session's values, shared by the statements (and the expressions) that read and write
/// them.
#[derive(Clone, Debug, Default)]
pub struct Session(Arc<spin::Mutex<SessionState>>);

/// Two handles are equal when they are of the same session.
impl PartialEq for Session {
    fn eq(&self, other: &Session) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// What an expression assigns as it runs.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// `@name := expr`, the name in lower case.
    Variable(String),
    /// `LAST_INSERT_ID(expr)`.
    LastInsertId,
}

impl Session {
    /// A copy of the values, to put back with `restore` (a script that runs again after a
    /// concurrent change starts from the values it started from).
    pub fn state(&self) -> SessionState {
        self.0.lock().clone()
    }

    pub fn restore(&self, state: SessionState) {
        *self.0.lock() = state;
    }

    pub fn last_insert_id(&self) -> u64 {
        self.0.lock().last_insert_id
    }

    pub(crate) fn set_last_insert_id(&self, n: u64) {
        self.0.lock().last_insert_id = n;
    }

    /// Notes what a statement did, for ROW_COUNT(): the rows it changed (`affected`), or
    /// none for a query.
    pub(crate) fn statement_done(&self, affected: Option<u64>) {
        self.0.lock().row_count = affected.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
    }

    pub(crate) fn row_count(&self) -> i64 {
        self.0.lock().row_count
    }

    pub(crate) fn connection_id(&self) -> u64 {
        self.0.lock().connection_id
    }

    pub fn database(&self) -> Option<String> {
        self.0.lock().database.clone()
    }

    pub fn set_database(&self, name: Option<String>) {
        self.0.lock().database = name;
    }

    pub fn autocommit(&self) -> bool {
        self.0.lock().autocommit
    }

    pub(crate) fn set_autocommit(&self, on: bool) {
        self.0.lock().autocommit = on;
    }

    /// The value of the system variable `parts` names (`@@name`, `@@session.name`,
    /// `@@local.name`; `@@global.name` is its default, as Cairn has no server), as 0 or 1 for
    /// a switch; None if `parts` names no system variable.
    pub(crate) fn system_variable(&self, parts: &[ast::Ident]) -> Option<Result<Value, SqlError>> {
        let name = system_variable_name(parts)?;
        let (global, name) = match name.strip_prefix("@@global.") {
            Some(name) => (true, name),
            None => (false, name.as_str()),
        };
        Some(
            match name {
                "autocommit" if global => Ok(Value::Int(1)),
                _ if global => system_variables::default(name).ok_or(()),
                _ => self.system_value(name).ok_or(()),
            }
            .or_else(|()| {
                let written: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
                unsupported(alloc::format!(
                    "system variable {}: Cairn knows @@{}",
                    written.join("."),
                    system_variables::names().join(", @@")
                ))
            }),
        )
    }

    /// The session's value of the system variable `name` (lower case); None if Cairn has no
    /// such variable.
    pub(crate) fn system_value(&self, name: &str) -> Option<Value> {
        if name == "autocommit" {
            return Some(Value::Int(i64::from(self.autocommit())));
        }
        let set = self.0.lock().system.get(name).cloned();
        set.or_else(|| system_variables::default(name))
    }

    /// Whether statements are held to foreign keys (`foreign_key_checks`, on by default).
    pub(crate) fn foreign_key_checks(&self) -> bool {
        self.system_value("foreign_key_checks") != Some(Value::Int(0))
    }

    /// Whether an AUTO_INCREMENT column given 0 numbers the row, as MySQL's does unless
    /// `sql_mode` has NO_AUTO_VALUE_ON_ZERO (which a dump's header sets, to keep its zeros).
    pub(crate) fn zero_numbers_rows(&self) -> bool {
        match self.system_value("sql_mode") {
            Some(Value::Text(modes)) => !modes.split(',').any(|m| m == "NO_AUTO_VALUE_ON_ZERO"),
            _ => true,
        }
    }

    /// A user variable's value, NULL if it was never set, as in MySQL.
    pub(crate) fn variable(&self, name: &str) -> Value {
        let lock = self.0.lock();
        lock.variables.get(name).cloned().unwrap_or(Value::Null)
    }

    /// Assigns `v`, answering what the assigning expression gives.
    pub(crate) fn assign(&self, target: &Target, v: Value) -> Result<Value, SqlError> {
        match target {
            Target::Variable(name) => {
                let v = storable(v);
                self.0.lock().variables.insert(name.clone(), v.clone());
                Ok(v)
            }
            // As MySQL's: an unsigned integer; NULL gives NULL and leaves 0.
            Target::LastInsertId => {
                let n = cast(v, CastTo::Unsigned)?;
                let stored = match &n {
                    Value::Int(i) => u64::try_from(*i).unwrap_or(0),
                    Value::Decimal(d) => d.to_string().parse().unwrap_or(0),
                    _ => 0,
                };
                self.set_last_insert_id(stored);
                Ok(n)
            }
        }
    }
}

/// The lower-case name of the system variable `parts` reads: `name` for the session's
/// (`@@name`, `@@session.name`, `@@local.name`), `@@global.name` for a global one; None if
/// `parts` is not written `@@...`.
pub(crate) fn system_variable_name(parts: &[ast::Ident]) -> Option<String> {
    let first = parts.first()?;
    let rest = first.value.strip_prefix("@@")?;
    if first.quote_style.is_some() {
        return None;
    }
    let lower = |i: &ast::Ident| i.value.to_lowercase();
    Some(match (rest.to_lowercase().as_str(), parts) {
        ("session" | "local", [_, name]) => lower(name),
        ("global", [_, name]) => alloc::format!("@@global.{}", lower(name)),
        (name, [_]) => name.into(),
        _ => parts.iter().map(lower).collect::<Vec<_>>().join("."),
    })
}

/// A value as a user variable holds it: MySQL keeps integers, decimals, doubles, strings,
/// binary strings and NULL, and turns a date or time into its text and a boolean into 0 or 1.
fn storable(v: Value) -> Value {
    match v {
        Value::Temporal(t) => Value::Text(t.to_string()),
        Value::Bool(b) => Value::Int(i64::from(b)),
        other => other,
    }
}

/// The lower-case name of a user variable written `@name`; None for anything else (a
/// column, a system variable `@@name`).
pub(crate) fn variable_name(ident: &ast::Ident) -> Option<String> {
    let name = ident.value.strip_prefix('@')?;
    (ident.quote_style.is_none() && !name.is_empty() && !name.starts_with('@'))
        .then(|| name.to_lowercase())
}

/// `tokens` with `SET v := expr` written `SET v = expr`, which is what MySQL means by it for
/// any variable (`@v`, `autocommit`, `SESSION autocommit`, `@@session.autocommit`) and what
/// sqlparser parses (it reads `:=` there as an operator of the value). Each assignment's
/// first `=` or `:=` is the one that assigns; a later `:=` is the value's (`SET @a := @b :=
/// 1` sets both).
pub(crate) fn mark_set(mut tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let words: Vec<usize> = solid(&tokens).collect();
    let is_set = words
        .first()
        .is_some_and(|&i| matches!(&tokens[i].token, Token::Word(w) if w.keyword == Keyword::SET));
    if !is_set {
        return tokens;
    }
    let mut depth = 0usize;
    let mut assigned = false;
    for &at in &words[1..] {
        match tokens[at].token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Comma if depth == 0 => assigned = false,
            Token::Eq | Token::Assignment if depth == 0 && !assigned => {
                tokens[at].token = Token::Eq;
                assigned = true;
            }
            _ => {}
        }
    }
    tokens
}

/// `SET @v = expr [, name = value ...]`: user variables, and the system variables of
/// `system_variables.rs` (`name`, `@@name`, `SESSION name`, `@@session.name`); `SET NAMES`.
/// Each value is computed as `SELECT expr` would compute it (subqueries included; a bare word
/// is a string, as MySQL reads it for a system variable) and assigned in turn, so a later
/// one reads an earlier one. Every name is checked before anything is assigned.
pub(crate) async fn set<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    set: ast::Set,
) -> Result<QueryResult, SqlError> {
    let assignments = match set {
        ast::Set::SingleAssignment {
            scope,
            hivevar: false,
            variable,
            mut values,
        } => match (values.pop(), values.is_empty()) {
            (Some(value), true) => vec![(scope, variable, value)],
            _ => {
                return Err(SqlError::Syntax(
                    "Operand should contain 1 column(s)".into(),
                ))
            }
        },
        ast::Set::MultipleAssignments { assignments } => assignments
            .into_iter()
            .map(|a| (a.scope, a.name, a.value))
            .collect(),
        ast::Set::SetNames {
            charset_name,
            collation_name,
        } => return set_names(&history.session, &charset_name.value, collation_name),
        ast::Set::SetNamesDefault {} => return set_names(&history.session, "DEFAULT", None),
        ast::Set::SetTransaction {
            modes,
            snapshot: None,
            session: _,
        } => return set_isolation(&history.session, &modes),
        other => return unsupported(alloc::format!("{other}")),
    };
    let mut targets = Vec::with_capacity(assignments.len());
    for (scope, name, value) in assignments {
        targets.push((target(scope, &name)?, value));
    }
    // As in MySQL, a SET that fails changes no variable.
    let before = history.session.state();
    let assigned = assign(store, root, history, targets).await;
    if assigned.is_err() {
        history.session.restore(before);
    }
    assigned.map(|()| QueryResult::affected(0))
}

/// Assigns each of `targets` its value, in turn.
async fn assign<S: Storage>(
    store: &ChunkStore<S>,
    root: &RootValue,
    history: &History,
    targets: Vec<(Assigned, AstExpr)>,
) -> Result<(), SqlError> {
    for (target, value) in targets {
        let value = match (&target, value) {
            (Assigned::System(_), AstExpr::Identifier(word)) if !word.value.starts_with('@') => {
                Value::Text(word.value)
            }
            (_, value) => {
                let rows = crate::sql::select::run(store, root, history, select_of(value)?)
                    .await?
                    .rows;
                let value = rows.into_iter().next().and_then(|r| r.into_iter().next());
                value.unwrap_or(Value::Null)
            }
        };
        match target {
            Assigned::User(name) => {
                history.session.assign(&Target::Variable(name), value)?;
            }
            Assigned::System(name) => {
                let value = system_variables::checked(&name, &value)?;
                history.session.0.lock().system.insert(name, value);
            }
        }
    }
    Ok(())
}

/// What one assignment of a SET writes.
enum Assigned {
    /// A user variable, by lower-case name.
    User(String),
    /// A system variable the session keeps, by lower-case name.
    System(String),
}

/// The variable `name` (with the SET's `scope`) names, refused if Cairn has none such or it
/// is global.
fn target(scope: Option<ast::ContextModifier>, name: &ObjectName) -> Result<Assigned, SqlError> {
    let idents: Option<Vec<ast::Ident>> = name
        .0
        .iter()
        .map(|part| match part {
            ObjectNamePart::Identifier(ident) => Some(ident.clone()),
            _ => None,
        })
        .collect();
    let idents = idents.unwrap_or_default();
    if let ([ident], None) = (idents.as_slice(), scope) {
        if let Some(user) = variable_name(ident) {
            return Ok(Assigned::User(user));
        }
    }
    let system = match idents.as_slice() {
        [ident] if ident.quote_style.is_none() && !ident.value.starts_with('@') => {
            Some(ident.value.to_lowercase())
        }
        _ => system_variable_name(&idents),
    };
    let global = scope == Some(ast::ContextModifier::Global);
    match system {
        Some(name) if name.starts_with("@@global.") || global => {
            let name = name.trim_start_matches("@@global.");
            system_variables::global_refused(name).map(|()| Assigned::System(name.into()))
        }
        Some(name) if system_variables::known(&name) => Ok(Assigned::System(name)),
        _ => unsupported(refused_set(name)),
    }
}

/// `SET NAMES charset [COLLATE collation]`: the character sets of the client, the connection
/// and the results, and the connection's collation, in one.
fn set_names(
    session: &Session,
    charset: &str,
    collation: Option<String>,
) -> Result<QueryResult, SqlError> {
    let charset = Value::Text(charset.into());
    let mut set = Vec::new();
    for name in [
        "character_set_client",
        "character_set_connection",
        "character_set_results",
    ] {
        set.push((name, system_variables::checked(name, &charset)?));
    }
    let collation = Value::Text(collation.unwrap_or_else(|| "DEFAULT".into()));
    let name = "collation_connection";
    set.push((name, system_variables::checked(name, &collation)?));
    let mut state = session.0.lock();
    for (name, value) in set {
        state.system.insert(name.into(), value);
    }
    Ok(QueryResult::affected(0))
}

/// `SET [SESSION] TRANSACTION ISOLATION LEVEL level`, as `SET transaction_isolation`: the
/// one level Cairn's transactions have is taken (for the session, which covers MySQL's
/// next-transaction-only form too), any other refused with MySQL's error.
fn set_isolation(
    session: &Session,
    modes: &[ast::TransactionMode],
) -> Result<QueryResult, SqlError> {
    let [ast::TransactionMode::IsolationLevel(level)] = modes else {
        return unsupported(
            "SET TRANSACTION other than ISOLATION LEVEL (START TRANSACTION READ ONLY sets the \
             access mode)",
        );
    };
    let word = match level {
        ast::TransactionIsolationLevel::ReadUncommitted => "READ-UNCOMMITTED",
        ast::TransactionIsolationLevel::ReadCommitted => "READ-COMMITTED",
        ast::TransactionIsolationLevel::RepeatableRead => "REPEATABLE-READ",
        ast::TransactionIsolationLevel::Serializable => "SERIALIZABLE",
        ast::TransactionIsolationLevel::Snapshot => "SNAPSHOT",
    };
    let name = "transaction_isolation";
    let value = system_variables::checked(name, &Value::Text(word.into()))?;
    session.0.lock().system.insert(name.into(), value);
    Ok(QueryResult::affected(0))
}

/// `SHOW [SESSION | GLOBAL] VARIABLES [LIKE 'pattern']`: each variable's name and value
/// (a switch as ON or OFF, as MySQL shows them); the global ones are the defaults.
pub(crate) fn show_variables(
    session: &Session,
    filter: Option<ast::ShowStatementFilter>,
    global: bool,
) -> Result<QueryResult, SqlError> {
    let pattern = match filter {
        None => None,
        Some(ast::ShowStatementFilter::Like(pattern)) => Some(pattern),
        Some(other) => return unsupported(alloc::format!("SHOW VARIABLES {other}")),
    };
    let mut rows = Vec::new();
    for name in system_variables::names() {
        if pattern
            .as_deref()
            .is_some_and(|p| !crate::sql::expr::like(name, &p.to_lowercase(), '\\'))
        {
            continue;
        }
        let value = match global {
            true if name == "autocommit" => Some(Value::Int(1)),
            true => system_variables::default(name),
            false => session.system_value(name),
        };
        let shown = match (system_variables::is_switch(name), value) {
            (true, Some(Value::Int(n))) => Value::Text(if n == 0 { "OFF" } else { "ON" }.into()),
            (_, value) => value.unwrap_or(Value::Null),
        };
        rows.push(vec![Value::Text(name.into()), shown]);
    }
    Ok(QueryResult {
        columns: vec!["Variable_name".into(), "Value".into()],
        rows,
        affected: None,
    })
}

/// Why a SET of a variable Cairn does not have is refused.
fn refused_set(name: &ObjectName) -> String {
    alloc::format!(
        "SET {name}: Cairn's system variables are {} (user variables are written @name)",
        system_variables::names().join(", ")
    )
}

/// `SELECT value`, with no FROM.
fn select_of(value: AstExpr) -> Result<ast::Query, SqlError> {
    let mut query = Parser::new(&MySqlDialect {})
        .try_with_sql("SELECT NULL")?
        .parse_query()?;
    if let SetExpr::Select(select) = query.body.as_mut() {
        select.projection = vec![SelectItem::UnnamedExpr(value)];
    }
    Ok(*query)
}
