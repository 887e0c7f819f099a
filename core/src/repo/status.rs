//! `status`, `add`, `commit` and the soft `reset`: moving tables between the working root,
//! the staged root and the head commit.

use alloc::collections::btree_map::Entry;
use alloc::collections::{BTreeMap, BTreeSet, BinaryHeap};
use alloc::string::String;
use alloc::vec::Vec;

use super::{Repo, RepoError, Result, Signature};
use crate::db::commit::Commit;
use crate::db::datasets;
use crate::db::root_value::RootValue;
use crate::db::working_set::WorkingSet;
use crate::hash::Hash;
use crate::io::Storage;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableChange {
    New,
    Modified,
    Deleted,
}

impl TableChange {
    /// The word Dolt prints before a table in `status`.
    pub fn label(self) -> &'static str {
        match self {
            TableChange::New => "new table",
            TableChange::Modified => "modified",
            TableChange::Deleted => "deleted",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableStatus {
    pub name: String,
    pub change: TableChange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub branch: String,
    /// Staged root against the head commit's root.
    pub staged: Vec<TableStatus>,
    /// Working root against the staged root, for tables the staged root has.
    pub unstaged: Vec<TableStatus>,
    /// Tables in the working root that the staged root does not have.
    pub untracked: Vec<String>,
    /// While a merge is in progress, the tables it left with conflicts (`None`: no merge).
    pub merging: Option<Vec<String>>,
    /// The branch's upstream, if it has one, and how the two differ.
    pub upstream: Option<Tracking>,
}

/// Where a branch stands against its upstream, as `git status` says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tracking {
    /// The remote-tracking branch, `remote/branch`.
    pub name: String,
    /// The remote-tracking branch does not exist (never fetched, or deleted on the remote
    /// and pruned): nothing to compare with.
    pub gone: bool,
    /// Commits the branch has and the upstream lacks.
    pub ahead: usize,
    /// Commits the upstream has and the branch lacks.
    pub behind: usize,
}

impl Status {
    pub fn is_clean(&self) -> bool {
        self.staged.is_empty()
            && self.unstaged.is_empty()
            && self.untracked.is_empty()
            && self.merging.is_none()
    }
}

/// Which tables differ between two roots, and how.
pub(crate) fn changed_tables(from: &RootValue, to: &RootValue) -> Vec<TableStatus> {
    let names: BTreeSet<&String> = from.tables.keys().chain(to.tables.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| {
            let change = match (from.tables.get(name), to.tables.get(name)) {
                (None, Some(_)) => TableChange::New,
                (Some(_), None) => TableChange::Deleted,
                (Some(a), Some(b)) if a != b => TableChange::Modified,
                _ => return None,
            };
            Some(TableStatus {
                name: name.clone(),
                change,
            })
        })
        .collect()
}

/// How `Repo::commit` takes the working set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommitOptions {
    /// Stage everything in the working root first, new tables included.
    pub all: bool,
    /// Commit even if the staged root is HEAD's.
    pub allow_empty: bool,
    /// Replace HEAD instead of adding a commit after it, as `git commit --amend` does.
    pub amend: bool,
}

impl CommitOptions {
    /// Everything in the working root, as `commit -a`.
    pub const ALL: CommitOptions = CommitOptions {
        all: true,
        allow_empty: false,
        amend: false,
    };
}

impl<S: Storage> Repo<S> {
    /// The working set's changes and the branch against its upstream, as `git status` shows.
    pub async fn status(&self) -> Result<Status> {
        let mut status = self.changes().await?;
        status.upstream = self.tracking().await?;
        Ok(status)
    }

    /// `status` without `upstream` (always `None` here): the tables alone, for callers that
    /// should not walk the history to compare with the upstream.
    pub async fn changes(&self) -> Result<Status> {
        let ws = self.working_set(&self.config.head).await?;
        let head = self
            .root_value(self.commit_at(self.head()?).await?.root)
            .await?;
        let staged = self.root_value(ws.staged).await?;
        let working = self.root_value(ws.working).await?;
        let mut unstaged = Vec::new();
        let mut untracked = Vec::new();
        for t in changed_tables(&staged, &working) {
            match t.change {
                TableChange::New => untracked.push(t.name),
                _ => unstaged.push(t),
            }
        }
        Ok(Status {
            branch: self.config.head.clone(),
            staged: changed_tables(&head, &staged),
            unstaged,
            untracked,
            merging: ws.merge.map(|m| m.conflicts.into_keys().collect()),
            upstream: None,
        })
    }

    /// The current branch against its upstream; None without one.
    async fn tracking(&self) -> Result<Option<Tracking>> {
        let Some(up) = self.config.upstreams.get(&self.config.head) else {
            return Ok(None);
        };
        let name = alloc::format!("{}/{}", up.remote, up.branch);
        let Some(theirs) = self.datasets.get(&datasets::remote(&up.remote, &up.branch)) else {
            return Ok(Some(Tracking {
                name,
                gone: true,
                ahead: 0,
                behind: 0,
            }));
        };
        let (ahead, behind) = self.ahead_behind(self.head()?, theirs).await?;
        Ok(Some(Tracking {
            name,
            gone: false,
            ahead,
            behind,
        }))
    }

