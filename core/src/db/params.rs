//! The format's parameters, recorded at the end of every dataset map as restic keeps its
//! chunker polynomial in its config: the prolly boundary rule and target node size, and the
//! row encoding. They decide every hash below the map, so a reader must know them to read the
//! store and a writer must use them to extend it.
//!
//! Maps written before parameters were recorded end after their datasets: they read as the
//! current parameters, which were the only ones then. A map recording anything else was made
//! by a newer cairn and is refused rather than misread. This build writes and reads only the
//! parameters its chunker and row codec use, so everything it adds to a store matches what
//! the store records.

use alloc::format;
use alloc::vec::Vec;

use crate::codec::{put_bytes, put_uvarint, CodecError, Reader};

/// Every parameter this build knows, sorted by name, with the value it uses.
pub const CURRENT: [(&str, u64); 3] = [
    ("prolly.boundary", crate::prolly::BOUNDARY_RULE),
    ("prolly.target", crate::prolly::TARGET as u64),
    ("rows", crate::db::row::ENCODING),
];

/// Older values this build still reads: rows encoding 2 only added column types, 3 only
/// column options and constraints to schemas, 4 only keys' index maps (a table of encoding
/// 3 with unique keys gets its maps at its next write), 5 only foreign keys and 6 only
/// AUTO_INCREMENT's start to schemas, so every store of encoding 1 to 5 is one of encoding 6
/// (its map records 6 once this build writes it).
const OLDER: [(&str, u64); 5] = [
    ("rows", 1),
    ("rows", 2),
    ("rows", 3),
    ("rows", 4),
    ("rows", 5),
];

pub fn encode(out: &mut Vec<u8>) {
    put_uvarint(out, CURRENT.len() as u64);
    for (name, value) in CURRENT {
        put_bytes(out, name.as_bytes());
        put_uvarint(out, value);
    }
}

/// Reads the parameters that end a dataset map (`r` is past its datasets), and refuses any
/// set but the current one. None at all is a map from before they were recorded.
pub fn check(r: &mut Reader<'_>) -> Result<(), CodecError> {
    if r.is_empty() {
        return Ok(());
    }
    let n = r.count()?;
    let mut read = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.str()?;
        let value = r.uvarint()?;
        if read.last().is_some_and(|(last, _)| *last >= name) {
            return Err(CodecError::Invalid("format parameter order"));
        }
        if !CURRENT.contains(&(name, value)) && !OLDER.contains(&(name, value)) {
            return Err(CodecError::Newer(format!(
                "it records format parameter '{}' = {value}, which this cairn does not know",
                crate::text::printable(name)
            )));
        }
        read.push((name, value));
    }
    r.end()?;
    match CURRENT
        .iter()
        .find(|(known, _)| !read.iter().any(|(n, _)| n == known))
    {
        Some((name, _)) => Err(CodecError::Newer(format!(
            "it does not record format parameter '{name}'"
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;
    use alloc::vec;

    use super::*;
    use crate::db::datasets::Datasets;
    use crate::hash::Hash;

    /// A map of one branch as it was written before parameters were recorded.
    fn old_map() -> Vec<u8> {
        let mut out = vec![0x05, 1];
        put_bytes(&mut out, b"refs/heads/main");
        out.extend_from_slice(&[7; 20]);
        out
    }

    /// The old map with `params` (name, value) appended as a record.
    fn with(params: &[(&str, u64)]) -> Vec<u8> {
        let mut out = old_map();
        put_uvarint(&mut out, params.len() as u64);
        for (name, value) in params {
            put_bytes(&mut out, name.as_bytes());
            put_uvarint(&mut out, *value);
        }
        out
    }

    #[test]
    fn a_map_records_the_current_parameters_in_docs_format() {
        let mut record = Vec::new();
        encode(&mut record);
        // docs/FORMAT.md, "Dataset maps": every byte of the record.
        let mut expected = vec![3, 15];
        expected.extend_from_slice(b"prolly.boundary\x01\x0dprolly.target\x80\x20\x04rows\x06");
        assert_eq!(record, expected);
        let map = Datasets::decode(&old_map()).unwrap();
        assert_eq!(map.encode(), [old_map(), record].concat());
        assert_eq!(Datasets::decode(&map.encode()), Ok(map));
    }

    #[test]
    fn a_map_without_parameters_reads_as_the_current_ones() {
        let map = Datasets::decode(&old_map()).unwrap();
        assert_eq!(map.get("refs/heads/main"), Some(Hash([7; 20])));
        assert_eq!(Datasets::decode(&with(&CURRENT)), Ok(map));
    }

    #[test]
    fn maps_of_older_rows_encodings_read_and_gain_encoding_6_when_written() {
        for old in [1, 2, 3, 4, 5] {
            let older = [CURRENT[0], CURRENT[1], ("rows", old)];
            let map = Datasets::decode(&with(&older)).unwrap();
            assert_eq!(map.encode(), with(&CURRENT));
        }
        let newer = [CURRENT[0], CURRENT[1], ("rows", 7)];
        assert!(matches!(
            Datasets::decode(&with(&newer)),
            Err(CodecError::Newer(_))
        ));
    }

    #[test]
    fn parameters_this_build_does_not_know_are_refused() {
        let newer = |bytes: &[u8]| match Datasets::decode(bytes) {
            Err(e @ CodecError::Newer(_)) => e.to_string(),
            other => panic!("{other:?}"),
        };
        let target = [CURRENT[0], ("prolly.target", 8192), CURRENT[2]];
        assert_eq!(
            newer(&with(&target)),
            "made by a newer cairn: it records format parameter 'prolly.target' = 8192, which \
             this cairn does not know; use a newer cairn"
        );
        let extra = [CURRENT[0], CURRENT[1], ("prolly.zz", 1), CURRENT[2]];
        assert!(newer(&with(&extra)).contains("'prolly.zz' = 1"));
        assert_eq!(
            newer(&with(&CURRENT[..2])),
            "made by a newer cairn: it does not record format parameter 'rows'; use a newer cairn"
        );
        let unsorted = [CURRENT[1], CURRENT[0], CURRENT[2]];
        assert_eq!(
            Datasets::decode(&with(&unsorted)),
            Err(CodecError::Invalid("format parameter order"))
        );
        let mut trailing = with(&CURRENT);
        trailing.push(0);
        assert_eq!(
            Datasets::decode(&trailing),
            Err(CodecError::Invalid("trailing bytes"))
        );
    }
}
