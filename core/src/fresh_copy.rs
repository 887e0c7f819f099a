//! Copying what some roots reach into a store that starts empty (a restore, a snapshot's
//! extraction, gc) by reading the source's table files from end to end rather than walking its
//! trees, so that a compressed block can be copied as it is:
//!
//! 1. every table file is read in runs of whole records; each chunk is checked against its
//!    address, its children are noted, and each run's bytes are hashed;
//! 2. the closure of the roots is found in those notes;
//! 3. the runs holding chunks of the closure are read again, and must hash as they did. A
//!    block whose chunks all belong to the closure is copied compressed, as it is; the
//!    closure's chunks of any other record are copied one by one, into new blocks.
//!
//! Compressing every block again was most of a restore's time (docs/BENCHMARKS.md). Only
//! what the roots reach is copied, as `sync::copy_closure` would: a block holding one chunk
//! they do not reach (a row only an older snapshot had) is never copied whole. A source
//! with much else beside the roots' closure is read whole all the same, which a walk would
//! not do; a backup is mostly the closure of its latest snapshot.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use crate::chunk_store::{ChunkStore, StoreError};
use crate::db::kind;
use crate::hash::Hash;
use crate::io::{BoxFuture, Storage};
use crate::join::{self, IN_FLIGHT};
use crate::parallel;
use crate::sync::{self, Phase, Progress, Result, Sink, SyncError, SyncStats};
use crate::table_file::{self, Entry, TableError};

/// The most bytes of records one read brings (more only for one longer record): small
/// enough that the next reads are on their way while a run is worked on, and that memory
/// holds two groups of `IN_FLIGHT` runs at most.
const RUN: u64 = 512 << 10;

/// `Found::record` of a chunk not (yet) found whole.
const NOWHERE: u32 = u32::MAX;
/// Marks an entry of `Plan::edges` as a position in `Plan::absent`.
const ABSENT: u32 = 1 << 31;

/// Copies every chunk reachable from `roots` into `dst`, reading `src`'s listed and written
/// table files whole if `dst` holds nothing yet; a `dst` that holds chunks already is walked
/// instead (`sync::copy_closure`). On failure `dst` forgets all it wrote since its last
/// commit.
pub async fn copy_closure<S: Storage, D: Storage>(
    src: &ChunkStore<S>,
    dst: &mut ChunkStore<D>,
    roots: &[Hash],
    progress: &mut dyn Sink,
) -> Result<SyncStats> {
    if !dst.is_empty() {
        return sync::copy_closure(src, dst, roots, progress).await;
    }
    let copied = copy(src, dst, roots, progress).await;
    sync::abandon_on_error(dst, copied)
}

/// Where a chunk was found whole in the source, by its position in `Plan::keys`.
#[derive(Clone)]
struct Found {
    /// The record it is copied from (an index into `Plan::records`).
    record: u32,
    len: u32,
    /// Its children, in `Plan::edges`.
    children: Range<u32>,
    reached: bool,
}

/// One record of a source table file.
struct Record {
    /// The table file's position in `ChunkStore::table_indexes`.
    table: u32,
    offset: u64,
    len: u32,
    /// Its chunks, in the order of the block: a range of `Plan::order`.
    entries: Range<u32>,
    /// Whether it is a version-3 block that decodes to exactly its chunks, each whole: one
    /// that can be copied as it is.
    whole: bool,
    /// Its check (`table_file::check_of`) if `whole`, taken where it was first read, on the
    /// pool: a block copied as it is keeps it, as the second read must bring the same bytes.
    check: u32,
}

/// Records of one table file read at once.
struct Run {
    /// The table file's position in `ChunkStore::table_indexes`.
    table: usize,
    offset: u64,
    len: u64,
    records: Range<usize>,
    /// BLAKE3 of the run's bytes as first read.
    digest: Hash,
}

/// A chunk as `Plan::examine` found it: its address, length, and children or why it is not
/// whole there.
type Chunk = (Hash, u64, Result<Vec<Hash>>);

