//! A repository: branches, tags, working sets and commits over one chunk store, with the
//! operations users type (`status`, `add`, `commit`, `branch`, ...).
//!
//! Every change is one manifest swap: the operation writes its new chunks, then a new dataset
//! map as the store's root, then swaps the manifest from the root it started at. Another
//! writer that got there first makes the operation fail with a conflict, never a lost update.

pub mod config;
mod conflict_tables;
mod conflicts;
mod diff;
mod merge;
mod procedure;
mod refs;
mod remote;
mod status;
mod system_tables;
mod table_io;
mod transaction;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::chunk_store::{ChunkStore, StoreError};
use crate::codec::CodecError;
use crate::db::commit::Commit;
use crate::db::datasets::{self, Datasets};
use crate::db::root_value::RootValue;
use crate::db::working_set::WorkingSet;
use crate::hash::Hash;
use crate::io::Storage;
use crate::prolly::ProllyError;
use crate::sql::SqlError;

pub use config::{Config, ConfigError, Upstream, User, UserKey};
pub use conflicts::{Resolution, TableConflicts};
pub use diff::{DiffTarget, RowChange, SchemaChange, TableDiff};
pub use merge::{Applied, FastForward, MergeOutcome};
pub use refs::{check_ref_name, RefKind};
pub use remote::{remote_datasets, Fetched, InvalidUrl, Pulled, Pushed, Transfer, Update};
pub use status::{CommitOptions, Status, TableChange, TableStatus, Tracking};
pub use table_io::Importing;

/// Who made a commit, and when: the core has no clock and no environment, so callers say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub name: String,
    pub email: String,
    pub time_ms: u64,
}

#[derive(Debug, PartialEq)]
pub enum RepoError {
    Store(StoreError),
    /// A chunk that should be of a known kind did not decode.
    Corrupt {
        hash: Hash,
        why: CodecError,
    },
    Prolly(ProllyError),
    Sql(SqlError),
    /// `init` on a store that already holds a database.
    AlreadyInitialized,
    /// The store holds no database (no `init` yet, or not a Cairn store).
    NotInitialized,
    BranchNotFound(String),
    BranchExists(String),
    TagNotFound(String),
    TagExists(String),
    /// A name that is not a branch, tag, remote-tracking branch or commit.
    RefNotFound(String),
    /// A hash prefix that more than one commit's hash starts with.
    AmbiguousRef {
        prefix: String,
        matches: usize,
    },
    TableNotFound(String),
    InvalidName {
        what: &'static str,
        name: String,
    },
    CannotDeleteCurrentBranch(String),
    NothingToCommit,
    /// A commit message that is empty or only blanks, as Git refuses.
    EmptyMessage,
    Sync(crate::sync::SyncError),
    RemoteNotFound(String),
    /// A push that lost to other pushes of the remote every time it tried.
    RemoteBusy(String),
    /// A push that would drop commits from the remote's branch.
    NonFastForward {
        remote: String,
        branch: String,
    },
    /// `push` or `pull` without a remote, on a branch with no upstream.
    NoUpstream(String),
    /// A push of a tag the remote has, pointing at another commit.
    RemoteTagDiffers {
        remote: String,
        tag: String,
    },
    /// A fast-forward-only merge (or pull) of a commit whose history and the branch's have
    /// diverged.
    Diverged(String),
    /// A merge of a commit that shares no history with the branch.
    NoCommonHistory(String),
    /// Tables whose merge conflicts are not resolved yet.
    Conflicts(Vec<String>),
    /// A cherry-pick or revert of a commit without exactly one parent.
    NotOneParent {
        spec: String,
        parents: usize,
    },
    /// A merge was asked for while another one waits to be committed or aborted.
    MergeInProgress,
    /// `merge --abort` or `conflicts` with no merge in progress.
    NoMerge,
    NoConflicts(String),
    /// A table's conflicting rows no longer fit its schema (it was dropped or recreated).
    Unfit(String),
    /// `branch -d` of a branch with commits the current branch lacks.
    BranchNotMerged(String),
    /// `branch -d` of a branch with uncommitted changes.
    BranchHasChanges(String),
    UncommittedChanges,
    /// `clone` or a remote operation pointed at a backup.
    IsABackup,
    EmptyRemote,
    RemoteExists(String),
    BackupExists(String),
    BackupNotFound(String),
    /// A remote or backup URL that names the location of another remote or backup.
    AddressConflict {
        kind: &'static str,
        name: String,
    },
    /// Another writer changed these datasets after this operation read them, so it wrote
    /// nothing; the repository now holds the other writer's state.
    ChangedConcurrently(Vec<String>),
    /// An operation other than SQL that would write, while this session has a SQL
    /// transaction open (`transaction.rs`).
    TransactionOpen,
    InvalidUrl(remote::InvalidUrl),
    /// A table import or export that failed (nothing was written).
    Import(crate::import::ImportError),
}