    /// How many commits only `ours` reaches, and how many only `theirs`. Walks back from
    /// both, newest commit first, marking each commit with the sides that reach it, and
    /// stops once every commit marked for one side only is newer than all still to visit:
    /// what lies behind those is reached by both (Git's walk; like Git's, it trusts commit
    /// times not to decrease from parent to child, so a clock set back between commits may
    /// miscount; equal times are fine).
    pub async fn ahead_behind(&self, ours: Hash, theirs: Hash) -> Result<(usize, usize)> {
        const OURS: u8 = 1;
        const THEIRS: u8 = 2;
        const BOTH: u8 = OURS | THEIRS;
        let mut marks: BTreeMap<Hash, u8> = BTreeMap::new();
        // Each commit's time and parents, read once.
        let mut read: BTreeMap<Hash, (u64, Vec<Hash>)> = BTreeMap::new();
        // The commits marked for one side only, oldest first.
        let mut one_sided: BTreeSet<(u64, Hash)> = BTreeSet::new();
        let mut queue: BinaryHeap<(u64, Hash)> = BinaryHeap::new();
        let mut todo = alloc::vec![(ours, OURS), (theirs, THEIRS)];
        loop {
            // Mark what the last commit taken reaches; a commit whose marks grow is visited
            // (again), so that its parents get them too.
            for (at, mark) in todo.drain(..) {
                let old = marks.get(&at).copied().unwrap_or(0);
                let new = old | mark;
                if new == old {
                    continue;
                }
                marks.insert(at, new);
                if let Entry::Vacant(slot) = read.entry(at) {
                    let c = self.commit_at(at).await?;
                    slot.insert((c.time_ms, c.parents));
                }
                let time = read[&at].0;
                match new {
                    BOTH => one_sided.remove(&(time, at)),
                    _ => one_sided.insert((time, at)),
                };
                queue.push((time, at));
            }
            // Done when every commit marked for one side only, still to visit or not, is
            // newer than all still to visit: with times that never decrease from parent to
            // child, none of them can be behind a commit both reach.
            let Some(&(newest, _)) = queue.peek() else {
                break;
            };
            if one_sided.first().is_none_or(|&(oldest, _)| oldest > newest) {
                break;
            }
            let Some((_, at)) = queue.pop() else { break };
            let mark = marks[&at];
            todo.extend(read[&at].1.iter().map(|&p| (p, mark)));
        }
        let count = |side| marks.values().filter(|&&m| m == side).count();
        Ok((count(OURS), count(THEIRS)))
    }

    /// Stages tables: each named table's working state (or its deletion) goes into the
    /// staged root. `None` stages every change, like `add .`.
    pub async fn add(&mut self, tables: Option<&[String]>) -> Result<()> {
        let ws = self.working_set(&self.config.head).await?;
        let working = self.root_value(ws.working).await?;
        let mut staged = self.root_value(ws.staged).await?;
        match tables {
            None => staged = working,
            Some(names) => {
                for name in names {
                    match working.tables.get(name) {
                        Some(t) => {
                            staged.tables.insert(name.clone(), t.clone());
                        }
                        None if staged.tables.remove(name).is_some() => {}
                        None => return Err(RepoError::TableNotFound(name.clone())),
                    }
                }
            }
        }
        let staged = self.put_root_value(&staged).await?;
        self.set_working_set(WorkingSet { staged, ..ws }).await
    }

    /// Commits the staged root on the current branch, as `options` say. Refuses an empty
    /// commit unless `allow_empty`, and an empty message (but an amend without one keeps
    /// the message of the commit it replaces).
    pub async fn commit(
        &mut self,
        message: &str,
        options: CommitOptions,
        author: &Signature,
    ) -> Result<Hash> {
        let mut ws = self.working_set(&self.config.head).await?;
        if options.all {
            ws.staged = ws.working;
        }
        let head = self.head()?;
        let head_commit = self.commit_at(head).await?;
        let hash = match ws.merge.take() {
            // Git's rule: a merge is concluded by a commit of its own, not by amending.
            Some(_) if options.amend => return Err(RepoError::MergeInProgress),
            Some(merge) if !merge.conflicts.is_empty() => {
                return Err(RepoError::Conflicts(merge.conflicts.into_keys().collect()))
            }
            // A merge is committed even if it changed nothing: its second parent records it.
            Some(merge) => self.conclude(&merge, ws.staged, message, author).await?,
            None => {
                let (message, parents) = if options.amend {
                    // An amend replaces HEAD: its parents (both, for a merge commit), with
                    // the staged root and the message given or HEAD's.
                    let message = match message.trim().is_empty() {
                        true => head_commit.message,
                        false => message.into(),
                    };
                    (message, head_commit.parents)
                } else if ws.staged == head_commit.root && !options.allow_empty {
                    return Err(RepoError::NothingToCommit);
                } else if message.trim().is_empty() {
                    return Err(RepoError::EmptyMessage);
                } else {
                    (message.into(), alloc::vec![head])
                };
                let commit = Commit {
                    root: ws.staged,
                    parents,
                    author: author.name.clone(),
                    email: author.email.clone(),
                    time_ms: author.time_ms,
                    message,
                };
                self.store.put(&commit.encode()).await?
            }
        };
        let branch = self.config.head.clone();
        let mut next = self.datasets.clone();
        next.map.insert(datasets::head(&branch), hash);
        self.put_working_set(&mut next, &branch, ws).await?;
        self.save(next).await?;
        Ok(hash)
    }

    /// `reset` without `--hard`: unstages everything, keeping the working root.
    pub async fn reset_soft(&mut self) -> Result<()> {
        let ws = self.working_set(&self.config.head).await?;
        let staged = self.commit_at(self.head()?).await?.root;
        self.set_working_set(WorkingSet { staged, ..ws }).await
    }

    /// Tables at a ref, or in the working root when `spec` is `None`.
    pub async fn ls(&self, spec: Option<&str>) -> Result<Vec<String>> {
        let root = match spec {
            None => self.working_set(&self.config.head).await?.working,
            Some(spec) => self.commit_at(self.resolve(spec).await?.0).await?.root,
        };
        Ok(self.root_value(root).await?.tables.into_keys().collect())
    }
}
