//! Backups: a private, full-state copy of a database — every branch, tag, remote-tracking
//! branch and working set — kept as a history of snapshots in one deduplicated store.
//!
//! A backup store's root chunk (kind 0x07) names the database that owns it and lists its
//! snapshots, oldest first; each snapshot points at the database's dataset map as it was.
//! Only the owner may sync to it (single writer); anyone may restore from it.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::chunk_store::{ChunkStore, StoreError};
use crate::codec::{put_bytes, put_uvarint, CodecError};
use crate::db::datasets::Datasets;
use crate::db::kind::{self, Kind};
use crate::hash::Hash;
use crate::io::Storage;
use crate::sync::{self, Sink, SyncError, SyncStats};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// Milliseconds since the Unix epoch, when the sync ran.
    pub time_ms: u64,
    /// The database's dataset map: the store root it had.
    pub datasets: Hash,
    /// The branch that was checked out, checked out again by a restore.
    pub head: String,
}

impl Snapshot {
    /// A short id users type: the first 8 base32 characters of the snapshot's own hash.
    pub fn id(&self) -> String {
        let mut bytes = Vec::new();
        self.encode(&mut bytes);
        let mut id = Hash::of(&bytes).to_base32();
        id.truncate(8);
        id
    }

    fn encode(&self, out: &mut Vec<u8>) {
        put_uvarint(out, self.time_ms);
        out.extend_from_slice(&self.datasets.0);
        put_bytes(out, self.head.as_bytes());
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct BackupRoot {
    /// The id of the database that owns the backup (from its config).
    pub owner: String,
    /// Oldest first.
    pub snapshots: Vec<Snapshot>,
}

impl BackupRoot {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = alloc::vec![Kind::Backup as u8];
        put_bytes(&mut out, self.owner.as_bytes());
        put_uvarint(&mut out, self.snapshots.len() as u64);
        for s in &self.snapshots {
            s.encode(&mut out);
        }
        out
    }

    pub fn decode(chunk: &[u8]) -> core::result::Result<BackupRoot, CodecError> {
        let mut r = kind::open(chunk, Kind::Backup)?;
        let owner = r.string()?;
        let n = r.count()?;
        let mut snapshots = Vec::with_capacity(n);
        for _ in 0..n {
            snapshots.push(Snapshot {
                time_ms: r.uvarint()?,
                datasets: r.hash()?,
                head: r.string()?,
            });
        }
        r.end()?;
        Ok(BackupRoot { owner, snapshots })
    }

    pub fn refs(&self) -> Vec<Hash> {
        self.snapshots.iter().map(|s| s.datasets).collect()
    }

    /// A snapshot by id, unique id prefix, or `None` for the latest.
    pub fn find(&self, id: Option<&str>) -> Result<&Snapshot> {
        let Some(id) = id else {
            return self.snapshots.last().ok_or(BackupError::NoSnapshots);
        };
        let mut matches = self.snapshots.iter().filter(|s| s.id().starts_with(id));
        match (matches.next(), matches.next()) {
            (Some(s), None) if !id.is_empty() => Ok(s),
            _ => Err(BackupError::SnapshotNotFound(id.into())),
        }
    }
}

#[derive(Debug, PartialEq)]
pub enum BackupError {
    Sync(SyncError),
    /// Reading or writing the backup store itself failed.
    Store(StoreError),
    /// The location holds a database or a remote, not a backup.
    NotABackup,
    /// The backup belongs to another database: only its owner may sync to it.
    OwnedByOther {
        owner: String,
    },
    NoSnapshots,
    SnapshotNotFound(String),
    Corrupt {
        hash: Hash,
        why: CodecError,
    },
    /// `prune --keep-last 0` would leave a backup with nothing to restore.
    KeepAtLeastOne,
    /// A snapshot names a branch no user could have typed (a crafted backup).
    BadBranchName(String),
    /// A backup URL the database's config cannot remember its last snapshot under.
    InvalidUrl(crate::repo::InvalidUrl),
    /// The backup's latest snapshot is not the one this database's last sync there wrote:
    /// a copy of the database (same id) is syncing to the same backup.
    NotLastWriter {
        latest: String,
        ours: String,
    },
}

impl fmt::Display for BackupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackupError::Sync(e) => e.fmt(f),
            BackupError::Store(e) => e.fmt(f),
            BackupError::NotABackup => f.write_str(
                "the location holds a database or remote, not a backup; refusing to overwrite it",
            ),
            BackupError::OwnedByOther { owner } => write!(
                f,
                "the backup belongs to another database (id {owner}); a backup has a single writer, so sync this database to a new location"
            ),
            BackupError::NoSnapshots => f.write_str("the backup is empty"),
            BackupError::SnapshotNotFound(id) => write!(f, "snapshot '{id}' not found in the backup"),
            BackupError::Corrupt {
                why: why @ CodecError::Newer(_),
                ..
            } => write!(f, "the backup was {why}"),
            BackupError::Corrupt { hash, why } => {
                write!(f, "the backup's chunk {hash} is corrupt ({why})")
            }
            BackupError::KeepAtLeastOne => f.write_str("a prune must keep at least one snapshot"),
            BackupError::InvalidUrl(e) => e.fmt(f),
            BackupError::BadBranchName(name) => write!(
                f,
                "the snapshot's branch name '{name}' is not a valid branch name; the backup was \
                 not written by cairn"
            ),
            BackupError::NotLastWriter { latest, ours } => write!(
                f,
                "the backup's latest snapshot {latest} was not written by this database, whose \
                 last sync there wrote {ours}: a copy of this database may be syncing to the \
                 same backup; give each copy a backup of its own"
            ),
        }
    }
}

