//! SQL transactions, as MySQL runs them: `BEGIN [WORK]` or `START TRANSACTION` opens one,
//! `COMMIT [WORK]` makes its changes the working root's, `ROLLBACK [WORK]` drops them. The
//! statements in between read and write the transaction's own root, which the session holds
//! (a `Repo` keeps it from one script to the next) and nothing saves until COMMIT.
//! `SAVEPOINT name` marks the transaction's root, `ROLLBACK TO [SAVEPOINT] name` goes back to
//! it, `RELEASE SAVEPOINT name` forgets it. `START TRANSACTION READ ONLY` opens one whose
//! statements may read only. `COMMIT AND CHAIN` and `ROLLBACK AND CHAIN` open
//! the next transaction at once. `SET autocommit = 0` makes every statement run in a
//! transaction, which the first one outside a transaction opens; `SET autocommit = 1` commits
//! it.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use sqlparser::ast::{self, Expr, ObjectNamePart, Statement};

use super::{system_variables, unsupported, QueryResult, SqlError};
use crate::chunk_store::ChunkStore;
use crate::db::root_value::RootValue;
use crate::db::table::TableError;
use crate::db::three_way::merge_roots;
use crate::io::Storage;
use crate::sql::constraints::check_merged_root;
use crate::sql::history::History;
use crate::sql::session::{Session, SessionState};

/// What a script's statements run against.
#[derive(Clone, Debug, PartialEq)]
pub struct Roots {
    /// The working root, as the statements outside a transaction (autocommitted) leave it.
    pub working: RootValue,
    /// The transaction BEGIN (or, with autocommit off, a statement) opened, until COMMIT or
    /// ROLLBACK.
    pub transaction: Option<Transaction>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Transaction {
    /// The working root when the transaction began: COMMIT applies it over this one only.
    pub began: RootValue,
    /// The root the transaction's statements read and write.
    pub root: RootValue,
    /// Its savepoints, oldest first: each name (lowercase, as MySQL compares them) and the
    /// root when it was set.
    pub savepoints: Vec<(String, RootValue)>,
    /// Begun `READ ONLY`: a statement that would change its root is refused.
    pub read_only: bool,
}

impl Roots {
    pub fn new(working: RootValue) -> Self {
        Roots {
            working,
            transaction: None,
        }
    }

    /// With the session's autocommit off, opens the transaction the next statement runs in,
    /// if none is open, as MySQL does.
    pub(crate) fn begin_implicitly(&mut self, session: &Session) {
        if !session.autocommit() && self.transaction.is_none() {
            self.begin();
        }
    }

    /// Opens a transaction on the working root.
    fn begin(&mut self) {
        self.begin_as(false);
    }

    fn begin_as(&mut self, read_only: bool) {
        self.transaction = Some(Transaction {
            began: self.working.clone(),
            root: self.working.clone(),
            savepoints: Vec::new(),
            read_only,
        });
    }

    /// Whether the open transaction was begun READ ONLY.
    pub(crate) fn read_only(&self) -> bool {
        self.transaction.as_ref().is_some_and(|t| t.read_only)
    }

