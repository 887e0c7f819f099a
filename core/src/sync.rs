//! Copying chunks between stores: the one mechanism under push, fetch, clone, backup sync
//! and restore. What differs between them is which roots are copied and who may write.
//!
//! Two phases, both checking every chunk against its address on the way:
//! - table files the destination does not have are copied whole, as they are (backups and
//!   restores only: a table file can hold chunks that must not reach a remote, such as
//!   uncommitted working sets). A store only ever writes a chunk after the chunks it points
//!   at, so a destination holding all of the source's table files holds the closure of every
//!   chunk in them;
//! - then a walk from the roots, descending only into chunks the destination lacks, asking
//!   it in batches, writing what is missing into new table files. Push and fetch use only
//!   this phase.
//!
//! Nothing is visible at the destination until its caller swaps the manifest.

use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use core::fmt;

use crate::chunk_store::{ChunkStore, StoreError};
use crate::codec::CodecError;
use crate::db::kind;
use crate::hash::Hash;
use crate::io::Storage;

/// How many addresses the walk asks the destination about at once.
const BATCH: usize = 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    TableFiles,
    Chunks,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::TableFiles => "copying table files",
            Phase::Chunks => "copying chunks",
        }
    }
}

/// A progress event. Totals grow as the walk discovers more to copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub phase: Phase,
    pub chunks_done: u64,
    pub chunks_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// What a sync wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncStats {
    pub table_files: u64,
    pub chunks: u64,
    pub bytes: u64,
}

impl SyncStats {
    fn add(&mut self, other: SyncStats) {
        self.table_files += other.table_files;
        self.chunks += other.chunks;
        self.bytes += other.bytes;
    }
}

#[derive(Debug, PartialEq)]
pub enum SyncError {
    /// Reading the source failed, or found it damaged.
    Source(StoreError),
    Destination(StoreError),
    /// A chunk the walk needs is missing from the source.
    MissingChunk(Hash),
    /// A chunk of the source does not decode.
    Corrupt {
        hash: Hash,
        why: CodecError,
    },
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyncError::Source(e) => write!(f, "reading the source: {e}"),
            SyncError::Destination(e) => write!(f, "writing the destination: {e}"),
            SyncError::MissingChunk(h) => write!(f, "the source is missing chunk {h}"),
            SyncError::Corrupt { hash, why } => {
                write!(f, "chunk {hash} of the source is corrupt ({why})")
            }
        }
    }
}

pub type Result<T> = core::result::Result<T, SyncError>;

/// Copies, whole, every live table file of `src` that `dst` does not have. Only all of them
/// together hold the closure of their chunks, so on failure `dst` forgets the ones it got.
pub async fn copy_table_files<S: Storage, D: Storage>(
    src: &ChunkStore<S>,
    dst: &mut ChunkStore<D>,
    progress: &mut dyn FnMut(&Progress),
) -> Result<SyncStats> {
    let copied = copy_files(src, dst, progress).await;
    if copied.is_err() {
        dst.abandon();
    }
    copied
}

async fn copy_files<S: Storage, D: Storage>(
    src: &ChunkStore<S>,
    dst: &mut ChunkStore<D>,
    progress: &mut dyn FnMut(&Progress),
) -> Result<SyncStats> {
    let wanted: Vec<_> = src
        .manifest()
        .tables
        .iter()
        .filter(|t| !dst.has_table(&t.name))
        .cloned()
        .collect();
    let mut event = Progress {
        phase: Phase::TableFiles,
        chunks_done: 0,
        chunks_total: wanted.iter().map(|t| u64::from(t.chunk_count)).sum(),
        bytes_done: 0,
        bytes_total: wanted.iter().map(|t| t.size).sum(),
    };
    let mut stats = SyncStats::default();
    for spec in wanted {
        let bytes = src
            .read_table_checked(&spec.name)
            .await
            .map_err(SyncError::Source)?;
        dst.add_table_file(&bytes)
            .await
            .map_err(SyncError::Destination)?;
        stats.add(SyncStats {
            table_files: 1,
            chunks: u64::from(spec.chunk_count),
            bytes: spec.size,
        });
        event.chunks_done += u64::from(spec.chunk_count);
        event.bytes_done += spec.size;
        progress(&event);
    }
    Ok(stats)
}

/// Copies every chunk reachable from `roots` that `dst` lacks. On failure `dst` forgets all
/// it wrote since its last commit (see `ChunkStore::abandon`).
pub async fn copy_closure<S: Storage, D: Storage>(
    src: &ChunkStore<S>,
    dst: &mut ChunkStore<D>,
    roots: &[Hash],
    progress: &mut dyn FnMut(&Progress),
) -> Result<SyncStats> {
    let copied = walk(src, dst, roots, progress).await;
    if copied.is_err() {
        dst.abandon();
    }
    copied
}

async fn walk<S: Storage, D: Storage>(
    src: &ChunkStore<S>,
    dst: &mut ChunkStore<D>,
    roots: &[Hash],
    progress: &mut dyn FnMut(&Progress),
) -> Result<SyncStats> {
    let mut seen: BTreeSet<Hash> = BTreeSet::new();
    let mut frontier: Vec<Hash> = roots.iter().copied().filter(|h| !h.is_empty()).collect();
    let mut event = Progress {
        phase: Phase::Chunks,
        chunks_done: 0,
        chunks_total: 0,
        bytes_done: 0,
        bytes_total: 0,
    };
    let mut stats = SyncStats::default();
    while !frontier.is_empty() {
        frontier.retain(|h| seen.insert(*h));
        let mut next = Vec::new();
        for batch in frontier.chunks(BATCH) {
            let present = dst.has_many(batch).await;
            let missing: Vec<Hash> = batch
                .iter()
                .zip(present)
                .filter(|(_, has)| !has)
                .map(|(h, _)| *h)
                .collect();
            if missing.is_empty() {
                continue;
            }
            event.chunks_total += missing.len() as u64;
            let chunks = src.get_many(&missing).await.map_err(SyncError::Source)?;
            for (hash, chunk) in missing.into_iter().zip(chunks) {
                let chunk = chunk.ok_or(SyncError::MissingChunk(hash))?;
                next.extend(kind::refs(&chunk).map_err(|why| SyncError::Corrupt { hash, why })?);
                // `get` checked the bytes against the address: no need to hash them again.
                dst.put_hashed(hash, &chunk)
                    .await
                    .map_err(SyncError::Destination)?;
                stats.chunks += 1;
                stats.bytes += chunk.len() as u64;
                event.chunks_done += 1;
                event.bytes_done += chunk.len() as u64;
                event.bytes_total = event.bytes_done;
            }
            progress(&event);
        }
        frontier = next;
    }
    Ok(stats)
}
