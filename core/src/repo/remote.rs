//! Remotes: push one branch, fetch every branch, pull (fetch and merge), clone. A remote store's
//! root is a dataset map holding only `refs/heads/*` and `refs/tags/*`: never working sets,
//! never remote-tracking branches.

use alloc::collections::BTreeSet;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{Config, FastForward, MergeOutcome, RefKind, Repo, RepoError, Result, Signature};
use crate::chunk_store::{ChunkStore, StoreError};
use crate::db::datasets::{self, Datasets, HEADS, REMOTES, TAGS};
use crate::db::kind::Kind;
use crate::hash::Hash;
use crate::io::Storage;
use crate::sync::{self, Sink, SyncStats};

/// How many times a push starts again after other pushes moved the remote's root.
const PUSH_ATTEMPTS: usize = 16;

/// What a push, fetch or pull changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transfer {
    UpToDate,
    Updated {
        old: Option<Hash>,
        new: Hash,
        stats: SyncStats,
    },
}

/// One ref a push or fetch moved: from `old` (none if it was new) to `new`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Update {
    pub name: RefKind,
    pub old: Option<Hash>,
    pub new: Hash,
}

/// What `push_refs` moved on the remote (nothing: everything was up to date).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pushed {
    pub updated: Vec<Update>,
    pub stats: SyncStats,
}

/// What `fetch_tags` copied, and what became of the remote's tags here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fetched {
    pub stats: SyncStats,
    /// Tags created (no `old`), or moved to the remote's commit (with `force`).
    pub tags: Vec<Update>,
    /// Tags that point elsewhere here and were kept (without `force`).
    pub kept_tags: Vec<String>,
}

/// What a pull fetched, and what merging the remote's branch did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pulled {
    pub fetched: Fetched,
    pub merge: MergeOutcome,
}

/// A remote's dataset map; empty for an empty store. A backup is refused here.
pub async fn remote_datasets<R: Storage>(remote: &ChunkStore<R>) -> Result<Datasets> {
    let root = remote.root();
    if root.is_empty() {
        return Ok(Datasets::default());
    }
    let chunk = remote
        .get(&root)
        .await?
        .ok_or(RepoError::Store(StoreError::MissingChunk { hash: root }))?;
    if chunk.first() == Some(&(Kind::Backup as u8)) {
        return Err(RepoError::IsABackup);
    }
    let theirs = Datasets::decode(&chunk).map_err(|why| RepoError::Corrupt { hash: root, why })?;
    // Names from another store are data, not trusted: only branches and tags, with names a
    // user could have typed, may come into this database's refs and its config.
    for name in theirs.map.keys() {
        let named = [("branch", HEADS), ("tag", TAGS)]
            .into_iter()
            .find_map(|(what, prefix)| Some((what, name.strip_prefix(prefix)?)));
        match named {
            Some((what, short)) => {
                super::refs::check_ref_name(what, short).map_err(|_| RepoError::InvalidName {
                    what,
                    name: short.escape_debug().to_string(),
                })?
            }
            None => {
                return Err(RepoError::InvalidName {
                    what: "remote dataset",
                    name: name.escape_debug().to_string(),
                })
            }
        }
    }
    Ok(theirs)
}

/// A URL the config cannot hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidUrl(pub String);

impl core::fmt::Display for InvalidUrl {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "'{}' is not a valid URL: control characters and quotes cannot be kept in the config",
            self.0
        )
    }
}

/// A remote's or backup's URL as the config can hold it: trimmed, as the config reads values
/// back, and free of what would end or break a config line or a quoted section name.
pub fn check_url(url: &str) -> core::result::Result<&str, InvalidUrl> {
    let url = url.trim();
    if url.is_empty() || url.chars().any(|c| c.is_control() || c == '"') {
        return Err(InvalidUrl(url.escape_debug().to_string()));
    }
    Ok(url)
}

