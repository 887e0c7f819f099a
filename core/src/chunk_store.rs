//! The chunk store: content-addressed chunks kept in table files, with a root hash, over any
//! `Storage`.
//!
//! New chunks collect in memory and go out as a new table file once enough have gathered (or
//! on `flush`); `commit` then swaps the manifest to name the new files and root. A writer that
//! dies before the swap leaves only unreferenced table files: the store still holds its old
//! root, and `verify` reports the orphans.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;
use core::fmt;
use core::ops::Range;

use crate::hash::Hash;
use crate::io::{BoxFuture, IoError, Storage, Version};
use crate::join::{self, IN_FLIGHT};
use crate::lru::Lru;
use crate::manifest::{Manifest, ManifestError, TableSpec};
use crate::parallel::{self, Spawned};
use crate::table_file::{self, Entry, Footer, Index, TableError, TableWriter, FOOTER_LEN};

/// How many times `commit` retries a lost manifest swap whose root is still the expected one.
const SWAP_ATTEMPTS: usize = 32;
/// The least one read at the end of a table file fetches: a file this small comes whole, and
/// its chunks are then read from memory.
const TAIL_READ: u64 = 64 * 1024;
/// Above this many table files, a commit also merges small ones into one, so that every
/// command writing its own small file does not make opening the store slower and slower.
const CONJOIN_ABOVE: usize = 32;
/// How many of the smallest table files one conjoin merges. Taking the smallest makes the
/// merged files tiers of growing size: a stream of small commits merges small files, and a
/// merged file is only rewritten once as many files of its own size have gathered.
const CONJOIN_FANIN: usize = 16;
/// Table files smaller than this are merged; the large ones are left as they are.
const SMALL_TABLE: u64 = 8 << 20;
/// How many `read_ahead` jobs a store keeps for its readers to take; an older one (of a scan
/// that stopped early) is dropped with what it made.
const AHEAD_JOBS: usize = 16;
/// `get_many` reads two chunks of one file in one go when at most this many bytes lie between.
const COALESCE_GAP: u64 = 16 * 1024;
/// ... and makes no single read longer than this.
const MAX_RUN: u64 = 4 << 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    Io(IoError),
    Manifest(ManifestError),
    CorruptTable {
        table: String,
        reason: TableError,
    },
    /// The manifest lists a table file the storage does not have.
    MissingTable {
        table: String,
    },
    /// A chunk's bytes do not hash to its address.
    CorruptChunk {
        table: String,
        hash: Hash,
    },
    /// `commit` was asked to point the root at a chunk the store lacks.
    MissingChunk {
        hash: Hash,
    },
    ChunkTooLarge {
        len: usize,
    },
    /// Another writer moved the root since this one read it.
    Conflict {
        expected: Hash,
        actual: Hash,
    },
    /// The manifest kept changing under this writer.
    Busy,
}

impl StoreError {
    /// Whether the store's contents are damaged (a file or chunk missing, or bytes that do
    /// not match), rather than unreachable or busy.
    pub fn is_damage(&self) -> bool {
        matches!(
            self,
            StoreError::Manifest(_)
                | StoreError::CorruptTable { .. }
                | StoreError::MissingTable { .. }
                | StoreError::CorruptChunk { .. }
                | StoreError::MissingChunk { .. }
        )
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Io(e) => e.fmt(f),
            StoreError::Manifest(e) => e.fmt(f),
            StoreError::CorruptTable { table, reason } => {
                write!(f, "table file '{table}' is corrupt: {reason}")
            }
            StoreError::MissingTable { table } => write!(
                f,
                "table file '{table}' is listed in the manifest but missing (if another process \
                 was writing to the store just now, run the command again; else run verify)"
            ),
            StoreError::CorruptChunk { table, hash } => write!(
                f,
                "chunk {hash} in table file '{table}' is corrupt: its bytes do not match its hash"
            ),
            StoreError::MissingChunk { hash } => write!(f, "chunk {hash} is not in the store"),
            StoreError::ChunkTooLarge { len } => {
                write!(f, "a chunk of {len} bytes is too large (at most 4 GiB - 1)")
            }
            StoreError::Conflict { expected, actual } => write!(
                f,
                "another writer changed the store (root is {actual}, expected {expected}); retry"
            ),
            StoreError::Busy => {
                f.write_str("the store's manifest kept changing under this writer; try again later")
            }
        }
    }
}

impl From<IoError> for StoreError {
    fn from(e: IoError) -> Self {
        StoreError::Io(e)
    }
}

impl From<ManifestError> for StoreError {
    fn from(e: ManifestError) -> Self {
        StoreError::Manifest(e)
    }
}

#[derive(Clone, Debug)]
pub struct Options {
    /// New chunks go out as a table file once this many bytes of them have gathered.
    pub table_target_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            table_target_bytes: 32 << 20,
        }
    }
}

/// The decoded blocks a store keeps: 32 MiB, the blocks of a million rows of a narrow table,
/// decoded once (the equivalent of SQLite's page cache). Issue 16 bounds a process at
/// 100 MiB: a sync holds up to one 32 MiB table file, and the decoded nodes below take 8.
pub(crate) const BLOCK_BUDGET: usize = 32 << 20;
/// What readers decoded of the chunks they read again and again (a tree's nodes), checked
/// against their addresses once: 8 MiB, about 1,300 leaves of 4 KiB and every internal node
/// of a table of tens of millions of rows.
const DECODED_BUDGET: usize = 8 << 20;

#[derive(Clone)]
struct Table {
    spec: TableSpec,
    /// Its name, as the key of its blocks in the store's block cache.
    key: Arc<str>,
    /// Shared, so that a reload keeps what it already loaded without copying it.
    entries: Arc<Index>,
    /// The whole file, when loading its index read all of it (a small file): its chunks then
    /// cost no further request, which on an object store is most of a small sync's requests.
    bytes: Option<Arc<Vec<u8>>>,
    /// Its format version, which says how a record holds its chunk.
    version: u16,
}

/// A table file read whole and checked by `ChunkStore::read_table_checked`, with the index
/// its store decoded: what `ChunkStore::add_table_file` copies into another store.
pub struct CheckedTable {
    bytes: Vec<u8>,
    spec: TableSpec,
    entries: Arc<Index>,
    version: u16,
}

impl Table {
    /// Whether `bytes`, this whole file read again, end in the footer and the index this
    /// store loaded: the same footer, and an index that hashes to the file's name.
    fn check_tail(&self, bytes: &[u8]) -> Result<(), TableError> {
        let (footer, index) = table_file::footer_and_index(bytes)?;
        if footer.name() != self.spec.name {
            return Err(TableError::NameMismatch {
                actual: footer.name(),
            });
        }
        if footer.version != self.version || footer.chunk_count as usize != self.entries.len() {
            return Err(TableError::BadLayout(
                "its footer differs from the one read when it was opened",
            ));
        }
        if Hash::of(index) != footer.index_hash {
            return Err(TableError::IndexChecksum);
        }
        Ok(())
    }

    /// What `record`, read at `entry` of this file, decodes to (the chunk's block, or the
    /// chunk), at the offset answered (`table_file::decode_owned_record`). A record that does
    /// not decode is a damaged chunk, as one whose bytes hash wrong is.
    fn decode_owned(&self, entry: &Entry, record: Vec<u8>) -> Result<(Vec<u8>, usize), StoreError> {
        table_file::decode_owned_record(self.version, entry, record)
            .map_err(|_| self.damaged(entry))
    }

    /// Where `entry`'s chunk lies within what its record decoded to.
    fn chunk_range(&self, entry: &Entry, decoded: &[u8]) -> Result<Range<usize>, StoreError> {
        entry
            .chunk_range(decoded.len())
            .map_err(|_| self.damaged(entry))
    }

    /// Every chunk of this whole file's `bytes`, each record decoded once, to `f`.
    fn each_chunk(
        &self,
        bytes: &[u8],
        mut f: impl FnMut(&Entry, &[u8]) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        table_file::each_chunk_of_file(self.version, &self.entries, bytes, |e, chunk| {
            f(e, chunk.map_err(|_| self.damaged(e))?)
        })
    }

