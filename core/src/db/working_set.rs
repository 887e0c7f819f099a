//! A branch's working set: its uncommitted (working) and staged root values. Backups carry
//! these; remotes never do.

use alloc::vec::Vec;

use crate::codec::CodecError;
use crate::db::kind::{self, Kind};
use crate::hash::Hash;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkingSet {
    pub working: Hash,
    pub staged: Hash,
}

impl WorkingSet {
    /// No uncommitted and no staged changes: both roots are the commit's.
    pub fn clean(root: Hash) -> WorkingSet {
        WorkingSet {
            working: root,
            staged: root,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = alloc::vec![Kind::WorkingSet as u8];
        out.extend_from_slice(&self.working.0);
        out.extend_from_slice(&self.staged.0);
        out
    }

    pub fn decode(chunk: &[u8]) -> Result<WorkingSet, CodecError> {
        let mut r = kind::open(chunk, Kind::WorkingSet)?;
        let ws = WorkingSet {
            working: r.hash()?,
            staged: r.hash()?,
        };
        r.end()?;
        Ok(ws)
    }

    pub fn refs(&self) -> Vec<Hash> {
        alloc::vec![self.working, self.staged]
    }
}