impl<S: Storage> Repo<S> {
    /// Whether `ancestor` is `commit` or one of its ancestors, in this store.
    pub async fn is_ancestor(&self, ancestor: Hash, commit: Hash) -> Result<bool> {
        let mut seen = BTreeSet::new();
        let mut todo = alloc::vec![commit];
        while let Some(at) = todo.pop() {
            if at == ancestor {
                return Ok(true);
            }
            if seen.insert(at) {
                todo.extend(self.commit_at(at).await?.parents);
            }
        }
        Ok(false)
    }

    fn remote_url(&self, remote: &str) -> Result<&String> {
        self.config
            .remotes
            .get(remote)
            .ok_or_else(|| RepoError::RemoteNotFound(remote.into()))
    }

    /// Pushes `branch` to the remote: its commits only, fast-forward unless `force`; then
    /// records `refs/remotes/<remote>/<branch>`.
    pub async fn push<R: Storage>(
        &mut self,
        remote_name: &str,
        remote: &mut ChunkStore<R>,
        branch: &str,
        force: bool,
        progress: &mut dyn Sink,
    ) -> Result<Transfer> {
        let pushed = self
            .push_refs(
                remote_name,
                remote,
                &[RefKind::Branch(branch.into())],
                force,
                progress,
            )
            .await?;
        Ok(match pushed.updated.first() {
            None => Transfer::UpToDate,
            Some(update) => Transfer::Updated {
                old: update.old,
                new: update.new,
                stats: pushed.stats,
            },
        })
    }

    /// The refs `push [--tags] [-u] [NAME]` sends: NAME, a branch or a tag (default: the
    /// current branch, unless only tags are pushed), and with `tags` every tag.
    pub async fn refs_to_push(
        &self,
        name: Option<&str>,
        tags: bool,
        set_upstream: bool,
    ) -> Result<Vec<RefKind>> {
        let name = match name {
            None if tags && !set_upstream => None,
            name => Some(name.unwrap_or(&self.config.head).to_string()),
        };
        let mut refs = Vec::new();
        if let Some(name) = name {
            refs.push(match self.resolve(&name).await? {
                (_, kind @ (RefKind::Branch(_) | RefKind::Tag(_))) => kind,
                _ => return Err(RepoError::RefNotFound(name)),
            });
        }
        if tags {
            for (tag, _) in self.tags() {
                let tag = RefKind::Tag(tag);
                if !refs.contains(&tag) {
                    refs.push(tag);
                }
            }
        }
        Ok(refs)
    }

    /// After `push -u`: each branch of `refs` follows `remote` from now on; answers them.
    pub fn set_upstreams(&mut self, refs: &[RefKind], remote: &str) -> Result<Vec<String>> {
        let mut set = Vec::new();
        for r in refs {
            if let RefKind::Branch(branch) = r {
                self.set_upstream(branch, remote)?;
                set.push(branch.clone());
            }
        }
        Ok(set)
    }