impl fmt::Display for RepoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RepoError::Store(StoreError::Conflict { .. }) => f.write_str(
                "the database was changed by another process while this command ran; run it again",
            ),
            RepoError::Store(e) => e.fmt(f),
            RepoError::Corrupt {
                why: why @ CodecError::Newer(_),
                ..
            } => write!(f, "the store was {why}"),
            RepoError::Corrupt { hash, why } => {
                write!(f, "chunk {hash} is corrupt ({why})")
            }
            RepoError::Prolly(e) => e.fmt(f),
            RepoError::Sql(e) => e.fmt(f),
            RepoError::AlreadyInitialized => {
                f.write_str("this directory already holds a Cairn database")
            }
            RepoError::NotInitialized => f.write_str("the store holds no Cairn database"),
            RepoError::BranchNotFound(b) => write!(f, "branch '{b}' not found"),
            RepoError::BranchExists(b) => write!(f, "a branch named '{b}' already exists"),
            RepoError::TagNotFound(t) => write!(f, "tag '{t}' not found"),
            RepoError::TagExists(t) => write!(f, "tag '{t}' already exists"),
            RepoError::AmbiguousRef { prefix, matches } => write!(
                f,
                "'{prefix}' starts the hashes of {matches} commits; type more of the hash"
            ),
            RepoError::RefNotFound(r) => write!(
                f,
                "'{r}' is not a branch, tag, remote-tracking branch or commit"
            ),
            RepoError::TableNotFound(t) => write!(f, "table '{t}' not found"),
            RepoError::InvalidName { what, name } => {
                write!(f, "'{name}' is not a valid {what} name")
            }
            RepoError::CannotDeleteCurrentBranch(b) => {
                write!(f, "cannot delete branch '{b}': it is checked out")
            }
            RepoError::NothingToCommit => f.write_str("no changes added to commit"),
            RepoError::EmptyMessage => f.write_str("aborting commit: the commit message is empty"),
            RepoError::Sync(e) => e.fmt(f),
            RepoError::RemoteNotFound(r) => write!(f, "remote '{r}' not found"),
            RepoError::RemoteBusy(remote) => write!(
                f,
                "other pushes kept changing remote '{remote}' while this one ran; nothing was \
                 pushed; run it again"
            ),
            RepoError::NonFastForward { remote, branch } => write!(
                f,
                "failed to push to {remote}/{branch}: the remote has commits this branch does not"
            ),
            RepoError::NoUpstream(b) => {
                write!(f, "the current branch '{b}' has no upstream branch")
            }
            RepoError::RemoteTagDiffers { remote, tag } => write!(
                f,
                "failed to push tag '{tag}' to {remote}: the remote's tag '{tag}' points at \
                 another commit"
            ),
            RepoError::Diverged(target) => write!(
                f,
                "cannot fast-forward to '{target}': the histories have diverged"
            ),
            RepoError::NoCommonHistory(target) => {
                write!(f, "'{target}' shares no history with this branch")
            }
            RepoError::Conflicts(tables) => {
                let s = if tables.len() == 1 { "" } else { "s" };
                let names: Vec<String> = tables.iter().map(|t| alloc::format!("'{t}'")).collect();
                write!(
                    f,
                    "unresolved merge conflicts in table{s} {}",
                    names.join(", ")
                )
            }
            RepoError::NotOneParent { spec, parents } => write!(
                f,
                "'{spec}' has {parents} parents; only a commit with one can be cherry-picked or \
                 reverted"
            ),
            RepoError::MergeInProgress => f.write_str("a merge is in progress"),
            RepoError::NoMerge => f.write_str("no merge is in progress"),
            RepoError::NoConflicts(t) => write!(f, "table '{t}' has no merge conflicts"),
            RepoError::Unfit(t) => write!(
                f,
                "the conflicting rows of table '{t}' no longer fit its schema"
            ),
            RepoError::BranchNotMerged(b) => write!(f, "branch '{b}' is not fully merged"),
            RepoError::BranchHasChanges(b) => {
                write!(f, "branch '{b}' has uncommitted changes")
            }
            RepoError::UncommittedChanges => f.write_str("you have uncommitted changes"),
            RepoError::IsABackup => f.write_str("the location is a backup, not a remote"),
            RepoError::EmptyRemote => f.write_str("the remote has no branches (push one first)"),
            RepoError::RemoteExists(r) => write!(f, "remote '{r}' already exists"),
            RepoError::BackupExists(b) => write!(f, "backup '{b}' already exists"),
            RepoError::BackupNotFound(b) => write!(f, "backup '{b}' not found"),
            RepoError::AddressConflict { kind, name } => {
                write!(f, "address conflict with a {kind}: '{name}'")
            }
            RepoError::TransactionOpen => f.write_str(
                "a SQL transaction is open in this session: end it with COMMIT or ROLLBACK first",
            ),
            RepoError::InvalidUrl(e) => e.fmt(f),
            RepoError::Import(e) => e.fmt(f),
            RepoError::ChangedConcurrently(names) if names.is_empty() => f.write_str(
                "another writer rewrote the database's files (gc) while this ran; nothing was \
                 written: run it again",
            ),
            RepoError::ChangedConcurrently(names) => {
                f.write_str("another writer changed ")?;
                for (i, name) in names.iter().enumerate() {
                    let sep = match i {
                        0 => "",
                        _ if i + 1 == names.len() => " and ",
                        _ => ", ",
                    };
                    write!(f, "{sep}{}", datasets::describe(name))?;
                }
                f.write_str(" while this ran; nothing was written: run it again")
            }
        }
    }
}

