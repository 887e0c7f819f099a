//! Runs the version-control procedures a SQL script calls (`sql/procedure.rs` reads them):
//! each is the verb the command line runs, and answers a result set shaped as Dolt's.
//! They change the database itself, not one SQL transaction, so none runs while one is open.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{
    Applied, CommitOptions, FastForward, MergeOutcome, Repo, Resolution, Result, Signature,
};
use crate::db::value::Value;
use crate::io::Storage;
use crate::sql::procedure::Procedure;
use crate::sql::{QueryResult, SqlError};

impl<S: Storage> Repo<S> {
    /// Runs `procedure`; `caller` is who commits and when (None: procedures that commit are
    /// refused).
    pub(super) async fn call(
        &mut self,
        procedure: Procedure,
        caller: Option<&Signature>,
    ) -> Result<QueryResult> {
        self.no_transaction()?;
        let signed = |name: &str| {
            caller.cloned().ok_or_else(|| {
                SqlError::Procedure(format!(
                    "{name} commits, and this script was run without an author and a time"
                ))
            })
        };
        Ok(match procedure {
            Procedure::Add(tables) => {
                self.add(tables.as_deref()).await?;
                status()
            }
            Procedure::Commit {
                message,
                modified,
                all,
                allow_empty,
                amend,
                author,
            } => {
                let mut signature = signed("DOLT_COMMIT")?;
                if let Some((name, email)) = author {
                    signature.name = name;
                    signature.email = email;
                }
                if modified && !all {
                    // Dolt's -a: the tables already tracked, not new ones.
                    let changed: Vec<String> = self
                        .changes()
                        .await?
                        .unstaged
                        .into_iter()
                        .map(|t| t.name)
                        .collect();
                    self.add(Some(&changed)).await?;
                }
                let options = CommitOptions {
                    all,
                    allow_empty,
                    amend,
                };
                let hash = self.commit(&message, options, &signature).await?;
                one(&["hash"], [Value::Text(hash.to_string())])
            }
            Procedure::Checkout { branch, new, start } => {
                if new {
                    self.checkout_new(&branch, start.as_deref()).await?;
                } else {
                    self.checkout(&branch).await?;
                }
                let message = format!("Switched to branch '{branch}'");
                one(
                    &["status", "message"],
                    [Value::Int(0), Value::Text(message)],
                )
            }
            Procedure::CreateBranch { name, start } => {
                self.create_branch(&name, start.as_deref()).await?;
                status()
            }
            Procedure::DeleteBranch { name, force } => {
                self.delete_branch(&name, force).await?;
                status()
            }
            Procedure::RenameBranch { old, new } => {
                self.rename_branch(&old, &new).await?;
                status()
            }
            Procedure::CreateTag { name, target } => {
                self.create_tag(&name, target.as_deref()).await?;
                status()
            }
            Procedure::DeleteTag(name) => {
                self.delete_tag(&name).await?;
                status()
            }
            Procedure::Reset { hard: true, target } => {
                self.reset_hard(target.as_deref()).await?;
                status()
            }
            Procedure::Reset { hard: false, .. } => {
                self.reset_soft().await?;
                status()
            }
            Procedure::Merge {
                target,
                ff_only,
                no_ff,
                message,
            } => {
                let mode = match (ff_only, no_ff) {
                    (true, false) => FastForward::Only,
                    (false, true) => FastForward::Never,
                    (false, false) => FastForward::Allow,
                    (true, true) => {
                        return Err(SqlError::Procedure(
                            "DOLT_MERGE takes --ff-only or --no-ff, not both".into(),
                        )
                        .into())
                    }
                };
                let author = signed("DOLT_MERGE")?;
                let outcome = self
                    .merge(&target, mode, message.as_deref(), &author)
                    .await?;
                merged(outcome)
            }
            Procedure::AbortMerge => {
                self.abort_merge().await?;
                status()
            }
            Procedure::CherryPick(commit) => {
                let applied = self
                    .cherry_pick(&commit, &signed("DOLT_CHERRY_PICK")?)
                    .await?;
                picked(applied)
            }
            Procedure::Revert(commit) => {
                let applied = self.revert(&commit, &signed("DOLT_REVERT")?).await?;
                picked(applied)
            }
            Procedure::ResolveConflicts { ours, tables } => {
                let how = if ours {
                    Resolution::Ours
                } else {
                    Resolution::Theirs
                };
                for table in &tables {
                    self.resolve_conflicts(table, how).await?;
                }
                status()
            }
        })
    }
}

/// A result of one row.
fn one<const N: usize>(columns: &[&str; N], row: [Value; N]) -> QueryResult {
    QueryResult {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows: alloc::vec![row.into()],
        affected: None,
    }
}

/// Dolt's answer of a procedure that succeeded and has nothing more to say.
fn status() -> QueryResult {
    one(&["status"], [Value::Int(0)])
}

/// DOLT_MERGE's row: the commit the branch is at after it (empty when it stopped on
/// conflicts), whether it was a fast-forward, how many tables conflict, and a message.
fn merged(outcome: MergeOutcome) -> QueryResult {
    let (hash, fast_forward, conflicts, message) = match outcome {
        MergeOutcome::UpToDate => (String::new(), 0, 0, "Everything up-to-date".to_string()),
        MergeOutcome::FastForward { to, .. } => (to.to_string(), 1, 0, "merge successful".into()),
        MergeOutcome::ThreeWay(Applied::Committed(hash)) => {
            (hash.to_string(), 0, 0, "merge successful".into())
        }
        MergeOutcome::ThreeWay(Applied::Conflicts(tables)) => (
            String::new(),
            0,
            tables.len(),
            format!(
                "conflicts in {}: settle them, then commit",
                tables.join(", ")
            ),
        ),
    };
    one(
        &["hash", "fast_forward", "conflicts", "message"],
        [
            Value::Text(hash),
            Value::Int(fast_forward),
            Value::Int(conflicts as i64),
            Value::Text(message),
        ],
    )
}

/// DOLT_CHERRY_PICK's and DOLT_REVERT's row: the commit made (empty when it stopped on
/// conflicts) and how many tables conflict.
fn picked(applied: Applied) -> QueryResult {
    let (hash, conflicts) = match applied {
        Applied::Committed(hash) => (hash.to_string(), 0),
        Applied::Conflicts(tables) => (String::new(), tables.len()),
    };
    one(
        &["hash", "conflicts"],
        [Value::Text(hash), Value::Int(conflicts as i64)],
    )
}
