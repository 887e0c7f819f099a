//! SQL transactions, as MySQL runs them: `BEGIN [WORK]` or `START TRANSACTION` opens one,
//! `COMMIT [WORK]` makes its changes the working root's, `ROLLBACK [WORK]` drops them. The
//! statements in between read and write the transaction's own root, which the session holds
//! (a `Repo` keeps it from one script to the next) and nothing saves until COMMIT.
//! `SAVEPOINT name` marks the transaction's root, `ROLLBACK TO [SAVEPOINT] name` goes back to
//! it, `RELEASE SAVEPOINT name` forgets it.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use sqlparser::ast::Statement;

use super::{unsupported, QueryResult, SqlError};
use crate::db::root_value::RootValue;

/// What a script's statements run against.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Roots {
    /// The working root, as the statements outside a transaction (autocommitted) leave it.
    pub working: RootValue,
    /// The transaction BEGIN opened, until COMMIT or ROLLBACK.
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
}

impl Roots {
    pub fn new(working: RootValue) -> Self {
        Roots {
            working,
            transaction: None,
        }
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
    Begin,
    Commit,
    Rollback,
    Savepoint(String),
    RollbackTo(String),
    Release(String),
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
        } if modes.is_empty() && statements.is_empty() => Control::Begin,
        Statement::StartTransaction { .. } => {
            return unsupported(
                "transaction characteristics (ISOLATION LEVEL, READ ONLY, ...): \
                 Cairn's transactions are read-write and serializable",
            )
        }
        Statement::Commit {
            chain: false,
            end: false,
            modifier: None,
        } => Control::Commit,
        Statement::Rollback {
            chain: false,
            savepoint: None,
        } => Control::Rollback,
        Statement::Rollback {
            chain: false,
            savepoint: Some(name),
        } => Control::RollbackTo(name.value.to_lowercase()),
        Statement::Savepoint { name } => Control::Savepoint(name.value.to_lowercase()),
        Statement::ReleaseSavepoint { name } => Control::Release(name.value.to_lowercase()),
        Statement::Commit { end: true, .. } => return unsupported("END (use COMMIT)"),
        Statement::Commit { .. } | Statement::Rollback { .. } => return unsupported("AND CHAIN"),
        Statement::Set(set) if set.to_string().to_ascii_lowercase().contains("autocommit") => {
            return unsupported(
                "SET autocommit: statements autocommit unless START TRANSACTION opens a \
                 transaction",
            )
        }
        _ => return Ok(None),
    }))
}

/// Runs a transaction statement on the roots.
pub(crate) fn apply(roots: &mut Roots, control: Control) -> Result<QueryResult, SqlError> {
    match control {
        Control::Begin => {
            // As in MySQL, BEGIN in a transaction commits that one first.
            commit(roots)?;
            roots.transaction = Some(Transaction {
                began: roots.working.clone(),
                root: roots.working.clone(),
                savepoints: Vec::new(),
            });
        }
        Control::Commit => commit(roots)?,
        Control::Rollback => roots.transaction = None,
        // As in MySQL: outside a transaction a savepoint is set and, the statement being its
        // own transaction, gone at once; one of the same name is replaced.
        Control::Savepoint(name) => {
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
/// transaction began (another writer), it is rolled back instead, with Dolt's error: its
/// statements ran in earlier scripts, whose results the client has seen and may have acted
/// on, so running them again on the new state (as a failed autocommit save does with a
/// script) could give other results than those it was shown.
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
