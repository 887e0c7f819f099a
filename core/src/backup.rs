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
use crate::codec::{put_bytes, put_uvarint, CodecError, Reader};
use crate::db::datasets::Datasets;
use crate::db::kind::{self, Kind};
use crate::fresh_copy;
use crate::hash::Hash;
use crate::io::Storage;
use crate::retention::{self, Policy, Reason, SnapshotInfo};
use crate::sync::{self, Sink, SyncError, SyncStats};

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Snapshot {
    /// Milliseconds since the Unix epoch, when the sync ran.
    pub time_ms: u64,
    /// The database's dataset map: the store root it had.
    pub datasets: Hash,
    /// The branch that was checked out, checked out again by a restore.
    pub head: String,
    /// Recorded since format version 3; snapshots written before have the defaults.
    pub details: Details,
}

/// What a snapshot says beyond its state: the user's tags and message, what its sync added,
/// and whether it records an adoption. All default for snapshots written before version 3.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Details {
    /// Sorted, no repeats, each passing [`check_tag`].
    pub tags: Vec<String>,
    pub message: String,
    /// Bytes the sync wrote to the backup; `None` where not recorded (before version 3).
    pub added: Option<u64>,
    /// The id of the database that adopted the backup with this snapshot (`adopt`), which
    /// owns it from then on; `None` for a sync.
    pub adopted_by: Option<String>,
}

impl Details {
    fn is_default(&self) -> bool {
        *self == Details::default()
    }

    fn encode(&self, out: &mut Vec<u8>) {
        put_uvarint(out, self.tags.len() as u64);
        for tag in &self.tags {
            put_bytes(out, tag.as_bytes());
        }
        put_bytes(out, self.message.as_bytes());
        put_uvarint(out, self.added.map_or(0, |n| n.saturating_add(1)));
        match &self.adopted_by {
            None => out.push(0),
            Some(id) => {
                out.push(1);
                put_bytes(out, id.as_bytes());
            }
        }
    }

    fn decode(r: &mut Reader<'_>) -> core::result::Result<Details, CodecError> {
        let n = r.count()?;
        let mut tags: Vec<String> = Vec::with_capacity(n);
        for _ in 0..n {
            let tag = r.string()?;
            if check_tag(&tag).is_err() || tags.last().is_some_and(|last| *last >= tag) {
                return Err(CodecError::Invalid("snapshot tags"));
            }
            tags.push(tag);
        }
        let message = r.string()?;
        let added = r.uvarint()?.checked_sub(1);
        let adopted_by = match r.u8()? {
            0 => None,
            1 => Some(r.string()?),
            _ => return Err(CodecError::Invalid("snapshot event")),
        };
        Ok(Details {
            tags,
            message,
            added,
            adopted_by,
        })
    }
}

/// The version of the snapshot details that may end a backup root; roots without them are
/// read as version 2 wrote them.
const DETAILS_VERSION: u64 = 3;

/// What a user may name a snapshot with: 1 to 100 characters, none of them whitespace, a
/// control character or a comma (restic reads commas in `--keep-tag` as a list).
pub fn check_tag(tag: &str) -> Result<()> {
    let ok = (1..=100).contains(&tag.chars().count())
        && !tag
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == ',');
    match ok {
        true => Ok(()),
        false => Err(BackupError::BadTag(tag.escape_debug().to_string())),
    }
}

/// What the user says about a new snapshot: tags to find and keep it by, and a message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Note {
    pub tags: Vec<String>,
    pub message: String,
}

impl Note {
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.message.is_empty()
    }

    /// The tags, checked, sorted and without repeats.
    fn tags(&self) -> Result<Vec<String>> {
        let mut tags = self.tags.clone();
        for tag in &tags {
            check_tag(tag)?;
        }
        tags.sort();
        tags.dedup();
        Ok(tags)
    }
}