    /// The root the next statement reads and writes.
    pub fn root(&mut self) -> &mut RootValue {
        match &mut self.transaction {
            Some(t) => &mut t.root,
            None => &mut self.working,
        }
    }
}

pub(crate) enum Control {
    Begin {
        read_only: bool,
    },
    /// With `chain`, AND CHAIN: a new transaction follows.
    Commit {
        chain: bool,
    },
    Rollback {
        chain: bool,
    },
    Autocommit(bool),
    Savepoint(String),
    RollbackTo(String),
    Release(String),
}

impl Control {
    /// Whether applying it commits the open transaction.
    fn commits(&self, session: &Session) -> bool {
        match self {
            // As in MySQL, BEGIN in a transaction commits that one first.
            Control::Begin { .. } | Control::Commit { .. } => true,
            Control::Autocommit(on) => *on && !session.autocommit(),
            _ => false,
        }
    }
}

/// Before `control` commits the open transaction: if another writer changed the working root
/// since it began, merges its changes into that root, row by row and cell by cell (the merge
/// `cairn merge` runs), as Dolt does at COMMIT, so that the commit writes both. Where the two
/// changed the same cell, or together break a UNIQUE, FOREIGN or CHECK constraint, the
/// transaction is rolled back with the serialization failure: run again, its statements meet
/// the other writer's rows and say why. A store that fails leaves the transaction open, for a
/// COMMIT again.
pub(crate) async fn merge_concurrent<S: Storage>(
    store: &mut ChunkStore<S>,
    roots: &mut Roots,
    history: &History,
    control: &Control,
) -> Result<(), SqlError> {
    let session = &history.session;
    let Some(t) = &roots.transaction else {
        return Ok(());
    };
    // A transaction that changed nothing has nothing to merge.
    if !control.commits(session) || t.root == t.began || t.began == roots.working {
        return Ok(());
    }
    let merged = async {
        let merged =
            merge_roots::<_, SqlError>(store, &t.began, &roots.working, &t.root, history.now_ms)
                .await?;
        if !merged.conflicts.is_empty() {
            return Err(SqlError::SerializationFailure);
        }
        let mut root = merged.root;
        check_merged_root(store, &roots.working, &mut root).await?;
        Ok(root)
    }
    .await;
    match merged {
        Ok(root) => {
            roots.transaction = Some(Transaction {
                began: roots.working.clone(),
                root,
                savepoints: Vec::new(),
                // A read-only transaction changed nothing, so never merges.
                read_only: false,
            });
            Ok(())
        }
        Err(
            SqlError::SerializationFailure
            | SqlError::Table(
                TableError::DuplicateEntry { .. }
                | TableError::ForeignKey { .. }
                | TableError::Check { .. },
            ),
        ) => {
            roots.transaction = None;
            Err(SqlError::SerializationFailure)
        }
        Err(e) => Err(e),
    }
}

/// Which transaction statement `statement` is, if it is one; the forms Cairn does not run are
/// refused by name.
pub(crate) fn control(statement: &Statement) -> Result<Option<Control>, SqlError> {
    Ok(Some(match statement {
        Statement::StartTransaction {
            modes,
            modifier: None,
            statements,
            exception: None,
            has_end_keyword: false,
            ..
        } if statements.is_empty() => Control::Begin {
            read_only: access_mode(modes)?,
        },
        Statement::StartTransaction { .. } => {
            return unsupported("this form of START TRANSACTION (BEGIN or START TRANSACTION)")
        }
        Statement::Commit {
            chain,
            end: false,
            modifier: None,
        } => Control::Commit { chain: *chain },
        Statement::Rollback {
            chain,
            savepoint: None,
        } => Control::Rollback { chain: *chain },
        Statement::Rollback {
            chain: false,
            savepoint: Some(name),
        } => Control::RollbackTo(name.value.to_lowercase()),
        Statement::Savepoint { name } => Control::Savepoint(name.value.to_lowercase()),
        Statement::ReleaseSavepoint { name } => Control::Release(name.value.to_lowercase()),
        Statement::Commit { end: true, .. } => return unsupported("END (use COMMIT)"),
        // ROLLBACK AND CHAIN TO SAVEPOINT, which MySQL does not parse either.
        Statement::Commit { .. } | Statement::Rollback { .. } => {
            return unsupported(statement.to_string())
        }
        Statement::Set(set) => return autocommit(set),
        _ => return Ok(None),
    }))
}

/// Whether START TRANSACTION's modes make it READ ONLY (`READ WRITE` is the default), as
/// MySQL takes them: one access mode at most, and no isolation level there (MySQL sets that
/// with SET TRANSACTION; Cairn's transactions are serializable).
fn access_mode(modes: &[ast::TransactionMode]) -> Result<bool, SqlError> {
    let mut read_only = None;
    for mode in modes {
        match mode {
            ast::TransactionMode::AccessMode(access) if read_only.is_none() => {
                read_only = Some(*access == ast::TransactionAccessMode::ReadOnly);
            }
            ast::TransactionMode::AccessMode(_) => {
                return Err(SqlError::Syntax(
                    "START TRANSACTION takes READ ONLY or READ WRITE, not both".into(),
                ))
            }
            ast::TransactionMode::IsolationLevel(level) => {
                return unsupported(alloc::format!(
                    "ISOLATION LEVEL {level}: Cairn's transactions are serializable"
                ))
            }
        }
    }
    Ok(read_only.unwrap_or(false))
}

/// Refuses what a statement did to `root` in a READ ONLY transaction, putting back `before`
/// and the session's values as they were before it ran (`read_only`, None outside one), so
/// a refused INSERT leaves LAST_INSERT_ID alone.
pub(crate) fn kept_read_only(
    read_only: Option<SessionState>,
    session: &Session,
    before: &RootValue,
    root: &mut RootValue,
) -> Result<(), SqlError> {
    match read_only {
        Some(state) if root != before => {
            root.clone_from(before);
            session.restore(state);
            Err(SqlError::ReadOnlyTransaction)
        }
        _ => Ok(()),
    }
}

/// `SET [SESSION | LOCAL] autocommit = value` (or `@@autocommit`, `@@session.autocommit`) as
/// a transaction statement; None for a SET of anything else.
fn autocommit(set: &ast::Set) -> Result<Option<Control>, SqlError> {
    let (global, value) = match set {
        ast::Set::SingleAssignment {
            scope,
            hivevar: false,
            variable,
            values,
        } => match (autocommit_global(variable), values.as_slice()) {
            (Some(global), [value]) => (
                global || *scope == Some(ast::ContextModifier::Global),
                value,
            ),
            _ => return Ok(None),
        },
        ast::Set::MultipleAssignments { assignments }
            if assignments
                .iter()
                .any(|a| autocommit_global(&a.name).is_some()) =>
        {
            return unsupported("SET autocommit with other variables (SET it alone)")
        }
        _ => return Ok(None),
    };
    if global {
        return unsupported(
            "SET GLOBAL autocommit: Cairn has no global variables (SET autocommit sets the \
             session's)",
        );
    }
    Ok(Some(Control::Autocommit(switch(value)?)))
}

/// Whether `name` is autocommit's, and if so whether the global one's (`@@global.`).
fn autocommit_global(name: &ast::ObjectName) -> Option<bool> {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|part| match part {
            ObjectNamePart::Identifier(ident) => ident.value.to_ascii_lowercase(),
            _ => String::new(),
        })
        .collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    match parts.as_slice() {
        ["autocommit" | "@@autocommit"] | ["@@session" | "@@local", "autocommit"] => Some(false),
        ["@@global", "autocommit"] => Some(true),
        _ => None,
    }
}

