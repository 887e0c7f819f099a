//! Helpers the fuzz targets share.

use core::fmt::Debug;

/// Splits an input in two at the length its first two bytes (LE) give, so that one input
/// carries two byte strings; the length is capped at what is there.
pub fn split(data: &[u8]) -> (&[u8], &[u8]) {
    let Some((len, rest)) = data.split_first_chunk::<2>() else {
        return (&[], &[]);
    };
    rest.split_at(usize::from(u16::from_le_bytes(*len)).min(rest.len()))
}

/// The inverse of `split`, for writing seeds.
pub fn join(first: &[u8], second: &[u8]) -> Vec<u8> {
    let mut out = u16::try_from(first.len())
        .expect("a first part under 64 KiB")
        .to_le_bytes()
        .to_vec();
    out.extend_from_slice(first);
    out.extend_from_slice(second);
    out
}

/// For a chunk codec whose encoding is canonical: whatever decodes must encode to exactly the
/// bytes it came from, and the chunk's references must be readable by kind alone.
pub fn exact_round_trip<T: PartialEq + Debug, E>(
    chunk: &[u8],
    decode: impl Fn(&[u8]) -> Result<T, E>,
    encode: impl Fn(&T) -> Vec<u8>,
) {
    let by_kind = cairn_core::db::kind::refs(chunk);
    let Ok(value) = decode(chunk) else {
        return;
    };
    assert_eq!(encode(&value), chunk, "{value:?} encodes to other bytes");
    assert!(by_kind.is_ok(), "decodes, but its references do not");
}