impl Snapshot {
    /// A short id users type: the first 8 base32 characters of the snapshot's own hash (of
    /// its details too, where it has any, so older snapshots keep their ids).
    pub fn id(&self) -> String {
        let mut bytes = Vec::new();
        self.encode(&mut bytes);
        if !self.details.is_default() {
            self.details.encode(&mut bytes);
        }
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
        // Only where there are details: a root of older snapshots keeps its version-2 bytes.
        if self.snapshots.iter().any(|s| !s.details.is_default()) {
            put_uvarint(&mut out, DETAILS_VERSION);
            for s in &self.snapshots {
                s.details.encode(&mut out);
            }
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
                details: Details::default(),
            });
        }
        if !r.is_empty() {
            let version = r.uvarint()?;
            if version != DETAILS_VERSION {
                return Err(CodecError::Newer(alloc::format!(
                    "its snapshots record details of version {version}, which this cairn does not know"
                )));
            }
            for s in &mut snapshots {
                s.details = Details::decode(&mut r)?;
            }
            // One encoding per root: details are written only when some snapshot has any.
            if snapshots.iter().all(|s| s.details.is_default()) {
                return Err(CodecError::Invalid("snapshot details"));
            }
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
    /// A tag no snapshot may carry (see [`check_tag`]).
    BadTag(String),
    /// `forget` without a policy: restic refuses one too, rather than keep (or drop) all.
    EmptyPolicy,
    /// Another database adopted the backup, or its writer synced, between this adoption's
    /// read of the backup and its swap: the other won, and nothing was adopted.
    AdoptionLost,
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
            BackupError::BadTag(tag) => write!(
                f,
                "'{tag}' is not a snapshot tag: a tag is 1 to 100 characters without spaces, \
                 control characters or commas"
            ),
            BackupError::EmptyPolicy => f.write_str(
                "no retention policy given: forget keeps nothing unless told what to keep",
            ),
            BackupError::AdoptionLost => f.write_str(
                "the backup changed while it was being adopted (another database adopted it, or \
                 its writer synced); nothing was adopted or restored",
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
            BackupError::EmptyPolicy => Some(Hint::GivePolicy),
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
/// the snapshot this database's last sync to `dst` wrote, if it remembers one; `note` the
/// tags and message of the new snapshot. A sync with a note always adds a snapshot, since
/// the note names this moment, even when the database has not changed since the last one. `dst` may be
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
    note: &Note,
    dst: &mut ChunkStore<D>,
    now_ms: u64,
    repair: Repair,
    progress: &mut dyn Sink,
) -> Result<SyncOutcome> {
    let tags = note.tags()?;
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
        if last.datasets == datasets && last.head == head && note.is_empty() {
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
        details: Details {
            tags,
            message: note.message.clone(),
            added: Some(stats.bytes),
            adopted_by: None,
        },
    };
    backup.snapshots.push(snapshot.clone());
    let root = dst.put(&backup.encode()).await?;
    dst.commit(expected, root).await?;
    Ok(SyncOutcome::Synced { snapshot, stats })
}

/// What a restore brought back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    pub snapshot: Snapshot,
    pub stats: SyncStats,
    /// The remotes whose remote-tracking branches came along, sorted: their URLs are not in
    /// the backup, so a front end says how to add them again.
    pub remotes: Vec<String>,
    /// The backup's root the snapshot was read from, which [`adopt`] swaps from.
    pub backup_root: Hash,
}

