//! A whole store as one byte stream: the `.cairnbak` file a browser downloads and the CLI
//! restores (or the other way round).
//!
//! ```text
//! magic "CAIRNBAK" | version u16 LE (1) | reserved u16 LE (0)
//! records, each:  kind u8 | name length u8 | name | length u64 LE | bytes
//!                 kind 2 = the manifest (no name), first; kind 1 = a table file (named by its
//!                 base32 name)
//! end:            kind 0 | BLAKE3-160 of every byte before it
//! ```
//! A bundle holds exactly the files of a store: the manifest, first, and the table files it
//! lists. Both directions stream, so a store of any size passes through bounded memory: a
//! [`Writer`] hands the file out in pieces, reading table files by ranged reads of about
//! [`PIECE`] bytes; a [`Reader`] takes pieces of any size, hashing as it goes, and holds one
//! table file at a time (storage takes an object whole). The trailing hash comes last, so the
//! reader writes each table file as it completes, and the manifest, which is what makes a store
//! visible, only once the hash checks out; a read that fails deletes the table files it wrote.
//! Nothing becomes visible before the hash checks; a reader stopped midway leaves only table
//! files no manifest lists, which a prune reclaims.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::chunk_store::{load_index, table_io_error, ChunkStore, StoreError};
use crate::hash::{Hash, Hasher, HASH_LEN};
use crate::io::{check_name, IoError, Storage};
use crate::manifest::{Manifest, TableSpec};
use crate::sync::{Phase, Progress, Sink};
use crate::table_file::{self, Entry};

pub const MAGIC: &[u8; 8] = b"CAIRNBAK";
pub const VERSION: u16 = 1;
/// About how many bytes of a table file one piece of a written bundle holds: one ranged read.
pub const PIECE: u64 = 1 << 20;
const TABLE: u8 = 1;
const MANIFEST: u8 = 2;
const END: u8 = 0;
/// Magic, version and reserved.
const HEADER_LEN: usize = 12;

#[derive(Clone, Debug, PartialEq)]
pub enum BundleError {
    NotABundle,
    UnsupportedVersion(u16),
    Truncated,
    Checksum,
    Malformed(&'static str),
    Store(StoreError),
    Io(IoError),
    /// The sink or the front end asked to stop; nothing was changed (what was written is
    /// removed again).
    Interrupted,
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BundleError::NotABundle => f.write_str("not a Cairn backup file (bad magic)"),
            BundleError::UnsupportedVersion(v) => write!(
                f,
                "backup file format version {v} is not supported (this build reads version {VERSION})"
            ),
            BundleError::Truncated => f.write_str("the backup file is truncated"),
            BundleError::Checksum => {
                f.write_str("the backup file is damaged (its checksum does not match)")
            }
            BundleError::Malformed(what) => write!(f, "the backup file is malformed: {what}"),
            BundleError::Store(e) => e.fmt(f),
            BundleError::Io(e) => e.fmt(f),
            BundleError::Interrupted => f.write_str("interrupted; nothing was changed"),
        }
    }
}

impl From<StoreError> for BundleError {
    fn from(e: StoreError) -> Self {
        BundleError::Store(e)
    }
}

impl From<IoError> for BundleError {
    fn from(e: IoError) -> Self {
        BundleError::Io(e)
    }
}

fn record_header(out: &mut Vec<u8>, kind: u8, name: &str, len: u64) {
    out.push(kind);
    // Table file names are 32 base32 characters (`check_name` allows at most 128).
    out.push(name.len() as u8);
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&len.to_le_bytes());
}

/// Hands out the bundle of a store piece by piece, as its consumer asks for them: a browser's
/// stream, a file being written. Every table file is checked chunk by chunk on the way out;
/// progress counts table files' chunks and bytes, and the sink may stop it between pieces.
pub struct Writer<S: Storage> {
    storage: S,
    manifest: Manifest,
    hasher: Hasher,
    event: Progress,
    /// How many of the manifest's table files have been begun.
    begun: usize,
    table: Option<TableOut>,
    started: bool,
    done: bool,
}

