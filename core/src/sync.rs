//! Copying chunks between stores: the one mechanism under push, fetch, clone, backup sync
//! and restore. What differs between them is which roots are copied and who may write.
//!
//! A destination that starts empty (restore, a snapshot's export, gc) is filled by
//! `fresh_copy` instead, by blocks. Elsewhere two phases, both checking what they copy:
//! - table files the destination does not have are copied whole, as they are, each record
//!   checked (`ChunkStore::read_table_checked`). Backups of the database only: a table file
//!   can hold chunks that must not reach a remote, such as uncommitted working sets. A store
//!   only ever writes a chunk after the chunks it points at, so a destination holding all of
//!   the source's table files holds the closure of every chunk in them;
//! - then a walk from the roots, descending only into chunks the destination lacks, asking
//!   it in batches, writing what is missing into new table files, each chunk checked against
//!   its address. Push and fetch use only this phase.
//!
//! Nothing is visible at the destination until its caller swaps the manifest.

use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use core::fmt;

use crate::chunk_store::{CheckedTable, ChunkStore, StoreError};
use crate::codec::CodecError;
use crate::db::kind;
use crate::hash::Hash;
use crate::io::Storage;
use crate::manifest::TableSpec;

/// How many addresses the walk asks the destination about at once.
const BATCH: usize = 1024;
/// How many addresses the walk reads at once: several batches, so that their runs of chunks
/// (a batch of leaves is often one) go to storage together, while the group before is written.
const READ_AT_ONCE: usize = BATCH * 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    TableFiles,
    Chunks,
    /// Reading and hashing table files: `verify`, and `fresh_copy` before it copies.
    Checking,
    /// `table import` reading a file: rows in `chunks_done`, bytes in `bytes_done`.
    Importing,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::TableFiles => "copying table files",
            Phase::Chunks => "copying chunks",
            Phase::Checking => "checking table files",
            Phase::Importing => "importing",
        }
    }
}

/// A progress event. In the table-file and checking phases the totals are known from the
/// start, and in the chunk phase of `fresh_copy` (which follows its checking phase) too. In
/// the walk's chunk phase `chunks_total` counts every chunk known to be missing at the
/// destination (the walk asks about a chunk's children as soon as it has read the chunk), so
/// it only grows, and `bytes_total` is the bytes copied so far (a chunk's size is known once
/// read).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub phase: Phase,
    pub chunks_done: u64,
    pub chunks_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// Where a long operation reports progress and learns whether to stop: gitoxide's progress
/// and `should_interrupt` in one. Both are consulted at least once per batch of work.
pub trait Sink {
    fn report(&mut self, progress: &Progress);
    /// Whether to stop now: the operation then fails with `Interrupted`, leaving every store
    /// as it was (nothing is visible until a manifest swap, which comes after the copying).
    fn interrupted(&mut self) -> bool {
        false
    }
}

/// Any `FnMut(&Progress)` is a sink that never stops.
impl<F: FnMut(&Progress)> Sink for F {
    fn report(&mut self, progress: &Progress) {
        self(progress)
    }
}

/// A sink that shows nothing and never stops.
pub struct Silent;

impl Sink for Silent {
    fn report(&mut self, _: &Progress) {}
}

/// What a sync wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncStats {
    pub table_files: u64,
    pub chunks: u64,
    pub bytes: u64,
    /// Of `chunks`, those the destination listed but had lost or damaged (`repair_closure`).
    pub repaired: u64,
}

impl SyncStats {
    pub fn add(&mut self, other: SyncStats) {
        self.table_files += other.table_files;
        self.chunks += other.chunks;
        self.bytes += other.bytes;
        self.repaired += other.repaired;
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
    /// The sink asked to stop (Ctrl-C, an AbortSignal, a failing progress callback).
    Interrupted,
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyncError::Source(e) => write!(f, "reading the source: {e}"),
            SyncError::Destination(e) => write!(f, "writing the destination: {e}"),
            SyncError::MissingChunk(h) => write!(f, "the source is missing chunk {h}"),
            SyncError::Corrupt {
                why: why @ CodecError::Newer(_),
                ..
            } => write!(f, "the source was {why}"),
            SyncError::Corrupt { hash, why } => {
                write!(f, "chunk {hash} of the source is corrupt ({why})")
            }
            SyncError::Interrupted => f.write_str("interrupted; nothing was changed"),
        }
    }
}

pub type Result<T> = core::result::Result<T, SyncError>;