/// What `Plan::examine` found in one run: its bytes' digest and, for each record, whether it
/// can be copied as it is, its check, and its chunks.
struct Examined {
    digest: Hash,
    records: Vec<(bool, u32, Vec<Chunk>)>,
}

/// What the first read found.
#[derive(Default)]
struct Plan<'a> {
    /// Each table file's index, as the source store holds it.
    indexes: Vec<&'a [Entry]>,
    /// Positions in a table file's index, each record's chunks together: records name their
    /// chunks by position rather than by a copy, which at 10M rows was 11 MB more.
    order: Vec<u32>,
    records: Vec<Record>,
    runs: Vec<Run>,
    /// Every address the source's indexes name, sorted, each once: a chunk's position here
    /// stands for its address in `found` and `edges` (4 bytes where a map from addresses and
    /// lists of children's addresses took about 80 a chunk).
    keys: Vec<Hash>,
    /// By position in `order`: that chunk's position in `keys`, found once rather than
    /// searched for at every look at the chunk.
    slot_keys: Vec<u32>,
    /// By position in `keys`: where each chunk was found whole (`record` is `NOWHERE` until
    /// it is).
    found: Vec<Found>,
    /// The children of the chunks found: positions in `keys`, or, with `ABSENT` set, in
    /// `absent`.
    edges: Vec<u32>,
    /// Children no index names: a damaged or hostile backup's.
    absent: Vec<Hash>,
    /// Why a chunk found nowhere whole is not, should the roots reach it.
    bad: BTreeMap<Hash, SyncError>,
}

async fn copy<S: Storage, D: Storage>(
    src: &ChunkStore<S>,
    dst: &mut ChunkStore<D>,
    roots: &[Hash],
    progress: &mut dyn Sink,
) -> Result<SyncStats> {
    let tables: Vec<(String, u16)> = src
        .table_indexes()
        .map(|(spec, version, _)| (spec.name.clone(), version))
        .collect();
    let mut plan = Plan {
        indexes: src.table_indexes().map(|(_, _, entries)| entries).collect(),
        ..Plan::default()
    };
    for table in 0..plan.indexes.len() {
        plan.add_table(table);
    }
    plan.list_keys();
    let mut buffers = Buffers::default();
    read_every_run(src, &tables, &mut plan, &mut buffers, progress).await?;
    let (chunks, bytes) = plan.reach(roots)?;
    let mut event = Progress {
        phase: Phase::Chunks,
        chunks_done: 0,
        chunks_total: chunks,
        bytes_done: 0,
        bytes_total: bytes,
    };
    if chunks > 0 {
        progress.report(&event);
    }
    let needed: Vec<usize> = (0..plan.runs.len())
        .filter(|&r| {
            plan.runs[r]
                .records
                .clone()
                .any(|i| plan.wanted(i).next().is_some())
        })
        .collect();
    let places = plan.places();
    let mut stats = SyncStats::default();
    each_group(src, &places, &needed, &mut buffers, async |group, read| {
        let read = parallel::map(read, |bytes| bytes.map(|b| (Hash::of(b), b)));
        for (&r, bytes) in group.iter().zip(read) {
            if progress.interrupted() {
                return Err(SyncError::Interrupted);
            }
            let run = &plan.runs[r];
            let name = &tables[run.table].0;
            let (digest, bytes) = bytes.map_err(SyncError::Source)?;
            if digest != run.digest {
                return Err(SyncError::Source(StoreError::CorruptTable {
                    table: name.clone(),
                    reason: TableError::BadLayout("its bytes changed while they were copied"),
                }));
            }
            for i in run.records.clone() {
                let record = &plan.records[i];
                let wanted: Vec<&Entry> = plan.wanted(i).collect();
                if wanted.is_empty() {
                    continue;
                }
                let at = (record.offset - run.offset) as usize;
                let raw = &bytes[at..at + record.len as usize];
                let copied: u64 = wanted.iter().map(|e| chunk_len(e)).sum();
                let mut copied_whole = false;
                if record.whole && wanted.len() == record.entries.len() {
                    let parts: Vec<_> = wanted
                        .iter()
                        .filter_map(|e| Some((e.hash, e.part?)))
                        .collect();
                    copied_whole = dst
                        .put_block(raw, record.check, &parts)
                        .await
                        .map_err(SyncError::Destination)?;
                }
                if !copied_whole {
                    // Read whole before, and the same bytes now: it decodes as it did.
                    let damaged = |e: &Entry| {
                        SyncError::Source(StoreError::CorruptChunk {
                            table: name.clone(),
                            hash: e.hash,
                        })
                    };
                    let version = tables[run.table].1;
                    let decoded = table_file::decode_record(version, wanted[0], raw)
                        .map_err(|_| damaged(wanted[0]))?;
                    for e in &wanted {
                        let chunk = e.chunk_in(&decoded).map_err(|_| damaged(e))?;
                        dst.put_again(e.hash, chunk)
                            .await
                            .map_err(SyncError::Destination)?;
                    }
                }
                stats.chunks += wanted.len() as u64;
                stats.bytes += copied;
                event.chunks_done += wanted.len() as u64;
                event.bytes_done += copied;
            }
            progress.report(&event);
        }
        Ok(())
    })
    .await?;
    if progress.interrupted() {
        return Err(SyncError::Interrupted);
    }
    Ok(stats)
}