/// The table file being handed out.
struct TableOut {
    name: String,
    version: u16,
    /// Its index by offset: the records tile the data section, read in runs in file order.
    entries: Vec<Entry>,
    next: usize,
    /// The next byte of the file to hand out, and its size.
    at: u64,
    size: u64,
}

impl<S: Storage> Writer<S> {
    /// The bundle of the store in `storage` whose manifest is `manifest`.
    pub fn new(storage: S, manifest: Manifest) -> Self {
        let tables = &manifest.tables;
        let event = Progress {
            phase: Phase::TableFiles,
            chunks_done: 0,
            chunks_total: tables.iter().map(|t| u64::from(t.chunk_count)).sum(),
            bytes_done: 0,
            bytes_total: tables.iter().map(|t| t.size).sum(),
        };
        Writer {
            storage,
            manifest,
            hasher: Hasher::new(),
            event,
            begun: 0,
            table: None,
            started: false,
            done: false,
        }
    }

    /// The next piece of the file (about `PIECE` bytes, a record's header with the piece that
    /// follows it), or `None` after the end record.
    pub async fn next(&mut self, progress: &mut dyn Sink) -> Result<Option<Vec<u8>>, BundleError> {
        if self.done {
            return Ok(None);
        }
        if progress.interrupted() {
            return Err(BundleError::Interrupted);
        }
        let mut piece = Vec::new();
        if !self.started {
            self.started = true;
            progress.report(&self.event);
            piece.extend_from_slice(MAGIC);
            piece.extend_from_slice(&VERSION.to_le_bytes());
            piece.extend_from_slice(&[0, 0]);
            let manifest = self.manifest.encode();
            record_header(&mut piece, MANIFEST, "", manifest.len() as u64);
            piece.extend_from_slice(&manifest);
            self.hasher.update(&piece);
            return Ok(Some(piece));
        }
        loop {
            if let Some(table) = &mut self.table {
                match table.next(&self.storage, &mut self.event).await? {
                    Some(bytes) => {
                        piece.extend_from_slice(&bytes);
                        self.hasher.update(&piece);
                        progress.report(&self.event);
                        return Ok(Some(piece));
                    }
                    None => self.table = None,
                }
            }
            let Some(spec) = self.manifest.tables.get(self.begun) else {
                break;
            };
            self.table = Some(TableOut::open(&self.storage, spec).await?);
            self.begun += 1;
            record_header(&mut piece, TABLE, &spec.name, spec.size);
        }
        self.done = true;
        piece.push(END);
        piece.extend_from_slice(&self.hasher.finish().0);
        Ok(Some(piece))
    }
}

impl TableOut {
    async fn open<S: Storage>(storage: &S, spec: &TableSpec) -> Result<TableOut, StoreError> {
        let (footer, mut entries) =
            load_index(storage, &spec.name, spec.size, spec.chunk_count).await?;
        entries.sort_unstable_by_key(|e| (e.offset, e.len, e.part.map(|p| p.at)));
        Ok(TableOut {
            name: spec.name.clone(),
            version: footer.version,
            entries,
            next: 0,
            at: 0,
            size: spec.size,
        })
    }

    /// The next run of records, checked, then the index and footer in pieces; `None` at the end.
    async fn next<S: Storage>(
        &mut self,
        storage: &S,
        event: &mut Progress,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let (chunks, len) = match self.entries.get(self.next) {
            Some(_) => {
                let (end, len) = table_file::run(&self.entries, self.next, PIECE);
                (end - self.next, len)
            }
            None if self.at < self.size => (0, PIECE.min(self.size - self.at)),
            None => return Ok(None),
        };
        let name = &self.name;
        let bytes = storage
            .get_range(name, self.at, len)
            .await
            .map_err(|e| table_io_error(name, e))?
            .ok_or_else(|| StoreError::MissingTable {
                table: name.clone(),
            })?;
        let run = self.entries[self.next..self.next + chunks].iter();
        table_file::each_chunk(
            self.version,
            (self.at, &bytes),
            run.map(|e| (*e, ())),
            |e, (), chunk| match chunk {
                Ok(chunk) if Hash::of(chunk) == e.hash => Ok(()),
                _ => Err(StoreError::CorruptChunk {
                    table: name.clone(),
                    hash: e.hash,
                }),
            },
        )?;
        self.next += chunks;
        self.at += len;
        event.chunks_done += chunks as u64;
        event.bytes_done += len;
        Ok(Some(bytes))
    }
}

