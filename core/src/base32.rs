//! Base32 as Dolt and Noms write it: digits then `a`..`v`, lowercase, no padding.
//! A 20-byte hash becomes exactly 32 characters.

use alloc::string::String;
use alloc::vec::Vec;

const ALPHABET: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";

pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decodes lowercase or uppercase base32; `None` on any other character or on
/// trailing bits that are not zero (so every byte string has exactly one spelling).
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let mut out = alloc::vec![0; text.len() * 5 / 8];
    decode_into(text, &mut out)?;
    Some(out)
}

/// `decode` into `out`, which must be as long as the bytes `text` spells (`None` if not):
/// a hash parses so without allocating, once for each chunk JS reads by its address.
pub fn decode_into(text: &str, out: &mut [u8]) -> Option<()> {
    if out.len() != text.len() * 5 / 8 {
        return None;
    }
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    let mut at = 0;
    for c in text.bytes() {
        let value = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'v' => c - b'a' + 10,
            b'A'..=b'V' => c - b'A' + 10,
            _ => return None,
        };
        buffer = (buffer << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out[at] = (buffer >> bits) as u8;
            at += 1;
        }
    }
    if bits >= 5 || buffer & ((1 << bits) - 1) != 0 {
        return None;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length() {
        for len in 0..=40usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = encode(&bytes);
            assert_eq!(text.len(), (len * 8).div_ceil(5));
            assert_eq!(decode(&text).as_deref(), Some(&bytes[..]), "length {len}");
        }
    }

    #[test]
    fn known_values() {
        assert_eq!(encode(&[0xff; 5]), "vvvvvvvv");
        assert_eq!(encode(&[0; 20]), "00000000000000000000000000000000");
        assert_eq!(encode(b"f"), "co");
    }

    #[test]
    fn rejects_bad_text() {
        assert_eq!(decode("w0"), None);
        assert_eq!(decode("c!"), None);
        // "cp" has a non-zero trailing bit: only "co" spells b"f".
        assert_eq!(decode("cp"), None);
        // Five characters hold 25 bits: three bytes need five, one dangling character is junk.
        assert_eq!(decode("c"), None);
    }

    #[test]
    fn decodes_into_a_buffer_only_of_the_decoded_length() {
        let text = encode(b"hello");
        let mut out = [0u8; 5];
        assert_eq!(decode_into(&text, &mut out), Some(()));
        assert_eq!(&out, b"hello");
        assert_eq!(decode_into(&text, &mut [0u8; 4]), None);
        assert_eq!(decode_into(&text, &mut [0u8; 6]), None);
    }
}