/// The first read: every run of every table file, each chunk checked and its children noted.
async fn read_every_run<S: Storage>(
    src: &ChunkStore<S>,
    tables: &[(String, u16)],
    plan: &mut Plan<'_>,
    buffers: &mut Buffers,
    progress: &mut dyn Sink,
) -> Result<()> {
    let mut event = Progress {
        phase: Phase::Checking,
        chunks_done: 0,
        chunks_total: plan.records.iter().map(|r| r.entries.len() as u64).sum(),
        bytes_done: 0,
        bytes_total: plan.runs.iter().map(|r| r.len).sum(),
    };
    progress.report(&event);
    let places = plan.places();
    let all: Vec<usize> = (0..plan.runs.len()).collect();
    each_group(src, &places, &all, buffers, async |group, read| {
        if progress.interrupted() {
            return Err(SyncError::Interrupted);
        }
        let plan_now = &*plan;
        let examined = parallel::map(group.iter().zip(read).collect(), |(&r, bytes)| {
            let (name, version) = &tables[plan_now.runs[r].table];
            bytes.map(|bytes| plan_now.examine(r, name, *version, bytes))
        });
        for (&r, examined) in group.iter().zip(examined) {
            match examined {
                Ok(examined) => plan.note(r, examined),
                Err(e) if e.is_damage() => plan.lost_run(r, &e),
                Err(e) => return Err(SyncError::Source(e)),
            }
            let run = &plan.runs[r];
            event.chunks_done += plan.records[run.records.clone()]
                .iter()
                .map(|r| r.entries.len() as u64)
                .sum::<u64>();
            event.bytes_done += run.len;
            progress.report(&event);
        }
        Ok(())
    })
    .await
}