/// Restores a snapshot (default: the latest) of the backup in `src` into the empty store
/// `dst`, whose root becomes the snapshot's dataset map: the chunks it reaches, nothing else.
pub async fn restore<S: Storage, D: Storage>(
    src: &ChunkStore<S>,
    snapshot: Option<&str>,
    dst: &mut ChunkStore<D>,
    progress: &mut dyn Sink,
) -> Result<Restored> {
    let backup_root = src.root();
    let backup = read(src).await?.ok_or(BackupError::NoSnapshots)?;
    let snapshot = backup.find(snapshot)?.clone();
    // The branch to check out comes from the backup: a name a user could have typed, or none.
    if crate::repo::check_ref_name("branch", &snapshot.head).is_err() {
        return Err(BackupError::BadBranchName(
            snapshot.head.escape_debug().to_string(),
        ));
    }
    // Only what this snapshot reaches (whole blocks only where a block holds nothing else):
    // whole table files would bring back bytes that only other snapshots had (a row deleted
    // for privacy, in an older snapshot restored), and one damaged file would break every
    // snapshot, not just those that use it.
    let stats = fresh_copy::copy_closure(src, dst, &[snapshot.datasets], progress).await?;
    // The dataset map must decode: a restore that cannot be opened is no restore.
    let chunk = dst
        .get(&snapshot.datasets)
        .await?
        .ok_or(StoreError::MissingChunk {
            hash: snapshot.datasets,
        })?;
    let datasets = Datasets::decode(&chunk).map_err(|why| BackupError::Corrupt {
        hash: snapshot.datasets,
        why,
    })?;
    let mut remotes: Vec<String> = datasets
        .under(crate::db::datasets::REMOTES)
        .filter_map(|(name, _)| Some(name.split_once('/')?.0.to_string()))
        .collect();
    remotes.dedup();
    let expected = dst.root();
    dst.commit(expected, snapshot.datasets).await?;
    Ok(Restored {
        snapshot,
        stats,
        remotes,
        backup_root,
    })
}

/// Makes the database `owner` the writer of the backup in `store`, which `restored` came
/// from: a new snapshot of the restored state records the adoption, and `owner` owns the
/// backup from then on, so its syncs continue the same history.
///
/// Whoever can write the backup can already replace it, so adopting needs nothing more than
/// write access; the owner check guards against mistakes, not attackers. The swap goes from
/// the root the restore read: if another adopter or the old writer got there first, this
/// adoption fails whole (`AdoptionLost`) and the caller drops what it restored.
pub async fn adopt<S: Storage>(
    store: &mut ChunkStore<S>,
    restored: &Restored,
    owner: &str,
    now_ms: u64,
) -> Result<Snapshot> {
    let mut backup = read(store).await?.ok_or(BackupError::NoSnapshots)?;
    let snapshot = Snapshot {
        time_ms: now_ms,
        datasets: restored.snapshot.datasets,
        head: restored.snapshot.head.clone(),
        details: Details {
            added: Some(0),
            adopted_by: Some(owner.into()),
            ..Details::default()
        },
    };
    backup.owner = owner.into();
    backup.snapshots.push(snapshot.clone());
    let root = store.put(&backup.encode()).await?;
    match store.commit(restored.backup_root, root).await {
        Err(StoreError::Conflict { .. }) => Err(BackupError::AdoptionLost),
        other => Ok(other.map(|()| snapshot)?),
    }
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
    fresh_copy::copy_closure(src, dst, &[snapshot.datasets], progress).await?;
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

/// What a forget does besides deciding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forget {
    /// Decide only: write nothing (`--dry-run`).
    DryRun,
    /// Drop the snapshots from the backup's root; their data stays until a prune.
    Drop,
    /// Drop them and reclaim what only they used, as [`prune`] does (`--prune`).
    Prune { now_ms: u64, grace_ms: u64 },
}

/// What a forget decided, and what its prune did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Forgotten {
    /// The snapshots kept, newest first as restic lists them, each with why.
    pub keep: Vec<(Snapshot, Vec<Reason>)>,
    /// The snapshots removed (or, on a dry run, that would be), newest first.
    pub remove: Vec<Snapshot>,
    /// The prune's figures, when it ran: only with [`Forget::Prune`] and something removed,
    /// as in restic.
    pub gc: Option<crate::gc::GcStats>,
}