/// The value of `SET autocommit = value`, read as MySQL reads a boolean system variable's: 0
/// or 1 (TRUE or FALSE), ON or OFF as a word or a string in any case, or DEFAULT (on).
fn switch(value: &Expr) -> Result<bool, SqlError> {
    let refused = || {
        unsupported(alloc::format!(
            "SET autocommit = {value}: set it to 0, 1, ON or OFF"
        ))
    };
    let text = match value {
        Expr::Value(v) => match &v.value {
            ast::Value::Boolean(on) => return Ok(*on),
            ast::Value::Number(n, _) => n,
            ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => s,
            ast::Value::Null => "NULL",
            _ => return refused(),
        },
        Expr::Identifier(ident) if ident.value.eq_ignore_ascii_case("DEFAULT") => return Ok(true),
        // A bare word is a string here, as in MySQL; `@v` and `@@v` are variables.
        Expr::Identifier(ident) if !ident.value.starts_with('@') => &ident.value,
        _ => return refused(),
    };
    system_variables::switch("autocommit", text)
}

/// Runs a transaction statement on the roots (and the session's autocommit).
pub(crate) fn apply(
    roots: &mut Roots,
    session: &Session,
    control: Control,
) -> Result<QueryResult, SqlError> {
    match control {
        Control::Begin { read_only } => {
            // As in MySQL, BEGIN in a transaction commits that one first.
            commit(roots)?;
            roots.begin_as(read_only);
        }
        // AND CHAIN begins the next transaction even with none open, as MySQL does, with the
        // same access mode.
        Control::Commit { chain } => {
            let read_only = roots.read_only();
            commit(roots)?;
            if chain {
                roots.begin_as(read_only);
            }
        }
        Control::Rollback { chain } => {
            let read_only = roots.read_only();
            roots.transaction = None;
            if chain {
                roots.begin_as(read_only);
            }
        }
        // As in MySQL, turning autocommit on commits the open transaction; if that fails,
        // autocommit stays off. Setting it to what it is does nothing.
        Control::Autocommit(on) => {
            if on && !session.autocommit() {
                commit(roots)?;
            }
            session.set_autocommit(on);
        }
        // As in MySQL: outside a transaction a savepoint is set and, the statement being its
        // own transaction (autocommit on), gone at once; one of the same name is replaced.
        Control::Savepoint(name) => {
            roots.begin_implicitly(session);
            if let Some(t) = &mut roots.transaction {
                t.savepoints.retain(|(n, _)| *n != name);
                t.savepoints.push((name, t.root.clone()));
            }
        }
        // The savepoints set after the named one go, as in InnoDB; it stays.
        Control::RollbackTo(name) => {
            let (at, t) = savepoint(roots, &name)?;
            t.savepoints.truncate(at + 1);
            t.root = t.savepoints[at].1.clone();
        }
        // With the ones set after it, as in InnoDB.
        Control::Release(name) => {
            let (at, t) = savepoint(roots, &name)?;
            t.savepoints.truncate(at);
        }
    }
    Ok(QueryResult::affected(0))
}

/// The open transaction and the place of its savepoint `name` (lowercase) among its
/// savepoints.
fn savepoint<'a>(
    roots: &'a mut Roots,
    name: &str,
) -> Result<(usize, &'a mut Transaction), SqlError> {
    roots
        .transaction
        .as_mut()
        .and_then(|t| Some((t.savepoints.iter().position(|(n, _)| n == name)?, t)))
        .ok_or_else(|| SqlError::SavepointNotFound(name.into()))
}

/// Makes the open transaction's root the working one. If the working root changed since the
/// transaction began (another writer) and `merge_concurrent` did not merge the two, it is
/// rolled back instead, with Dolt's error: its statements ran in earlier scripts, whose
/// results the client has seen and may have acted on, so running them again on the new state
/// (as a failed autocommit save does with a script) could give other results than those it
/// was shown.
fn commit(roots: &mut Roots) -> Result<(), SqlError> {
    match roots.transaction.take() {
        // A transaction that changed nothing has nothing to conflict with.
        Some(t) if t.root == t.began => {}
        Some(t) if t.began != roots.working => return Err(SqlError::SerializationFailure),
        Some(t) => roots.working = t.root,
        None => {}
    }
    Ok(())
}
