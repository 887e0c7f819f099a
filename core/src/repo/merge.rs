//! `merge`: a fast-forward when the branch has nothing the other lacks, otherwise a three-way
//! merge against the merge base that commits at once, or stops on conflicts for the user to
//! settle (`conflicts`), commit or abort. `cherry-pick` and `revert` are three-way merges too,
//! of one commit's change against its parent, or of its undoing.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::refs::RefKind;
use super::{Repo, RepoError, Result, Signature};
use crate::db::commit::Commit;
use crate::db::three_way::merge_roots;
use crate::db::working_set::{MergeState, Operation, WorkingSet};
use crate::hash::Hash;
use crate::io::Storage;

/// Whether a merge may, must or must not be a fast-forward.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FastForward {
    Allow,
    Only,
    Never,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MergeOutcome {
    /// The branch already has every commit of the other.
    UpToDate,
    FastForward {
        from: Hash,
        to: Hash,
    },
    /// A three-way merge.
    ThreeWay(Applied),
}

/// What a three-way merge did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Nothing conflicted: the commit it made.
    Committed(Hash),
    /// Tables left with conflicts; the operation waits in the working set.
    Conflicts(Vec<String>),
}

impl<S: Storage> Repo<S> {
    /// Merges the commit `spec` names into the current branch, whose working set must be
    /// clean. A merge commit gets `message`, or one naming what was merged.
    pub async fn merge(
        &mut self,
        spec: &str,
        mode: FastForward,
        message: Option<&str>,
        author: &Signature,
    ) -> Result<MergeOutcome> {
        if let Some(outcome) = self.fast_forward(spec, mode).await? {
            return Ok(outcome);
        }
        let (theirs, kind) = self.resolve(spec).await?;
        let base = self
            .merge_base(self.head()?, theirs)
            .await?
            .ok_or_else(|| RepoError::NoCommonHistory(spec.into()))?;
        let message = message.map_or_else(|| merge_message(spec, &kind), String::from);
        let applied = self
            .three_way(Operation::Merge, base, theirs, &message, author)
            .await?;
        Ok(MergeOutcome::ThreeWay(applied))
    }

    /// The part of a merge that makes no commit: nothing to do, or a fast-forward (unless
    /// `Never`). `None` when it takes a merge commit, which `Only` refuses.
    pub async fn fast_forward(
        &mut self,
        spec: &str,
        mode: FastForward,
    ) -> Result<Option<MergeOutcome>> {
        let ws = self.not_merging().await?;
        let theirs = self.resolve(spec).await?.0;
        let head = self.head()?;
        if self.is_ancestor(theirs, head).await? {
            return Ok(Some(MergeOutcome::UpToDate));
        }
        self.require_clean(&ws).await?;
        if mode != FastForward::Never && self.is_ancestor(head, theirs).await? {
            let mut next = self.datasets.clone();
            let branch = self.config.head.clone();
            self.set_branch_clean(&mut next, &branch, theirs).await?;
            self.save(next).await?;
            let to = theirs;
            return Ok(Some(MergeOutcome::FastForward { from: head, to }));
        }
        if mode == FastForward::Only {
            return Err(RepoError::Diverged(spec.into()));
        }
        Ok(None)
    }

    /// Applies the change the commit `spec` made to the current branch, as a new commit with
    /// its message.
    pub async fn cherry_pick(&mut self, spec: &str, author: &Signature) -> Result<Applied> {
        let (picked, parent) = self.one_parent(spec).await?;
        let ws = self.not_merging().await?;
        self.require_clean(&ws).await?;
        let message = self.commit_at(picked).await?.message;
        self.three_way(Operation::CherryPick, parent, picked, &message, author)
            .await
    }

    /// Undoes the change the commit `spec` made, as a new commit on the current branch.
    pub async fn revert(&mut self, spec: &str, author: &Signature) -> Result<Applied> {
        let (reverted, parent) = self.one_parent(spec).await?;
        let ws = self.not_merging().await?;
        self.require_clean(&ws).await?;
        let message = revert_message(&self.commit_at(reverted).await?.message);
        self.three_way(Operation::Revert, reverted, parent, &message, author)
            .await
    }

    /// A commit with exactly one parent, and that parent: what cherry-pick and revert take.
    async fn one_parent(&self, spec: &str) -> Result<(Hash, Hash)> {
        let at = self.resolve(spec).await?.0;
        match self.commit_at(at).await?.parents[..] {
            [parent] => Ok((at, parent)),
            ref parents => Err(RepoError::NotOneParent {
                spec: spec.into(),
                parents: parents.len(),
            }),
        }
    }

    /// The current branch's working set, unless an operation waits in it.
    async fn not_merging(&self) -> Result<WorkingSet> {
        let ws = self.working_set(&self.config.head).await?;
        if ws.merge.is_some() {
            return Err(RepoError::MergeInProgress);
        }
        Ok(ws)
    }

    async fn require_clean(&self, ws: &WorkingSet) -> Result<()> {
        if *ws != WorkingSet::clean(self.commit_at(self.head()?).await?.root) {
            return Err(RepoError::UncommittedChanges);
        }
        Ok(())
    }

