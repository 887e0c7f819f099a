//! The store's root chunk: every named dataset and the chunk it points at.
//!
//! Names are Git-like: `refs/heads/<branch>` and `refs/tags/<tag>` point at commits,
//! `refs/remotes/<remote>/<branch>` at the commits last seen on a remote, and
//! `workingSets/heads/<branch>` at a branch's working set. The map ends with the format's
//! parameters (`db::params`), so every database, remote and snapshot carries them.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::{put_bytes, put_uvarint, CodecError};
use crate::db::kind::{self, Kind};
use crate::db::params;
use crate::hash::Hash;

pub const HEADS: &str = "refs/heads/";
pub const TAGS: &str = "refs/tags/";
pub const REMOTES: &str = "refs/remotes/";
pub const WORKING_SETS: &str = "workingSets/heads/";

pub fn head(branch: &str) -> String {
    format!("{HEADS}{branch}")
}

pub fn tag(name: &str) -> String {
    format!("{TAGS}{name}")
}

pub fn remote(remote: &str, branch: &str) -> String {
    format!("{REMOTES}{remote}/{branch}")
}

pub fn working_set(branch: &str) -> String {
    format!("{WORKING_SETS}{branch}")
}

/// A dataset's name as a user knows it: `branch 'main'`, `the working set of 'main'`.
pub fn describe(name: &str) -> String {
    let kinds = [
        (HEADS, "branch"),
        (TAGS, "tag"),
        (REMOTES, "remote-tracking branch"),
        (WORKING_SETS, "the working set of"),
    ];
    for (prefix, what) in kinds {
        if let Some(rest) = name.strip_prefix(prefix) {
            return format!("{what} '{rest}'");
        }
    }
    format!("'{name}'")
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Datasets {
    pub map: BTreeMap<String, Hash>,
}

impl Datasets {
    pub fn get(&self, name: &str) -> Option<Hash> {
        self.map.get(name).copied()
    }

    /// Names under a prefix, with the prefix taken off, in order.
    pub fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, Hash)> + 'a {
        self.map
            .range::<str, _>((
                core::ops::Bound::Included(prefix),
                core::ops::Bound::Unbounded,
            ))
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(move |(k, v)| (&k[prefix.len()..], *v))
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = alloc::vec![Kind::Datasets as u8];
        put_uvarint(&mut out, self.map.len() as u64);
        for (name, hash) in &self.map {
            put_bytes(&mut out, name.as_bytes());
            out.extend_from_slice(&hash.0);
        }
        params::encode(&mut out);
        out
    }

    pub fn decode(chunk: &[u8]) -> Result<Datasets, CodecError> {
        let mut r = kind::open(chunk, Kind::Datasets)?;
        let n = r.count()?;
        let mut map = BTreeMap::new();
        let mut last: Option<String> = None;
        for _ in 0..n {
            let name = r.string()?;
            if last.as_ref().is_some_and(|l| *l >= name) {
                return Err(CodecError::Invalid("dataset order"));
            }
            last = Some(name.clone());
            map.insert(name, r.hash()?);
        }
        params::check(&mut r)?;
        Ok(Datasets { map })
    }

    pub fn refs(&self) -> Vec<Hash> {
        self.map.values().copied().collect()
    }
}