    /// The key of `entry`'s block in the store's block cache; `None` for a record holding one
    /// chunk, which is read for that chunk alone and not kept.
    fn block_key(&self, entry: &Entry) -> Option<BlockKey> {
        entry.part.map(|_| (entry.offset, self.key.clone()))
    }

    fn damaged(&self, entry: &Entry) -> StoreError {
        StoreError::CorruptChunk {
            table: self.spec.name.clone(),
            hash: entry.hash,
        }
    }
}

pub struct ChunkStore<S: Storage> {
    storage: S,
    options: Options,
    manifest: Manifest,
    /// The manifest's version as last read or written: the compare of the next swap.
    manifest_version: Option<Version>,
    /// Every table file whose index is loaded: the manifest's and this writer's new ones.
    tables: Vec<Table>,
    /// Table files written by this writer that no manifest lists yet.
    unlisted: Vec<TableSpec>,
    /// Listed table files left out because they are missing or their index is unreadable
    /// (`open_damaged`): never read or merged, but kept listed by a commit, so that nothing
    /// a later look could still recover is dropped.
    damaged: Vec<String>,
    pending: TableWriter,
    /// The name `pending`'s blocks go by in the block cache until their file is written and
    /// named: unlike any file's, and new for each writer.
    pending_key: Arc<str>,
    /// How many writers `pending` has had: what makes each `pending_key` new.
    writers: u64,
    /// Whether the blocks this store writes stay decoded in `blocks` (`keep_written_blocks`).
    keep_written: bool,
    /// Decoded blocks by table file and offset. A table file never changes, so an entry
    /// never goes stale.
    blocks: Lru<BlockKey, Arc<Block>>,
    decoded: Lru<Hash, Arc<dyn Any + Send + Sync>>,
    /// Chunks `read_ahead` is checking and decoding beside the caller, oldest first.
    ahead: spin::Mutex<Vec<Arc<Ahead>>>,
}

/// A decoded block's key in the block cache: its record's offset and its table file's name,
/// in that order: a search compares offsets first, and names (which the blocks of one file
/// share, so that comparing them reads them whole) only where offsets tie.
type BlockKey = (u64, Arc<str>);

/// A decoded block in the block cache. `checked`: its chunks are known to match their
/// addresses, as in a block this store wrote (`keep_written_blocks`), whose writer was given
/// each chunk's address computed or checked; a block read from storage is checked a chunk at
/// each read. What a database reads back of what it wrote is then hashed once, not per read.
struct Block {
    /// What holds the block, from `start`: a block stored as it is stays in the record it was
    /// read in (`table_file::decode_owned_record`).
    bytes: Vec<u8>,
    start: usize,
    checked: bool,
}

impl Block {
    fn read((bytes, start): (Vec<u8>, usize)) -> Arc<Block> {
        Arc::new(Block {
            bytes,
            start,
            checked: false,
        })
    }

    fn decoded(&self) -> &[u8] {
        &self.bytes[self.start..]
    }
}

/// A chunk read from a store: a view of the decoded block the store keeps it in, or bytes
/// of its own (a chunk not yet written, or a record of one chunk).
pub struct ChunkBytes(Held);

enum Held {
    InBlock(Arc<Block>, Range<usize>),
    Own(Vec<u8>),
}

impl core::ops::Deref for ChunkBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &self.0 {
            Held::InBlock(block, range) => &block.decoded()[range.clone()],
            Held::Own(bytes) => bytes,
        }
    }
}

impl ChunkBytes {
    /// The chunk as a vector: copied out of its block, or its own bytes as they are.
    pub fn into_vec(self) -> Vec<u8> {
        match self.0 {
            Held::InBlock(..) => self.to_vec(),
            Held::Own(bytes) => bytes,
        }
    }
}

/// The block cache's name for the file of writer `n`, until it is written: no table file's
/// name (those are base32) has a space.
fn unwritten(n: u64) -> Arc<str> {
    alloc::format!("(unwritten {n})").into()
}

/// One `read_ahead` job: the chunks it reads, and the work making them.
struct Ahead {
    hashes: Vec<Hash>,
    done: Spawned<Prepared>,
}

/// What a read ahead made: each whole chunk's decoded value with its cost, and the blocks it
/// decoded, for the caches.
#[derive(Default)]
struct Prepared {
    values: Vec<(Hash, Arc<dyn Any + Send + Sync>, usize)>,
    blocks: Vec<(BlockKey, Arc<Block>)>,
}

/// A record a read ahead needs, and the chunks it wants of it.
struct Record {
    version: u16,
    /// Its key in the block cache, when it holds a block.
    key: Option<BlockKey>,
    /// Its bytes as read, or its block already decoded.
    bytes: Result<Vec<u8>, Arc<Block>>,
    chunks: Located,
}

/// Chunks, each with its place in a table file.
type Located = Vec<(Hash, Entry)>;

impl Record {
    /// Each wanted chunk that is whole, decoded by `decode`, into `out`: the work a read ahead
    /// does beside its caller, as `chunk_at`, `read_copy` and `get_decoded` would do it.
    fn prepare<T: Send + Sync + 'static>(
        self,
        decode: fn(Vec<u8>) -> Option<(T, usize)>,
        out: &mut Prepared,
    ) {
        let block = match self.bytes {
            Err(block) => block,
            Ok(bytes) => {
                match table_file::decode_owned_record(self.version, &self.chunks[0].1, bytes) {
                    Ok(decoded) => Block::read(decoded),
                    Err(_) => return,
                }
            }
        };
        for (hash, entry) in &self.chunks {
            let Ok(chunk) = entry.chunk_in(block.decoded()) else {
                continue;
            };
            if !block.checked && Hash::of(chunk) != *hash {
                continue;
            }
            if let Some((value, cost)) = decode(chunk.to_vec()) {
                out.values.push((*hash, Arc::new(value), cost));
            }
        }
        if let Some(key) = self.key {
            out.blocks.push((key, block));
        }
    }
}

impl<S: Storage> ChunkStore<S> {
    pub async fn open(storage: S) -> Result<Self, StoreError> {
        Self::open_with(storage, Options::default()).await
    }

    /// Opens a store; an empty storage is an empty store (no manifest until the first commit).
    pub async fn open_with(storage: S, options: Options) -> Result<Self, StoreError> {
        let mut store = Self::detached(storage, options);
        store.reload().await?;
        Ok(store)
    }

