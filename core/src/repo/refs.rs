//! Branches, tags, remote-tracking branches, checkout and log: everything that names commits.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;

use super::{Repo, RepoError, Result, Upstream};
use crate::db::commit::Commit;
use crate::db::datasets::{self, HEADS, REMOTES, TAGS};
use crate::db::working_set::WorkingSet;
use crate::hash::Hash;
use crate::io::Storage;

/// What a name given by a user turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefKind {
    Branch(String),
    Tag(String),
    RemoteBranch(String),
    Commit,
}

impl RefKind {
    /// The name it was found by (empty for a commit).
    pub fn name(&self) -> &str {
        match self {
            RefKind::Branch(n) | RefKind::Tag(n) | RefKind::RemoteBranch(n) => n,
            RefKind::Commit => "",
        }
    }
}

/// Branch, tag and remote names: Git's rules, simplified to what is safe in a path and a URL.
pub fn check_ref_name(what: &'static str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && !name.starts_with(['-', '.', '/'])
        && !name.ends_with(['/', '.'])
        && !name.contains("..")
        && !name.contains("//")
        && name != "HEAD"
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
    if ok {
        Ok(())
    } else {
        Err(RepoError::InvalidName {
            what,
            name: name.into(),
        })
    }
}

impl<S: Storage> Repo<S> {
    /// Resolves what a user typed to a commit, as Git reads a revision: a base (`HEAD`, a
    /// branch, a tag, `remote/branch` or `remotes/remote/branch`, a commit hash or a unique
    /// prefix of one) and any number of `~N` (N first parents back) and `^N` (the N-th
    /// parent; `^0` the commit itself) steps, `~` and `^` alone meaning 1.
    pub async fn resolve(&self, spec: &str) -> Result<(Hash, RefKind)> {
        let not_found = || RepoError::RefNotFound(spec.into());
        let (base, mut steps) = spec.split_at(spec.find(['~', '^']).unwrap_or(spec.len()));
        let (mut at, kind) = self.resolve_base(base).await?.ok_or_else(not_found)?;
        if steps.is_empty() {
            return Ok((at, kind));
        }
        while let Some(step) = steps.chars().next() {
            let digits = steps[1..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(steps.len(), |n| n + 1);
            let n: usize = match &steps[1..digits] {
                "" => 1,
                n => n.parse().map_err(|_| not_found())?,
            };
            steps = &steps[digits..];
            let (back, parent) = match step {
                '~' => (n, 0),
                '^' if n == 0 => continue,
                '^' => (1, n - 1),
                _ => return Err(not_found()),
            };
            for _ in 0..back {
                let parents = self.commit_at(at).await?.parents;
                at = *parents.get(parent).ok_or_else(not_found)?;
            }
        }
        Ok((at, RefKind::Commit))
    }

    /// A revision's base: `None` if nothing has that name.
    async fn resolve_base(&self, base: &str) -> Result<Option<(Hash, RefKind)>> {
        if base == "HEAD" {
            return Ok(Some((self.head()?, RefKind::Commit)));
        }
        // `branch -a` prints remote-tracking branches as `remotes/origin/main`.
        let remote = base.strip_prefix("remotes/").unwrap_or(base);
        let candidates = [
            (datasets::head(base), RefKind::Branch(base.into())),
            (datasets::tag(base), RefKind::Tag(base.into())),
            (
                alloc::format!("{REMOTES}{remote}"),
                RefKind::RemoteBranch(remote.into()),
            ),
        ];
        for (name, kind) in candidates {
            if let Some(hash) = self.datasets.get(&name) {
                return Ok(Some((hash, kind)));
            }
        }
        if let Some(hash) = Hash::parse(base) {
            if self.store.has(&hash) && self.commit_at(hash).await.is_ok() {
                return Ok(Some((hash, RefKind::Commit)));
            }
        }
        self.resolve_prefix(base).await
    }

    /// The one commit, reachable from a branch, tag or remote-tracking branch, whose hash
    /// starts with `prefix` (at least 4 characters, as Git asks).
    async fn resolve_prefix(&self, prefix: &str) -> Result<Option<(Hash, RefKind)>> {
        let base32 = |c: char| c.is_ascii_digit() || ('a'..='v').contains(&c);
        if prefix.len() < 4 || !prefix.chars().all(base32) {
            return Ok(None);
        }
        let mut todo: Vec<Hash> = self
            .branches()
            .into_iter()
            .chain(self.tags())
            .chain(self.remote_branches())
            .map(|(_, hash)| hash)
            .collect();
        let mut seen = BTreeSet::new();
        let mut found = BTreeSet::new();
        while let Some(hash) = todo.pop() {
            if !seen.insert(hash) {
                continue;
            }
            if hash.to_base32().starts_with(prefix) {
                found.insert(hash);
            }
            todo.extend(self.commit_at(hash).await?.parents);
        }
        match found.len() {
            0 => Ok(None),
            1 => Ok(found.pop_first().map(|hash| (hash, RefKind::Commit))),
            matches => Err(RepoError::AmbiguousRef {
                prefix: prefix.into(),
                matches,
            }),
        }
    }

    pub fn branches(&self) -> Vec<(String, Hash)> {
        self.datasets
            .under(HEADS)
            .map(|(n, h)| (n.into(), h))
            .collect()
    }

    /// Remote-tracking branches as `remote/branch`.
    pub fn remote_branches(&self) -> Vec<(String, Hash)> {
        self.datasets
            .under(REMOTES)
            .map(|(n, h)| (n.into(), h))
            .collect()
    }

    pub fn tags(&self) -> Vec<(String, Hash)> {
        self.datasets
            .under(TAGS)
            .map(|(n, h)| (n.into(), h))
            .collect()
    }

    /// Creates a branch at `start` (default: the current branch's head).
    pub async fn create_branch(&mut self, name: &str, start: Option<&str>) -> Result<Hash> {
        check_ref_name("branch", name)?;
        if self.datasets.get(&datasets::head(name)).is_some() {
            return Err(RepoError::BranchExists(name.into()));
        }
        let at = match start {
            Some(spec) => self.resolve(spec).await?.0,
            None => self.head()?,
        };
        let mut next = self.datasets.clone();
        next.map.insert(datasets::head(name), at);
        self.save(next).await?;
        Ok(at)
    }

    /// Deletes a branch and its working set. The checked-out branch cannot be deleted; nor,
    /// unless `force`, one with commits the current branch lacks or uncommitted changes.
    pub async fn delete_branch(&mut self, name: &str, force: bool) -> Result<()> {
        if name == self.config.head {
            return Err(RepoError::CannotDeleteCurrentBranch(name.into()));
        }
        let at = self
            .datasets
            .get(&datasets::head(name))
            .ok_or_else(|| RepoError::BranchNotFound(name.into()))?;
        if !force {
            if !self.is_ancestor(at, self.head()?).await? {
                return Err(RepoError::BranchNotMerged(name.into()));
            }
            let root = self.commit_at(at).await?.root;
            if self.working_set(name).await? != WorkingSet::clean(root) {
                return Err(RepoError::BranchHasChanges(name.into()));
            }
        }
        let mut next = self.datasets.clone();
        next.map.remove(&datasets::head(name));
        next.map.remove(&datasets::working_set(name));
        self.save(next).await?;
        self.config.upstreams.remove(name);
        Ok(())
    }

    /// `branch -m OLD NEW`: the branch and its working set take the new name.
    pub async fn rename_branch(&mut self, old: &str, new: &str) -> Result<()> {
        check_ref_name("branch", new)?;
        let mut next = self.datasets.clone();
        let at = next
            .map
            .remove(&datasets::head(old))
            .ok_or_else(|| RepoError::BranchNotFound(old.into()))?;
        if next.map.insert(datasets::head(new), at).is_some() {
            return Err(RepoError::BranchExists(new.into()));
        }
        if let Some(ws) = next.map.remove(&datasets::working_set(old)) {
            next.map.insert(datasets::working_set(new), ws);
        }
        self.save(next).await?;
        if let Some(up) = self.config.upstreams.remove(old) {
            self.config.upstreams.insert(new.into(), up);
        }
        if self.config.head == old {
            self.config.head = new.into();
        }
        Ok(())
    }

    /// Switches to a branch. Each branch keeps its own working set, so uncommitted changes
    /// stay with the branch they were made on. With no local branch of that name but one
    /// remote that has it (Git's DWIM), the branch is made there, following that remote's;
    /// then the answer is that remote.
    pub async fn checkout(&mut self, name: &str) -> Result<Option<String>> {
        // The transaction belongs to the branch it began on.
        self.no_transaction()?;
        let mut made = None;
        if self.datasets.get(&datasets::head(name)).is_none() {
            let mut found =
                self.config.remotes.keys().filter_map(|r| {
                    Some((r.clone(), self.datasets.get(&datasets::remote(r, name))?))
                });
            let (Some((remote, at)), None) = (found.next(), found.next()) else {
                return Err(RepoError::BranchNotFound(name.into()));
            };
            check_ref_name("branch", name)?;
            let mut next = self.datasets.clone();
            self.set_branch_clean(&mut next, name, at).await?;
            self.save(next).await?;
            self.config.upstreams.insert(
                name.into(),
                Upstream {
                    remote: remote.clone(),
                    branch: name.into(),
                },
            );
            made = Some(remote);
        }
        self.config.head = name.into();
        Ok(made)
    }

    /// Records that `branch` follows `remote`'s branch of the same name (`push -u`).
    pub fn set_upstream(&mut self, branch: &str, remote: &str) -> Result<()> {
        if !self.config.remotes.contains_key(remote) {
            return Err(RepoError::RemoteNotFound(remote.into()));
        }
        if self.datasets.get(&datasets::head(branch)).is_none() {
            return Err(RepoError::BranchNotFound(branch.into()));
        }
        let up = Upstream {
            remote: remote.into(),
            branch: branch.into(),
        };
        self.config.upstreams.insert(branch.into(), up);
        Ok(())
    }

    /// The current branch's upstream.
    pub fn upstream(&self) -> Result<&Upstream> {
        let branch = &self.config.head;
        self.config
            .upstreams
            .get(branch)
            .ok_or_else(|| RepoError::NoUpstream(branch.clone()))
    }

    /// `checkout -b`: creates a branch at `start` (default HEAD) and switches to it. Started
    /// at HEAD, the new branch takes the uncommitted work along and the old branch is left
    /// clean, as in Git.
    pub async fn checkout_new(&mut self, name: &str, start: Option<&str>) -> Result<()> {
        check_ref_name("branch", name)?;
        if self.datasets.get(&datasets::head(name)).is_some() {
            return Err(RepoError::BranchExists(name.into()));
        }
        let old = self.config.head.clone();
        let mut next = self.datasets.clone();
        let at = match start {
            Some(spec) => self.resolve(spec).await?.0,
            None => {
                let carried = self.working_set(&old).await?;
                let head = self.head()?;
                let root = self.commit_at(head).await?.root;
                let clean = WorkingSet::clean(root);
                self.put_working_set(&mut next, &old, clean).await?;
                self.put_working_set(&mut next, name, carried).await?;
                head
            }
        };
        next.map.insert(datasets::head(name), at);
        self.save(next).await?;
        self.config.head = name.into();
        Ok(())
    }

    pub async fn create_tag(&mut self, name: &str, target: Option<&str>) -> Result<Hash> {
        check_ref_name("tag", name)?;
        if self.datasets.get(&datasets::tag(name)).is_some() {
            return Err(RepoError::TagExists(name.into()));
        }
        let at = self.resolve(target.unwrap_or("HEAD")).await?.0;
        let mut next = self.datasets.clone();
        next.map.insert(datasets::tag(name), at);
        self.save(next).await?;
        Ok(at)
    }

    pub async fn delete_tag(&mut self, name: &str) -> Result<()> {
        let mut next = self.datasets.clone();
        if next.map.remove(&datasets::tag(name)).is_none() {
            return Err(RepoError::TagNotFound(name.into()));
        }
        self.save(next).await
    }

    /// The names pointing at a commit, as `git log` decorates it: `HEAD -> branch` first.
    pub fn decorations(&self, hash: Hash) -> Vec<String> {
        let mut out = Vec::new();
        for (name, h) in self.branches() {
            if h == hash {
                if name == self.config.head {
                    out.insert(0, alloc::format!("HEAD -> {name}"));
                } else {
                    out.push(name);
                }
            }
        }
        let tags = self.tags().into_iter().filter(|(_, h)| *h == hash);
        out.extend(tags.map(|(n, _)| alloc::format!("tag: {n}")));
        let remotes = self
            .remote_branches()
            .into_iter()
            .filter(|(_, h)| *h == hash);
        out.extend(remotes.map(|(n, _)| n));
        out
    }

    /// Commits reachable from `start`, newest first (the first reached first among equally
    /// old ones). With `topo`, no commit comes before all of its children, as `log --graph`
    /// needs even when clocks disagree; that reads the whole history first.
    pub async fn log(
        &self,
        start: Hash,
        limit: Option<usize>,
        topo: bool,
    ) -> Result<Vec<(Hash, Commit)>> {
        // Children not shown yet, per commit.
        let mut waiting: BTreeMap<Hash, usize> = BTreeMap::new();
        if topo {
            for at in self.ancestors(start).await? {
                for p in self.commit_at(at).await?.parents {
                    *waiting.entry(p).or_default() += 1;
                }
            }
        }
        let mut out = Vec::new();
        let mut seen = BTreeSet::from([start]);
        let mut queue = alloc::vec![(start, self.commit_at(start).await?)];
        while limit.is_none_or(|l| out.len() < l) {
            let next = queue
                .iter()
                .enumerate()
                .filter(|(_, (h, _))| waiting.get(h).is_none_or(|n| *n == 0))
                .max_by_key(|(i, (_, c))| (c.time_ms, core::cmp::Reverse(*i)))
                .map(|(i, _)| i);
            let Some(i) = next else { break };
            let (hash, commit) = queue.remove(i);
            for &p in &commit.parents {
                if let Some(n) = waiting.get_mut(&p) {
                    *n -= 1;
                }
                if seen.insert(p) {
                    queue.push((p, self.commit_at(p).await?));
                }
            }
            out.push((hash, commit));
        }
        Ok(out)
    }

    /// `reset --hard [REF]`: the branch moves to REF (default HEAD), and its working and
    /// staged roots become that commit's, discarding uncommitted changes.
    pub async fn reset_hard(&mut self, target: Option<&str>) -> Result<Hash> {
        let at = self.resolve(target.unwrap_or("HEAD")).await?.0;
        let branch = self.config.head.clone();
        let mut next = self.datasets.clone();
        self.set_branch_clean(&mut next, &branch, at).await?;
        self.save(next).await?;
        Ok(at)
    }
}
