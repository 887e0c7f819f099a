//! A branch's working set: its uncommitted (working) and staged root values, and the merge in
//! progress, if any, with its conflicts. Backups carry these; remotes never do.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::{put_bytes, put_uvarint, CodecError};
use crate::db::kind::{self, Kind};
use crate::hash::Hash;

/// The version of the merge section after the two roots; a working set without one is
/// version 1 (no merge in progress), read as it always was.
const MERGE_VERSION: u64 = 2;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkingSet {
    pub working: Hash,
    pub staged: Hash,
    pub merge: Option<MergeState>,
}

/// A merge (or cherry-pick, or revert) that stopped on conflicts, until it is committed or
/// aborted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeState {
    pub operation: Operation,
    /// The commit whose root is "theirs": for a merge the commit merged in (the merge commit's
    /// second parent), for a cherry-pick the commit picked, for a revert its parent.
    pub theirs: Hash,
    /// The commit whose root both sides were compared with: for a merge the merge base, for a
    /// cherry-pick the picked commit's parent, for a revert the reverted commit.
    pub base: Hash,
    /// The concluding commit's message unless the user gives one.
    pub message: String,
    /// Tables with unresolved conflicts, by name.
    pub conflicts: BTreeMap<String, TableConflict>,
}

/// What made the three-way merge, which decides the commit that concludes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Merge = 0,
    CherryPick = 1,
    Revert = 2,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableConflict {
    /// Both sides changed the table's schema (or one dropped it and the other changed it):
    /// its rows could not be merged.
    Schema,
    /// Rows both sides changed differently: a map from row key to the row's three versions
    /// (`db::conflict`).
    Rows(Hash),
}

impl WorkingSet {
    /// No uncommitted and no staged changes: both roots are the commit's.
    pub fn clean(root: Hash) -> WorkingSet {
        WorkingSet {
            working: root,
            staged: root,
            merge: None,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = alloc::vec![Kind::WorkingSet as u8];
        out.extend_from_slice(&self.working.0);
        out.extend_from_slice(&self.staged.0);
        if let Some(m) = &self.merge {
            put_uvarint(&mut out, MERGE_VERSION);
            out.extend_from_slice(&m.theirs.0);
            out.extend_from_slice(&m.base.0);
            out.push(m.operation as u8);
            put_bytes(&mut out, m.message.as_bytes());
            put_uvarint(&mut out, m.conflicts.len() as u64);
            for (name, conflict) in &m.conflicts {
                put_bytes(&mut out, name.as_bytes());
                match conflict {
                    TableConflict::Schema => out.push(0),
                    TableConflict::Rows(map) => {
                        out.push(1);
                        out.extend_from_slice(&map.0);
                    }
                }
            }
        }
        out
    }

    pub fn decode(chunk: &[u8]) -> Result<WorkingSet, CodecError> {
        let mut r = kind::open(chunk, Kind::WorkingSet)?;
        let mut ws = WorkingSet {
            working: r.hash()?,
            staged: r.hash()?,
            merge: None,
        };
        if !r.is_empty() {
            let version = r.uvarint()?;
            if version != MERGE_VERSION {
                return Err(CodecError::Newer(format!(
                    "its working set records a merge of version {version}, which this cairn \
                     does not know"
                )));
            }
            let theirs = r.hash()?;
            let base = r.hash()?;
            let operation = match r.u8()? {
                0 => Operation::Merge,
                1 => Operation::CherryPick,
                2 => Operation::Revert,
                _ => return Err(CodecError::Invalid("merge operation")),
            };
            let message = r.string()?;
            let n = r.count()?;
            let mut conflicts = BTreeMap::new();
            let mut last: Option<String> = None;
            for _ in 0..n {
                let name = r.string()?;
                if last.as_ref().is_some_and(|l| *l >= name) {
                    return Err(CodecError::Invalid("conflict order"));
                }
                let conflict = match r.u8()? {
                    0 => TableConflict::Schema,
                    // An empty map would be a table without conflicts, which is not listed.
                    1 => match r.hash()? {
                        map if map.is_empty() => return Err(CodecError::Invalid("conflict map")),
                        map => TableConflict::Rows(map),
                    },
                    _ => return Err(CodecError::Invalid("conflict kind")),
                };
                last = Some(name.clone());
                conflicts.insert(name, conflict);
            }
            ws.merge = Some(MergeState {
                operation,
                theirs,
                base,
                message,
                conflicts,
            });
        }
        r.end()?;
        Ok(ws)
    }

    pub fn refs(&self) -> Vec<Hash> {
        let mut refs = alloc::vec![self.working, self.staged];
        if let Some(m) = &self.merge {
            refs.extend([m.theirs, m.base]);
            refs.extend(m.conflicts.values().filter_map(|c| match c {
                TableConflict::Rows(map) => Some(*map),
                TableConflict::Schema => None,
            }));
        }
        refs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_1_working_set_reads_as_before_and_a_merge_round_trips() {
        let (w, s) = (Hash::of(b"w"), Hash::of(b"s"));
        let old = WorkingSet::clean(w);
        let mut bytes = alloc::vec![0x06];
        bytes.extend_from_slice(&w.0);
        bytes.extend_from_slice(&w.0);
        assert_eq!(old.encode(), bytes);
        assert_eq!(WorkingSet::decode(&bytes), Ok(old));

        let mut conflicts = BTreeMap::new();
        conflicts.insert("a".into(), TableConflict::Schema);
        conflicts.insert("b".into(), TableConflict::Rows(Hash::of(b"map")));
        let merging = WorkingSet {
            working: w,
            staged: s,
            merge: Some(MergeState {
                operation: Operation::CherryPick,
                theirs: Hash::of(b"theirs"),
                base: Hash::of(b"base"),
                message: "picked".into(),
                conflicts,
            }),
        };
        let bytes = merging.encode();
        assert_eq!(bytes[41], 2, "the merge section's version");
        assert_eq!(bytes[82], 1, "the operation: a cherry-pick");
        assert_eq!(&bytes[83..90], b"\x06picked");
        assert_eq!(WorkingSet::decode(&bytes), Ok(merging.clone()));
        assert_eq!(merging.refs().len(), 5);

        let mut newer = bytes.clone();
        newer[41] = 3;
        assert!(matches!(
            WorkingSet::decode(&newer),
            Err(CodecError::Newer(_))
        ));
    }
}
