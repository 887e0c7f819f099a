//! Unsigned LEB128 varints: seven bits a byte, least significant group first, the high bit set
//! on every byte but the last. Only the shortest encoding of a number is accepted, so every
//! number has exactly one encoding and a node's bytes are a function of its entries.

use alloc::vec::Vec;

/// Longest encoding of a `u64`: ten 7-bit groups.
const MAX_LEN: usize = 10;

pub fn write(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads a varint at `*pos` and advances past it; `None` if it is truncated, longer than a
/// `u64`, or not the shortest encoding of its value.
pub fn read(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for i in 0..MAX_LEN {
        let byte = *bytes.get(*pos + i)?;
        let group = u64::from(byte & 0x7f);
        // The tenth group holds only the top bit of a u64.
        if i == MAX_LEN - 1 && group > 1 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn round_trips_edge_values() {
        for value in [
            0,
            1,
            127,
            128,
            255,
            16_383,
            16_384,
            u32::MAX as u64,
            u64::MAX,
        ] {
            let mut buf = vec![0xee];
            write(&mut buf, value);
            let mut pos = 1;
            assert_eq!(read(&buf, &mut pos), Some(value));
            assert_eq!(pos, buf.len());
        }
        let mut buf = Vec::new();
        write(&mut buf, 300);
        assert_eq!(buf, [0xac, 0x02]);
    }

    #[test]
    fn rejects_truncated_overlong_and_oversized() {
        let bad: [&[u8]; 5] = [
            &[],
            &[0x80],
            &[0x80, 0x00],
            &[0xff; 11],
            &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02],
        ];
        for bytes in bad {
            let mut pos = 0;
            assert_eq!(read(bytes, &mut pos), None, "{bytes:?}");
            assert_eq!(pos, 0);
        }
    }
}
