//! A conflicting row as the working set's conflict maps hold it: the row's stored value in the
//! merge base, ours and theirs (each in its own side's encoding, absent where that side has no
//! such row), under the row's key.

use alloc::vec::Vec;

use crate::codec::{put_bytes, CodecError, Reader};

/// One row's three versions; `None` where a side lacks the row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowConflict {
    pub base: Option<Vec<u8>>,
    pub ours: Option<Vec<u8>>,
    pub theirs: Option<Vec<u8>>,
}

impl RowConflict {
    /// A presence byte (bit 0 base, bit 1 ours, bit 2 theirs), then each present value as
    /// `bytes`, in that order.
    pub fn encode(&self) -> Vec<u8> {
        let sides = [&self.base, &self.ours, &self.theirs];
        let mask = sides
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_some())
            .fold(0u8, |m, (i, _)| m | 1 << i);
        let mut out = alloc::vec![mask];
        for value in sides.into_iter().flatten() {
            put_bytes(&mut out, value);
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<RowConflict, CodecError> {
        let mut r = Reader::new(bytes);
        let mask = r.u8()?;
        if mask > 0b111 {
            return Err(CodecError::Invalid("conflict sides"));
        }
        let mut side = |bit: u8| -> Result<Option<Vec<u8>>, CodecError> {
            match mask & 1 << bit {
                0 => Ok(None),
                _ => Ok(Some(r.bytes()?.to_vec())),
            }
        };
        let conflict = RowConflict {
            base: side(0)?,
            ours: side(1)?,
            theirs: side(2)?,
        };
        r.end()?;
        Ok(conflict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sides_round_trip_and_absent_ones_take_no_bytes() {
        let c = RowConflict {
            base: None,
            ours: Some(alloc::vec![7]),
            theirs: Some(Vec::new()),
        };
        assert_eq!(c.encode(), [0b110, 1, 7, 0]);
        assert_eq!(RowConflict::decode(&c.encode()), Ok(c));
        assert!(RowConflict::decode(&[0b1000]).is_err());
        assert!(RowConflict::decode(&[0b001, 1, 7, 0]).is_err());
    }
}