/// The whole bundle of `store`, as its pieces: for what needs it whole (sealing it).
pub async fn write<S: Storage>(
    store: &ChunkStore<S>,
    progress: &mut dyn Sink,
) -> Result<Vec<Vec<u8>>, BundleError> {
    let mut writer = Writer::new(store.storage(), store.manifest().clone());
    let mut parts = Vec::new();
    while let Some(part) = writer.next(progress).await? {
        parts.push(part);
    }
    Ok(parts)
}

/// Unpacks a bundle, given in pieces of any size, into the empty storage `dst`: table files as
/// they complete, the manifest once the trailing hash checks out. Every length, name and kind
/// is checked before anything is allocated or written for it, and memory grows only with the
/// bytes that came. After an error the reader answers that error again.
pub struct Reader<S: Storage> {
    dst: S,
    hasher: Hasher,
    at: At,
    /// The bytes of the part `at` names, as far as they have come.
    buf: Vec<u8>,
    /// The manifest's bytes, once read.
    manifest: Option<Vec<u8>>,
    /// The table files the manifest lists that have not come yet.
    missing: Vec<TableSpec>,
    /// The table files written, deleted again if the read fails.
    written: Vec<String>,
}

enum At {
    Header,
    /// A record's kind, name length, name and length.
    Head,
    Body {
        kind: u8,
        name: String,
        len: usize,
    },
    /// The end record's hash.
    Hash,
    Refused(BundleError),
}

impl<S: Storage> Reader<S> {
    /// A reader into `dst`, which must hold no store.
    pub async fn new(dst: S) -> Result<Self, BundleError> {
        if dst.read_manifest().await?.is_some() {
            return Err(BundleError::Malformed("the destination is not empty"));
        }
        Ok(Reader {
            dst,
            hasher: Hasher::new(),
            at: At::Header,
            buf: Vec::new(),
            manifest: None,
            missing: Vec::new(),
            written: Vec::new(),
        })
    }

    /// Takes the next piece of the file.
    pub async fn push(&mut self, piece: &[u8]) -> Result<(), BundleError> {
        let pushed = self.consume(piece).await;
        self.settle(pushed).await
    }

    /// Checks the end of the file, then writes the manifest: the store is there.
    pub async fn finish(mut self) -> Result<(), BundleError> {
        let checked = self.check_end();
        self.settle(checked).await?;
        let manifest = self.manifest.take().unwrap_or_default();
        // From here an error leaves the outcome unknown: the table files stay.
        if self.dst.swap_manifest(None, &manifest).await?.is_none() {
            return Err(BundleError::Malformed("the destination is not empty"));
        }
        Ok(())
    }

    /// Stops reading (the user asked to): deletes the table files written.
    pub async fn abort(mut self) {
        self.discard().await;
    }

    async fn settle(&mut self, result: Result<(), BundleError>) -> Result<(), BundleError> {
        if let Err(e) = &result {
            if !matches!(self.at, At::Refused(_)) {
                self.at = At::Refused(e.clone());
                self.discard().await;
            }
        }
        result
    }

    async fn discard(&mut self) {
        // Best effort: what stays is listed by no manifest, and a prune reclaims it.
        for name in core::mem::take(&mut self.written) {
            let _ = self.dst.delete(&name).await;
        }
        self.buf = Vec::new();
    }

    fn check_end(&self) -> Result<(), BundleError> {
        match &self.at {
            At::Refused(e) => return Err(e.clone()),
            At::Hash if self.buf.len() == HASH_LEN => {}
            _ => return Err(BundleError::Truncated),
        }
        if self.hasher.finish().0[..] != self.buf[..] {
            return Err(BundleError::Checksum);
        }
        if self.manifest.is_none() {
            return Err(BundleError::Malformed("no manifest"));
        }
        if !self.missing.is_empty() {
            return Err(BundleError::Malformed(
                "its table files are not the ones its manifest lists",
            ));
        }
        Ok(())
    }