    /// Pushes branches and tags to the remote in one swap of its root: a branch only by
    /// fast-forward and a tag only where the remote lacks it, unless `force`; then records
    /// the remote's branches as `refs/remotes/<remote>/*`. Another push that moves the
    /// remote's root meanwhile (of another branch, say) is no reason to fail, as in Git,
    /// whose refs are updated one by one: the push starts again from the remote's new state,
    /// which also checks again what may move. What it copied is not copied again.
    pub async fn push_refs<R: Storage>(
        &mut self,
        remote_name: &str,
        remote: &mut ChunkStore<R>,
        refs: &[RefKind],
        force: bool,
        progress: &mut dyn Sink,
    ) -> Result<Pushed> {
        self.remote_url(remote_name)?;
        let mut wanted = Vec::new();
        for r in refs {
            let (key, missing) = match r {
                RefKind::Branch(b) => (datasets::head(b), RepoError::BranchNotFound(b.clone())),
                RefKind::Tag(t) => (datasets::tag(t), RepoError::TagNotFound(t.clone())),
                _ => return Err(RepoError::RefNotFound(r.name().into())),
            };
            wanted.push((r, key.clone(), self.datasets.get(&key).ok_or(missing)?));
        }
        // What every attempt copied: a later one does not copy it again.
        let mut copied = SyncStats::default();
        for _ in 0..PUSH_ATTEMPTS {
            let expected = remote.root();
            let mut theirs = remote_datasets(remote).await?;
            let mut updated = Vec::new();
            let mut keys = Vec::new();
            for (r, key, new) in &wanted {
                let old = theirs.get(key);
                if old == Some(*new) {
                    continue;
                }
                if let (Some(old), false) = (old, force) {
                    match r {
                        RefKind::Branch(branch) => {
                            if !(self.store.has(&old) && self.is_ancestor(old, *new).await?) {
                                return Err(RepoError::NonFastForward {
                                    remote: remote_name.into(),
                                    branch: branch.clone(),
                                });
                            }
                        }
                        // A tag names one commit for good: moving it is never a fast-forward.
                        _ => {
                            return Err(RepoError::RemoteTagDiffers {
                                remote: remote_name.into(),
                                tag: r.name().into(),
                            })
                        }
                    }
                }
                keys.push(key);
                updated.push(Update {
                    name: (*r).clone(),
                    old,
                    new: *new,
                });
            }
            if !updated.is_empty() {
                let roots: Vec<Hash> = updated.iter().map(|u| u.new).collect();
                copied.add(
                    sync::copy_closure(&self.store, remote, &roots, progress)
                        .await
                        .map_err(RepoError::Sync)?,
                );
                for (key, u) in keys.into_iter().zip(&updated) {
                    theirs.map.insert(key.clone(), u.new);
                }
                let root = remote.put(&theirs.encode()).await?;
                if let Err(e) = remote.commit(expected, root).await {
                    match e {
                        StoreError::Conflict { .. } => {
                            remote.reload().await?;
                            continue;
                        }
                        e => return Err(e.into()),
                    }
                }
            }
            for (r, _, new) in &wanted {
                if let RefKind::Branch(branch) = r {
                    self.track(remote_name, branch, *new).await?;
                }
            }
            return Ok(Pushed {
                updated,
                stats: copied,
            });
        }
        Err(RepoError::RemoteBusy(remote_name.into()))
    }

    /// Records where a remote's branch is.
    async fn track(&mut self, remote: &str, branch: &str, at: Hash) -> Result<()> {
        let name = datasets::remote(remote, branch);
        if self.datasets.get(&name) == Some(at) {
            return Ok(());
        }
        let mut next = self.datasets.clone();
        next.map.insert(name, at);
        self.save(next).await
    }

    /// Copies every branch and tag of the remote, and mirrors its branches as
    /// `refs/remotes/<remote>/*`. Tags the database lacks are created; see `fetch_tags`.
    pub async fn fetch<R: Storage>(
        &mut self,
        remote_name: &str,
        remote: &ChunkStore<R>,
        progress: &mut dyn Sink,
    ) -> Result<SyncStats> {
        Ok(self
            .fetch_tags(remote_name, remote, false, progress)
            .await?
            .stats)
    }

