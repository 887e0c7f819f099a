//! The first byte of every chunk the database writes says what it is, so that sync and
//! verify can walk from any chunk to the chunks it points at without knowing the schema.

use alloc::vec::Vec;

use crate::codec::{CodecError, Reader};
use crate::hash::Hash;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    ProllyNode = 0x01,
    RootValue = 0x03,
    Commit = 0x04,
    Datasets = 0x05,
    WorkingSet = 0x06,
    Backup = 0x07,
}

/// A reader positioned after the kind byte, if the chunk is of the expected kind.
pub fn open(chunk: &[u8], expected: Kind) -> Result<Reader<'_>, CodecError> {
    let mut r = Reader::new(chunk);
    if r.u8()? != expected as u8 {
        return Err(CodecError::Invalid("chunk kind"));
    }
    Ok(r)
}

/// The chunks a chunk points at, whatever its kind.
pub fn refs(chunk: &[u8]) -> Result<Vec<Hash>, CodecError> {
    use crate::db::{
        commit::Commit, datasets::Datasets, root_value::RootValue, working_set::WorkingSet,
    };
    match chunk.first() {
        Some(0x01) => crate::prolly::refs(chunk).map_err(|_| CodecError::Invalid("prolly node")),
        Some(0x03) => Ok(RootValue::decode(chunk)?.refs()),
        Some(0x04) => Ok(Commit::decode(chunk)?.refs()),
        Some(0x05) => Ok(Datasets::decode(chunk)?.refs()),
        Some(0x06) => Ok(WorkingSet::decode(chunk)?.refs()),
        Some(0x07) => Ok(crate::backup::BackupRoot::decode(chunk)?.refs()),
        _ => Err(CodecError::Invalid("chunk kind")),
    }
}

/// Whether every chunk this one points at is a prolly leaf (it is a level-1 node), which
/// points at nothing: a walk that only needs to know such children are present need not read
/// them.
pub fn children_are_leaves(chunk: &[u8]) -> bool {
    chunk.first() == Some(&(Kind::ProllyNode as u8)) && chunk.get(1) == Some(&1)
}
