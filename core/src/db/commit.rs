//! Commits: a root value, parents, author, time and message.

use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::{put_bytes, put_uvarint, CodecError};
use crate::db::kind::{self, Kind};
use crate::hash::Hash;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    pub root: Hash,
    pub parents: Vec<Hash>,
    pub author: String,
    pub email: String,
    /// Milliseconds since the Unix epoch.
    pub time_ms: u64,
    pub message: String,
}

impl Commit {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = alloc::vec![Kind::Commit as u8];
        out.extend_from_slice(&self.root.0);
        put_uvarint(&mut out, self.parents.len() as u64);
        for p in &self.parents {
            out.extend_from_slice(&p.0);
        }
        put_bytes(&mut out, self.author.as_bytes());
        put_bytes(&mut out, self.email.as_bytes());
        put_uvarint(&mut out, self.time_ms);
        put_bytes(&mut out, self.message.as_bytes());
        out
    }

    pub fn decode(chunk: &[u8]) -> Result<Commit, CodecError> {
        let mut r = kind::open(chunk, Kind::Commit)?;
        let root = r.hash()?;
        let n = r.count()?;
        let parents = (0..n).map(|_| r.hash()).collect::<Result<_, _>>()?;
        let commit = Commit {
            root,
            parents,
            author: r.string()?,
            email: r.string()?,
            time_ms: r.uvarint()?,
            message: r.string()?,
        };
        r.end()?;
        Ok(commit)
    }

    pub fn refs(&self) -> Vec<Hash> {
        let mut refs = alloc::vec![self.root];
        refs.extend_from_slice(&self.parents);
        refs
    }
}