    /// `fetch`, telling which tags it created and which local tags it kept although the
    /// remote's tag of that name points elsewhere (as Git, it does not clobber a tag unless
    /// `force`, which replaces them).
    pub async fn fetch_tags<R: Storage>(
        &mut self,
        remote_name: &str,
        remote: &ChunkStore<R>,
        force: bool,
        progress: &mut dyn Sink,
    ) -> Result<Fetched> {
        // A copy that fails halfway forgets every chunk not saved yet: the transaction's too.
        self.no_transaction()?;
        self.remote_url(remote_name)?;
        let theirs = remote_datasets(remote).await?;
        let heads: Vec<(String, Hash)> = theirs.under(HEADS).map(|(n, h)| (n.into(), h)).collect();
        let tags: Vec<(String, Hash)> = theirs.under(TAGS).map(|(n, h)| (n.into(), h)).collect();
        let roots: Vec<Hash> = heads.iter().chain(&tags).map(|(_, h)| *h).collect();
        let stats = sync::copy_closure(remote, &mut self.store, &roots, progress)
            .await
            .map_err(RepoError::Sync)?;
        let mut next = self.datasets.clone();
        let prefix = alloc::format!("{REMOTES}{remote_name}/");
        next.map.retain(|k, _| !k.starts_with(&prefix));
        for (branch, at) in heads {
            next.map.insert(datasets::remote(remote_name, &branch), at);
        }
        let mut fetched = Fetched {
            stats,
            ..Fetched::default()
        };
        for (tag, at) in tags {
            let old = next.map.insert(datasets::tag(&tag), at);
            match old {
                Some(ours) if ours == at => {}
                Some(ours) if !force => {
                    next.map.insert(datasets::tag(&tag), ours);
                    fetched.kept_tags.push(tag);
                }
                _ => fetched.tags.push(Update {
                    name: RefKind::Tag(tag),
                    old,
                    new: at,
                }),
            }
        }
        if next != self.datasets {
            self.save(next).await?;
        }
        Ok(fetched)
    }

    /// Fetches, then merges `<remote>/<branch>` (default: the current branch's name) into the
    /// current branch as `merge` does in `mode`: a fast-forward where it can, else a
    /// three-way merge that commits or leaves its conflicts in the working set.
    pub async fn pull<R: Storage>(
        &mut self,
        (remote_name, remote): (&str, &ChunkStore<R>),
        branch: Option<&str>,
        mode: FastForward,
        author: &Signature,
        progress: &mut dyn Sink,
    ) -> Result<Pulled> {
        let fetched = self
            .fetch_tags(remote_name, remote, false, progress)
            .await?;
        let current = self.config.head.clone();
        let target = alloc::format!("{remote_name}/{}", branch.unwrap_or(&current));
        if self
            .datasets
            .get(&alloc::format!("{REMOTES}{target}"))
            .is_none()
        {
            return Err(RepoError::BranchNotFound(target));
        }
        let merge = self.merge(&target, mode, None, author).await?;
        Ok(Pulled { fetched, merge })
    }

    /// Clones a remote into the empty store `store`: every branch and tag is fetched, `origin`
    /// is set to `url`, and the default branch (`main` if the remote has it, else its first)
    /// is checked out.
    pub async fn clone_from<R: Storage>(
        store: ChunkStore<S>,
        remote: &ChunkStore<R>,
        url: &str,
        id: &str,
        progress: &mut dyn Sink,
    ) -> Result<Self> {
        if !store.root().is_empty() {
            return Err(RepoError::AlreadyInitialized);
        }
        let theirs = remote_datasets(remote).await?;
        let branches: Vec<&str> = theirs.under(HEADS).map(|(n, _)| n).collect();
        let default = if branches.contains(&"main") {
            "main"
        } else {
            *branches.first().ok_or(RepoError::EmptyRemote)?
        };
        let mut config = Config::new(id);
        config.head = default.into();
        config.remotes.insert("origin".into(), url.into());
        let up = super::Upstream {
            remote: "origin".into(),
            branch: default.into(),
        };
        config.upstreams.insert(default.into(), up);
        let base = store.root();
        let mut repo = Repo {
            store,
            config,
            datasets: Datasets::default(),
            base,
            session: crate::sql::Session::default(),
            transaction: None,
        };
        repo.fetch("origin", remote, progress).await?;
        let at = repo
            .datasets
            .get(&datasets::remote("origin", default))
            .ok_or_else(|| RepoError::BranchNotFound(default.into()))?;
        let mut next = repo.datasets.clone();
        repo.set_branch_clean(&mut next, default, at).await?;
        repo.save(next).await?;
        Ok(repo)
    }
}

