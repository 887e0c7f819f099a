//! `verify`: read every table file of a store, check every chunk against its address, then
//! walk from the root through every branch, tag, remote-tracking branch and working set (a
//! database or remote) or every snapshot (a backup): each chunk one of them reaches must be in
//! a listed table file, whole. The report says which of them are intact, so "no problems"
//! means "this restores". It works from the storage, not from an opened `ChunkStore`, so that
//! a store too damaged to open can still be examined.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use crate::chunk_store::{load_index, StoreError, BLOCK_BUDGET};
use crate::codec::CodecError;
use crate::db::kind::{self, Kind};
use crate::hash::Hash;
use crate::io::{IoError, Storage};
use crate::lru::Lru;
use crate::manifest::{Manifest, ManifestError};
use crate::parallel;
use crate::sync::{Phase, Progress, Silent, Sink};
use crate::table_file::{self, Entry, Footer, TableError};

/// Records are read in runs of about this many bytes, so memory stays flat for large files.
const READ_RUN: u64 = 8 << 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Manifest(ManifestError),
    MissingTable {
        table: String,
    },
    CorruptTable {
        table: String,
        reason: TableError,
    },
    CorruptChunk {
        table: String,
        hash: Hash,
    },
    /// The manifest's root is in none of its table files.
    MissingRoot {
        root: Hash,
    },
    /// Table files but no manifest: what they hold is not a store anyone can open.
    NoManifest {
        table_files: usize,
    },
    /// A chunk that `from` (a dataset or snapshot) reaches is in no listed table file.
    MissingChunk {
        hash: Hash,
        from: String,
    },
    /// A chunk that `from` reaches does not decode as the kind it must be.
    Undecodable {
        hash: Hash,
        from: String,
        why: CodecError,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Manifest(e) => e.fmt(f),
            Problem::MissingTable { table } => {
                write!(
                    f,
                    "table file '{table}' is listed in the manifest but missing"
                )
            }
            Problem::CorruptTable { table, reason } => {
                write!(f, "table file '{table}' is corrupt: {reason}")
            }
            Problem::CorruptChunk { table, hash } => write!(
                f,
                "chunk {hash} in table file '{table}' does not match its hash"
            ),
            Problem::MissingRoot { root } => {
                write!(f, "root {root} is in none of the store's table files")
            }
            Problem::NoManifest { table_files } => write!(
                f,
                "{table_files} table files but no manifest: nothing here can be opened or restored"
            ),
            Problem::MissingChunk { hash, from } => {
                write!(
                    f,
                    "chunk {hash}, which {from} needs, is in no listed table file"
                )
            }
            Problem::Undecodable { hash, from, why } => {
                write!(
                    f,
                    "chunk {hash}, which {from} needs, does not decode ({why})"
                )
            }
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub root: Hash,
    /// Table files the manifest lists.
    pub tables: usize,
    /// The slice of table files whose data was read (`None`: all of them).
    pub subset: Option<Subset>,
    /// Table files whose every chunk was read and hashed, and those chunks.
    pub tables_read: usize,
    pub chunks: u64,
    pub bytes: u64,
    pub problems: Vec<Problem>,
    /// Table files no manifest lists: left by an interrupted writer, reclaimable by a prune.
    /// They are checked like the others, and their problems reported too.
    pub orphans: Vec<String>,
    /// What the root names (datasets: `branch 'main'`, ...; snapshots: `snapshot 1a2b3c4d`)
    /// whose every chunk is present and whole.
    pub intact: Vec<String>,
    /// ... and those missing a chunk or holding a damaged one.
    pub damaged: Vec<String>,
}

impl Report {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A slice of a store's table files, `n` of `t` (restic's `--read-data-subset n/t`): a
/// scheduled `verify` that reads slice 1, 2, ... t in turn has read every byte after t runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subset {
    pub n: u32,
    pub t: u32,
}

impl Subset {
    /// Parses `n/t`, with 1 <= n <= t.
    pub fn parse(text: &str) -> Option<Subset> {
        let (n, t) = text.split_once('/')?;
        let (n, t): (u32, u32) = (n.parse().ok()?, t.parse().ok()?);
        (n >= 1 && n <= t).then_some(Subset { n, t })
    }