impl From<SyncError> for BackupError {
    fn from(e: SyncError) -> Self {
        BackupError::Sync(e)
    }
}

impl From<StoreError> for BackupError {
    fn from(e: StoreError) -> Self {
        BackupError::Store(e)
    }
}

impl BackupError {
    /// Whether the backup is damaged (what `verify` would report), rather than refused,
    /// unreachable or interrupted.
    pub fn is_damage(&self) -> bool {
        match self {
            BackupError::Sync(SyncError::Source(e) | SyncError::Destination(e)) => e.is_damage(),
            BackupError::Sync(SyncError::MissingChunk(_) | SyncError::Corrupt { .. }) => true,
            BackupError::Store(e) => e.is_damage(),
            BackupError::Corrupt { .. } => true,
            _ => false,
        }
    }

    /// What the user can do about it, for the front end to word.
    pub fn hint(&self) -> Option<crate::hint::Hint> {
        use crate::hint::Hint;
        match self {
            BackupError::NoSnapshots => Some(Hint::SyncFirst),
            BackupError::KeepAtLeastOne => Some(Hint::KeepAtLeastOne),
            _ => None,
        }
    }
}

pub type Result<T> = core::result::Result<T, BackupError>;

/// The backup a store holds; `None` for an empty store, `NotABackup` for anything else.
pub async fn read<S: Storage>(store: &ChunkStore<S>) -> Result<Option<BackupRoot>> {
    let root = store.root();
    if root.is_empty() {
        return Ok(None);
    }
    let chunk = store
        .get(&root)
        .await?
        .ok_or(StoreError::MissingChunk { hash: root })?;
    if chunk.first() != Some(&(Kind::Backup as u8)) {
        return Err(BackupError::NotABackup);
    }
    BackupRoot::decode(&chunk)
        .map(Some)
        .map_err(|why| BackupError::Corrupt { hash: root, why })
}

/// What a backup sync did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncOutcome {
    /// The latest snapshot already holds the database's state: no snapshot was added, and
    /// nothing was written unless a repair found chunks to write again (`stats.repaired`).
    UpToDate {
        snapshot: Snapshot,
        stats: SyncStats,
    },
    Synced {
        snapshot: Snapshot,
        stats: SyncStats,
    },
}