/// Applies restic's retention `policy` ([`crate::retention`]) to the backup's snapshots.
///
/// One departure: the snapshot written last is never removed, whatever the policy says
/// (reason [`Reason::Writer`]): a database's sync checks that the backup's latest snapshot
/// is the one it wrote last, so removing it would refuse its next sync (and the backup
/// would go on from an older state). The policy keeps it anyway unless its time is not the
/// newest or the policy is only `keep_tags`.
pub async fn forget<S: Storage>(
    store: &mut ChunkStore<S>,
    policy: &Policy,
    mode: Forget,
    progress: &mut dyn Sink,
) -> Result<Forgotten> {
    if policy.is_empty() {
        return Err(BackupError::EmptyPolicy);
    }
    let expected = store.root();
    let mut backup = read(store).await?.ok_or(BackupError::NoSnapshots)?;
    let infos: Vec<SnapshotInfo> = backup
        .snapshots
        .iter()
        .map(|s| SnapshotInfo {
            time_ms: s.time_ms,
            tags: &s.details.tags,
        })
        .collect();
    // A crafted root may list no snapshots at all.
    let writer = infos.len().checked_sub(1).ok_or(BackupError::NoSnapshots)?;
    let mut outcome = retention::apply(&infos, policy);
    if let Some(at) = outcome.remove.iter().position(|&i| i == writer) {
        outcome.remove.remove(at);
        let time = infos[writer].time_ms;
        let at = outcome
            .keep
            .iter()
            .position(|k| infos[k.index].time_ms < time);
        let kept = retention::Kept {
            index: writer,
            reasons: alloc::vec![Reason::Writer],
        };
        outcome.keep.insert(at.unwrap_or(outcome.keep.len()), kept);
    }
    let snapshot = |i: usize| backup.snapshots[i].clone();
    let mut forgotten = Forgotten {
        keep: outcome
            .keep
            .iter()
            .map(|k| (snapshot(k.index), k.reasons.clone()))
            .collect(),
        remove: outcome.remove.iter().map(|&i| snapshot(i)).collect(),
        gc: None,
    };
    if forgotten.remove.is_empty() || mode == Forget::DryRun {
        return Ok(forgotten);
    }
    let removed: alloc::collections::BTreeSet<usize> = outcome.remove.iter().copied().collect();
    backup.snapshots = core::mem::take(&mut backup.snapshots)
        .into_iter()
        .enumerate()
        .filter_map(|(i, s)| (!removed.contains(&i)).then_some(s))
        .collect();
    match mode {
        Forget::Prune { now_ms, grace_ms } => {
            let encoded = backup.encode();
            let gc = crate::gc::collect(store, Some(&encoded), now_ms, grace_ms, progress);
            forgotten.gc = Some(gc.await?);
        }
        _ => {
            let root = store.put(&backup.encode()).await?;
            store.commit(expected, root).await?;
        }
    }
    Ok(forgotten)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::MemoryStorage;
    use crate::retention::KeepCount;
    use crate::sync::Silent;
    use alloc::vec;
    use pollster::block_on;

    fn snap(time_ms: u64, datasets: u8, details: Details) -> Snapshot {
        Snapshot {
            time_ms,
            datasets: Hash([datasets; 20]),
            head: "main".into(),
            details,
        }
    }

    /// A root as version 2 wrote it: owner `db`, one snapshot at 5 of map `[1; 20]` on main.
    fn version_2_root() -> Vec<u8> {
        let mut old = vec![0x07, 2, b'd', b'b', 1, 5];
        old.extend_from_slice(&[1; 20]);
        old.extend_from_slice(b"\x04main");
        old
    }

    #[test]
    fn version_2_roots_read_and_keep_their_bytes_and_ids() {
        let old = version_2_root();
        let root = BackupRoot::decode(&old).unwrap();
        assert_eq!(root.snapshots, vec![snap(5, 1, Details::default())]);
        assert_eq!(root.encode(), old);
        // The id hashes (time, map, branch), as before version 3.
        let mut own = vec![5];
        own.extend_from_slice(&[1; 20]);
        own.extend_from_slice(b"\x04main");
        assert_eq!(root.snapshots[0].id(), Hash::of(&own).to_base32()[..8]);
    }

    #[test]
    fn details_follow_the_snapshots_byte_for_byte() {
        let details = Details {
            tags: vec!["a".into(), "pre-migration".into()],
            message: "hi".into(),
            added: Some(300),
            adopted_by: None,
        };
        let adopted = Details {
            added: Some(0),
            adopted_by: Some("xy".into()),
            ..Details::default()
        };
        let root = BackupRoot {
            owner: "db".into(),
            snapshots: vec![
                snap(5, 1, Details::default()),
                snap(6, 2, details),
                snap(7, 2, adopted),
            ],
        };
        let bytes = root.encode();
        let mut expected = version_2_root();
        expected[4] = 3;
        for (time, map) in [(6, 2), (7, 2)] {
            expected.push(time);
            expected.extend_from_slice(&[map; 20]);
            expected.extend_from_slice(b"\x04main");
        }
        expected.push(3); // details version
        expected.extend_from_slice(&[0, 0, 0, 0]); // none, none, not recorded, a sync
        expected.extend_from_slice(b"\x02\x01a\x0dpre-migration\x02hi\xad\x02\x00");
        expected.extend_from_slice(b"\x00\x00\x01\x01\x02xy");
        assert_eq!(bytes, expected);
        assert_eq!(BackupRoot::decode(&bytes).unwrap(), root);
        // The old snapshot keeps its id; the others' ids cover their details.
        let old = BackupRoot::decode(&version_2_root()).unwrap();
        assert_eq!(root.snapshots[0].id(), old.snapshots[0].id());
        let mut retagged = root.snapshots[1].clone();
        retagged.details.tags.pop();
        assert_ne!(retagged.id(), root.snapshots[1].id());
    }

    #[test]
    fn details_that_are_not_canonical_or_from_a_newer_cairn_are_refused() {
        let mut newer = version_2_root();
        newer.extend_from_slice(&[4, 0, 0, 0, 0]);
        let err = BackupRoot::decode(&newer).unwrap_err();
        assert!(matches!(err, CodecError::Newer(_)), "{err}");
        assert!(err.to_string().contains("details of version 4"), "{err}");
        let bad = |tail: &[u8]| {
            let mut root = version_2_root();
            root.extend_from_slice(tail);
            BackupRoot::decode(&root).unwrap_err()
        };
        // All default: version 2's bytes are the one encoding.
        assert_eq!(
            bad(&[3, 0, 0, 0, 0]),
            CodecError::Invalid("snapshot details")
        );
        assert_eq!(
            bad(b"\x03\x02\x01b\x01a\x00\x00\x00"),
            CodecError::Invalid("snapshot tags")
        );
        assert_eq!(
            bad(b"\x03\x02\x01a\x01a\x00\x00\x00"),
            CodecError::Invalid("snapshot tags")
        );
        assert_eq!(
            bad(b"\x03\x01\x02a,\x00\x00\x00"),
            CodecError::Invalid("snapshot tags")
        );
        assert_eq!(
            bad(b"\x03\x00\x00\x01\x02"),
            CodecError::Invalid("snapshot event")
        );
        assert_eq!(
            bad(b"\x03\x00\x00\x01\x00\x00"),
            CodecError::Invalid("trailing bytes")
        );
        assert_eq!(bad(b"\x03\x00\x00\x01"), CodecError::Truncated);
    }

    #[test]
    fn tags_are_checked() {
        for good in ["pre-migration", "é", &"x".repeat(100)] {
            assert_eq!(check_tag(good), Ok(()));
        }
        for bad in ["", "a b", "a,b", "a\u{1b}", &"x".repeat(101)] {
            let err = check_tag(bad).unwrap_err().to_string();
            assert!(err.contains("is not a snapshot tag"), "{err}");
        }
    }

    /// A backup in memory of `times` (oldest first), with the `[i; 20]` maps each snapshot
    /// points at stored as empty dataset maps.
    fn backup_of(times: &[u64]) -> ChunkStore<MemoryStorage> {
        let mut store = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
        let map = block_on(store.put(&Datasets::default().encode())).unwrap();
        let root = BackupRoot {
            owner: "db".into(),
            snapshots: times
                .iter()
                .map(|&t| Snapshot {
                    time_ms: t,
                    datasets: map,
                    head: "main".into(),
                    details: Details::default(),
                })
                .collect(),
        };
        let root = block_on(store.put(&root.encode())).unwrap();
        block_on(store.commit(Hash::EMPTY, root)).unwrap();
        store
    }

    fn times_of(store: &ChunkStore<MemoryStorage>) -> Vec<u64> {
        let root = block_on(read(store)).unwrap().unwrap();
        root.snapshots.iter().map(|s| s.time_ms).collect()
    }

    #[test]
    fn forget_never_removes_the_snapshot_written_last() {
        // Written last but older (a clock set back): the policy alone would drop it.
        let mut store = backup_of(&[10, 30, 20]);
        let policy = Policy {
            keep_last: Some(KeepCount::Count(1)),
            ..Policy::default()
        };
        let dry = block_on(forget(&mut store, &policy, Forget::DryRun, &mut Silent)).unwrap();
        let kept: Vec<(u64, Vec<Reason>)> = dry
            .keep
            .iter()
            .map(|(s, r)| (s.time_ms, r.clone()))
            .collect();
        let last = Reason::Bucket {
            bucket: crate::retention::Bucket::Last,
            oldest: false,
        };
        assert_eq!(kept, vec![(30, vec![last]), (20, vec![Reason::Writer])]);
        assert_eq!(
            dry.remove.iter().map(|s| s.time_ms).collect::<Vec<_>>(),
            [10]
        );
        assert_eq!(times_of(&store), [10, 30, 20], "a dry run writes nothing");
        let done = block_on(forget(&mut store, &policy, Forget::Drop, &mut Silent)).unwrap();
        assert_eq!((done.keep.len(), done.gc), (2, None));
        assert_eq!(times_of(&store), [30, 20], "kept in their order");
    }

    #[test]
    fn forget_refuses_an_empty_policy_and_a_backup_without_snapshots() {
        let last = Policy {
            keep_last: Some(KeepCount::Count(1)),
            ..Policy::default()
        };
        let mut empty = backup_of(&[]);
        let err = block_on(forget(&mut empty, &last, Forget::Drop, &mut Silent));
        assert_eq!(err.unwrap_err(), BackupError::NoSnapshots);
        let mut store = backup_of(&[10]);
        let zero = Policy {
            keep_daily: Some(KeepCount::Count(0)),
            ..Policy::default()
        };
        for policy in [Policy::default(), zero] {
            let err = block_on(forget(&mut store, &policy, Forget::Drop, &mut Silent));
            assert_eq!(err.unwrap_err(), BackupError::EmptyPolicy);
        }
    }

    #[test]
    fn two_adopters_race_and_one_wins() {
        let mut first = backup_of(&[10]);
        // Both read the backup before either adopts it.
        let mut second = block_on(ChunkStore::open(first.storage().clone())).unwrap();
        let restored = |store: &ChunkStore<MemoryStorage>| {
            let mut dst = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
            block_on(restore(store, None, &mut dst, &mut Silent)).unwrap()
        };
        let (a, b) = (restored(&first), restored(&second));
        let won = block_on(adopt(&mut first, &a, "new-a", 20)).unwrap();
        assert_eq!(won.details.adopted_by.as_deref(), Some("new-a"));
        let lost = block_on(adopt(&mut second, &b, "new-b", 21));
        assert_eq!(lost.unwrap_err(), BackupError::AdoptionLost);
        let root = block_on(read(&first)).unwrap().unwrap();
        assert_eq!(root.owner, "new-a");
        assert_eq!(root.snapshots.last(), Some(&won));
    }
}