/// `copied`, having made `dst` forget all it wrote since its last commit if it is an error:
/// a copy that failed part-way must leave nothing a later commit would list.
pub(crate) fn abandon_on_error<D: Storage, T>(
    dst: &mut ChunkStore<D>,
    copied: Result<T>,
) -> Result<T> {
    if copied.is_err() {
        dst.abandon();
    }
    copied
}

/// Copies, whole, every live table file of `src` that `dst` does not have. Only all of them
/// together hold the closure of their chunks, so on failure `dst` forgets the ones it got.
pub async fn copy_table_files<S: Storage, D: Storage>(
    src: &ChunkStore<S>,
    dst: &mut ChunkStore<D>,
    progress: &mut dyn Sink,
) -> Result<SyncStats> {
    let copied = copy_files(src, dst, progress).await;
    abandon_on_error(dst, copied)
}

async fn copy_files<S: Storage, D: Storage>(
    src: &ChunkStore<S>,
    dst: &mut ChunkStore<D>,
    progress: &mut dyn Sink,
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
    // Each file is read and checked while the one before it is written: where requests run
    // elsewhere (Node's thread pool, an object store) the two overlap, and no more than two
    // files are held at once. The write is polled first, so that an upload is on its way
    // before a read from local files blocks this thread.
    let mut specs = wanted.iter();
    let mut read: Option<(&TableSpec, CheckedTable)> = None;
    loop {
        let spec = specs.next();
        if spec.is_some() && progress.interrupted() {
            return Err(SyncError::Interrupted);
        }
        let reading = async {
            match spec {
                Some(spec) => match src.read_table_checked(&spec.name).await {
                    Ok(table) => Ok(Some((spec, table))),
                    Err(e) => Err(SyncError::Source(e)),
                },
                None => Ok(None),
            }
        };
        let writing = async {
            match &read {
                Some((_, table)) => dst.add_table_file(table).await,
                None => Ok(()),
            }
        };
        let (written, next) = crate::join::both(writing, reading).await;
        written.map_err(SyncError::Destination)?;
        if let Some((spec, _)) = read.take() {
            stats.add(SyncStats {
                table_files: 1,
                chunks: u64::from(spec.chunk_count),
                bytes: spec.size,
                repaired: 0,
            });
            event.chunks_done += u64::from(spec.chunk_count);
            event.bytes_done += spec.size;
            progress.report(&event);
        }
        read = next?;
        if read.is_none() {
            break;
        }
    }
    // Once more after the last report: a stop asked for there must precede any commit.
    if progress.interrupted() {
        return Err(SyncError::Interrupted);
    }
    Ok(stats)
}

/// Copies every chunk reachable from `roots` that `dst` lacks. On failure `dst` forgets all
/// it wrote since its last commit (see `ChunkStore::abandon`).
pub async fn copy_closure<S: Storage, D: Storage>(
    src: &ChunkStore<S>,
    dst: &mut ChunkStore<D>,
    roots: &[Hash],
    progress: &mut dyn Sink,
) -> Result<SyncStats> {
    walk(src, dst, roots, Trust::Listed, progress).await
}

/// Makes `dst` hold, whole, every chunk reachable from `roots`: reads each from `dst` and
/// writes again from `src` any that `dst` lost or holds only damaged. `copy_closure` trusts a
/// listed chunk to be whole and to have its own closure present, which a damaged store breaks;
/// this reads everything `roots` reach in `dst` instead. Counted as `repaired`.
pub async fn repair_closure<S: Storage, D: Storage>(
    src: &ChunkStore<S>,
    dst: &mut ChunkStore<D>,
    roots: &[Hash],
    progress: &mut dyn Sink,
) -> Result<SyncStats> {
    walk(src, dst, roots, Trust::Nothing, progress).await
}

/// What the walk takes on trust at the destination.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Trust {
    /// A listed chunk is whole, and so is everything it reaches.
    Listed,
    /// Only a chunk just read whole from the destination.
    Nothing,
}

/// The walk of both; on failure `dst` forgets all it wrote since its last commit, because a
/// walk writes parents before children and a later commit must not list a parent without them.
async fn walk<S: Storage, D: Storage>(
    src: &ChunkStore<S>,
    dst: &mut ChunkStore<D>,
    roots: &[Hash],
    trust: Trust,
    progress: &mut dyn Sink,
) -> Result<SyncStats> {
    let walked = walk_from(src, dst, roots, trust, progress).await;
    abandon_on_error(dst, walked)
}

