//! Sealed objects: a plaintext cut into 64 KiB segments, each sealed on its own with
//! XChaCha20-Poly1305, so that a ranged read of the plaintext stays a ranged read of the
//! object.
//!
//! ```text
//! segment i: nonce (24 random bytes) | ciphertext (64 KiB, the last 0..=64 KiB) | tag (16)
//! associated data: "cairn-sealed" | version u16 LE | name length u8 | name | i u64 LE | last u8
//! ```
//! The name in the associated data keeps an object from passing as another; the index and the
//! last-segment flag keep segments from being reordered, dropped or an object truncated at a
//! segment boundary. A random nonce per segment (192 bits: no collision to fear) needs no
//! header, so any run of segments reads in one request.

use alloc::vec::Vec;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::error::CryptError;
use crate::keys::DataKey;

/// The format of sealed objects, names and manifests; in every segment's associated data.
pub const VERSION: u16 = 1;
/// Plaintext bytes per segment (all but the last are full).
pub const SEGMENT: u64 = 64 * 1024;
const NONCE: usize = 24;
const TAG: usize = 16;
/// What sealing adds to each segment.
pub const OVERHEAD: u64 = (NONCE + TAG) as u64;
/// A full segment as stored.
pub const SEALED_SEGMENT: u64 = SEGMENT + OVERHEAD;

/// Segments of a plaintext of `plain` bytes: at least one, so an empty object is sealed too.
pub fn segments(plain: u64) -> u64 {
    plain.div_ceil(SEGMENT).max(1)
}

/// The stored length of a plaintext of `plain` bytes.
pub fn sealed_len(plain: u64) -> u64 {
    plain + OVERHEAD * segments(plain)
}

/// The plaintext length of a stored object of `sealed` bytes, or `None` if no plaintext
/// seals to that length (a truncated or padded object).
pub fn plain_len(sealed: u64) -> Option<u64> {
    let count = sealed.div_ceil(SEALED_SEGMENT).max(1);
    let plain = sealed.checked_sub(OVERHEAD * count)?;
    (sealed_len(plain) == sealed).then_some(plain)
}

fn associated_data(name: &str, index: u64, last: bool) -> Vec<u8> {
    let mut ad = Vec::with_capacity(12 + 2 + 1 + name.len() + 9);
    ad.extend_from_slice(b"cairn-sealed");
    ad.extend_from_slice(&VERSION.to_le_bytes());
    // Names are at most 128 bytes (`check_name`), so one byte holds the length.
    ad.push(name.len() as u8);
    ad.extend_from_slice(name.as_bytes());
    ad.extend_from_slice(&index.to_le_bytes());
    ad.push(u8::from(last));
    ad
}

/// Seals a whole object named `name`.
pub fn seal(key: &DataKey, name: &str, plain: &[u8]) -> Result<Vec<u8>, CryptError> {
    let cipher = XChaCha20Poly1305::new(key.bytes().into());
    let count = segments(plain.len() as u64);
    let mut out = Vec::with_capacity(sealed_len(plain.len() as u64) as usize);
    for index in 0..count {
        let start = (index * SEGMENT) as usize;
        let end = (start + SEGMENT as usize).min(plain.len());
        let mut nonce = [0u8; NONCE];
        getrandom::fill(&mut nonce).map_err(|_| CryptError::NoRandomness)?;
        let payload = Payload {
            msg: &plain[start..end],
            aad: &associated_data(name, index, index + 1 == count),
        };
        let sealed = cipher
            .encrypt(&XNonce::from(nonce), payload)
            .map_err(|_| CryptError::NoRandomness)?;
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
    }
    Ok(out)
}

/// Why a stored object does not open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Damage {
    /// Its length is not one a sealed object can have.
    Length,
    /// A segment fails authentication: changed, moved from another object or position, or cut.
    Authentication,
}

impl Damage {
    pub fn describe(self) -> &'static str {
        match self {
            Damage::Length => "its length is not that of a sealed object (truncated?)",
            Damage::Authentication => {
                "it fails authentication (damaged, truncated, or changed by someone without the key)"
            }
        }
    }
}