    /// Whether a table file falls in this slice: by a hash of its name, so slices are even
    /// and a file stays in its slice from run to run.
    pub fn holds(&self, table: &str) -> bool {
        let h = Hash::of(table.as_bytes()).0;
        u32::from_be_bytes([h[0], h[1], h[2], h[3]]) % self.t == self.n - 1
    }
}

impl fmt::Display for Subset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.n, self.t)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Read only this slice's table files whole; of the others, only the tree nodes the
    /// walk needs (never leaves, which are most of the bytes).
    pub subset: Option<Subset>,
}

#[derive(Debug, PartialEq)]
pub enum VerifyError {
    Io(IoError),
    /// The sink asked to stop; nothing was changed (verify writes nothing).
    Interrupted,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Io(e) => e.fmt(f),
            VerifyError::Interrupted => f.write_str("interrupted; nothing was changed"),
        }
    }
}

impl core::error::Error for VerifyError {}

impl From<IoError> for VerifyError {
    fn from(e: IoError) -> Self {
        VerifyError::Io(e)
    }
}

/// Checks a whole store, reading everything.
pub async fn verify<S: Storage + ?Sized>(storage: &S) -> Result<Report, VerifyError> {
    verify_with(storage, &Options::default(), &mut Silent).await
}

/// Checks a store. Storage failures end it with an error; damage is reported. Progress counts
/// the chunks and bytes of the table files to read, known once their indexes are loaded.
pub async fn verify_with<S: Storage + ?Sized>(
    storage: &S,
    options: &Options,
    progress: &mut dyn Sink,
) -> Result<Report, VerifyError> {
    let mut report = Report {
        subset: options.subset,
        ..Report::default()
    };
    let read = storage.read_manifest().await?;
    let manifest_missing = read.is_none();
    let manifest = match read {
        None => Manifest::default(),
        Some(read) => match Manifest::decode(&read.bytes) {
            Ok(m) => m,
            Err(e) => {
                report.problems.push(Problem::Manifest(e));
                Manifest::default()
            }
        },
    };
    report.root = manifest.root;
    report.tables = manifest.tables.len();
    let listed: BTreeSet<&str> = manifest.tables.iter().map(|t| t.name.as_str()).collect();
    let mut objects = storage.list().await?;
    objects.sort_by(|a, b| a.name.cmp(&b.name));

    // First every index (small), so that the totals are known before any data is read.
    let mut indexed: Vec<Indexed> = Vec::new();
    for spec in &manifest.tables {
        let Some(object) = objects.iter().find(|o| o.name == spec.name) else {
            report.problems.push(Problem::MissingTable {
                table: spec.name.clone(),
            });
            continue;
        };
        if object.size != spec.size {
            report.problems.push(Problem::CorruptTable {
                table: spec.name.clone(),
                reason: TableError::BadLayout("its size differs from the manifest's"),
            });
            continue;
        }
        if let Some((footer, entries)) = index(
            storage,
            &spec.name,
            spec.size,
            spec.chunk_count,
            &mut report,
        )
        .await?
        {
            indexed.push(Indexed {
                name: spec.name.clone(),
                footer,
                entries,
                listed: true,
            });
        }
    }
    for object in &objects {
        // Only table-file names are the store's; other objects are not ours to judge.
        if listed.contains(object.name.as_str()) || Hash::parse(&object.name).is_none() {
            continue;
        }
        report.orphans.push(object.name.clone());
        if let Some((footer, entries)) =
            index(storage, &object.name, object.size, 0, &mut report).await?
        {
            indexed.push(Indexed {
                name: object.name.clone(),
                footer,
                entries,
                listed: false,
            });
        }
    }
    if manifest_missing && !report.orphans.is_empty() {
        report.problems.push(Problem::NoManifest {
            table_files: report.orphans.len(),
        });
    }

    let to_read = |name: &str| options.subset.is_none_or(|s| s.holds(name));
    let mut event = Progress {
        phase: Phase::Checking,
        chunks_done: 0,
        chunks_total: 0,
        bytes_done: 0,
        bytes_total: 0,
    };
    for file in indexed.iter().filter(|f| to_read(&f.name)) {
        event.chunks_total += file.entries.len() as u64;
        // The index check proved that the records tile the data section.
        event.bytes_total += file.footer.data_len;
    }
    progress.report(&event);
    let mut root_found = manifest.root.is_empty();
    let mut seen = Seen {
        root: manifest.root,
        ..Seen::default()
    };
    // Where the chunks of the listed files not read lie, for the walk to read its nodes.
    let mut unread: BTreeMap<Hash, (String, u16, Entry)> = BTreeMap::new();
    for file in &indexed {
        let (name, version) = (&file.name, file.footer.version);
        root_found |= file.listed && file.entries.iter().any(|e| e.hash == manifest.root);
        if !to_read(name) {
            if file.listed {
                let places = file
                    .entries
                    .iter()
                    .map(|e| (e.hash, (name.clone(), version, *e)));
                unread.extend(places);
            }
            continue;
        }
        let seen = file.listed.then_some(&mut seen);
        check_table(
            storage,
            (name, version),
            &file.entries,
            &mut report,
            seen,
            &mut event,
            progress,
        )
        .await?;
        report.tables_read += 1;
    }
    if progress.interrupted() {
        return Err(VerifyError::Interrupted);
    }
    if !root_found {
        report.problems.push(Problem::MissingRoot {
            root: manifest.root,
        });
        return Ok(report);
    }
    if !unread.is_empty() {
        read_nodes(storage, &unread, &mut seen, &mut report, progress).await?;
    }
    if let Some(root) = seen.root_chunk.take() {
        let bad: BTreeSet<Hash> = report
            .problems
            .iter()
            .filter_map(|p| match p {
                Problem::CorruptChunk { hash, .. } => Some(*hash),
                _ => None,
            })
            .collect();
        Walk {
            seen: &seen,
            bad: &bad,
            memo: BTreeMap::new(),
        }
        .roots(manifest.root, &root, &mut report);
    }
    Ok(report)
}

