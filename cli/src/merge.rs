//! `merge`, `cherry-pick`, `revert` and `conflicts`: the core merges; this words its
//! outcomes.

use cairn_core::repo::{Applied, FastForward, MergeOutcome, RepoError, Resolution};
use cairn_core::{text, Storage};

use crate::database::{self, Database};
use crate::{Cx, Db, Host, Out};

/// `--ff-only` and `--no-ff` as the core's mode.
pub fn mode(ff_only: bool, no_ff: bool) -> FastForward {
    match (ff_only, no_ff) {
        (true, _) => FastForward::Only,
        (_, true) => FastForward::Never,
        _ => FastForward::Allow,
    }
}

pub async fn merge<H: Host>(
    cx: &Cx<'_, H>,
    db: &mut Db<H>,
    target: &str,
    mode: FastForward,
    message: Option<&str>,
) -> Out {
    let author = database::signature(cx.host, db.repo.config())?;
    outcome(&db.repo.merge(target, mode, message, &author).await?)
}

/// What a merge (or pull) did, as Git words it.
pub fn outcome(outcome: &MergeOutcome) -> Out {
    Ok(match outcome {
        MergeOutcome::UpToDate => "Already up to date.\n".into(),
        MergeOutcome::FastForward { from, to } => {
            format!("Updating {}..{}\nFast-forward\n", short(*from), short(*to))
        }
        MergeOutcome::ThreeWay(Applied::Committed(_)) => {
            "Merge made by the 'three-way' strategy.\n".into()
        }
        // The merge waits in the working set; the command fails, as Git's does, so that
        // scripts stop.
        MergeOutcome::ThreeWay(Applied::Conflicts(tables)) => {
            return Err(RepoError::Conflicts(tables.clone()).into())
        }
    })
}

/// `cherry-pick REF`, or with `revert` `revert REF`: the new commit, as `commit` prints it.
pub async fn pick<H: Host>(cx: &Cx<'_, H>, db: &mut Db<H>, target: &str, revert: bool) -> Out {
    let author = database::signature(cx.host, db.repo.config())?;
    let outcome = match revert {
        true => db.repo.revert(target, &author).await?,
        false => db.repo.cherry_pick(target, &author).await?,
    };
    match outcome {
        Applied::Committed(hash) => {
            let commit = db.repo.commit_at(hash).await?;
            Ok(text::commit(&hash, &commit, &db.repo.decorations(hash)))
        }
        Applied::Conflicts(tables) => Err(RepoError::Conflicts(tables).into()),
    }
}

pub async fn abort<S: Storage>(db: &mut Database<S>) -> Out {
    db.repo.abort_merge().await?;
    Ok(String::new())
}

pub async fn cat<S: Storage>(db: &mut Database<S>, table: &str) -> Out {
    Ok(text::conflicts(table, &db.repo.conflicts(table).await?))
}

pub async fn resolve<S: Storage>(
    db: &mut Database<S>,
    ours: bool,
    theirs: bool,
    tables: &[String],
) -> Out {
    let how = match (ours, theirs) {
        (true, _) => Resolution::Ours,
        (_, true) => Resolution::Theirs,
        _ => Resolution::AsEdited,
    };
    for table in tables {
        db.repo.resolve_conflicts(table, how).await?;
    }
    Ok(String::new())
}

/// An abbreviated commit hash, as merge, push and pull print them.
pub fn short(hash: cairn_core::Hash) -> String {
    hash.to_string()[..8].to_owned()
}