impl From<StoreError> for RepoError {
    fn from(e: StoreError) -> Self {
        RepoError::Store(e)
    }
}

impl From<ProllyError> for RepoError {
    fn from(e: ProllyError) -> Self {
        RepoError::Prolly(e)
    }
}

impl From<crate::import::ImportError> for RepoError {
    fn from(e: crate::import::ImportError) -> Self {
        RepoError::Import(e)
    }
}

/// A table a merge or a resolution wrote that breaks a rule of its schema (a UNIQUE key both
/// sides' rows now share).
impl From<crate::db::table::TableError> for RepoError {
    fn from(e: crate::db::table::TableError) -> Self {
        RepoError::Sql(SqlError::from(e))
    }
}

impl From<SqlError> for RepoError {
    fn from(e: SqlError) -> Self {
        RepoError::Sql(e)
    }
}

impl RepoError {
    /// What the user can do about it, for the front end to word.
    pub fn hint(&self) -> Option<crate::hint::Hint> {
        use crate::hint::Hint;
        match self {
            RepoError::Corrupt {
                why: CodecError::Newer(_),
                ..
            } => None,
            RepoError::Corrupt { .. } => Some(Hint::Verify),
            RepoError::NothingToCommit => Some(Hint::StageFirst),
            RepoError::EmptyMessage => Some(Hint::GiveMessage),
            RepoError::NonFastForward { .. } => Some(Hint::FetchPullOrForce),
            RepoError::RemoteTagDiffers { .. } => Some(Hint::ForceReplaceTag),
            RepoError::NoUpstream(_) => Some(Hint::SetUpstream),
            RepoError::UncommittedChanges => Some(Hint::CommitOrResetHard),
            RepoError::Diverged(_) => Some(Hint::MergeWithoutFfOnly),
            RepoError::Conflicts(_) => Some(Hint::ResolveConflicts),
            RepoError::MergeInProgress => Some(Hint::CommitOrAbortMerge),
            RepoError::Unfit(_) => Some(Hint::EditThenMark),
            RepoError::BranchNotMerged(_) | RepoError::BranchHasChanges(_) => {
                Some(Hint::ForceDelete)
            }
            RepoError::IsABackup => Some(Hint::RestoreBackup),
            RepoError::Import(e) => e.hint(),
            _ => None,
        }
    }
}