async fn walk_from<S: Storage, D: Storage>(
    src: &ChunkStore<S>,
    dst: &mut ChunkStore<D>,
    roots: &[Hash],
    trust: Trust,
    progress: &mut dyn Sink,
) -> Result<SyncStats> {
    let mut seen: BTreeSet<Hash> = BTreeSet::new();
    let roots: Vec<Hash> = roots.iter().copied().filter(|h| !h.is_empty()).collect();
    let mut frontier = unseen(dst, &mut seen, roots, trust).await;
    let mut event = Progress {
        phase: Phase::Chunks,
        chunks_done: 0,
        chunks_total: frontier.len() as u64,
        bytes_done: 0,
        bytes_total: 0,
    };
    let mut stats = SyncStats::default();
    if !frontier.is_empty() {
        // Nothing copied yet of what is known to be missing: the bar starts at zero.
        progress.report(&event);
    }
    while !frontier.is_empty() {
        let mut next = Vec::new();
        let groups: Vec<&[Hash]> = frontier.chunks(READ_AT_ONCE).collect();
        // A copy's next group, read while this one is written (a repair reads the
        // destination first, so it reads one group after another).
        let mut ahead = None;
        for (k, group) in groups.iter().enumerate() {
            // What the destination already holds whole needs no copy (only a repair asks).
            let held = match trust {
                Trust::Listed => alloc::vec![None; group.len()],
                Trust::Nothing => dst.get_whole(group).await.map_err(SyncError::Destination)?,
            };
            let copies = match ahead.take() {
                Some(copies) => copies,
                None => {
                    let lacking: Vec<Hash> = group
                        .iter()
                        .zip(&held)
                        .filter(|(_, h)| h.is_none())
                        .map(|(hash, _)| *hash)
                        .collect();
                    src.get_many(&lacking).await
                }
            };
            let mut copies = copies.map_err(SyncError::Source)?.into_iter();
            let read_ahead = async {
                match (trust, groups.get(k + 1)) {
                    (Trust::Listed, Some(group)) => Some(src.get_many(group).await),
                    _ => None,
                }
            };
            let write = async {
                let mut held = held.into_iter();
                for batch in group.chunks(BATCH) {
                    if progress.interrupted() {
                        return Err(SyncError::Interrupted);
                    }
                    let mut children = Vec::new();
                    for (hash, held) in batch.iter().zip(&mut held) {
                        let (chunk, copied) = match held {
                            Some(chunk) => (chunk, false),
                            None => {
                                let chunk = copies.next().flatten();
                                (chunk.ok_or(SyncError::MissingChunk(*hash))?, true)
                            }
                        };
                        let why = |why| SyncError::Corrupt { hash: *hash, why };
                        children.extend(kind::refs(&chunk).map_err(why)?);
                        event.chunks_done += 1;
                        event.bytes_done += chunk.len() as u64;
                        if !copied {
                            continue;
                        }
                        // `get` checked the bytes against the address: no need to hash them
                        // again. The walk copies only what `dst` lacks or lost, so nothing is
                        // asked about again.
                        dst.put_again(*hash, &chunk)
                            .await
                            .map_err(SyncError::Destination)?;
                        stats.chunks += 1;
                        stats.bytes += chunk.len() as u64;
                    }
                    // Ask about the children now, so the total counts them before the bar
                    // moves on.
                    let children = unseen(dst, &mut seen, children, trust).await;
                    event.chunks_total += children.len() as u64;
                    next.extend(children);
                    event.bytes_total = event.bytes_done;
                    progress.report(&event);
                }
                Ok(())
            };
            let (read, written) = crate::join::both(read_ahead, write).await;
            written?;
            ahead = read;
        }
        frontier = next;
    }
    if progress.interrupted() {
        return Err(SyncError::Interrupted);
    }
    if trust == Trust::Nothing {
        stats.repaired = stats.chunks;
    }
    Ok(stats)
}

/// Of `hashes`, those not met before in this walk that it must visit: all of them for a
/// repair, else those the destination lacks, asking it in batches.
async fn unseen<D: Storage>(
    dst: &ChunkStore<D>,
    seen: &mut BTreeSet<Hash>,
    mut hashes: Vec<Hash>,
    trust: Trust,
) -> Vec<Hash> {
    hashes.retain(|h| seen.insert(*h));
    if trust == Trust::Nothing {
        return hashes;
    }
    let mut missing = Vec::new();
    for batch in hashes.chunks(BATCH) {
        let present = dst.has_many(batch).await;
        missing.extend(
            batch
                .iter()
                .zip(present)
                .filter(|(_, has)| !has)
                .map(|(h, _)| *h),
        );
    }
    missing
}