/// Reads from the files a subset left unread the chunks the walk must decode: every chunk
/// reachable from the root except leaves, known as such from their parent's level. A leaf
/// there counts as present, its bytes unchecked: that is the slice's saving.
async fn read_nodes<S: Storage + ?Sized>(
    storage: &S,
    unread: &BTreeMap<Hash, (String, u16, Entry)>,
    seen: &mut Seen,
    report: &mut Report,
    progress: &mut dyn Sink,
) -> Result<(), VerifyError> {
    let mut visited = BTreeSet::new();
    // Nodes that share a block are read and decoded once.
    let blocks = Lru::new(BLOCK_BUDGET);
    let mut stack: Vec<(Hash, bool)> = alloc::vec![(seen.root, false)];
    while let Some((hash, leaf)) = stack.pop() {
        if !visited.insert(hash) {
            continue;
        }
        let (refs, leaves) = match seen.refs.get(&hash) {
            Some(refs) => (
                refs.clone().unwrap_or_default(),
                seen.leaf_parents.contains(&hash),
            ),
            None => {
                let Some((table, version, entry)) = unread.get(&hash) else {
                    continue; // missing: the walk reports it
                };
                if leaf {
                    seen.refs.insert(hash, Ok(Vec::new()));
                    continue;
                }
                if progress.interrupted() {
                    return Err(VerifyError::Interrupted);
                }
                let key = (table.clone(), entry.offset);
                let decoded = match blocks.get(&key) {
                    Some(block) => Ok(block),
                    None => {
                        let Some(record) = storage
                            .get_range(table, entry.offset, u64::from(entry.len))
                            .await?
                        else {
                            report.problems.push(Problem::MissingTable {
                                table: table.clone(),
                            });
                            continue;
                        };
                        report.bytes += record.len() as u64;
                        let decoded = table_file::decode_record(*version, entry, &record);
                        let decoded = decoded.map(|d| Arc::new(d.into_owned()));
                        if let Ok(block) = &decoded {
                            blocks.put(key, block.clone(), block.len());
                        }
                        decoded
                    }
                };
                report.chunks += 1;
                let chunk = decoded.and_then(|d| Ok(entry.chunk_in(&d)?.to_vec()));
                let chunk = match chunk {
                    Ok(chunk) if Hash::of(&chunk) == hash => chunk,
                    _ => {
                        let table = table.clone();
                        report.problems.push(Problem::CorruptChunk { table, hash });
                        continue;
                    }
                };
                if hash == seen.root {
                    seen.root_chunk = Some(chunk.clone());
                }
                let refs = kind::refs(&chunk);
                seen.refs.insert(hash, refs.clone());
                (refs.unwrap_or_default(), kind::children_are_leaves(&chunk))
            }
        };
        stack.extend(refs.into_iter().map(|r| (r, leaves)));
    }
    Ok(())
}