pub type Result<T> = core::result::Result<T, RepoError>;

/// SQL statements run again on the new state after a concurrent change, at most this often.
const SQL_ATTEMPTS: usize = 8;

pub struct Repo<S: Storage> {
    store: ChunkStore<S>,
    config: Config,
    datasets: Datasets,
    /// The store root `datasets` was read from: what the next save swaps from. A save never
    /// swaps from a root it did not build on, so no other writer's change is overwritten.
    base: Hash,
    /// This session's user variables and LAST_INSERT_ID, which its SQL scripts share.
    session: crate::sql::Session,
    /// This session's open SQL transaction, if any (`transaction.rs`).
    transaction: Option<transaction::Open>,
}

impl<S: Storage> Repo<S> {
    /// Creates a database in an empty store: branch `main` at an initial empty commit (so
    /// `tag v1` works at once, as in Dolt) with a clean working set.
    pub async fn init(
        mut store: ChunkStore<S>,
        config: Config,
        author: &Signature,
    ) -> Result<Self> {
        if !store.root().is_empty() {
            return Err(RepoError::AlreadyInitialized);
        }
        // A database reads back what it writes.
        store.keep_written_blocks();
        let mut repo = Repo {
            store,
            config,
            datasets: Datasets::default(),
            base: Hash::EMPTY,
            session: crate::sql::Session::default(),
            transaction: None,
        };
        let root = repo.store.put(&RootValue::default().encode()).await?;
        let commit = Commit {
            root,
            parents: Vec::new(),
            author: author.name.clone(),
            email: author.email.clone(),
            time_ms: author.time_ms,
            message: "Initialize data repository".into(),
        };
        let commit = repo.store.put(&commit.encode()).await?;
        let branch = repo.config.head.clone();
        let mut next = Datasets::default();
        repo.set_branch_clean(&mut next, &branch, commit).await?;
        repo.save(next).await?;
        Ok(repo)
    }