/// Reads the runs `which` of `places` in groups of `IN_FLIGHT` and hands each group's bytes
/// to `work`, in order, reading the next group while `work` takes one.
async fn each_group<S: Storage>(
    src: &ChunkStore<S>,
    places: &[Place],
    which: &[usize],
    buffers: &mut Buffers,
    mut work: impl AsyncFnMut(&[usize], Vec<Read<'_>>) -> Result<()>,
) -> Result<()> {
    let groups: Vec<&[usize]> = which.chunks(IN_FLIGHT).collect();
    let [this, next] = buffers;
    let mut ahead = None;
    for (k, group) in groups.iter().enumerate() {
        let read = match ahead.take() {
            Some(read) => read,
            None => read_runs(src, places, group, this).await,
        };
        let read = read.into_iter().zip(this.iter());
        let read = read.map(|(read, bytes)| read.map(|()| &bytes[..]));
        let read_ahead = async {
            match groups.get(k + 1) {
                Some(group) => Some(read_runs(src, places, group, next).await),
                None => None,
            }
        };
        let (read_next, done) = join::both(read_ahead, work(group, read.collect())).await;
        done?;
        ahead = read_next;
        core::mem::swap(this, next);
    }
    Ok(())
}

/// Where a run lies: its table file's position, offset and length.
type Place = (usize, u64, u64);
/// A run's bytes, or why they could not be read.
type Read<'a> = core::result::Result<&'a [u8], StoreError>;
/// The buffers runs are read into: those of the group worked on and those of the group read
/// ahead, kept from group to group and from the first read to the second. Fresh memory for
/// each run cost a page fault a page, which on this project's test machines took more of a
/// restore than copying the bytes (docs/BENCHMARKS.md).
type Buffers = [Vec<Vec<u8>>; 2];

/// Reads the runs `which` of `places` into `buffers`, one each, up to `IN_FLIGHT` at once.
async fn read_runs<S: Storage>(
    src: &ChunkStore<S>,
    places: &[Place],
    which: &[usize],
    buffers: &mut Vec<Vec<u8>>,
) -> Vec<core::result::Result<(), StoreError>> {
    if buffers.len() < which.len() {
        buffers.resize_with(which.len(), Vec::new);
    }
    let reads: Vec<BoxFuture<'_, _>> = which
        .iter()
        .zip(buffers.iter_mut())
        .map(|(&r, buffer)| {
            let (table, offset, len) = places[r];
            let read = src.read_range_into(table, offset, len, buffer);
            alloc::boxed::Box::pin(read) as BoxFuture<'_, _>
        })
        .collect();
    join::bounded(reads, IN_FLIGHT).await
}

/// A chunk's length, as its entry gives it.
fn chunk_len(e: &Entry) -> u64 {
    u64::from(e.part.map_or(e.len, |p| p.len))
}

impl<'a> Plan<'a> {
    fn places(&self) -> Vec<Place> {
        self.runs
            .iter()
            .map(|r| (r.table, r.offset, r.len))
            .collect()
    }

    /// Cuts a table file (its index, `indexes[table]`) into records and runs.
    fn add_table(&mut self, table: usize) {
        let index = self.indexes[table];
        let mut positions: Vec<u32> = (0..index.len() as u32).collect();
        positions.sort_unstable_by_key(|&k| {
            let e = &index[k as usize];
            (e.offset, e.part.map(|p| p.at))
        });
        let sorted: Vec<&Entry> = positions.iter().map(|&k| &index[k as usize]).collect();
        let base = self.order.len() as u32;
        self.order.extend(positions);
        let mut start = 0;
        while start < sorted.len() {
            let (end, len) = table_file::run(&sorted, start, RUN);
            let first = self.records.len();
            let mut i = start;
            while i < end {
                let mut j = i + 1;
                while j < end && table_file::same_record(sorted[i], sorted[j]) {
                    j += 1;
                }
                self.records.push(Record {
                    table: table as u32,
                    offset: sorted[i].offset,
                    len: sorted[i].len,
                    entries: base + i as u32..base + j as u32,
                    whole: false,
                    check: 0,
                });
                i = j;
            }
            self.runs.push(Run {
                table,
                offset: sorted[start].offset,
                len,
                records: first..self.records.len(),
                digest: Hash::EMPTY,
            });
            start = end;
        }
    }

    /// What the run `r` (read as `bytes`) holds whole, and why the rest is not. Pure, so that
    /// the runs of a group are examined on several threads (`parallel::map`).
    fn examine(&self, r: usize, table: &str, version: u16, bytes: &[u8]) -> Examined {
        let run = &self.runs[r];
        let damaged = |e: &Entry| {
            SyncError::Source(StoreError::CorruptChunk {
                table: table.into(),
                hash: e.hash,
            })
        };
        // Records too go to threads: a group's runs are few, and a run is many records.
        let records = parallel::map(
            self.records[run.records.clone()].iter().collect(),
            |record| {
                let entries: Vec<&Entry> = self.entries(record).collect();
                let raw = (record.offset - run.offset) as usize;
                let raw = bytes.get(raw..raw + record.len as usize);
                let decoded = raw
                    .ok_or(TableError::BadLayout(
                        "a record lies outside the bytes read",
                    ))
                    .and_then(|raw| table_file::decode_record(version, entries[0], raw));
                let Ok(decoded) = decoded else {
                    let chunks = entries.iter().map(|e| (e.hash, 0, Err(damaged(e))));
                    return (false, 0, chunks.collect());
                };
                let mut whole = table_file::has_blocks(version)
                    && entries.iter().map(|e| chunk_len(e)).sum::<u64>() == decoded.len() as u64;
                let chunks: Vec<Chunk> = entries
                    .iter()
                    .map(|e| {
                        let chunk = e.chunk_in(&decoded).ok().filter(|c| Hash::of(c) == e.hash);
                        let refs = match chunk.map(kind::refs) {
                            Some(Ok(refs)) => Ok(refs),
                            Some(Err(why)) => Err(SyncError::Corrupt { hash: e.hash, why }),
                            None => Err(damaged(e)),
                        };
                        whole &= refs.is_ok();
                        (e.hash, chunk_len(e), refs)
                    })
                    .collect();
                // Only a block copied as it is keeps its check.
                let check = raw.filter(|_| whole).map_or(0, table_file::check_of);
                (whole, check, chunks)
            },
        );
        Examined {
            digest: Hash::of(bytes),
            records,
        }
    }

    /// Notes what `examine` found in the run `r`.
    fn note(&mut self, r: usize, examined: Examined) {
        self.runs[r].digest = examined.digest;
        let records = self.runs[r].records.clone();
        for (i, (whole, check, chunks)) in records.zip(examined.records) {
            self.records[i].whole = whole;
            self.records[i].check = check;
            let slots = self.records[i].entries.start as usize..;
            for ((hash, len, refs), slot) in chunks.into_iter().zip(slots) {
                let refs = match refs {
                    Ok(refs) => refs,
                    Err(why) => {
                        self.bad.entry(hash).or_insert(why);
                        continue;
                    }
                };
                // `examine` answers a record's chunks in the order of its entries.
                let k = self.slot_keys[slot] as usize;
                if self.found[k].record != NOWHERE {
                    continue;
                }
                let from = self.edges.len() as u32;
                for child in refs {
                    let position = self.position(child);
                    self.edges.push(position);
                }
                self.found[k] = Found {
                    record: i as u32,
                    len: len as u32,
                    children: from..self.edges.len() as u32,
                    reached: false,
                };
            }
        }
    }

    /// Notes that the run `r` could not be read (`why`, damage): its chunks are not whole here.
    fn lost_run(&mut self, r: usize, why: &StoreError) {
        let lost: Vec<Hash> = self.records[self.runs[r].records.clone()]
            .iter()
            .flat_map(|record| self.entries(record).map(|e| e.hash))
            .collect();
        for hash in lost {
            self.bad
                .entry(hash)
                .or_insert_with(|| SyncError::Source(why.clone()));
        }
    }

    /// Marks what `roots` reach; answers its chunks and bytes. A chunk they reach that is
    /// nowhere whole is the error.
    fn reach(&mut self, roots: &[Hash]) -> Result<(u64, u64)> {
        // Breadth first, as the walk goes: of several chunks missing, the same one is named.
        let mut queue: VecDeque<u32> = VecDeque::new();
        for root in roots.iter().filter(|h| !h.is_empty()) {
            let position = self.position(*root);
            queue.push_back(position);
        }
        let (mut chunks, mut bytes) = (0, 0);
        while let Some(position) = queue.pop_front() {
            let k = position as usize;
            if position & ABSENT != 0 || self.found[k].record == NOWHERE {
                let hash = match position & ABSENT {
                    0 => self.keys[k],
                    _ => self.absent[(position & !ABSENT) as usize],
                };
                return Err(self
                    .bad
                    .remove(&hash)
                    .unwrap_or(SyncError::MissingChunk(hash)));
            }
            let found = &mut self.found[k];
            if found.reached {
                continue;
            }
            found.reached = true;
            chunks += 1;
            bytes += u64::from(found.len);
            let children = found.children.start as usize..found.children.end as usize;
            queue.extend(&self.edges[children]);
        }
        Ok((chunks, bytes))
    }

    /// The chunks of `record`, in the order of its block.
    fn entries(&self, record: &Record) -> impl Iterator<Item = &'a Entry> + '_ {
        let index = self.indexes[record.table as usize];
        let positions = record.entries.start as usize..record.entries.end as usize;
        self.order[positions]
            .iter()
            .map(move |&k| &index[k as usize])
    }

    /// The chunks of record `i` that the roots reach and are copied from it.
    fn wanted(&self, i: usize) -> impl Iterator<Item = &'a Entry> + '_ {
        let record = &self.records[i];
        let slots = record.entries.start as usize..;
        self.entries(record)
            .zip(slots)
            .filter_map(move |(e, slot)| {
                let found = &self.found[self.slot_keys[slot] as usize];
                (found.reached && found.record as usize == i).then_some(e)
            })
    }

    /// Lists every address the indexes name in `keys`, each with nothing found yet, and the
    /// position there of each record's chunks in `slot_keys`.
    fn list_keys(&mut self) {
        let mut slots: Vec<(Hash, u32)> = Vec::with_capacity(self.order.len());
        for record in &self.records {
            let index = self.indexes[record.table as usize];
            for slot in record.entries.clone() {
                slots.push((index[self.order[slot as usize] as usize].hash, slot));
            }
        }
        slots.sort_unstable_by_key(|&(hash, _)| hash);
        let (mut keys, mut slot_keys) = (Vec::new(), alloc::vec![0; self.order.len()]);
        for (hash, slot) in slots {
            if keys.last() != Some(&hash) {
                keys.push(hash);
            }
            slot_keys[slot as usize] = (keys.len() - 1) as u32;
        }
        keys.shrink_to_fit();
        self.slot_keys = slot_keys;
        let nowhere = Found {
            record: NOWHERE,
            len: 0,
            children: 0..0,
            reached: false,
        };
        self.found = alloc::vec![nowhere; keys.len()];
        self.keys = keys;
    }

    /// `hash`'s position in `keys`.
    fn key(&self, hash: &Hash) -> Option<usize> {
        table_file::position_of(&self.keys, hash, |h| h)
    }

    /// `hash`'s position in `keys`, or, for an address no index names, in `absent` (with
    /// `ABSENT` set).
    fn position(&mut self, hash: Hash) -> u32 {
        match self.key(&hash) {
            Some(k) => k as u32,
            None => {
                self.absent.push(hash);
                ABSENT | (self.absent.len() - 1) as u32
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::collections::BTreeSet;
    use alloc::format;
    use alloc::string::ToString;

    use pollster::block_on;

    use super::*;
    use crate::backup::{self, Note, Repair};
    use crate::repo::{CommitOptions, Config, Repo, Signature};
    use crate::sync::Silent;
    use crate::MemoryStorage;

    /// A backup (in memory) of a committed database whose rows compress little, so that its
    /// table files are larger than the end a store reads of them when it opens.
    fn backup() -> MemoryStorage {
        let author = Signature {
            name: "t".into(),
            email: "t@example.com".into(),
            time_ms: 1,
        };
        let store = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
        let mut repo = block_on(Repo::init(store, Config::new("db"), &author)).unwrap();
        let values: Vec<String> = (0..20_000u32)
            .map(|i| format!("({i}, '{}')", Hash::of(&i.to_le_bytes()).to_base32()))
            .collect();
        let sql = format!(
            "create table t (id int primary key, v text); insert into t values {}",
            values.join(",")
        );
        block_on(repo.sql(&sql)).unwrap();
        block_on(repo.commit("rows", CommitOptions::ALL, &author)).unwrap();
        let storage = MemoryStorage::new();
        let mut dst = block_on(ChunkStore::open(storage.clone())).unwrap();
        let note = Note::default();
        let repair = Repair::IfSeenDamaged;
        block_on(repo.backup_sync(&mut dst, "mem://b", &note, 1, repair, &mut Silent)).unwrap();
        storage
    }

    /// The compressed blocks of every table file in `storage`, as they are stored, each with
    /// the chunks it holds.
    fn blocks(storage: &MemoryStorage) -> BTreeMap<Vec<u8>, Vec<Hash>> {
        let mut out = BTreeMap::<Vec<u8>, Vec<Hash>>::new();
        for object in block_on(storage.list()).unwrap() {
            let bytes = block_on(storage.get(&object.name)).unwrap().unwrap();
            let Ok((_, entries)) = table_file::decode_whole(&bytes) else {
                continue;
            };
            for e in entries.iter().filter(|e| e.part.is_some()) {
                let record = bytes[e.offset as usize..][..e.len as usize].to_vec();
                out.entry(record).or_default().push(e.hash);
            }
        }
        out
    }

    #[test]
    fn a_restore_copies_the_blocks_it_needs_whole_as_the_backup_holds_them() {
        let storage = backup();
        let src = block_on(ChunkStore::open(storage.clone())).unwrap();
        let restored = MemoryStorage::new();
        let mut dst = block_on(ChunkStore::open(restored.clone())).unwrap();
        block_on(backup::restore(&src, None, &mut dst, &mut Silent)).unwrap();

        let ours = blocks(&restored);
        let held: BTreeSet<Hash> = ours.values().flatten().copied().collect();
        let (mut needed, mut copied) = (0, 0);
        for (block, chunks) in blocks(&storage) {
            if chunks.iter().all(|c| held.contains(c)) {
                needed += 1;
                copied += usize::from(ours.contains_key(&block));
            }
        }
        assert!(needed >= 6, "{needed} blocks needed whole");
        assert_eq!(copied, needed, "blocks needed whole and copied as they are");
        let store = block_on(ChunkStore::open(restored)).unwrap();
        let mut repo = block_on(Repo::open(store, Config::new("r"))).unwrap();
        let counted = block_on(repo.sql("select count(*) from t")).unwrap();
        assert_eq!(counted[0].rows[0][0].to_string(), "20000");
    }

    #[test]
    fn a_backup_whose_bytes_change_between_the_two_reads_restores_nothing() {
        let storage = backup();
        let src = block_on(ChunkStore::open(storage.clone())).unwrap();
        let largest = block_on(storage.list())
            .unwrap()
            .into_iter()
            .max_by_key(|o| o.size)
            .unwrap();
        assert!(largest.size > 64 << 10, "read in runs, not kept whole");
        // Once the first read is done: a byte of the first block flips.
        let mut flipped = false;
        let mut sink = |p: &Progress| {
            if p.phase == Phase::Chunks && !flipped {
                let mut bytes = block_on(storage.get(&largest.name)).unwrap().unwrap();
                bytes[10] ^= 1;
                block_on(storage.put(&largest.name, &bytes)).unwrap();
                flipped = true;
            }
        };
        let restored = MemoryStorage::new();
        let mut dst = block_on(ChunkStore::open(restored.clone())).unwrap();
        let failed = block_on(backup::restore(&src, None, &mut dst, &mut sink));
        assert!(flipped);
        let changed = StoreError::CorruptTable {
            table: largest.name.clone(),
            reason: TableError::BadLayout("its bytes changed while they were copied"),
        };
        assert_eq!(
            failed.unwrap_err(),
            backup::BackupError::Sync(SyncError::Source(changed))
        );
        let store = block_on(ChunkStore::open(restored)).unwrap();
        assert!(store.root().is_empty() && store.manifest().tables.is_empty());
    }
}
