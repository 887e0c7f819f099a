//! The manifest: the one mutable object of a store. It names the root hash and the live
//! table files, and is replaced only by compare-and-swap of its exact bytes.
//!
//! ```text
//! cairn-manifest 1
//! lock <hash>
//! root <hash>
//! table <name> <chunk count> <size in bytes>     one line per table file, sorted by name
//! check <hash>                                    BLAKE3-160 of every byte before this line
//! ```
//! Lines end in `\n`; hashes and names are base32. `lock` chains every version to the one
//! before it, so no two versions of a store's manifest have the same bytes.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::hash::{Hash, Hasher};

pub const VERSION: u32 = 1;
const HEADER: &str = "cairn-manifest";

/// A table file as the manifest lists it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TableSpec {
    pub name: String,
    pub chunk_count: u32,
    pub size: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Manifest {
    pub lock: Hash,
    pub root: Hash,
    /// Sorted by name, no duplicates.
    pub tables: Vec<TableSpec>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ManifestError {
    UnsupportedVersion(String),
    Malformed { line: usize, why: &'static str },
    Checksum,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManifestError::UnsupportedVersion(v) => write!(
                f,
                "manifest format version '{v}' is not supported (this build reads version {VERSION})"
            ),
            ManifestError::Malformed { line, why } => {
                write!(f, "manifest is malformed at line {line}: {why}")
            }
            ManifestError::Checksum => {
                f.write_str("manifest checksum mismatch (damaged or truncated)")
            }
        }
    }
}

impl Manifest {
    /// The manifest that follows `self` with a new root and table set.
    pub fn next(&self, root: Hash, mut tables: Vec<TableSpec>) -> Manifest {
        tables.sort();
        tables.dedup_by(|a, b| a.name == b.name);
        let mut h = Hasher::new();
        h.update(b"cairn-lock\n")
            .update(&self.lock.0)
            .update(&root.0);
        for t in &tables {
            h.update(t.name.as_bytes()).update(b"\n");
        }
        Manifest {
            lock: h.finish(),
            root,
            tables,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut text = format!(
            "{HEADER} {VERSION}\nlock {}\nroot {}\n",
            self.lock, self.root
        );
        for t in &self.tables {
            text.push_str(&format!("table {} {} {}\n", t.name, t.chunk_count, t.size));
        }
        let check = Hash::of(text.as_bytes());
        text.push_str(&format!("check {check}\n"));
        text.into_bytes()
    }

    pub fn decode(bytes: &[u8]) -> Result<Manifest, ManifestError> {
        let bad = |line: usize, why: &'static str| ManifestError::Malformed { line, why };
        let text = core::str::from_utf8(bytes).map_err(|_| bad(1, "not UTF-8"))?;
        let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
        let header = lines.first().ok_or(bad(1, "empty"))?;
        let version = header
            .strip_prefix(HEADER)
            .and_then(|rest| rest.strip_prefix(' '))
            .ok_or(bad(1, "not a Cairn manifest"))?
            .trim_end_matches('\n');
        if version != "1" {
            return Err(ManifestError::UnsupportedVersion(version.into()));
        }
        let last = lines.pop().unwrap();
        let check_line = lines.len() + 1;
        let check = last
            .strip_prefix("check ")
            .and_then(|h| h.strip_suffix('\n'))
            .and_then(Hash::parse)
            .ok_or(bad(check_line, "missing check line (truncated?)"))?;
        let body_len: usize = lines.iter().map(|l| l.len()).sum();
        if Hash::of(&bytes[..body_len]) != check {
            return Err(ManifestError::Checksum);
        }
        let field = |i: usize, key: &str| -> Result<Hash, ManifestError> {
            lines
                .get(i)
                .and_then(|l| l.strip_prefix(key))
                .and_then(|l| l.strip_prefix(' '))
                .and_then(|l| l.strip_suffix('\n'))
                .and_then(Hash::parse)
                .ok_or(bad(i + 1, "expected a hash field"))
        };
        let lock = field(1, "lock")?;
        let root = field(2, "root")?;
        let mut tables = Vec::new();
        for (i, line) in lines.iter().enumerate().skip(3) {
            let mut parts = line
                .strip_prefix("table ")
                .and_then(|l| l.strip_suffix('\n'))
                .ok_or(bad(i + 1, "expected a table line"))?
                .split(' ');
            let (Some(name), Some(count), Some(size), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(bad(i + 1, "a table line has three fields"));
            };
            if Hash::parse(name).is_none() {
                return Err(bad(i + 1, "table name is not a base32 hash"));
            }
            tables.push(TableSpec {
                name: name.into(),
                chunk_count: count.parse().map_err(|_| bad(i + 1, "bad chunk count"))?,
                size: size.parse().map_err(|_| bad(i + 1, "bad size"))?,
            });
        }
        if tables.windows(2).any(|w| w[0].name >= w[1].name) {
            return Err(bad(4, "table lines are not sorted by name"));
        }
        Ok(Manifest { lock, root, tables })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn sample() -> Manifest {
        Manifest::default().next(
            Hash::of(b"root"),
            vec![
                TableSpec {
                    name: Hash::of(b"t2").to_base32(),
                    chunk_count: 2,
                    size: 200,
                },
                TableSpec {
                    name: Hash::of(b"t1").to_base32(),
                    chunk_count: 1,
                    size: 100,
                },
            ],
        )
    }

    #[test]
    fn round_trip_and_order() {
        let m = sample();
        assert!(m.tables[0].name < m.tables[1].name);
        assert_eq!(Manifest::decode(&m.encode()), Ok(m.clone()));
        let next = m.next(m.root, m.tables.clone());
        assert_ne!(next.lock, m.lock, "every version must differ");
    }

    #[test]
    fn any_damage_is_an_error() {
        let bytes = sample().encode();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x04;
            assert!(
                Manifest::decode(&bad).is_err(),
                "flip at {i} went unnoticed"
            );
        }
        for len in 0..bytes.len() {
            assert!(
                Manifest::decode(&bytes[..len]).is_err(),
                "truncated to {len}"
            );
        }
        assert!(Manifest::decode(b"\xff\xfe garbage").is_err());
        assert_eq!(
            Manifest::decode(b"cairn-manifest 9\n"),
            Err(ManifestError::UnsupportedVersion("9".into()))
        );
    }
}