    /// Opens a store as far as it can be read: a listed table file that is missing or whose
    /// index is damaged is left out (its chunks read as absent) instead of failing the open;
    /// `damaged` names them. A restore reads through it, so that the snapshots of a damaged
    /// backup that never used those files still restore; a backup sync writes through it,
    /// writing again what its snapshot needs (see `sync::repair_closure`).
    pub async fn open_damaged(storage: S) -> Result<Self, StoreError> {
        let mut store = Self::detached(storage, Options::default());
        let read = store.storage.read_manifest().await?;
        let manifest = match &read {
            Some(r) => Manifest::decode(&r.bytes)?,
            None => Manifest::default(),
        };
        let loads = manifest
            .tables
            .iter()
            .map(|spec| Box::pin(load_table(&store.storage, spec)) as BoxFuture<'_, _>)
            .collect();
        let loaded = join::bounded(loads, IN_FLIGHT).await;
        for (spec, loaded) in manifest.tables.iter().zip(loaded) {
            match loaded {
                Ok(table) => store.tables.push(table),
                Err(StoreError::MissingTable { .. } | StoreError::CorruptTable { .. }) => {
                    store.damaged.push(spec.name.clone())
                }
                Err(e) => return Err(e),
            }
        }
        store.manifest = manifest;
        store.manifest_version = read.map(|r| r.version);
        Ok(store)
    }

    /// The listed table files `open_damaged` left out.
    pub fn damaged(&self) -> &[String] {
        &self.damaged
    }

    pub fn storage(&self) -> &S {
        &self.storage
    }

    pub fn root(&self) -> Hash {
        self.manifest.root
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// A writer over `storage` that ignores what the storage holds: everything put goes into
    /// new table files. Prune uses it to rewrite a store's live chunks, then hands the new
    /// files to `replace_tables` on the store itself.
    pub fn detached(storage: S, options: Options) -> Self {
        ChunkStore {
            storage,
            options,
            manifest: Manifest::default(),
            manifest_version: None,
            tables: Vec::new(),
            unlisted: Vec::new(),
            damaged: Vec::new(),
            pending: TableWriter::new(),
            pending_key: unwritten(0),
            writers: 0,
            keep_written: false,
            blocks: Lru::new(BLOCK_BUDGET),
            decoded: Lru::new(DECODED_BUDGET),
            ahead: spin::Mutex::new(Vec::new()),
        }
    }

    /// Forgets every chunk written since the last commit: pending ones are dropped and table
    /// files not yet listed are no longer read (their files stay, as orphans). A sync that
    /// failed halfway calls this, because it writes parents before children and must not let
    /// a later commit list a parent without them.
    pub fn abandon(&mut self) {
        // The abandoned writer's blocks, under a name no reader asks for, age out.
        self.new_writer();
        // Written chunks may have been abandoned.
        self.decoded.clear();
        self.ahead.get_mut().clear();
        let unlisted = core::mem::take(&mut self.unlisted);
        self.tables
            .retain(|t| !unlisted.iter().any(|u| u.name == t.spec.name));
    }

    /// Table files this writer wrote that no manifest lists yet (after a `flush`).
    pub fn written_tables(&self) -> &[TableSpec] {
        &self.unlisted
    }

    /// Re-reads the manifest, loading the index of every table file another writer added.
    pub async fn reload(&mut self) -> Result<(), StoreError> {
        for _ in 0..SWAP_ATTEMPTS {
            let read = self.storage.read_manifest().await?;
            let version = read.as_ref().map(|r| r.version.clone());
            if version == self.manifest_version {
                return Ok(());
            }
            let manifest = match &read {
                Some(r) => Manifest::decode(&r.bytes)?,
                None => Manifest::default(),
            };
            match self.load_tables(&manifest).await {
                Ok(tables) => {
                    self.tables = tables;
                    self.manifest = manifest;
                    self.manifest_version = version;
                    return Ok(());
                }
                // A gc elsewhere deleted a file this manifest lists after it was read: the
                // newer manifest no longer lists it.
                Err(StoreError::MissingTable { .. })
                    if self.storage.read_manifest().await?.map(|r| r.version) != version => {}
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Busy)
    }

    /// The indexes of a manifest's table files and this writer's unlisted ones, reusing those
    /// already loaded and reading the others at once.
    async fn load_tables(&self, manifest: &Manifest) -> Result<Vec<Table>, StoreError> {
        let readable = manifest
            .tables
            .iter()
            .filter(|t| !self.damaged.contains(&t.name));
        let loads = readable
            .chain(&self.unlisted)
            .map(|spec| -> BoxFuture<'_, Result<Table, StoreError>> {
                match self.tables.iter().find(|t| t.spec.name == spec.name) {
                    Some(known) => {
                        let known = known.clone();
                        Box::pin(async move { Ok(known) })
                    }
                    None => Box::pin(load_table(&self.storage, spec)),
                }
            })
            .collect();
        join::bounded(loads, IN_FLIGHT).await.into_iter().collect()
    }

    /// Stores a chunk and returns its address. It is readable at once from this writer, and
    /// durable once written out by `flush` and listed by `commit`.
    pub async fn put(&mut self, chunk: &[u8]) -> Result<Hash, StoreError> {
        let hash = Hash::of(chunk);
        self.put_hashed(hash, chunk).await?;
        Ok(hash)
    }

    /// `put` for a chunk whose address the caller has just computed or checked.
    pub async fn put_hashed(&mut self, hash: Hash, chunk: &[u8]) -> Result<(), StoreError> {
        // A chunk too large for a table file is refused even if the store had it.
        if u32::try_from(chunk.len()).is_ok() && self.has(&hash) {
            return Ok(());
        }
        self.put_again(hash, chunk).await
    }

    /// Stages a chunk for the next table file even where a table file lists it: `put_hashed`
    /// for a chunk the store lacks, and a repair's for a copy found damaged or lost (the new
    /// copy is in the newest file, which readers try first).
    pub async fn put_again(&mut self, hash: Hash, chunk: &[u8]) -> Result<(), StoreError> {
        if u32::try_from(chunk.len()).is_err() {
            return Err(StoreError::ChunkTooLarge { len: chunk.len() });
        }
        if !self.pending.contains(&hash) {
            self.pending.add(hash, chunk);
            self.cache_closed_blocks();
        }
        if self.pending.data_len() >= self.options.table_target_bytes {
            self.flush().await?;
        }
        Ok(())
    }

    /// Stages a block (of version 3 or later: their blocks are the same bytes) copied as
    /// another store holds it (`TableWriter::add_block`, with its check), its chunks checked
    /// against their addresses by the caller, who also knows the store lacks them (asking
    /// `has` of each would search every table file). `false`, and nothing staged, if one of
    /// them is staged already.
    pub async fn put_block(
        &mut self,
        record: &[u8],
        check: u32,
        chunks: &[(Hash, table_file::Part)],
    ) -> Result<bool, StoreError> {
        if !self.pending.add_block(record, check, chunks) {
            return Ok(false);
        }
        self.cache_closed_blocks();
        if self.pending.data_len() >= self.options.table_target_bytes {
            self.flush().await?;
        }
        Ok(true)
    }

    /// Whether the store holds no chunk at all: no table file, nothing staged.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.pending.is_empty() && self.damaged.is_empty()
    }

    pub fn has(&self, hash: &Hash) -> bool {
        self.pending.contains(hash) || self.locate(hash).is_some()
    }

    /// For each address, whether the store holds it.
    pub async fn has_many(&self, hashes: &[Hash]) -> Vec<bool> {
        hashes.iter().map(|h| self.has(h)).collect()
    }

    fn locate(&self, hash: &Hash) -> Option<(&Table, Entry)> {
        self.locate_at(hash).map(|(i, e)| (&self.tables[i], e))
    }

    /// Which table file holds a chunk (its position in `tables`), and where.
    fn locate_at(&self, hash: &Hash) -> Option<(usize, Entry)> {
        // Newest first: a chunk just written is the likeliest to be read again.
        self.tables
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, t)| t.entries.find(hash).map(|e| (i, e)))
    }

    /// Reads a chunk; `Ok(None)` if the store lacks it. Every chunk read from storage is
    /// checked against its address.
    pub async fn get(&self, hash: &Hash) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.get_bytes(hash).await?.map(ChunkBytes::into_vec))
    }

    /// `get`, answering the chunk where the store holds it: a caller that copies it elsewhere
    /// anyway (into JS) saves making a vector of it.
    pub async fn get_bytes(&self, hash: &Hash) -> Result<Option<ChunkBytes>, StoreError> {
        match self.get_listed(hash).await {
            Err(StoreError::MissingTable { .. }) if self.manifest_moved().await? => {
                ChunkStore::open(&self.storage)
                    .await?
                    .get_listed(hash)
                    .await
            }
            other => other,
        }
    }

    /// `get`, for chunks the caller reads again and again (a tree's nodes): what `decode`
    /// made of the chunk (`T`, holding the bytes it says) at an earlier read is answered from
    /// memory, with no read, no check against the address and no decoding.
    pub async fn get_decoded<T, E>(
        &self,
        hash: &Hash,
        decode: impl FnOnce(Vec<u8>) -> Result<(T, usize), E>,
    ) -> Result<Option<Arc<T>>, E>
    where
        T: Send + Sync + 'static,
        E: From<StoreError>,
    {
        let kept = || match self.decoded.get(hash).map(|k| k.downcast::<T>()) {
            Some(Ok(kept)) => Some(kept),
            _ => None,
        };
        if let Some(kept) = kept() {
            return Ok(Some(kept));
        }
        // A read ahead that has the chunk: its work is waited for rather than done again.
        let job = self
            .ahead
            .lock()
            .iter()
            .find(|a| a.hashes.contains(hash))
            .cloned();
        if let Some(job) = job {
            if let Some(prepared) = job.done.take().await {
                // A long scan pushes out of the caches as much as it puts in, most of it
                // allocated on the pool's threads: freed there too, off the scan's thread.
                let mut gone = (Vec::new(), Vec::new());
                for (hash, value, cost) in prepared.values {
                    gone.0.extend(self.decoded.put(hash, value, cost));
                }
                for (key, block) in prepared.blocks {
                    let cost = block.bytes.len();
                    gone.1.extend(self.blocks.put(key, block, cost));
                }
                if !gone.0.is_empty() || !gone.1.is_empty() {
                    parallel::drop_beside(gone);
                }
            }
            self.ahead.lock().retain(|a| !Arc::ptr_eq(a, &job));
            if let Some(kept) = kept() {
                return Ok(Some(kept));
            }
        }
        let Some(chunk) = self.get(hash).await? else {
            return Ok(None);
        };
        let (value, cost) = decode(chunk)?;
        let value = Arc::new(value);
        self.decoded.put(*hash, value.clone(), cost);
        Ok(Some(value))
    }

    /// Starts reading chunks ahead of need (a scan's next leaves), for `get_decoded` with the
    /// same `T`: their records are read now, and on other threads, a job a record, each
    /// chunk is checked against its address and made into `T` by `decode`. Returns how many
    /// of `hashes`, from the first, it took on; unless `all`, it leaves the chunks of the
    /// last record for the next call, which may ask for more of that record's chunks, so that
    /// no block is decoded twice. A hint: a chunk it cannot read, check or decode is left for
    /// `get_decoded` to read again and report. Where work cannot run beside the caller (wasm)
    /// it takes on nothing.
    pub async fn read_ahead<T: Send + Sync + 'static>(
        &self,
        hashes: &[Hash],
        all: bool,
        decode: fn(Vec<u8>) -> Option<(T, usize)>,
    ) -> usize {
        if !parallel::BESIDE {
            return 0;
        }
        // The records holding `hashes`: where their chunks start in `hashes`, their table
        // file, their chunks (the first's entry says where the record lies).
        let mut records: Vec<(usize, usize, Located)> = Vec::new();
        for (i, hash) in hashes.iter().enumerate() {
            // A caller asks for each chunk once, so what earlier jobs hold is not looked for.
            if self.pending.contains(hash) || self.decoded.contains(hash) {
                continue;
            }
            let Some((table, entry)) = self.locate_at(hash) else {
                continue;
            };
            match records.last_mut() {
                Some((_, t, chunks)) if *t == table && chunks[0].1.offset == entry.offset => {
                    chunks.push((*hash, entry))
                }
                _ => records.push((i, table, alloc::vec![(*hash, entry)])),
            }
        }
        let mut taken = hashes.len();
        if !all && records.len() > 1 {
            taken = records.pop().map_or(taken, |(i, ..)| i);
        }
        for (i, table, chunks) in records {
            let (t, entry) = (&self.tables[table], chunks[0].1);
            let key = t.block_key(&entry);
            let bytes = match key.as_ref().and_then(|k| self.blocks.get(k)) {
                Some(block) => Err(block),
                None => match self.read_range(table, entry.offset, entry.len.into()).await {
                    Ok(bytes) => Ok(bytes),
                    Err(_) => return i,
                },
            };
            let record = Record {
                version: t.version,
                key,
                bytes,
                chunks,
            };
            let hashes = record.chunks.iter().map(|(h, _)| *h).collect();
            let done = parallel::spawn(move || {
                let mut out = Prepared::default();
                record.prepare(decode, &mut out);
                out
            });
            let mut ahead = self.ahead.lock();
            if ahead.len() >= AHEAD_JOBS {
                ahead.remove(0);
            }
            ahead.push(Arc::new(Ahead { hashes, done }));
        }
        taken
    }

    /// Whether the storage's manifest is another version than this store read: then a table
    /// file found missing was dropped by a gc since, and the newer manifest says where its
    /// chunks are now. Readers check it once before failing.
    async fn manifest_moved(&self) -> Result<bool, StoreError> {
        let now = self.storage.read_manifest().await?.map(|r| r.version);
        Ok(now != self.manifest_version)
    }

    async fn get_listed(&self, hash: &Hash) -> Result<Option<ChunkBytes>, StoreError> {
        if let Some(chunk) = self.pending.get(hash) {
            return Ok(Some(ChunkBytes(Held::Own(chunk))));
        }
        match self.locate_at(hash) {
            Some((table, entry)) => self.read_copy(hash, table, entry).await.map(Some),
            None => Ok(None),
        }
    }

    /// Reads the copy of a chunk at `entry` in table `table`; if its bytes do not match the
    /// address, an older table file's copy (a repair writes damaged chunks again, into a newer
    /// file than the damaged one, but a later damage may hit either). Fails with the first
    /// damage found when no copy is whole.
    async fn read_copy(
        &self,
        hash: &Hash,
        table: usize,
        entry: Entry,
    ) -> Result<ChunkBytes, StoreError> {
        let older = self.tables[..table]
            .iter()
            .enumerate()
            .rev()
            .filter_map(|(i, t)| t.entries.find(hash).map(|e| (i, e)));
        let mut first_damage = None;
        for (i, entry) in core::iter::once((table, entry)).chain(older) {
            let t = &self.tables[i];
            let damage = match self.chunk_at(i, &entry).await {
                Ok((chunk, checked)) if checked || Hash::of(&chunk) == *hash => return Ok(chunk),
                Ok(_) => StoreError::CorruptChunk {
                    table: t.spec.name.clone(),
                    hash: *hash,
                },
                Err(e) => e,
            };
            first_damage.get_or_insert(damage);
        }
        Err(first_damage.unwrap_or(StoreError::MissingChunk { hash: *hash }))
    }

    /// The chunk at `entry` of table `table` (a position in `tables`), and whether it is
    /// known to match its address (a block's `checked`); if not, the caller checks it. A block
    /// stays decoded for the reads of its other chunks that are likely to follow.
    async fn chunk_at(
        &self,
        table: usize,
        entry: &Entry,
    ) -> Result<(ChunkBytes, bool), StoreError> {
        let t = &self.tables[table];
        let key = t.block_key(entry);
        let in_block = |block: Arc<Block>| {
            let range = t.chunk_range(entry, block.decoded())?;
            let checked = block.checked;
            Ok((ChunkBytes(Held::InBlock(block, range)), checked))
        };
        if let Some(block) = key.as_ref().and_then(|k| self.blocks.get(k)) {
            return in_block(block);
        }
        let record = self
            .read_range(table, entry.offset, u64::from(entry.len))
            .await?;
        let (mut decoded, start) = t.decode_owned(entry, record)?;
        let Some(key) = key else {
            // A record of one chunk (no block, no part): it decodes to the chunk.
            decoded.drain(..start);
            return Ok((ChunkBytes(Held::Own(decoded)), false));
        };
        let block = Block::read((decoded, start));
        let chunk = in_block(block.clone())?;
        let cost = block.bytes.len();
        self.blocks.put(key, block, cost);
        Ok(chunk)
    }

    /// Every table file whose index is loaded, in the order of `read_range`'s positions: its
    /// manifest entry, format version and index. What a reader of whole files goes through.
    pub(crate) fn table_indexes(&self) -> impl Iterator<Item = (&TableSpec, u16, &[Entry])> {
        self.tables
            .iter()
            .map(|t| (&t.spec, t.version, &t.entries[..]))
    }

    /// `len` bytes at `offset` of table `table` (a position in `tables`): from memory if its
    /// loading kept the whole file, else from storage.
    pub(crate) async fn read_range(
        &self,
        table: usize,
        offset: u64,
        len: u64,
    ) -> Result<Vec<u8>, StoreError> {
        let mut buf = Vec::new();
        self.read_range_into(table, offset, len, &mut buf).await?;
        Ok(buf)
    }

    /// `read_range` into `buf`, replacing what it held (`Storage::get_range_into`).
    pub(crate) async fn read_range_into(
        &self,
        table: usize,
        offset: u64,
        len: u64,
        buf: &mut Vec<u8>,
    ) -> Result<(), StoreError> {
        let t = &self.tables[table];
        if let Some(bytes) = &t.bytes {
            // The file's length was checked against its footer, and entries lie within it.
            buf.clear();
            buf.extend_from_slice(&bytes[offset as usize..(offset + len) as usize]);
            return Ok(());
        }
        let name = &t.spec.name;
        let found = self
            .storage
            .get_range_into(name, offset, len, buf)
            .await
            .map_err(|e| table_io_error(name, e))?;
        match found {
            true => Ok(()),
            false => Err(StoreError::MissingTable {
                table: name.clone(),
            }),
        }
    }

    /// Reads many chunks at once, each checked like `get`; `None` where the store lacks one.
    /// Chunks close together in one table file come in one ranged read, and up to
    /// `IN_FLIGHT` such reads are in flight at once, so a sync or restore pays one request
    /// per run of neighbours, not one per chunk, and not one round trip after another.
    pub async fn get_many(&self, hashes: &[Hash]) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        match self.get_many_listed(hashes).await {
            Err(StoreError::MissingTable { .. }) if self.manifest_moved().await? => {
                let fresh = ChunkStore::open(&self.storage).await?;
                fresh.get_many_listed(hashes).await
            }
            other => other,
        }
    }

    /// `get_many`, answering `None` for a chunk that is missing, in a lost file or damaged in
    /// every copy, instead of failing: what a repair must write again.
    pub async fn get_whole(&self, hashes: &[Hash]) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        let lost = |e: &StoreError| {
            matches!(
                e,
                StoreError::CorruptChunk { .. }
                    | StoreError::MissingTable { .. }
                    | StoreError::CorruptTable { .. }
            )
        };
        match self.get_many(hashes).await {
            Err(e) if lost(&e) => {}
            other => return other,
        }
        // Some chunk of the batch is lost: find which, one by one.
        let mut out = Vec::with_capacity(hashes.len());
        for hash in hashes {
            out.push(match self.get(hash).await {
                Err(e) if lost(&e) => None,
                other => other?,
            });
        }
        Ok(out)
    }

    async fn get_many_listed(&self, hashes: &[Hash]) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        let mut out: Vec<Option<Vec<u8>>> = alloc::vec![None; hashes.len()];
        let mut wanted: Vec<(usize, Entry, usize)> = Vec::new();
        for (i, hash) in hashes.iter().enumerate() {
            if let Some(chunk) = self.pending.get(hash) {
                out[i] = Some(chunk);
            } else if let Some((table, entry)) = self.locate_at(hash) {
                wanted.push((table, entry, i));
            }
        }
        wanted.sort_unstable_by_key(|(table, entry, _)| (*table, entry.offset, entry.len));
        // Runs of neighbours, one read each: (table, offset, length, their part of `wanted`).
        let mut runs = Vec::new();
        let mut start = 0;
        while start < wanted.len() {
            let (table, first, _) = wanted[start];
            let mut end = start + 1;
            let mut run_end = first.offset + u64::from(first.len);
            while let Some(&(t, e, _)) = wanted.get(end) {
                let next_end = e.offset + u64::from(e.len);
                if t != table
                    || e.offset > run_end + COALESCE_GAP
                    || next_end - first.offset > MAX_RUN
                {
                    break;
                }
                run_end = run_end.max(next_end);
                end += 1;
            }
            runs.push((table, first.offset, run_end - first.offset, start..end));
            start = end;
        }
        let reads: Vec<BoxFuture<'_, Result<Vec<u8>, StoreError>>> = runs
            .iter()
            .map(|&(table, offset, len, _)| {
                Box::pin(self.read_range(table, offset, len)) as BoxFuture<'_, _>
            })
            .collect();
        let read = join::bounded(reads, IN_FLIGHT).await;
        for ((table, offset, _, part), bytes) in runs.into_iter().zip(read) {
            let bytes = bytes?;
            let mut damaged = Vec::new();
            let run = wanted[part].iter().map(|&(_, entry, i)| (entry, i));
            let checked = table_file::each_chunk(
                self.tables[table].version,
                (offset, &bytes),
                run,
                |entry, i, chunk| {
                    match chunk {
                        Ok(chunk) if Hash::of(chunk) == hashes[i] => out[i] = Some(chunk.to_vec()),
                        _ => damaged.push((*entry, i)),
                    }
                    Ok::<(), core::convert::Infallible>(())
                },
            );
            let Ok(()) = checked;
            // Damaged here: another copy, or the damage named.
            for (entry, i) in damaged {
                out[i] = Some(self.read_copy(&hashes[i], table, entry).await?.into_vec());
            }
        }
        Ok(out)
    }

    /// Writes the chunks gathered in memory as one new table file. The manifest does not
    /// name it until the next `commit`.
    pub async fn flush(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let (footer, bytes, entries) = self.pending.finish();
        let spec = TableSpec {
            name: footer.name(),
            chunk_count: footer.chunk_count,
            size: bytes.len() as u64,
        };
        // On failure the chunks stay pending: readable, and written by a later flush.
        self.storage.put(&spec.name, bytes).await?;
        self.cache_closed_blocks();
        // The blocks the writer kept are now the file's, found decoded by its readers.
        let key: Arc<str> = spec.name.as_str().into();
        let written = self.pending_key.clone();
        self.blocks
            .rekey(|(offset, file)| (*file == written).then(|| (*offset, key.clone())));
        self.new_writer();
        self.unlisted.push(spec.clone());
        self.tables.push(Table {
            key,
            spec,
            entries: Arc::new(entries.into()),
            bytes: None,
            version: footer.version,
        });
        Ok(())
    }

    /// Keeps the blocks this store writes from now on decoded in its block cache, as they
    /// were before compression: a database reads what it has just written (RocksDB's
    /// `prepopulate_block_cache` makes the same bet), and would otherwise decode every block
    /// of it again (issue 16). Not for a store only written to (a backup's, a gc's new
    /// files), whose cache would hold up to its budget for no reader.
    pub fn keep_written_blocks(&mut self) {
        self.keep_written = true;
        self.pending.keep_blocks();
    }

    /// Puts a new writer in `pending`, its blocks under a cache name of their own.
    fn new_writer(&mut self) {
        self.pending = TableWriter::new();
        if self.keep_written {
            self.pending.keep_blocks();
        }
        self.writers += 1;
        self.pending_key = unwritten(self.writers);
    }

    /// Puts the blocks `pending` closed (see `keep_written_blocks`) in the block cache, under
    /// `pending_key` until their file is written.
    fn cache_closed_blocks(&mut self) {
        for (offset, mut block) in self.pending.take_closed() {
            // Kept as long as a block read, and no longer: the cache counts what it holds.
            block.shrink_to_fit();
            let cost = block.len();
            let block = Arc::new(Block {
                bytes: block,
                start: 0,
                checked: true,
            });
            self.blocks
                .put((offset, self.pending_key.clone()), block, cost);
        }
    }

    /// Whether this store has a table file: listed, or written by this writer.
    pub fn has_table(&self, table: &str) -> bool {
        self.tables.iter().any(|t| t.spec.name == table)
    }

    /// Reads a whole table file and checks it, so it can be copied to another store as it
    /// is: each record against the check its index gives it (version 4), or, in files of
    /// earlier versions, every chunk against its address. A record check finds what disks and
    /// networks do to bytes without decoding them, which was most of a first backup's time;
    /// it trusts the file's writer to have hashed what it wrote, so what is read from a store
    /// someone else wrote (a restore, a fetch) is checked chunk by chunk instead. The bytes'
    /// footer and index must be the ones this store loaded (the index hashes to the file's
    /// name), so a copy can take that index without decoding it again.
    pub async fn read_table_checked(&self, table: &str) -> Result<CheckedTable, StoreError> {
        let t = self
            .tables
            .iter()
            .find(|t| t.spec.name == table)
            .ok_or_else(|| StoreError::MissingTable {
                table: table.into(),
            })?;
        let bytes = match &t.bytes {
            Some(bytes) => bytes.to_vec(),
            None => self
                .storage
                .get(table)
                .await
                .map_err(|e| table_io_error(table, e))?
                .ok_or_else(|| StoreError::MissingTable {
                    table: table.into(),
                })?,
        };
        let corrupt = |reason| StoreError::CorruptTable {
            table: table.into(),
            reason,
        };
        if bytes.len() as u64 != t.spec.size {
            return Err(corrupt(TableError::BadLayout(
                "its size differs from the manifest's",
            )));
        }
        t.check_tail(&bytes).map_err(corrupt)?;
        if t.version >= table_file::VERSION {
            if let Some(e) = table_file::damaged_record(&t.entries, &bytes) {
                return Err(t.damaged(e));
            }
        } else {
            t.each_chunk(&bytes, |e, chunk| match Hash::of(chunk) == e.hash {
                true => Ok(()),
                false => Err(t.damaged(e)),
            })?;
        }
        Ok(CheckedTable {
            bytes,
            spec: t.spec.clone(),
            entries: t.entries.clone(),
            version: t.version,
        })
    }

    /// Adds a table file copied whole from another store, as `read_table_checked` read and
    /// checked it, with the index that store decoded; like a flush, the manifest names it
    /// from the next `commit`.
    pub async fn add_table_file(&mut self, table: &CheckedTable) -> Result<(), StoreError> {
        let spec = &table.spec;
        if self.has_table(&spec.name) {
            return Ok(());
        }
        self.storage.put(&spec.name, &table.bytes).await?;
        self.unlisted.push(spec.clone());
        self.tables.push(Table {
            key: spec.name.as_str().into(),
            spec: spec.clone(),
            entries: table.entries.clone(),
            bytes: None,
            version: table.version,
        });
        Ok(())
    }

    /// Writes out pending chunks and moves the root from `expected` to `root` in one
    /// manifest swap. Fails with `Conflict` if another writer moved the root first; a lost
    /// swap that left the root alone (another writer added table files) is retried, keeping
    /// both writers' files.
    pub async fn commit(&mut self, expected: Hash, root: Hash) -> Result<(), StoreError> {
        self.flush().await?;
        if !root.is_empty() && !self.has(&root) {
            return Err(StoreError::MissingChunk { hash: root });
        }
        let read_from = self.manifest.tables.clone();
        for _ in 0..SWAP_ATTEMPTS {
            // A file the manifest listed when this writer began is gone: a gc may have
            // dropped chunks this writer relies on without writing them (it found them
            // present), so it must start again from the new state.
            let dropped = read_from
                .iter()
                .any(|t| !self.manifest.tables.iter().any(|n| n.name == t.name));
            if self.manifest.root != expected || dropped {
                return Err(StoreError::Conflict {
                    expected,
                    actual: self.manifest.root,
                });
            }
            self.check_unlisted().await?;
            let mut tables = self.manifest.tables.clone();
            tables.extend(self.unlisted.iter().cloned());
            let merged = match self.conjoin(&mut tables).await {
                Ok(merged) => merged,
                // A gc elsewhere removed a file to merge: its manifest no longer lists it.
                Err(missing @ StoreError::MissingTable { .. }) => {
                    let before = self.manifest_version.clone();
                    self.reload().await?;
                    if self.manifest_version == before {
                        return Err(missing);
                    }
                    continue;
                }
                Err(e) => return Err(e),
            };
            let next = self.manifest.next(root, tables);
            let bytes = next.encode();
            if let Some(version) = self
                .storage
                .swap_manifest(self.manifest_version.as_ref(), &bytes)
                .await?
            {
                self.manifest = next;
                self.manifest_version = Some(version);
                self.unlisted.clear();
                // Their chunks are all in the merged file now. The files stay: a reader may
                // still hold a manifest that lists them. gc deletes them once no live
                // manifest names them.
                self.tables.retain(|t| !merged.contains(&t.spec.name));
                return Ok(());
            }
            self.reload().await?;
        }
        Err(StoreError::Busy)
    }

    /// Checks, right before a swap would list them, that the table files this writer wrote
    /// are still there: gc deletes unlisted files once they are older than its grace period.
    async fn check_unlisted(&self) -> Result<(), StoreError> {
        let footers = self
            .unlisted
            .iter()
            .map(|spec| {
                let footer_at = spec.size - FOOTER_LEN as u64;
                self.storage
                    .get_range(&spec.name, footer_at, FOOTER_LEN as u64)
            })
            .collect();
        let footers = join::bounded(footers, IN_FLIGHT).await;
        for (spec, footer) in self.unlisted.iter().zip(footers) {
            if footer.map_err(|e| table_io_error(&spec.name, e))?.is_none() {
                return Err(StoreError::MissingTable {
                    table: spec.name.clone(),
                });
            }
        }
        Ok(())
    }

    /// When `tables` has grown past `CONJOIN_ABOVE`, writes the chunks of the manifest's
    /// smallest table files into one new file and puts that in their place; returns the names
    /// it replaced. Files this writer has just written are left alone: rewriting them at once
    /// would only copy them twice.
    async fn conjoin(&mut self, tables: &mut Vec<TableSpec>) -> Result<Vec<String>, StoreError> {
        if tables.len() <= CONJOIN_ABOVE {
            return Ok(Vec::new());
        }
        let mut small: Vec<TableSpec> = self
            .manifest
            .tables
            .iter()
            .filter(|t| t.size < SMALL_TABLE && !self.damaged.contains(&t.name))
            .cloned()
            .collect();
        small.sort_by(|a, b| (a.size, &a.name).cmp(&(b.size, &b.name)));
        small.truncate(CONJOIN_FANIN);
        if small.len() < 2 {
            return Ok(Vec::new());
        }
        let mut writer = TableWriter::new();
        let mut merged = Vec::new();
        for spec in &small {
            let bytes = match self.read_table_checked(&spec.name).await {
                Ok(table) => table.bytes,
                // A damaged file stays as it is, listed, for verify to name; a repair has
                // written its chunks again elsewhere.
                Err(StoreError::CorruptChunk { .. } | StoreError::CorruptTable { .. }) => continue,
                Err(e) => return Err(e),
            };
            merged.push(spec.name.clone());
            let table = self.tables.iter().find(|t| t.spec.name == spec.name);
            if let Some(t) = table {
                // In file order, so that neighbours stay neighbours in the merged blocks.
                t.each_chunk(&bytes, |e, chunk| {
                    writer.add(e.hash, chunk);
                    Ok(())
                })?;
            }
        }
        if merged.len() < 2 {
            return Ok(Vec::new());
        }
        let (footer, bytes, entries) = writer.finish();
        let spec = TableSpec {
            name: footer.name(),
            chunk_count: footer.chunk_count,
            size: bytes.len() as u64,
        };
        self.storage.put(&spec.name, bytes).await?;
        tables.retain(|t| !merged.contains(&t.name));
        tables.push(spec.clone());
        if !self.has_table(&spec.name) {
            self.tables.push(Table {
                key: spec.name.as_str().into(),
                spec,
                entries: Arc::new(entries.into()),
                bytes: None,
                version: footer.version,
            });
        }
        Ok(merged)
    }
}

