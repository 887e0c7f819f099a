//! Little helpers for the binary encodings of chunks: LEB128 varints, length-prefixed byte
//! strings, and a reader that fails with an error, never a panic, on truncated or bad input.
//!
//! Varints are unsigned LEB128: seven bits a byte, least significant group first, the high
//! bit set on every byte but the last. Only the shortest encoding of a number is accepted, so
//! every number has exactly one encoding and a chunk's bytes are a function of its contents.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::hash::{Hash, HASH_LEN};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodecError {
    Truncated,
    BadVarint,
    BadUtf8,
    /// A field holds a value its format does not allow; says which.
    Invalid(&'static str),
    /// The chunk records a format this build does not know, which a newer cairn wrote: says
    /// what (`db::params`).
    Newer(String),
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::Truncated => f.write_str("truncated"),
            CodecError::BadVarint => f.write_str("malformed varint"),
            CodecError::BadUtf8 => f.write_str("text is not UTF-8"),
            CodecError::Invalid(what) => write!(f, "invalid {what}"),
            CodecError::Newer(what) => {
                write!(f, "made by a newer cairn: {what}; use a newer cairn")
            }
        }
    }
}

pub fn put_uvarint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Longest encoding of a `u64`: ten 7-bit groups.
const MAX_VARINT_LEN: usize = 10;

/// Reads a varint at `*pos` and advances past it; `None` if it is truncated, longer than a
/// `u64`, or not the shortest encoding of its value.
#[inline(always)]
pub fn read_uvarint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    // Most varints (lengths, small numbers) are one byte: a row's columns, read per row, so
    // this test goes into every caller and the loop below stays out of line (issue 16).
    if let Some(&byte) = bytes.get(*pos) {
        if byte < 0x80 {
            *pos += 1;
            return Some(byte.into());
        }
    }
    read_longer_uvarint(bytes, pos)
}

#[inline(never)]
fn read_longer_uvarint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for i in 0..MAX_VARINT_LEN {
        let byte = *bytes.get(*pos + i)?;
        let group = u64::from(byte & 0x7f);
        // The tenth group holds only the top bit of a u64.
        if i == MAX_VARINT_LEN - 1 && group > 1 {
            return None;
        }
        value |= group << (7 * i);
        if byte & 0x80 == 0 {
            // A zero final group after others means a longer encoding than needed.
            if byte == 0 && i > 0 {
                return None;
            }
            *pos += i + 1;
            return Some(value);
        }
    }
    None
}

pub fn put_ivarint(out: &mut Vec<u8>, v: i64) {
    put_uvarint(out, ((v << 1) ^ (v >> 63)) as u64);
}

pub fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_uvarint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Reads the encodings above from a byte slice.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// How many bytes it has read.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The bytes read since `start`, an earlier `position()`.
    pub fn read_since(&self, start: usize) -> &'a [u8] {
        &self.buf[start.min(self.pos)..self.pos]
    }

    pub fn u8(&mut self) -> Result<u8, CodecError> {
        let b = *self.buf.get(self.pos).ok_or(CodecError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self.pos.checked_add(n).ok_or(CodecError::Truncated)?;
        let out = self.buf.get(self.pos..end).ok_or(CodecError::Truncated)?;
        self.pos = end;
        Ok(out)
    }

    pub fn uvarint(&mut self) -> Result<u64, CodecError> {
        read_uvarint(self.buf, &mut self.pos).ok_or(if self.pos >= self.buf.len() {
            CodecError::Truncated
        } else {
            CodecError::BadVarint
        })
    }

    pub fn ivarint(&mut self) -> Result<i64, CodecError> {
        let u = self.uvarint()?;
        Ok(((u >> 1) as i64) ^ -((u & 1) as i64))
    }

    /// A count or length, bounded by the bytes left so a corrupt count cannot make a caller
    /// reserve absurd amounts of memory.
    pub fn count(&mut self) -> Result<usize, CodecError> {
        let n = self.uvarint()?;
        if n > (self.buf.len() - self.pos.min(self.buf.len())) as u64 {
            return Err(CodecError::Truncated);
        }
        Ok(n as usize)
    }

    pub fn bytes(&mut self) -> Result<&'a [u8], CodecError> {
        let n = self.count()?;
        self.take(n)
    }

    pub fn str(&mut self) -> Result<&'a str, CodecError> {
        core::str::from_utf8(self.bytes()?).map_err(|_| CodecError::BadUtf8)
    }

    pub fn string(&mut self) -> Result<String, CodecError> {
        self.str().map(String::from)
    }

    pub fn hash(&mut self) -> Result<Hash, CodecError> {
        let b = self.take(HASH_LEN)?;
        Ok(Hash::from_slice(b).unwrap_or_default())
    }

    pub fn end(&self) -> Result<(), CodecError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(CodecError::Invalid("trailing bytes"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_shortest_varint_is_read() {
        let mut buf = Vec::new();
        put_uvarint(&mut buf, 300);
        assert_eq!(buf, [0xac, 0x02]);
        let bad: [&[u8]; 5] = [
            &[],
            &[0x80],
            &[0x80, 0x00],
            &[0xff; 11],
            &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02],
        ];
        for bytes in bad {
            let mut pos = 0;
            assert_eq!(read_uvarint(bytes, &mut pos), None, "{bytes:?}");
            assert_eq!(pos, 0);
        }
    }

    #[test]
    fn varints_round_trip_and_reject_garbage() {
        let values = [0u64, 1, 127, 128, 300, u32::MAX as u64, u64::MAX];
        let mut buf = Vec::new();
        for v in values {
            put_uvarint(&mut buf, v);
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX] {
            put_ivarint(&mut buf, v);
        }
        let mut r = Reader::new(&buf);
        for v in values {
            assert_eq!(r.uvarint(), Ok(v));
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX] {
            assert_eq!(r.ivarint(), Ok(v));
        }
        assert!(r.end().is_ok());
        assert_eq!(Reader::new(&[]).uvarint(), Err(CodecError::Truncated));
        assert_eq!(Reader::new(&[0x80]).uvarint(), Err(CodecError::BadVarint));
        assert_eq!(
            Reader::new(&[0xff; 11]).uvarint(),
            Err(CodecError::BadVarint)
        );
        assert_eq!(Reader::new(&[5, b'a']).bytes(), Err(CodecError::Truncated));
        assert_eq!(
            Reader::new(&[2, 0xff, 0xfe]).str(),
            Err(CodecError::BadUtf8)
        );
    }
}