/// A table file whose index was read.
struct Indexed {
    name: String,
    footer: Footer,
    /// By offset.
    entries: Vec<Entry>,
    /// Whether the manifest lists it.
    listed: bool,
}

/// What the table checks learned for the walk, so that it reads nothing again: each whole
/// chunk's references (or why it does not decode), and the root chunk's bytes.
#[derive(Default)]
struct Seen {
    root: Hash,
    root_chunk: Option<Vec<u8>>,
    refs: BTreeMap<Hash, Result<Vec<Hash>, CodecError>>,
    /// Chunks whose children are all leaves (a subset's walk reads none of those).
    leaf_parents: BTreeSet<Hash>,
}

/// The reachability walk: each chunk's verdict (its whole subtree present and whole)
/// remembered, so every dataset or snapshot sharing it shares the verdict.
struct Walk<'a> {
    seen: &'a Seen,
    /// Chunks with a copy whose bytes do not match their address.
    bad: &'a BTreeSet<Hash>,
    memo: BTreeMap<Hash, bool>,
}

impl Walk<'_> {
    /// Splits the root into what it names and walks each.
    fn roots(&mut self, root: Hash, chunk: &[u8], report: &mut Report) {
        let named: Vec<(String, Hash)> = match chunk.first() {
            Some(&k) if k == Kind::Datasets as u8 => {
                match crate::db::datasets::Datasets::decode(chunk) {
                    Ok(d) => d
                        .map
                        .iter()
                        .map(|(name, at)| (crate::db::datasets::describe(name), *at))
                        .collect(),
                    Err(why) => return undecodable(report, root, "the root", why),
                }
            }
            Some(&k) if k == Kind::Backup as u8 => match crate::backup::BackupRoot::decode(chunk) {
                Ok(b) => b
                    .snapshots
                    .iter()
                    .map(|s| (format!("snapshot {}", s.id()), s.datasets))
                    .collect(),
                Err(why) => return undecodable(report, root, "the root", why),
            },
            // A store of raw chunks (tests, tools): nothing to walk.
            _ => return,
        };
        for (name, at) in named {
            if self.intact(at, &name, report) {
                report.intact.push(name);
            } else {
                report.damaged.push(name);
            }
        }
    }

    /// Whether every chunk `start` reaches is present and whole; reports the first problem of
    /// each chunk found, naming `from`. Depth first, without recursion: a chunk's verdict is
    /// known once all its children's are.
    fn intact(&mut self, start: Hash, from: &str, report: &mut Report) -> bool {
        let mut stack: Vec<(Hash, bool)> = alloc::vec![(start, false)];
        while let Some((hash, children_done)) = stack.pop() {
            if self.memo.contains_key(&hash) {
                continue;
            }
            // A whole copy anywhere is enough: readers fall back to it (a repair writes a
            // damaged chunk again, into another file).
            let refs = match self.seen.refs.get(&hash) {
                None if self.bad.contains(&hash) => None,
                None => {
                    let from = from.into();
                    report.problems.push(Problem::MissingChunk { hash, from });
                    None
                }
                Some(Err(why)) => {
                    let (from, why) = (from.into(), why.clone());
                    report
                        .problems
                        .push(Problem::Undecodable { hash, from, why });
                    None
                }
                Some(Ok(refs)) => Some(refs),
            };
            let Some(refs) = refs else {
                self.memo.insert(hash, false);
                continue;
            };
            if children_done {
                let whole = refs.iter().all(|c| self.memo.get(c) == Some(&true));
                self.memo.insert(hash, whole);
            } else {
                stack.push((hash, true));
                stack.extend(refs.iter().map(|r| (*r, false)));
            }
        }
        self.memo.get(&start) == Some(&true)
    }
}

fn undecodable(report: &mut Report, hash: Hash, from: &str, why: CodecError) {
    let from = from.into();
    report
        .problems
        .push(Problem::Undecodable { hash, from, why });
}

/// Loads one table file's footer and index (by offset); `None` (and a problem
/// reported) if it cannot be read.
async fn index<S: Storage + ?Sized>(
    storage: &S,
    name: &str,
    size: u64,
    chunk_count: u32,
    report: &mut Report,
) -> Result<Option<(Footer, Vec<Entry>)>, IoError> {
    match load_index(storage, name, size, chunk_count).await {
        Ok((footer, mut entries)) => {
            entries.sort_unstable_by_key(|e| (e.offset, e.len));
            Ok(Some((footer, entries)))
        }
        Err(StoreError::Io(e)) => Err(e),
        Err(StoreError::MissingTable { table }) => {
            report.problems.push(Problem::MissingTable { table });
            Ok(None)
        }
        Err(StoreError::CorruptTable { table, reason }) => {
            report
                .problems
                .push(Problem::CorruptTable { table, reason });
            Ok(None)
        }
        Err(other) => Err(IoError::backend("verify", name, other)),
    }
}