/// Whether a sync reads what its snapshot reaches in the backup to write again what is lost
/// or damaged (`sync::repair_closure`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repair {
    /// Only when opening the backup found listed table files missing or unreadable
    /// (`ChunkStore::damaged`): damage any sync sees without reading data.
    IfSeenDamaged,
    /// Always: finds flipped bytes and chunks a damaged manifest no longer lists too, at the
    /// cost of reading the snapshot's every chunk from the backup.
    Always,
}

/// Adds a snapshot of `src` (a database's store) to the backup in `dst`, copying only what the
/// backup lacks. `owner` is the database's id; `head` its checked-out branch; `ours` the id of
/// the snapshot this database's last sync to `dst` wrote, if it remembers one. `dst` may be
/// opened with `ChunkStore::open_damaged`: what `repair` then finds lost or damaged, the
/// snapshot's chunks among it are written again, so that the snapshot recorded restores.
///
/// A copy of a database (`cp -r`) has the same id, so the id alone cannot keep two copies
/// from interleaving their snapshots in one backup. So a database remembers the snapshot it
/// last wrote, and a sync whose backup has moved on from it is refused. One case is let
/// through: the latest snapshot holds exactly this database's state and follows `ours`, which
/// is what a sync killed between its swap and the database remembering it leaves.
#[allow(clippy::too_many_arguments)]
pub async fn sync<S: Storage, D: Storage>(
    src: &ChunkStore<S>,
    owner: &str,
    head: &str,
    ours: Option<&str>,
    dst: &mut ChunkStore<D>,
    now_ms: u64,
    repair: Repair,
    progress: &mut dyn Sink,
) -> Result<SyncOutcome> {
    let expected = dst.root();
    let mut backup = match read(dst).await? {
        Some(b) if b.owner != owner => return Err(BackupError::OwnedByOther { owner: b.owner }),
        Some(b) => b,
        None => BackupRoot {
            owner: owner.into(),
            snapshots: Vec::new(),
        },
    };
    let datasets = src.root();
    if let (Some(ours), Some(latest)) = (ours, backup.snapshots.last()) {
        let n = backup.snapshots.len();
        let follows_ours = n < 2 || backup.snapshots[n - 2].id() == ours;
        let is_ours = latest.id() == ours;
        let ours_unrecorded = latest.datasets == datasets && follows_ours;
        if !(is_ours || ours_unrecorded) {
            return Err(BackupError::NotLastWriter {
                latest: latest.id(),
                ours: ours.into(),
            });
        }
    }
    let repairing = repair == Repair::Always || !dst.damaged().is_empty();
    if let Some(last) = backup.snapshots.last() {
        if last.datasets == datasets && last.head == head {
            let snapshot = last.clone();
            let mut stats = SyncStats::default();
            if repairing {
                stats = sync::repair_closure(src, dst, &[datasets], progress).await?;
                if stats.repaired > 0 {
                    dst.commit(expected, expected).await?;
                }
            }
            return Ok(SyncOutcome::UpToDate { snapshot, stats });
        }
    }
    // A first sync copies the database's table files as they are; later ones walk.
    let mut stats = if dst.manifest().tables.is_empty() {
        sync::copy_table_files(src, dst, progress).await?
    } else {
        SyncStats::default()
    };
    stats.add(sync::copy_closure(src, dst, &[datasets], progress).await?);
    if repairing {
        stats.add(sync::repair_closure(src, dst, &[datasets], progress).await?);
    }
    let snapshot = Snapshot {
        time_ms: now_ms,
        datasets,
        head: head.into(),
    };
    backup.snapshots.push(snapshot.clone());
    let root = dst.put(&backup.encode()).await?;
    dst.commit(expected, root).await?;
    Ok(SyncOutcome::Synced { snapshot, stats })
}