    /// Moves up to `want` bytes in all from the front of `piece` into `buf`.
    fn fill(&mut self, piece: &mut &[u8], want: usize) {
        let take = want.saturating_sub(self.buf.len()).min(piece.len());
        self.buf.extend_from_slice(&piece[..take]);
        *piece = &piece[take..];
    }

    async fn consume(&mut self, mut piece: &[u8]) -> Result<(), BundleError> {
        while !piece.is_empty() {
            match &self.at {
                At::Refused(e) => return Err(e.clone()),
                At::Header => {
                    self.fill(&mut piece, HEADER_LEN);
                    if !MAGIC.starts_with(&self.buf[..self.buf.len().min(MAGIC.len())]) {
                        return Err(BundleError::NotABundle);
                    }
                    if self.buf.len() == HEADER_LEN {
                        let version = u16::from_le_bytes([self.buf[8], self.buf[9]]);
                        if version != VERSION {
                            return Err(BundleError::UnsupportedVersion(version));
                        }
                        self.next_part(At::Head);
                    }
                }
                At::Head if self.buf.is_empty() && piece[0] == END => {
                    // The end record's kind is the one byte the hash does not cover.
                    piece = &piece[1..];
                    self.at = At::Hash;
                }
                At::Head => {
                    let want = match self.buf.get(1) {
                        Some(&name_len) => 2 + usize::from(name_len) + 8,
                        None => 2,
                    };
                    self.fill(&mut piece, want);
                    if want > 2 && self.buf.len() == want {
                        self.begin_record()?;
                    }
                }
                At::Body { len, .. } => {
                    let left = len - self.buf.len();
                    let take = left.min(piece.len());
                    // Grown with the bytes that came, never past the record: a hostile length
                    // allocates nothing it is not given.
                    if self.buf.capacity() - self.buf.len() < take {
                        self.buf.reserve_exact(take.max(self.buf.len()).min(left));
                    }
                    self.fill(&mut piece, *len);
                }
                At::Hash => {
                    if self.buf.len() == HASH_LEN {
                        return Err(BundleError::Malformed("bytes after the end record"));
                    }
                    self.fill(&mut piece, HASH_LEN);
                }
            }
            if matches!(&self.at, At::Body { len, .. } if *len == self.buf.len()) {
                self.end_record().await?;
            }
        }
        Ok(())
    }

    /// Hashes the part read and goes on to `next`.
    fn next_part(&mut self, next: At) {
        self.hasher.update(&self.buf);
        self.buf.clear();
        self.at = next;
    }

    /// Checks a record's head against what may come now.
    fn begin_record(&mut self) -> Result<(), BundleError> {
        let (kind, name_end) = (self.buf[0], self.buf.len() - 8);
        let name = core::str::from_utf8(&self.buf[2..name_end])
            .map_err(|_| BundleError::Malformed("a file name"))?;
        let len = u64::from_le_bytes(self.buf[name_end..].try_into().expect("8 bytes"));
        match kind {
            MANIFEST if self.manifest.is_some() => {
                return Err(BundleError::Malformed("two manifests"))
            }
            MANIFEST if !name.is_empty() => {
                return Err(BundleError::Malformed("the manifest has a name"))
            }
            MANIFEST => {}
            TABLE if self.manifest.is_none() => {
                return Err(BundleError::Malformed("a table file before the manifest"))
            }
            TABLE => {
                check_name(name)?;
                let listed = self.missing.iter().position(|t| t.name == name);
                let Some(i) = listed.filter(|&i| self.missing[i].size == len) else {
                    return Err(BundleError::Malformed(
                        "its table files are not the ones its manifest lists",
                    ));
                };
                self.missing.swap_remove(i);
            }
            _ => return Err(BundleError::Malformed("unknown record kind")),
        }
        let len = usize::try_from(len)
            .map_err(|_| BundleError::Malformed("a record too large for this machine"))?;
        let name = name.into();
        self.next_part(At::Body { kind, name, len });
        Ok(())
    }