/// One chunk as `check_table` found it.
struct Checked {
    hash: Hash,
    /// Whether its bytes hash to its address.
    whole: bool,
    /// Its bytes, if it is the manifest's root.
    root: Option<Vec<u8>>,
    /// If whole and the walk needs it: its references, and whether its children are leaves.
    refs: Option<(Result<Vec<Hash>, CodecError>, bool)>,
}

/// Reads and hashes every chunk of one table file (its name and format version; `entries`:
/// its index, by offset), recording what the walk needs in `seen`.
async fn check_table<S: Storage + ?Sized>(
    storage: &S,
    (name, version): (&str, u16),
    entries: &[Entry],
    report: &mut Report,
    mut seen: Option<&mut Seen>,
    event: &mut Progress,
    progress: &mut dyn Sink,
) -> Result<(), VerifyError> {
    // Entries tile the data section (decode_index checked it), so runs are contiguous.
    let mut start = 0;
    while start < entries.len() {
        if progress.interrupted() {
            return Err(VerifyError::Interrupted);
        }
        let run_offset = entries[start].offset;
        let (end, run_len) = table_file::run(entries, start, READ_RUN);
        let bytes = match storage.get_range(name, run_offset, run_len).await {
            Ok(Some(b)) => b,
            Ok(None) => {
                report
                    .problems
                    .push(Problem::MissingTable { table: name.into() });
                return Ok(());
            }
            Err(IoError::OutOfRange { .. }) => {
                report.problems.push(Problem::CorruptTable {
                    table: name.into(),
                    reason: TableError::BadLayout(
                        "file is shorter than its index says (truncated)",
                    ),
                });
                return Ok(());
            }
            Err(IoError::Damaged { detail, .. }) => {
                report.problems.push(Problem::CorruptTable {
                    table: name.into(),
                    reason: TableError::BadLayout(detail),
                });
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        // Each record is decoded and its chunks hashed on whichever thread is free; what they
        // found is noted here, in the file's order.
        let records: Vec<&[Entry]> = entries[start..end]
            .chunk_by(table_file::same_record)
            .collect();
        let root = seen.as_ref().map(|s| s.root);
        let walked = seen.is_some();
        let checked = parallel::map(records, |record| {
            let mut found = Vec::with_capacity(record.len());
            let run = record.iter().map(|e| (*e, ()));
            let each =
                table_file::each_chunk(version, (run_offset, &bytes), run, |e, (), chunk| {
                    // A record that does not decode is as damaged as one that hashes wrong.
                    let whole = chunk.as_ref().is_ok_and(|c| Hash::of(c) == e.hash);
                    let chunk: &[u8] = chunk.unwrap_or_default();
                    found.push(Checked {
                        hash: e.hash,
                        whole,
                        // The root is walked even when damaged, to name what it still reaches.
                        root: (root == Some(e.hash)).then(|| chunk.to_vec()),
                        refs: (walked && whole)
                            .then(|| (kind::refs(chunk), kind::children_are_leaves(chunk))),
                    });
                    Ok::<(), core::convert::Infallible>(())
                });
            let Ok(()) = each;
            found
        });
        for chunk in checked.into_iter().flatten() {
            if !chunk.whole {
                report.problems.push(Problem::CorruptChunk {
                    table: name.into(),
                    hash: chunk.hash,
                });
            }
            if let Some(seen) = seen.as_deref_mut() {
                if chunk.root.is_some() {
                    seen.root_chunk = chunk.root;
                }
                if let Some((refs, leaf_parent)) = chunk.refs {
                    seen.refs.insert(chunk.hash, refs);
                    if leaf_parent {
                        seen.leaf_parents.insert(chunk.hash);
                    }
                }
            }
            report.chunks += 1;
        }
        report.bytes += run_len;
        event.chunks_done += (end - start) as u64;
        event.bytes_done += run_len;
        progress.report(event);
        start = end;
    }
    Ok(())
}
