//! A session's SQL transaction (`crate::sql::Session`): BEGIN in one `sql` call, statements in
//! the next ones, COMMIT or ROLLBACK in a later one. The `Repo` holds it between calls, with
//! the session's autocommit setting; only COMMIT saves it, through `sql_into`'s
//! compare-and-swap save like any script.
//!
//! While it is open, the operations other than SQL that write (commit, checkout, merge,
//! reset, fetch, gc, ...) are refused: they act on the saved working set, so a version commit
//! would leave the transaction's changes out, and a checkout or reset would make its COMMIT
//! fail; a fetch that fails halfway, or a gc, forgets or rewrites the unsaved chunks the
//! transaction's root is made of. Reads (status, diff, log) see the saved working set.

use super::{Repo, RepoError, Result};
use crate::hash::Hash;
use crate::io::Storage;
use crate::sql::Transaction;

pub(super) struct Open {
    pub sql: Transaction,
    /// The transaction's root, written as a chunk: what `query_page` reads from.
    pub at: Hash,
}

impl<S: Storage> Repo<S> {
    /// Whether this session has a SQL transaction open (BEGIN, or a statement with autocommit
    /// off, without COMMIT or ROLLBACK yet).
    pub fn in_transaction(&self) -> bool {
        self.transaction.is_some()
    }

    /// Ends the session's SQL transaction without saving it, as a MySQL server does when its
    /// client disconnects; answers whether one was open.
    pub fn rollback_transaction(&mut self) -> bool {
        self.transaction.take().is_some()
    }

    pub(super) fn no_transaction(&self) -> Result<()> {
        match self.transaction {
            Some(_) => Err(RepoError::TransactionOpen),
            None => Ok(()),
        }
    }

    /// Holds `sql`, what a script left open, for the session's next scripts.
    pub(super) async fn keep_transaction(&mut self, sql: Option<Transaction>) -> Result<()> {
        self.transaction = match sql {
            None => None,
            Some(sql) => {
                let at = match &self.transaction {
                    Some(open) if open.sql.root == sql.root => open.at,
                    _ => self.put_root_value(&sql.root).await?,
                };
                Some(Open { sql, at })
            }
        };
        Ok(())
    }
}
