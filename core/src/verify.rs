//! `verify`: read every table file of a store, check every chunk against its address, and
//! report each problem by file and chunk. It works from the storage, not from an opened
//! `ChunkStore`, so that a store too damaged to open can still be examined.

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::chunk_store::{load_index, StoreError};
use crate::hash::Hash;
use crate::io::{IoError, Storage};
use crate::manifest::{Manifest, ManifestError};
use crate::table_file::TableError;

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
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub root: Hash,
    /// Table files the manifest lists, and how many of them were read.
    pub tables: usize,
    pub chunks: u64,
    pub bytes: u64,
    pub problems: Vec<Problem>,
    /// Table files no manifest lists: left by an interrupted writer, reclaimable by a prune.
    /// They are checked like the others, and their problems reported too.
    pub orphans: Vec<String>,
}

impl Report {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks a whole store. Storage failures end it with an error; damage is reported.
pub async fn verify<S: Storage + ?Sized>(storage: &S) -> Result<Report, IoError> {
    let mut report = Report::default();
    let manifest = match storage.read_manifest().await? {
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

    let mut root_found = manifest.root.is_empty();
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
        root_found |=
            check_table(storage, &spec.name, spec.size, manifest.root, &mut report).await?;
    }
    for object in &objects {
        // Only table-file names are the store's; other objects are not ours to judge.
        if listed.contains(object.name.as_str()) || Hash::parse(&object.name).is_none() {
            continue;
        }
        report.orphans.push(object.name.clone());
        check_table(storage, &object.name, object.size, Hash::EMPTY, &mut report).await?;
    }
    if !root_found {
        report.problems.push(Problem::MissingRoot {
            root: manifest.root,
        });
    }
    Ok(report)
}

/// Checks one table file; answers whether it holds `root`.
async fn check_table<S: Storage + ?Sized>(
    storage: &S,
    name: &str,
    size: u64,
    root: Hash,
    report: &mut Report,
) -> Result<bool, IoError> {
    let mut entries = match load_index(storage, name, size).await {
        Ok((_, entries)) => entries,
        Err(StoreError::Io(e)) => return Err(e),
        Err(StoreError::MissingTable { table }) => {
            report.problems.push(Problem::MissingTable { table });
            return Ok(false);
        }
        Err(StoreError::CorruptTable { table, reason }) => {
            report
                .problems
                .push(Problem::CorruptTable { table, reason });
            return Ok(false);
        }
        Err(other) => return Err(IoError::backend("verify", name, other)),
    };
    let has_root = entries.iter().any(|e| e.hash == root);
    entries.sort_unstable_by_key(|e| e.offset);
    // Entries tile the data section (decode_index checked it), so runs are contiguous.
    let mut start = 0;
    while start < entries.len() {
        let run_offset = entries[start].offset;
        let mut end = start;
        let mut run_len = 0u64;
        while end < entries.len()
            && (end == start || run_len + u64::from(entries[end].len) <= READ_RUN)
        {
            run_len += u64::from(entries[end].len);
            end += 1;
        }
        let bytes = match storage.get_range(name, run_offset, run_len).await {
            Ok(Some(b)) => b,
            Ok(None) => {
                report
                    .problems
                    .push(Problem::MissingTable { table: name.into() });
                return Ok(false);
            }
            Err(IoError::OutOfRange { .. }) => {
                report.problems.push(Problem::CorruptTable {
                    table: name.into(),
                    reason: TableError::BadLayout(
                        "file is shorter than its index says (truncated)",
                    ),
                });
                return Ok(false);
            }
            Err(e) => return Err(e),
        };
        for e in &entries[start..end] {
            let at = (e.offset - run_offset) as usize;
            if Hash::of(&bytes[at..at + e.len as usize]) != e.hash {
                report.problems.push(Problem::CorruptChunk {
                    table: name.into(),
                    hash: e.hash,
                });
            }
            report.chunks += 1;
            report.bytes += u64::from(e.len);
        }
        start = end;
    }
    Ok(has_root)
}
