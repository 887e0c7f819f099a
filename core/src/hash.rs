//! Chunk addresses: the first 20 bytes of a chunk's BLAKE3 hash, written in base32.

use alloc::string::String;
use core::cmp::Ordering;
use core::fmt;

use crate::base32;

pub const HASH_LEN: usize = 20;
/// Length of a hash written in base32.
pub const HASH_TEXT_LEN: usize = 32;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Hash(pub [u8; HASH_LEN]);

/// The bytes' order, compared as two big-endian integers: a derived order calls `memcmp`,
/// which wasm runs a byte at a time, and every chunk read binary-searches table indexes.
impl Ord for Hash {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_integers().cmp(&other.as_integers())
    }
}

impl PartialOrd for Hash {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash {
    /// The empty hash: marks "no root yet" in a manifest.
    pub const EMPTY: Hash = Hash([0; HASH_LEN]);

    pub fn of(data: &[u8]) -> Hash {
        let full = blake3::hash(data);
        let mut out = [0u8; HASH_LEN];
        out.copy_from_slice(&full.as_bytes()[..HASH_LEN]);
        Hash(out)
    }

    pub fn from_slice(bytes: &[u8]) -> Option<Hash> {
        Some(Hash(bytes.try_into().ok()?))
    }

    pub fn parse(text: &str) -> Option<Hash> {
        if text.len() != HASH_TEXT_LEN {
            return None;
        }
        let mut bytes = [0; HASH_LEN];
        base32::decode_into(text, &mut bytes)?;
        Some(Hash(bytes))
    }

    pub fn to_base32(&self) -> String {
        base32::encode(&self.0)
    }

    pub fn is_empty(&self) -> bool {
        *self == Hash::EMPTY
    }

    /// The first 8 bytes as a big-endian integer: where the address falls among all
    /// addresses, in their order.
    pub fn prefix(&self) -> u64 {
        (self.as_integers().0 >> 64) as u64
    }

    fn as_integers(&self) -> (u128, u32) {
        let (high, low) = self.0.split_at(16);
        (
            u128::from_be_bytes(high.try_into().expect("16 bytes")),
            u32::from_be_bytes(low.try_into().expect("4 bytes")),
        )
    }
}

/// Hashes several byte strings as one, without joining them first.
pub struct Hasher(blake3::Hasher);

impl Hasher {
    pub fn new() -> Self {
        Hasher(blake3::Hasher::new())
    }

    pub fn update(&mut self, data: &[u8]) -> &mut Self {
        self.0.update(data);
        self
    }

    pub fn finish(&self) -> Hash {
        let mut out = [0u8; HASH_LEN];
        out.copy_from_slice(&self.0.finalize().as_bytes()[..HASH_LEN]);
        Hash(out)
    }
}

impl Default for Hasher {
    fn default() -> Self {
        Hasher::new()
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base32())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn order_is_the_bytes_order(a in any::<[u8; HASH_LEN]>(), b in any::<[u8; HASH_LEN]>(), cut in 0..HASH_LEN) {
            prop_assert_eq!(Hash(a).cmp(&Hash(b)), a.cmp(&b));
            // Hashes that share a prefix, differing first at byte `cut`.
            let mut c = a;
            c[cut] = c[cut].wrapping_add(1);
            prop_assert_eq!(Hash(a).cmp(&Hash(c)), a.cmp(&c));
            prop_assert_eq!(Hash(a).partial_cmp(&Hash(a)), Some(Ordering::Equal));
        }
    }

    #[test]
    fn hash_is_truncated_blake3() {
        let h = Hash::of(b"abc");
        assert_eq!(&h.0[..], &blake3::hash(b"abc").as_bytes()[..20]);
        assert_eq!(h.to_base32().len(), HASH_TEXT_LEN);
        assert_eq!(Hash::parse(&h.to_base32()), Some(h));
        let mut hasher = Hasher::new();
        hasher.update(b"a").update(b"bc");
        assert_eq!(hasher.finish(), h);
    }

    #[test]
    fn parse_rejects_wrong_lengths_and_characters() {
        assert_eq!(Hash::parse(""), None);
        assert_eq!(Hash::parse(&"0".repeat(31)), None);
        assert_eq!(Hash::parse(&"z".repeat(32)), None);
        assert_eq!(Hash::parse(&"0".repeat(32)), Some(Hash::EMPTY));
    }
}