    pub async fn open(mut store: ChunkStore<S>, config: Config) -> Result<Self> {
        if store.root().is_empty() {
            return Err(RepoError::NotInitialized);
        }
        store.keep_written_blocks();
        let base = store.root();
        let mut repo = Repo {
            store,
            config,
            datasets: Datasets::default(),
            base,
            session: crate::sql::Session::default(),
            transaction: None,
        };
        repo.datasets = repo.load_datasets().await?;
        Ok(repo)
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn config_mut(&mut self) -> &mut Config {
        &mut self.config
    }

    pub fn store(&self) -> &ChunkStore<S> {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut ChunkStore<S> {
        &mut self.store
    }

    pub fn datasets(&self) -> &Datasets {
        &self.datasets
    }

    pub fn into_parts(self) -> (ChunkStore<S>, Config) {
        (self.store, self.config)
    }

    pub fn current_branch(&self) -> &str {
        &self.config.head
    }

    /// The database's name for SQL (`name_database_after`), if it has one.
    pub fn database_name(&self) -> Option<String> {
        self.session.database()
    }

    /// Names the database for SQL after `location`, its folder's path or its URL: what
    /// DATABASE() answers, SHOW DATABASES lists, USE and `name.table` accept, and
    /// information_schema's rows hold. As Dolt names a database by its folder: the
    /// location's last part, `-` and spaces made `_` (so `USE my_db` needs no quotes). A
    /// store does not hold its name, since a copy elsewhere is named by where it is.
    pub fn name_database_after(&mut self, location: &str) {
        let last = location
            .trim_end_matches(['/', '\\'])
            .rsplit(['/', '\\'])
            .next()
            .filter(|name| !name.is_empty())
            .map(|name| name.replace(['-', ' '], "_"));
        self.session.set_database(last);
    }

    async fn load_datasets(&self) -> Result<Datasets> {
        let root = self.store.root();
        Datasets::decode(&self.chunk(root).await?)
            .map_err(|why| RepoError::Corrupt { hash: root, why })
    }

    /// `swap`, refused while a SQL transaction is open: every operation but SQL writes
    /// through here, and would act on the working set without the transaction's changes.
    async fn save(&mut self, next: Datasets) -> Result<()> {
        self.no_transaction()?;
        self.swap(next).await
    }

    /// Writes `next` as the store's root, swapping from the root `next` was built on. If
    /// another writer moved the root first, nothing is written: the repo takes up the new
    /// state and the error names what the other writer changed.
    async fn swap(&mut self, next: Datasets) -> Result<()> {
        let hash = self.store.put(&next.encode()).await?;
        match self.store.commit(self.base, hash).await {
            Ok(()) => {
                self.datasets = next;
                self.base = hash;
                Ok(())
            }
            Err(StoreError::Conflict { .. }) => {
                let before = core::mem::take(&mut self.datasets);
                self.reload().await?;
                let theirs = &self.datasets.map;
                let mut changed: Vec<String> = before
                    .map
                    .iter()
                    .filter(|(name, hash)| theirs.get(*name) != Some(hash))
                    .map(|(name, _)| name.clone())
                    .collect();
                changed.extend(
                    theirs
                        .keys()
                        .filter(|name| !before.map.contains_key(*name))
                        .cloned(),
                );
                Err(RepoError::ChangedConcurrently(changed))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Re-reads the store's root, so the next operation starts from what other writers
    /// (another handle, process or tab) committed. Cheap when nothing changed.
    pub async fn reload(&mut self) -> Result<()> {
        self.store.reload().await?;
        if self.store.root() != self.base {
            self.base = self.store.root();
            self.datasets = match self.base.is_empty() {
                true => Datasets::default(),
                false => self.load_datasets().await?,
            };
        }
        Ok(())
    }

    /// Rewrites what every branch, tag, remote-tracking branch and working set reaches into
    /// new table files and deletes the rest (see `crate::gc`); remembers the size kept, which
    /// `auto_gc` compares with.
    pub async fn gc(
        &mut self,
        now_ms: u64,
        grace_ms: u64,
        progress: &mut dyn crate::sync::Sink,
    ) -> Result<crate::gc::GcStats> {
        self.no_transaction()?;
        self.reload().await?;
        let stats = crate::gc::collect(&mut self.store, None, now_ms, grace_ms, progress)
            .await
            .map_err(RepoError::Sync)?;
        self.config.gc_live = Some(stats.bytes_after);
        Ok(stats)
    }

    /// Runs `gc` if enough garbage has gathered since the last one (`crate::gc::auto_due`)
    /// and no SQL transaction is open; answers what it did, if it ran.
    pub async fn auto_gc(
        &mut self,
        now_ms: u64,
        progress: &mut dyn crate::sync::Sink,
    ) -> Result<Option<crate::gc::GcStats>> {
        if self.in_transaction() {
            return Ok(None);
        }
        let live = self.config.gc_live.unwrap_or(0);
        let due = crate::gc::auto_due(self.store.storage(), live)
            .await
            .map_err(RepoError::Sync)?;
        if !due {
            return Ok(None);
        }
        let grace = crate::gc::DEFAULT_GRACE_MS;
        self.gc(now_ms, grace, progress).await.map(Some)
    }

    pub(crate) async fn chunk(&self, hash: Hash) -> Result<Vec<u8>> {
        self.store
            .get(&hash)
            .await?
            .ok_or(RepoError::Store(StoreError::MissingChunk { hash }))
    }

    pub async fn commit_at(&self, hash: Hash) -> Result<Commit> {
        Commit::decode(&self.chunk(hash).await?).map_err(|why| RepoError::Corrupt { hash, why })
    }

    pub async fn root_value(&self, hash: Hash) -> Result<RootValue> {
        RootValue::decode(&self.chunk(hash).await?).map_err(|why| RepoError::Corrupt { hash, why })
    }

    async fn put_root_value(&mut self, root: &RootValue) -> Result<Hash> {
        Ok(self.store.put(&root.encode()).await?)
    }

    /// The current branch's head commit.
    pub fn head(&self) -> Result<Hash> {
        let branch = &self.config.head;
        self.datasets
            .get(&datasets::head(branch))
            .ok_or_else(|| RepoError::BranchNotFound(branch.clone()))
    }

    /// A branch's working set; a branch that never had changes has its head's root in both.
    pub async fn working_set(&self, branch: &str) -> Result<WorkingSet> {
        if let Some(hash) = self.datasets.get(&datasets::working_set(branch)) {
            return WorkingSet::decode(&self.chunk(hash).await?)
                .map_err(|why| RepoError::Corrupt { hash, why });
        }
        let head = self
            .datasets
            .get(&datasets::head(branch))
            .ok_or_else(|| RepoError::BranchNotFound(branch.into()))?;
        Ok(WorkingSet::clean(self.commit_at(head).await?.root))
    }

    /// Points `branch` at `commit` in `next`, with a clean working set of the commit's root.
    async fn set_branch_clean(
        &mut self,
        next: &mut Datasets,
        branch: &str,
        commit: Hash,
    ) -> Result<()> {
        let root = self.commit_at(commit).await?.root;
        next.map.insert(datasets::head(branch), commit);
        self.put_working_set(next, branch, WorkingSet::clean(root))
            .await
    }

    async fn put_working_set(
        &mut self,
        next: &mut Datasets,
        branch: &str,
        ws: WorkingSet,
    ) -> Result<()> {
        let hash = self.store.put(&ws.encode()).await?;
        next.map.insert(datasets::working_set(branch), hash);
        Ok(())
    }

    /// Replaces the current branch's working set in one swap.
    async fn set_working_set(&mut self, ws: WorkingSet) -> Result<()> {
        self.no_transaction()?;
        self.swap_working_set(ws).await
    }

    /// `set_working_set`, for SQL, which may write while its transaction is open.
    async fn swap_working_set(&mut self, ws: WorkingSet) -> Result<()> {
        let mut next = self.datasets.clone();
        let branch = self.config.head.clone();
        self.put_working_set(&mut next, &branch, ws).await?;
        self.swap(next).await
    }

    /// The working root value of the current branch: what SQL reads and writes outside a
    /// transaction.
    pub async fn working_root(&self) -> Result<RootValue> {
        let ws = self.working_set(&self.config.head).await?;
        self.root_value(ws.working).await
    }

    /// One page of a SELECT over the working set as it was at `at`, a working root the first
    /// page answered (`None`: now, or the open transaction's root), so that every page reads
    /// the same state. Answers the page, the key the next page starts after (`None`: no
    /// more), and the root read.
    pub async fn query_page(
        &self,
        query: &str,
        params: &crate::sql::Params,
        page: &crate::sql::select::Page,
        at: Option<Hash>,
        now_ms: Option<u64>,
    ) -> Result<(crate::sql::QueryResult, Option<Vec<u8>>, Hash)> {
        let at = match (at, &self.transaction) {
            (Some(root), _) => root,
            (None, Some(open)) => open.at,
            (None, None) => self.working_set(&self.config.head).await?.working,
        };
        let root = self.root_value(at).await?;
        let needs = crate::sql::history::needs(query)?;
        let mut history = self.sql_history(&needs, &root, now_ms).await?;
        history.session = self.session.clone();
        let (result, next) =
            crate::sql::query_page(&self.store, &root, &history, query, params, page).await?;
        Ok((result, next, at))
    }

    /// Runs SQL against the current branch's working root and saves it if it changed.
    /// Statements that ran before a failing one stay applied, as with autocommit; those
    /// between BEGIN and COMMIT run on the session's transaction (`transaction.rs`). If
    /// another writer changes the database meanwhile, the statements run again on its state,
    /// as if they had come after it: they name rows, not a state to restore.
    pub async fn sql(&mut self, query: &str) -> Result<Vec<crate::sql::QueryResult>> {
        self.sql_with(query, &crate::sql::Params::None, None).await
    }

    /// `sql` with values for the query's `?` or `:name` placeholders, and who runs it and
    /// when (`caller`): the time NOW() reads (milliseconds since the Unix epoch) and the
    /// author of the commits its `CALL DOLT_COMMIT(...)` and the like make. None: those are
    /// refused.
    pub async fn sql_with(
        &mut self,
        query: &str,
        params: &crate::sql::Params,
        caller: Option<&Signature>,
    ) -> Result<Vec<crate::sql::QueryResult>> {
        let mut results = Vec::new();
        self.sql_into(query, params, caller, &mut results).await?;
        Ok(results)
    }

    /// `sql_with`, adding each statement's result to `results`: when one fails, `results`
    /// holds those of the statements before it, whose changes are saved (or, in a
    /// transaction, kept in it). A `CALL` of a version-control procedure (`procedure.rs`)
    /// runs after the statements before it are saved, and those after it see what it did.
    pub async fn sql_into(
        &mut self,
        query: &str,
        params: &crate::sql::Params,
        caller: Option<&Signature>,
        results: &mut Vec<crate::sql::QueryResult>,
    ) -> Result<()> {
        let mut rest = query;
        while let Some(call) = self
            .sql_statements(rest, params, caller.map(|c| c.time_ms), results)
            .await?
        {
            let result = self.call(call.procedure, caller).await?;
            results.push(result);
            rest = &rest[call.rest..];
        }
        Ok(())
    }

    /// The statements of `query` up to its first procedure call, which is answered for
    /// `sql_into` to run (None: there is none), saved.
    async fn sql_statements(
        &mut self,
        query: &str,
        params: &crate::sql::Params,
        now_ms: Option<u64>,
        results: &mut Vec<crate::sql::QueryResult>,
    ) -> Result<Option<crate::sql::Call>> {
        let needs = crate::sql::history::needs(query)?;
        let start = self.session.state();
        let kept = results.len();
        let mut attempts = 0;
        loop {
            let ws = self.working_set(&self.config.head).await?;
            let before = self.root_value(ws.working).await?;
            let mut roots = crate::sql::Roots {
                working: before.clone(),
                transaction: self.transaction.as_ref().map(|open| open.sql.clone()),
            };
            let mut history = self.sql_history(&needs, roots.root(), now_ms).await?;
            history.session = self.session.clone();
            results.truncate(kept);
            let outcome = crate::sql::execute_in(
                &mut self.store,
                &mut roots,
                query,
                params,
                &history,
                results,
            )
            .await;
            if roots.working != before {
                let saved = match self.put_root_value(&roots.working).await {
                    Ok(working) => self.swap_working_set(WorkingSet { working, ..ws }).await,
                    Err(e) => Err(e),
                };
                match saved {
                    Err(RepoError::ChangedConcurrently(_)) if attempts + 1 < SQL_ATTEMPTS => {
                        // The statements run again, from the session they started in.
                        self.session.restore(start.clone());
                        attempts += 1;
                        continue;
                    }
                    // Nothing was saved, so no statement's result stands, and the session's
                    // transaction is as it was before the script.
                    Err(e) => {
                        results.truncate(kept);
                        self.session.restore(start);
                        return Err(e);
                    }
                    Ok(()) => {}
                }
            }
            self.keep_transaction(roots.transaction).await?;
            return Ok(outcome?);
        }
    }
}