impl<S: Storage> ChunkStore<S> {
    /// Moves the root from `expected` to `root` and makes `tables` the store's whole set of
    /// table files, in one manifest swap. Unlike `commit` it does not retry a lost swap: a
    /// store that changed meanwhile may need files this call would drop.
    pub async fn replace_tables(
        &mut self,
        expected: Hash,
        root: Hash,
        tables: Vec<TableSpec>,
    ) -> Result<(), StoreError> {
        if self.manifest.root != expected {
            return Err(StoreError::Conflict {
                expected,
                actual: self.manifest.root,
            });
        }
        let next = self.manifest.next(root, tables);
        let bytes = next.encode();
        if self
            .storage
            .swap_manifest(self.manifest_version.as_ref(), &bytes)
            .await?
            .is_none()
        {
            self.reload().await?;
            return Err(StoreError::Conflict {
                expected,
                actual: self.manifest.root,
            });
        }
        self.unlisted.clear();
        self.reload().await
    }
}

/// A storage error while reading a table file, with truncation named as corruption.
pub(crate) fn table_io_error(table: &str, e: IoError) -> StoreError {
    match e {
        IoError::OutOfRange { .. } => StoreError::CorruptTable {
            table: table.into(),
            reason: TableError::BadLayout("file is shorter than its index says (truncated)"),
        },
        IoError::Damaged { detail, .. } => StoreError::CorruptTable {
            table: table.into(),
            reason: TableError::BadLayout(detail),
        },
        other => StoreError::Io(other),
    }
}