    /// Handles a whole record: the manifest is kept (and says which table files must come),
    /// a table file is written.
    async fn end_record(&mut self) -> Result<(), BundleError> {
        self.hasher.update(&self.buf);
        let At::Body { kind, name, .. } = core::mem::replace(&mut self.at, At::Head) else {
            unreachable!("called in a record's body")
        };
        if kind == MANIFEST {
            let listed = Manifest::decode(&self.buf).map_err(StoreError::from)?;
            self.missing = listed.tables;
            self.manifest = Some(core::mem::take(&mut self.buf));
        } else {
            self.written.push(name.clone());
            self.dst.put(&name, &self.buf).await?;
            self.buf.clear();
        }
        Ok(())
    }
}

/// Unpacks a whole bundle held in memory into the empty storage `dst` (`Reader`).
pub async fn read<S: Storage>(bytes: &[u8], dst: &S) -> Result<(), BundleError> {
    let mut reader = Reader::new(dst).await?;
    reader.push(bytes).await?;
    reader.finish().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::MemoryStorage;
    use pollster::block_on;

    fn store() -> ChunkStore<MemoryStorage> {
        let mut store = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
        let a = block_on(store.put(b"alpha")).unwrap();
        block_on(store.commit(Hash::EMPTY, a)).unwrap();
        let b = block_on(store.put(b"beta")).unwrap();
        block_on(store.commit(a, b)).unwrap();
        store
    }

    fn bundle() -> Vec<u8> {
        block_on(write(&store(), &mut crate::sync::Silent))
            .unwrap()
            .concat()
    }

    fn read_pieces<'a>(
        pieces: impl IntoIterator<Item = &'a [u8]>,
        dst: &MemoryStorage,
    ) -> Result<(), BundleError> {
        let mut reader = block_on(Reader::new(dst))?;
        for piece in pieces {
            block_on(reader.push(piece))?;
        }
        block_on(reader.finish())
    }

    fn restored(dst: MemoryStorage) {
        let store = block_on(ChunkStore::open(dst)).unwrap();
        assert_eq!(store.root(), Hash::of(b"beta"));
        assert_eq!(
            block_on(store.get(&Hash::of(b"alpha"))).unwrap().as_deref(),
            Some(&b"alpha"[..])
        );
    }

    /// Nothing of a refused read is left: no manifest, no table file.
    fn nothing_left(dst: &MemoryStorage, what: &str) {
        assert_eq!(block_on(dst.read_manifest()).unwrap(), None, "{what}");
        assert_eq!(dst.total_bytes(), 0, "{what} left files");
    }

    #[test]
    fn round_trip() {
        let dst = MemoryStorage::new();
        block_on(read(&bundle(), &dst)).unwrap();
        restored(dst);
    }

    #[test]
    fn pieces_of_every_size_and_every_cut_read_the_same() {
        let bytes = bundle();
        for size in 1..=bytes.len() {
            let dst = MemoryStorage::new();
            read_pieces(bytes.chunks(size), &dst).unwrap();
            restored(dst);
        }
        for cut in 0..=bytes.len() {
            let dst = MemoryStorage::new();
            read_pieces([&bytes[..cut], &[][..], &bytes[cut..]], &dst).unwrap();
            restored(dst);
        }
    }

    #[test]
    fn damage_and_truncation_leave_nothing_visible() {
        let bytes = bundle();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x10;
            // In pieces, so that table files are written before the damage shows.
            let dst = MemoryStorage::new();
            assert!(read_pieces(bad.chunks(7), &dst).is_err(), "flip at {i}");
            nothing_left(&dst, &alloc::format!("flip at {i}"));
        }
        for len in 0..bytes.len() {
            let dst = MemoryStorage::new();
            assert!(
                read_pieces(bytes[..len].chunks(5), &dst).is_err(),
                "cut at {len}"
            );
            nothing_left(&dst, &alloc::format!("cut at {len}"));
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            block_on(read(&longer, &MemoryStorage::new())),
            Err(BundleError::Malformed("bytes after the end record"))
        );
        assert_eq!(
            block_on(read(
                b"PK\x03\x04 a zip file, not ours",
                &MemoryStorage::new()
            )),
            Err(BundleError::NotABundle)
        );
    }

    #[test]
    fn an_abandoned_read_leaves_nothing() {
        let bytes = bundle();
        let dst = MemoryStorage::new();
        let mut reader = block_on(Reader::new(&dst)).unwrap();
        block_on(reader.push(&bytes[..bytes.len() - 1])).unwrap();
        assert!(
            dst.total_bytes() > 0,
            "the table files were written as they came"
        );
        block_on(reader.abort());
        nothing_left(&dst, "abort");
    }

    #[test]
    fn a_hostile_length_allocates_only_what_came() {
        let mut head = bundle()[..HEADER_LEN].to_vec();
        record_header(&mut head, MANIFEST, "", 1 << 40);
        let dst = MemoryStorage::new();
        let mut reader = block_on(Reader::new(&dst)).unwrap();
        block_on(reader.push(&head)).unwrap();
        block_on(reader.push(&[7; 100])).unwrap();
        assert!(reader.buf.capacity() <= 200, "{}", reader.buf.capacity());
        assert_eq!(block_on(reader.finish()), Err(BundleError::Truncated));
        // A table file's length is the one its manifest gives, checked before its bytes come.
        let bytes = bundle();
        let manifest = store().manifest().encode();
        let table = HEADER_LEN + 10 + manifest.len();
        let mut longer = bytes[..table + 2 + 32].to_vec();
        longer.extend_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(
            block_on(read(&longer, &MemoryStorage::new())),
            Err(BundleError::Malformed(
                "its table files are not the ones its manifest lists"
            ))
        );
    }

    #[test]
    fn a_destination_holding_a_store_is_refused_before_anything_is_written() {
        let dst = MemoryStorage::new();
        block_on(read(&bundle(), &dst)).unwrap();
        let before = dst.total_bytes();
        assert!(matches!(
            block_on(Reader::new(&dst)),
            Err(BundleError::Malformed(_))
        ));
        assert_eq!(dst.total_bytes(), before);
    }

    #[test]
    fn a_large_table_file_goes_out_in_bounded_pieces_and_damage_is_found() {
        let mut store = block_on(ChunkStore::open(MemoryStorage::new())).unwrap();
        let mut root = Hash::EMPTY;
        // Chunks that do not compress: 4 MiB of table file.
        let mut seed = Hash::of(b"seed");
        for _ in 0..64 {
            let mut chunk = Vec::new();
            while chunk.len() < 64 << 10 {
                seed = Hash::of(&seed.0);
                chunk.extend_from_slice(&seed.0);
            }
            root = block_on(store.put(&chunk)).unwrap();
        }
        block_on(store.commit(Hash::EMPTY, root)).unwrap();
        let mut reports = 0;
        let parts = block_on(write(&store, &mut |_: &Progress| reports += 1)).unwrap();
        assert!(parts.len() > 4 && reports > 4, "{} pieces", parts.len());
        let bound = (PIECE as usize) + 2 * table_file::BLOCK_TARGET;
        assert!(parts.iter().all(|p| p.len() <= bound));
        let dst = MemoryStorage::new();
        read_pieces(parts.iter().map(Vec::as_slice), &dst).unwrap();
        assert_eq!(block_on(ChunkStore::open(dst)).unwrap().root(), root);

        let name = &store.manifest().tables[0].name;
        let mut file = block_on(store.storage().get(name)).unwrap().unwrap();
        file[3 << 20] ^= 1;
        let damaged = MemoryStorage::new();
        block_on(damaged.put(name, &file)).unwrap();
        let manifest = store.manifest().encode();
        block_on(damaged.swap_manifest(None, &manifest)).unwrap();
        let mut writer = Writer::new(&damaged, store.manifest().clone());
        let failed = loop {
            match block_on(writer.next(&mut crate::sync::Silent)) {
                Ok(Some(_)) => {}
                other => break other,
            }
        };
        assert!(matches!(
            failed,
            Err(BundleError::Store(StoreError::CorruptChunk { .. }))
        ));
    }
}