/// Restores a snapshot (default: the latest) of the backup in `src` into the empty store
/// `dst`, whose root becomes the snapshot's dataset map: the chunks it reaches, nothing else.
/// Returns the snapshot restored.
pub async fn restore<S: Storage, D: Storage>(
    src: &ChunkStore<S>,
    snapshot: Option<&str>,
    dst: &mut ChunkStore<D>,
    progress: &mut dyn Sink,
) -> Result<(Snapshot, SyncStats)> {
    let backup = read(src).await?.ok_or(BackupError::NoSnapshots)?;
    let snapshot = backup.find(snapshot)?.clone();
    // The branch to check out comes from the backup: a name a user could have typed, or none.
    if crate::repo::check_ref_name("branch", &snapshot.head).is_err() {
        return Err(BackupError::BadBranchName(
            snapshot.head.escape_debug().to_string(),
        ));
    }
    // Only what this snapshot reaches: whole table files would bring back bytes that only
    // other snapshots had (a row deleted for privacy, in an older snapshot restored), and one
    // damaged file would break every snapshot, not just those that use it.
    let stats = sync::copy_closure(src, dst, &[snapshot.datasets], progress).await?;
    // The dataset map must decode: a restore that cannot be opened is no restore.
    let chunk = dst
        .get(&snapshot.datasets)
        .await?
        .ok_or(StoreError::MissingChunk {
            hash: snapshot.datasets,
        })?;
    Datasets::decode(&chunk).map_err(|why| BackupError::Corrupt {
        hash: snapshot.datasets,
        why,
    })?;
    let expected = dst.root();
    dst.commit(expected, snapshot.datasets).await?;
    Ok((snapshot, stats))
}

/// Copies one snapshot (default: the latest) of the backup in `src` into the empty store
/// `dst` as a backup of its own, holding just that snapshot: what `backup export --snapshot`
/// bundles into a file.
pub async fn extract<S: Storage, D: Storage>(
    src: &ChunkStore<S>,
    snapshot: Option<&str>,
    dst: &mut ChunkStore<D>,
    progress: &mut dyn Sink,
) -> Result<Snapshot> {
    let backup = read(src).await?.ok_or(BackupError::NoSnapshots)?;
    let snapshot = backup.find(snapshot)?.clone();
    sync::copy_closure(src, dst, &[snapshot.datasets], progress).await?;
    let single = BackupRoot {
        owner: backup.owner,
        snapshots: alloc::vec![snapshot.clone()],
    };
    let root = dst.put(&single.encode()).await?;
    let expected = dst.root();
    dst.commit(expected, root).await?;
    Ok(snapshot)
}

/// What a prune did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PruneStats {
    pub snapshots_removed: usize,
    pub snapshots_kept: usize,
    pub gc: crate::gc::GcStats,
}

/// Keeps the last `keep_last` snapshots and reclaims everything only older ones used: a gc
/// (see `crate::gc`) whose new root is the backup without the older snapshots. Files left by
/// an interrupted sync and temporary files go once older than `grace_ms`, so a sync running
/// right now is never robbed of its files (its manifest swap then fails cleanly).
pub async fn prune<S: Storage>(
    store: &mut ChunkStore<S>,
    keep_last: usize,
    now_ms: u64,
    grace_ms: u64,
    progress: &mut dyn Sink,
) -> Result<PruneStats> {
    if keep_last == 0 {
        return Err(BackupError::KeepAtLeastOne);
    }
    let mut backup = read(store).await?.ok_or(BackupError::NoSnapshots)?;
    let removed = backup.snapshots.len().saturating_sub(keep_last);
    backup.snapshots.drain(..removed);
    let gc = crate::gc::collect(store, Some(&backup.encode()), now_ms, grace_ms, progress).await?;
    Ok(PruneStats {
        snapshots_removed: removed,
        snapshots_kept: backup.snapshots.len(),
        gc,
    })
}