/// Loads a listed table file's index, keeping the whole file if that is what was read.
async fn load_table<S: Storage + ?Sized>(
    storage: &S,
    spec: &TableSpec,
) -> Result<Table, StoreError> {
    let (footer, entries, tail) =
        read_index(storage, &spec.name, spec.size, spec.chunk_count).await?;
    // Only a small file: a manifest's wrong chunk count must not make a large one stay.
    let whole = spec.size <= TAIL_READ;
    Ok(Table {
        key: spec.name.as_str().into(),
        spec: spec.clone(),
        entries: Arc::new(entries.into()),
        bytes: whole.then(|| Arc::new(tail)),
        version: footer.version,
    })
}

/// Reads and checks a table file's footer and index; `chunk_count` is what the manifest
/// says the file holds, 0 if unknown.
pub(crate) async fn load_index<S: Storage + ?Sized>(
    storage: &S,
    name: &str,
    size: u64,
    chunk_count: u32,
) -> Result<(Footer, Vec<Entry>), StoreError> {
    let (footer, entries, _) = read_index(storage, name, size, chunk_count).await?;
    Ok((footer, entries))
}

/// `load_index`, also answering the bytes read from the end of the file. One ranged read
/// fetches the footer and the whole index that `chunk_count` promises (at least
/// `TAIL_READ`); only a count that is wrong costs a second read.
async fn read_index<S: Storage + ?Sized>(
    storage: &S,
    name: &str,
    size: u64,
    chunk_count: u32,
) -> Result<(Footer, Vec<Entry>, Vec<u8>), StoreError> {
    let corrupt = |reason| StoreError::CorruptTable {
        table: name.to_string(),
        reason,
    };
    if size < FOOTER_LEN as u64 {
        return Err(corrupt(TableError::TooShort { size }));
    }
    // The index as this build writes it: then one read brings footer and index.
    let entry_len = table_file::entry_len(table_file::VERSION) as u64;
    let promised = u64::from(chunk_count) * entry_len + FOOTER_LEN as u64;
    let tail_len = size.min(TAIL_READ.max(promised));
    let tail = storage
        .get_range(name, size - tail_len, tail_len)
        .await
        .map_err(|e| table_io_error(name, e))?
        .ok_or_else(|| StoreError::MissingTable { table: name.into() })?;
    let footer = Footer::decode(&tail[tail.len() - FOOTER_LEN..], size).map_err(corrupt)?;
    if footer.name() != name {
        return Err(corrupt(TableError::NameMismatch {
            actual: footer.name(),
        }));
    }
    let index_len = footer.index_len();
    let index = if index_len + FOOTER_LEN as u64 <= tail_len {
        let end = tail.len() - FOOTER_LEN;
        tail[end - index_len as usize..end].to_vec()
    } else {
        storage
            .get_range(name, footer.data_len, index_len)
            .await
            .map_err(|e| table_io_error(name, e))?
            .ok_or_else(|| StoreError::MissingTable { table: name.into() })?
    };
    let entries = table_file::decode_index(&index, &footer).map_err(corrupt)?;
    Ok((footer, entries, tail))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::Instrumented;
    use crate::MemoryStorage;

    /// `n` distinct chunks of 1 KiB, committed to a fresh store over `storage`: 128 to a block.
    async fn stored_chunks(storage: &Instrumented<MemoryStorage>, n: u32) -> Vec<Hash> {
        let mut store = ChunkStore::open(storage.clone()).await.unwrap();
        let mut hashes = Vec::new();
        for i in 0..n {
            // Hashes of hashes: bytes that do not compress, so the file is read a block at a time.
            let mut chunk = Vec::new();
            let mut link = Hash::of(&i.to_le_bytes());
            while chunk.len() < 1024 {
                link = Hash::of(&link.0);
                chunk.extend_from_slice(&link.0);
            }
            let chunk = &chunk[..1024];
            hashes.push(store.put(chunk).await.unwrap());
        }
        store.commit(Hash::EMPTY, hashes[0]).await.unwrap();
        hashes
    }

    /// 1 KiB chunks that do not compress (hashes of hashes), `n` of them from `from` on.
    fn noise_chunks(from: u32, n: u32) -> Vec<Vec<u8>> {
        (from..from + n)
            .map(|i| {
                let mut chunk = Vec::new();
                let mut link = Hash::of(&i.to_le_bytes());
                while chunk.len() < 1024 {
                    link = Hash::of(&link.0);
                    chunk.extend_from_slice(&link.0);
                }
                chunk.truncate(1024);
                chunk
            })
            .collect()
    }

    /// Puts `chunks` into `store`: the chunks, and their addresses.
    async fn put_all<S: Storage>(
        store: &mut ChunkStore<S>,
        chunks: Vec<Vec<u8>>,
    ) -> (Vec<Vec<u8>>, Vec<Hash>) {
        let mut hashes = Vec::new();
        for c in &chunks {
            hashes.push(store.put(c).await.unwrap());
        }
        (chunks, hashes)
    }

    /// Blocks a store writes stay decoded in its cache under their file's name, once it is
    /// asked to keep them: reading the chunks back asks storage for nothing, where a store
    /// opened afresh reads each block.
    #[test]
    fn what_a_store_wrote_it_reads_back_from_memory() {
        pollster::block_on(async {
            let storage = Instrumented::new(MemoryStorage::new());
            let mut store = ChunkStore::open(storage.clone()).await.unwrap();
            store.keep_written_blocks();
            let (chunks, hashes) = put_all(&mut store, noise_chunks(0, 300)).await;
            store.commit(Hash::EMPTY, hashes[0]).await.unwrap();
            storage.take_reads();
            for (c, h) in chunks.iter().zip(&hashes) {
                assert_eq!(store.get(h).await.unwrap().as_ref(), Some(c));
            }
            assert_eq!(storage.take_reads(), 0);
            // A store not asked to (a backup's) keeps nothing it writes.
            let other = Instrumented::new(MemoryStorage::new());
            let mut unasked = ChunkStore::open(other.clone()).await.unwrap();
            let (chunks, hashes) = put_all(&mut unasked, noise_chunks(0, 300)).await;
            unasked.commit(Hash::EMPTY, hashes[0]).await.unwrap();
            other.take_reads();
            for (c, h) in chunks.iter().zip(&hashes) {
                assert_eq!(unasked.get(h).await.unwrap().as_ref(), Some(c));
            }
            assert_eq!(other.take_reads(), 3);
            let fresh = ChunkStore::open(storage.clone()).await.unwrap();
            storage.take_reads();
            for (c, h) in chunks.iter().zip(&hashes) {
                assert_eq!(fresh.get(h).await.unwrap().as_ref(), Some(c));
            }
            // 300 KiB in blocks of 128 KiB.
            assert_eq!(storage.take_reads(), 3);
        })
    }

    /// What a store wrote it reads back from its block cache as its writer was given it, with
    /// no check against the address (its writer computed or checked each); a block read from
    /// storage is checked a chunk at a time at every read, cached or not. Here a writer is given
    /// a chunk under another address (`put_hashed`), beside a good one in the same block.
    #[test]
    fn a_kept_block_trusts_its_writer_a_read_one_checks_every_chunk() {
        pollster::block_on(async {
            let storage = MemoryStorage::new();
            let mut store = ChunkStore::open(storage.clone()).await.unwrap();
            store.keep_written_blocks();
            let chunks = noise_chunks(0, 2);
            let good = store.put(&chunks[0]).await.unwrap();
            let wrong = Hash::of(b"another chunk");
            store.put_hashed(wrong, &chunks[1]).await.unwrap();
            store.commit(Hash::EMPTY, good).await.unwrap();
            assert_eq!(store.get(&wrong).await.unwrap(), Some(chunks[1].clone()));
            let fresh = ChunkStore::open(storage).await.unwrap();
            assert_eq!(fresh.get(&good).await.unwrap(), Some(chunks[0].clone()));
            let read = fresh.get(&wrong).await;
            assert!(
                matches!(read, Err(StoreError::CorruptChunk { .. })),
                "{read:?}"
            );
        })
    }

    /// A writer's blocks are named in the cache only once their file is written: a flush that
    /// failed and one that followed, or an abandoned writer and the next at the same offsets,
    /// never give a reader another file's bytes.
    #[test]
    fn kept_blocks_follow_their_own_file_through_failures_and_abandons() {
        pollster::block_on(async {
            // The first write (the first flush's file) fails.
            let storage = Instrumented::failing_at(MemoryStorage::new(), 1);
            let mut store = ChunkStore::open(storage.clone()).await.unwrap();
            store.keep_written_blocks();
            let abandoned = put_all(&mut store, noise_chunks(0, 200)).await;
            store.abandon();
            let first = put_all(&mut store, noise_chunks(1000, 200)).await;
            assert!(store.flush().await.is_err());
            let second = put_all(&mut store, noise_chunks(2000, 200)).await;
            store.flush().await.unwrap();
            store.commit(Hash::EMPTY, first.1[0]).await.unwrap();
            storage.take_reads();
            for (chunks, hashes) in [&first, &second] {
                for (c, h) in chunks.iter().zip(hashes) {
                    assert_eq!(store.get(h).await.unwrap().as_ref(), Some(c));
                }
            }
            assert_eq!(storage.take_reads(), 0);
            for h in &abandoned.1 {
                assert_eq!(store.get(h).await.unwrap(), None);
            }
        })
    }

    #[test]
    fn chunks_read_ahead_are_checked_beside_the_reader_and_answered_from_memory() {
        pollster::block_on(async {
            let storage = Instrumented::new(MemoryStorage::new());
            let hashes = stored_chunks(&storage, 300).await;
            let store = ChunkStore::open(storage.clone()).await.unwrap();
            storage.take_reads();
            let taken = store
                .read_ahead(&hashes, true, |c: Vec<u8>| Some((c, 1024)))
                .await;
            // 300 KiB of chunks lie in three blocks of 128 KiB: a read of each.
            let (taken_then, reads_then) = if parallel::BESIDE { (300, 3) } else { (0, 0) };
            assert_eq!((taken, storage.take_reads()), (taken_then, reads_then));
            let decodes = core::cell::Cell::new(0);
            for hash in &hashes {
                let chunk = store
                    .get_decoded(hash, |c: Vec<u8>| {
                        decodes.set(decodes.get() + 1);
                        Ok::<_, StoreError>((c, 1024))
                    })
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!(Hash::of(&chunk), *hash);
            }
            // Read ahead, every chunk was checked and decoded beside the reader, once.
            let (decodes_now, reads_now) = if parallel::BESIDE { (0, 0) } else { (300, 3) };
            assert_eq!(
                (decodes.get(), storage.take_reads()),
                (decodes_now, reads_now)
            );
        })
    }

    #[test]
    fn a_read_ahead_leaves_the_last_record_for_the_next_unless_told_it_has_all() {
        pollster::block_on(async {
            let storage = Instrumented::new(MemoryStorage::new());
            let hashes = stored_chunks(&storage, 300).await;
            let store = ChunkStore::open(storage.clone()).await.unwrap();
            storage.take_reads();
            let decode = |c: Vec<u8>| Some((c, 1024));
            let first = store.read_ahead(&hashes[..200], false, decode).await;
            if !parallel::BESIDE {
                assert_eq!(first, 0);
                return;
            }
            // The first 200 chunks lie in two blocks; the second may hold more of them.
            assert!(first > 0 && first < 200, "took {first}");
            assert_eq!(storage.take_reads(), 1);
            let rest = store.read_ahead(&hashes[first..], true, decode).await;
            assert_eq!((first + rest, storage.take_reads()), (300, 2));
        })
    }

    #[test]
    fn a_damaged_chunk_read_ahead_is_reported_by_the_read_that_needs_it() {
        pollster::block_on(async {
            let storage = Instrumented::new(MemoryStorage::new());
            let hashes = stored_chunks(&storage, 300).await;
            // A byte of chunk 150 flipped, in the second block (stored as it is: its bytes do
            // not compress, and follow the record's codec byte).
            let store = ChunkStore::open(storage.clone()).await.unwrap();
            let (table, entry) = store.locate(&hashes[150]).unwrap();
            let part = entry.part.unwrap();
            let name = table.spec.name.clone();
            let at = entry.offset + 1 + u64::from(part.at) + 9;
            let mut bytes = storage.inner.get(&name).await.unwrap().unwrap();
            bytes[at as usize] ^= 0x40;
            storage.inner.put(&name, &bytes).await.unwrap();
            let store = ChunkStore::open(storage.clone()).await.unwrap();
            let decode = |c: Vec<u8>| Some((c, 1024));
            store.read_ahead(&hashes, true, decode).await;
            let damaged = store
                .get_decoded(&hashes[150], |c: Vec<u8>| Ok::<_, StoreError>((c, 1024)))
                .await;
            assert!(
                matches!(&damaged, Err(StoreError::CorruptChunk { hash, .. }) if *hash == hashes[150]),
                "{damaged:?}"
            );
            // The other blocks' chunks still read.
            for i in [0, 299] {
                let chunk = store
                    .get_decoded(&hashes[i], |c: Vec<u8>| Ok::<_, StoreError>((c, 1024)))
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!(Hash::of(&chunk), hashes[i]);
            }
        })
    }

    #[test]
    fn a_decoded_chunk_is_answered_from_memory_until_it_is_abandoned() {
        pollster::block_on(async {
            let mut store = ChunkStore::open(MemoryStorage::default()).await.unwrap();
            let hash = store.put(b"a node").await.unwrap();
            let decodes = core::cell::Cell::new(0);
            let decode = |chunk: Vec<u8>| {
                decodes.set(decodes.get() + 1);
                Ok::<_, StoreError>((String::from_utf8(chunk).unwrap(), 6))
            };
            for _ in 0..2 {
                let node = store.get_decoded(&hash, decode).await.unwrap();
                assert_eq!(node.as_deref().map(String::as_str), Some("a node"));
            }
            assert_eq!(decodes.get(), 1, "decoded once, then kept");
            // Asked for as another type, it is read and decoded again.
            let other = store
                .get_decoded(&hash, |c| Ok::<_, StoreError>((c.len(), 8)))
                .await
                .unwrap();
            assert_eq!(other.as_deref(), Some(&6));
            // Abandoned, the chunk is gone from the store and from what it kept.
            store.abandon();
            assert_eq!(store.get_decoded(&hash, decode).await.unwrap(), None);
            assert_eq!(decodes.get(), 1);
        })
    }

    /// A table file copied whole takes its source's decoded index along, so what is read
    /// must end in that index: a file whose index or footer changed since the source opened
    /// it is refused, not copied with an index that no longer describes it.
    #[test]
    fn a_table_file_is_copied_with_its_index_only_if_it_still_ends_in_it() {
        pollster::block_on(async {
            let storage = Instrumented::new(MemoryStorage::new());
            let hashes = stored_chunks(&storage, 300).await;
            let src = ChunkStore::open(storage.clone()).await.unwrap();
            let name = src.manifest().tables[0].name.clone();
            let intact = storage.inner.get(&name).await.unwrap().unwrap();
            assert!(
                intact.len() as u64 > TAIL_READ,
                "read again, not kept from the open"
            );

            let mut dst = ChunkStore::open(MemoryStorage::new()).await.unwrap();
            let table = src.read_table_checked(&name).await.unwrap();
            assert_eq!(table.bytes, intact);
            dst.add_table_file(&table).await.unwrap();
            for h in &hashes {
                assert_eq!(Hash::of(&dst.get(h).await.unwrap().unwrap()), *h);
            }

            let index_byte = intact.len() - FOOTER_LEN - 3;
            let footer_byte = intact.len() - FOOTER_LEN + 25;
            for (at, want) in [
                (index_byte, TableError::IndexChecksum),
                (footer_byte, TableError::FooterChecksum),
            ] {
                let mut bytes = intact.clone();
                bytes[at] ^= 0x01;
                storage.inner.put(&name, &bytes).await.unwrap();
                let refused = src.read_table_checked(&name).await.map(|_| ());
                assert!(
                    matches!(&refused, Err(StoreError::CorruptTable { table, reason }) if *table == name && *reason == want),
                    "{refused:?}"
                );
            }
        })
    }
}