/// Opens segments `first..` of object `name` from `bytes`, which hold them back to back.
/// `last` is the index of the object's last segment when known; when not, a final segment of
/// full length is tried as both.
pub fn open_segments(
    key: &DataKey,
    name: &str,
    first: u64,
    bytes: &[u8],
    last: Option<u64>,
) -> Result<Vec<u8>, Damage> {
    let cipher = XChaCha20Poly1305::new(key.bytes().into());
    let mut out = Vec::with_capacity(bytes.len());
    for (index, segment) in (first..).zip(bytes.chunks(SEALED_SEGMENT as usize)) {
        if segment.len() < OVERHEAD as usize {
            return Err(Damage::Length);
        }
        let (nonce, sealed) = segment.split_at(NONCE);
        let nonce = XNonce::try_from(nonce).map_err(|_| Damage::Length)?;
        let is_last = match last {
            Some(last) => Some(index == last),
            // A short segment can only be the last.
            None if (segment.len() as u64) < SEALED_SEGMENT => Some(true),
            None => None,
        };
        let open = |last: bool| {
            cipher.decrypt(
                &nonce,
                Payload {
                    msg: sealed,
                    aad: &associated_data(name, index, last),
                },
            )
        };
        let plain = match is_last {
            Some(flag) => open(flag),
            None => open(false).or_else(|_| open(true)),
        }
        .map_err(|_| Damage::Authentication)?;
        out.extend_from_slice(&plain);
    }
    Ok(out)
}

/// Opens a whole stored object.
pub fn open(key: &DataKey, name: &str, bytes: &[u8]) -> Result<Vec<u8>, Damage> {
    let plain = plain_len(bytes.len() as u64).ok_or(Damage::Length)?;
    open_segments(key, name, 0, bytes, Some(segments(plain) - 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::MasterKey;

    fn key() -> DataKey {
        MasterKey::from_bytes([7; 32]).data_key()
    }

    #[test]
    fn lengths_round_trip() {
        for plain in [
            0,
            1,
            SEGMENT - 1,
            SEGMENT,
            SEGMENT + 1,
            3 * SEGMENT,
            1 << 30,
        ] {
            assert_eq!(plain_len(sealed_len(plain)), Some(plain), "{plain}");
        }
        // Less than a nonce and a tag, or a last segment holding no byte after a full one.
        for sealed in [0, 39, SEALED_SEGMENT + 39, SEALED_SEGMENT + 40] {
            assert_eq!(plain_len(sealed), None, "{sealed}");
        }
    }

    #[test]
    fn seals_and_opens_every_size() {
        let key = key();
        for len in [0, 1, 100, SEGMENT as usize, SEGMENT as usize + 5, 200_000] {
            let plain: Vec<u8> = (0..len).map(|i| (i * 31) as u8).collect();
            let sealed = seal(&key, "obj", &plain).unwrap();
            assert_eq!(sealed.len() as u64, sealed_len(len as u64));
            assert_eq!(open(&key, "obj", &sealed).unwrap(), plain);
        }
    }

    #[test]
    fn another_name_a_cut_or_a_flipped_byte_fails() {
        let key = key();
        let plain = alloc::vec![5u8; 3 * SEGMENT as usize];
        let sealed = seal(&key, "a", &plain).unwrap();
        assert_eq!(open(&key, "b", &sealed), Err(Damage::Authentication));
        // Cut at a segment boundary: the new last segment was not sealed as last.
        let cut = &sealed[..2 * SEALED_SEGMENT as usize];
        assert_eq!(open(&key, "a", cut), Err(Damage::Authentication));
        assert_eq!(open(&key, "a", &sealed[..100]), Err(Damage::Authentication));
        let mut flipped = sealed.clone();
        flipped[SEALED_SEGMENT as usize + 50] ^= 1;
        assert_eq!(open(&key, "a", &flipped), Err(Damage::Authentication));
        // Two segments swapped.
        let mut swapped = sealed[SEALED_SEGMENT as usize..2 * SEALED_SEGMENT as usize].to_vec();
        swapped.extend_from_slice(&sealed[..SEALED_SEGMENT as usize]);
        swapped.extend_from_slice(&sealed[2 * SEALED_SEGMENT as usize..]);
        assert_eq!(open(&key, "a", &swapped), Err(Damage::Authentication));
        let other = MasterKey::from_bytes([8; 32]).data_key();
        assert_eq!(open(&other, "a", &sealed), Err(Damage::Authentication));
    }

    #[test]
    fn a_middle_run_opens_without_the_size() {
        let key = key();
        let plain: Vec<u8> = (0..3 * SEGMENT as usize).map(|i| i as u8).collect();
        let sealed = seal(&key, "x", &plain).unwrap();
        let run = &sealed[SEALED_SEGMENT as usize..2 * SEALED_SEGMENT as usize];
        let opened = open_segments(&key, "x", 1, run, None).unwrap();
        assert_eq!(opened, plain[SEGMENT as usize..2 * SEGMENT as usize]);
        // The last segment, full, opens as last when the size is not known.
        let tail = &sealed[2 * SEALED_SEGMENT as usize..];
        assert!(open_segments(&key, "x", 2, tail, None).is_ok());
        assert!(open_segments(&key, "x", 1, run, Some(1)).is_err());
    }
}