    /// Merges their commit's root into the head's against the base commit's: commits at once
    /// if nothing conflicts, else leaves the operation waiting in the working set.
    async fn three_way(
        &mut self,
        operation: Operation,
        base: Hash,
        theirs: Hash,
        message: &str,
        author: &Signature,
    ) -> Result<Applied> {
        let head = self.head()?;
        let base_root = self.root_value(self.commit_at(base).await?.root).await?;
        let ours_root = self.root_value(self.commit_at(head).await?.root).await?;
        let theirs_root = self.root_value(self.commit_at(theirs).await?.root).await?;
        let merged = merge_roots::<_, RepoError>(
            &mut self.store,
            &base_root,
            &ours_root,
            &theirs_root,
            Some(author.time_ms),
        )
        .await?;
        let root = self.put_root_value(&merged.root).await?;
        let state = MergeState {
            operation,
            theirs,
            base,
            message: message.into(),
            conflicts: merged.conflicts,
        };
        if state.conflicts.is_empty() {
            let commit = self.conclude(&state, root, "", author).await?;
            let mut next = self.datasets.clone();
            let branch = self.config.head.clone();
            self.set_branch_clean(&mut next, &branch, commit).await?;
            self.save(next).await?;
            return Ok(Applied::Committed(commit));
        }
        let tables = state.conflicts.keys().cloned().collect();
        let ws = WorkingSet {
            working: root,
            staged: root,
            merge: Some(state),
        };
        self.set_working_set(ws).await?;
        Ok(Applied::Conflicts(tables))
    }

    /// Writes the commit that ends an operation: of `root`, on the head, and for a merge on
    /// their commit too. An empty `message` is the operation's own. Each side may have kept
    /// its foreign keys and CHECK constraints and the two together not (a child row added on
    /// one, its parent deleted on the other; a row whose cells each side changed): such a root
    /// is refused, as a merge that breaks a unique key is.
    pub(crate) async fn conclude(
        &mut self,
        state: &MergeState,
        root: Hash,
        message: &str,
        author: &Signature,
    ) -> Result<Hash> {
        let ours = self
            .root_value(self.commit_at(self.head()?).await?.root)
            .await?;
        let mut merged = self.root_value(root).await?;
        crate::sql::constraints::check_merged_root(&mut self.store, &ours, &mut merged).await?;
        let mut parents = alloc::vec![self.head()?];
        if state.operation == Operation::Merge {
            parents.push(state.theirs);
        }
        let commit = Commit {
            root,
            parents,
            author: author.name.clone(),
            email: author.email.clone(),
            time_ms: author.time_ms,
            message: match message {
                "" => state.message.clone(),
                given => given.into(),
            },
        };
        Ok(self.store.put(&commit.encode()).await?)
    }

    /// `merge --abort`: back to the branch's head, as before the merge (which needed a
    /// clean working set).
    pub async fn abort_merge(&mut self) -> Result<()> {
        let branch = self.config.head.clone();
        if self.working_set(&branch).await?.merge.is_none() {
            return Err(RepoError::NoMerge);
        }
        let mut next = self.datasets.clone();
        let head = self.head()?;
        self.set_branch_clean(&mut next, &branch, head).await?;
        self.save(next).await
    }

    /// The best common ancestor of two commits: one that is an ancestor of both and of no
    /// other such. Where there are several (criss-cross merges), the first found.
    pub async fn merge_base(&self, a: Hash, b: Hash) -> Result<Option<Hash>> {
        let ours = self.ancestors(a).await?;
        // Walk back from `b`, stopping at the first common commits on each path: everything
        // behind them is common too, and no better.
        let mut found = Vec::new();
        let mut seen = BTreeSet::new();
        let mut todo = alloc::vec![b];
        while let Some(at) = todo.pop() {
            if !seen.insert(at) {
                continue;
            }
            if ours.contains(&at) {
                found.push(at);
            } else {
                todo.extend(self.commit_at(at).await?.parents);
            }
        }
        for &candidate in &found {
            let mut behind = false;
            for &other in &found {
                if other != candidate && self.is_ancestor(candidate, other).await? {
                    behind = true;
                    break;
                }
            }
            if !behind {
                return Ok(Some(candidate));
            }
        }
        Ok(None)
    }

    pub(crate) async fn ancestors(&self, start: Hash) -> Result<BTreeSet<Hash>> {
        let mut seen = BTreeSet::new();
        let mut todo = alloc::vec![start];
        while let Some(at) = todo.pop() {
            if seen.insert(at) {
                todo.extend(self.commit_at(at).await?.parents);
            }
        }
        Ok(seen)
    }
}

/// Git's message for a revert.
fn revert_message(reverted: &str) -> String {
    format!("Revert \"{}\"", reverted.lines().next().unwrap_or(""))
}

/// What Git calls a merge commit, by what was merged.
fn merge_message(spec: &str, kind: &RefKind) -> String {
    match kind {
        RefKind::Branch(b) => format!("Merge branch '{b}'"),
        RefKind::Tag(t) => format!("Merge tag '{t}'"),
        RefKind::RemoteBranch(r) => format!("Merge remote-tracking branch '{r}'"),
        RefKind::Commit => format!("Merge commit '{spec}'"),
    }
}
