//! Garbage collection: rewrite what a store's root reaches into new table files, list only
//! those, and delete the rest. The one implementation under `cairn gc` (databases and
//! remotes) and `backup prune` (which first drops snapshots from the backup's root).
//!
//! Deleting is safe against other writers without a lock:
//! - the new file set goes in by one manifest swap from the version gc read, so a writer that
//!   committed meanwhile makes gc fail cleanly, and a writer that read the old manifest loses
//!   its swap, sees that table files were dropped, and fails with a conflict instead of
//!   listing chunks gc did not keep (`ChunkStore::commit`);
//! - files no manifest ever listed (an interrupted writer's, or a conjoin's leftovers) and
//!   temporary files are deleted only once older than the grace period, so a writer that is
//!   between writing a table file and swapping the manifest keeps its file. A writer paused
//!   for longer than the grace period finds its file gone when it commits, and fails.

use alloc::collections::BTreeSet;
use alloc::string::String;

use crate::chunk_store::{ChunkStore, Options};
use crate::db::kind;
use crate::fresh_copy;
use crate::hash::Hash;
use crate::io::Storage;
use crate::sync::{Sink, SyncError};

/// The grace period of files no manifest lists, unless the caller sets another: Dolt's
/// `--prune-with-grace-period` floor is 10 minutes; a quarter of an hour spares any sync.
pub const DEFAULT_GRACE_MS: u64 = 15 * 60 * 1000;

/// What a gc did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GcStats {
    pub table_files_written: usize,
    pub table_files_deleted: usize,
    pub temporaries_deleted: usize,
    /// Every table file and temporary file in the storage before, in bytes.
    pub bytes_before: u64,
    /// The table files listed after.
    pub bytes_after: u64,
    /// What the deleted files held.
    pub bytes_deleted: u64,
}

/// Keeps what the store's root reaches (or, with `new_root`, what that chunk reaches, and
/// makes it the root) and reclaims the rest. `now_ms` and `grace_ms` decide which unlisted
/// files are old enough to delete.
pub async fn collect<S: Storage>(
    store: &mut ChunkStore<S>,
    new_root: Option<&[u8]>,
    now_ms: u64,
    grace_ms: u64,
    progress: &mut dyn Sink,
) -> Result<GcStats, SyncError> {
    let expected = store.root();
    let listed_before: BTreeSet<String> = store
        .manifest()
        .tables
        .iter()
        .map(|t| t.name.clone())
        .collect();
    let objects = store.storage().list().await.map_err(dst)?;
    let temporaries = store.storage().temporaries().await.map_err(dst)?;
    let bytes_before = objects.iter().chain(&temporaries).map(|o| o.size).sum();

    let mut fresh = ChunkStore::detached(store.storage(), Options::default());
    let root = match new_root {
        Some(chunk) => {
            let refs = kind::refs(chunk).map_err(|why| SyncError::Corrupt {
                hash: Hash::of(chunk),
                why,
            })?;
            fresh_copy::copy_closure(store, &mut fresh, &refs, progress).await?;
            fresh.put(chunk).await.map_err(SyncError::Destination)?
        }
        None => {
            fresh_copy::copy_closure(store, &mut fresh, &[expected], progress).await?;
            expected
        }
    };
    fresh.flush().await.map_err(SyncError::Destination)?;
    let tables = fresh.written_tables().to_vec();
    drop(fresh);
    store
        .replace_tables(expected, root, tables.clone())
        .await
        .map_err(SyncError::Destination)?;

    let keep: BTreeSet<String> = tables.iter().map(|t| t.name.clone()).collect();
    let swept = sweep(store.storage(), &keep, &listed_before, now_ms, grace_ms).await?;
    Ok(GcStats {
        table_files_written: tables.len(),
        table_files_deleted: swept.table_files_deleted,
        temporaries_deleted: swept.temporaries_deleted,
        bytes_deleted: swept.bytes_deleted,
        bytes_before,
        bytes_after: tables.iter().map(|t| t.size).sum(),
    })
}

/// Deletes the table files not in `keep`: at once those in `listed_before` (their chunks are
/// in `keep`'s files now), the others (no manifest ever listed them) and temporary files
/// once older than `grace_ms`. Without a gc before it (`keep` = the manifest's files and
/// `listed_before` empty), it reclaims what interrupted writers left: `backup sync
/// --prune-with-grace-period`.
pub async fn sweep<S: Storage + ?Sized>(
    storage: &S,
    keep: &BTreeSet<String>,
    listed_before: &BTreeSet<String>,
    now_ms: u64,
    grace_ms: u64,
) -> Result<GcStats, SyncError> {
    let old = |modified_ms: u64| modified_ms.saturating_add(grace_ms) <= now_ms;
    let mut stats = GcStats::default();
    for object in storage.list().await.map_err(dst)? {
        let is_table = Hash::parse(&object.name).is_some();
        if is_table
            && !keep.contains(&object.name)
            && (listed_before.contains(&object.name) || old(object.modified_ms))
        {
            storage.delete(&object.name).await.map_err(dst)?;
            stats.table_files_deleted += 1;
            stats.bytes_deleted += object.size;
        }
    }
    for temporary in storage.temporaries().await.map_err(dst)? {
        if old(temporary.modified_ms) {
            storage
                .delete_temporary(&temporary.name)
                .await
                .map_err(dst)?;
            stats.temporaries_deleted += 1;
            stats.bytes_deleted += temporary.size;
        }
    }
    Ok(stats)
}

/// An automatic gc is due when a database's table files take more than twice what its last
/// gc kept (`live`), and at least `AUTO_SLACK` more, as `git gc --auto` waits for enough
/// loose objects: rewriting a large store for little garbage would cost more than it frees.
pub async fn auto_due<S: Storage + ?Sized>(storage: &S, live: u64) -> Result<bool, SyncError> {
    let total: u64 = storage
        .list()
        .await
        .map_err(dst)?
        .iter()
        .filter(|o| Hash::parse(&o.name).is_some())
        .map(|o| o.size)
        .sum();
    Ok(total > live.saturating_mul(2) && total - live >= AUTO_SLACK)
}

/// See `auto_due`.
pub const AUTO_SLACK: u64 = 4 << 20;

fn dst(e: crate::io::IoError) -> SyncError {
    SyncError::Destination(e.into())
}