impl<S: Storage> Repo<S> {
    /// Adds a remote. `same_place` tells whether two URLs name one location (the adapter
    /// knows how to resolve them); a remote may not share a location with a backup.
    pub fn add_remote(
        &mut self,
        name: &str,
        url: &str,
        same_place: impl Fn(&str, &str) -> bool,
    ) -> Result<()> {
        super::refs::check_ref_name("remote", name)?;
        let url = check_url(url).map_err(RepoError::InvalidUrl)?;
        if self.config.remotes.contains_key(name) {
            return Err(RepoError::RemoteExists(name.into()));
        }
        self.check_address(url, &same_place)?;
        self.config.remotes.insert(name.into(), url.into());
        Ok(())
    }

    /// Removes a remote and its remote-tracking branches.
    pub async fn remove_remote(&mut self, name: &str) -> Result<()> {
        if self.config.remotes.remove(name).is_none() {
            return Err(RepoError::RemoteNotFound(name.into()));
        }
        self.config.upstreams.retain(|_, up| up.remote != name);
        let prefix = alloc::format!("{REMOTES}{name}/");
        let mut next = self.datasets.clone();
        next.map.retain(|k, _| !k.starts_with(&prefix));
        if next != self.datasets {
            self.save(next).await?;
        }
        Ok(())
    }

    /// Adds a backup location; like a remote's, it may not share a location with another.
    pub fn add_backup(
        &mut self,
        name: &str,
        url: &str,
        same_place: impl Fn(&str, &str) -> bool,
    ) -> Result<()> {
        super::refs::check_ref_name("backup", name)?;
        let url = check_url(url).map_err(RepoError::InvalidUrl)?;
        if self.config.backups.contains_key(name) {
            return Err(RepoError::BackupExists(name.into()));
        }
        self.check_address(url, &same_place)?;
        self.config.backups.insert(name.into(), url.into());
        Ok(())
    }

    /// Forgets a backup; its contents stay where they are.
    pub fn remove_backup(&mut self, name: &str) -> Result<()> {
        self.config
            .backups
            .remove(name)
            .map(drop)
            .ok_or_else(|| RepoError::BackupNotFound(name.into()))
    }

    /// Adds a snapshot of this database to the backup in `dst`, which `url` names (the key
    /// under which the database remembers the snapshot it wrote there; see `backup::sync`).
    pub async fn backup_sync<D: Storage>(
        &mut self,
        dst: &mut ChunkStore<D>,
        url: &str,
        note: &crate::backup::Note,
        now_ms: u64,
        repair: crate::backup::Repair,
        progress: &mut dyn Sink,
    ) -> core::result::Result<crate::backup::SyncOutcome, crate::backup::BackupError> {
        use crate::backup::SyncOutcome;
        let url = check_url(url).map_err(crate::backup::BackupError::InvalidUrl)?;
        let config = &self.config;
        let ours = config.synced.get(url).map(String::as_str);
        let outcome = crate::backup::sync(
            &self.store,
            &config.id,
            &config.head,
            ours,
            note,
            dst,
            now_ms,
            repair,
            progress,
        )
        .await?;
        let (SyncOutcome::UpToDate { snapshot, .. } | SyncOutcome::Synced { snapshot, .. }) =
            &outcome;
        self.config.synced.insert(url.into(), snapshot.id());
        Ok(outcome)
    }

    pub fn backup_url(&self, name: &str) -> Result<&String> {
        self.config
            .backups
            .get(name)
            .ok_or_else(|| RepoError::BackupNotFound(name.into()))
    }

    fn check_address(&self, url: &str, same_place: &dyn Fn(&str, &str) -> bool) -> Result<()> {
        for (kind, map) in [
            ("remote", &self.config.remotes),
            ("backup", &self.config.backups),
        ] {
            if let Some((name, _)) = map.iter().find(|(_, u)| same_place(u, url)) {
                return Err(RepoError::AddressConflict {
                    kind,
                    name: name.clone(),
                });
            }
        }
        Ok(())
    }
}
