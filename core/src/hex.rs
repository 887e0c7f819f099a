//! Bytes written as hexadecimal digits, two a byte: `{}` and `{:x}` in lower case (digests,
//! blob literals, JSON), `{:X}` in upper case (SQL's HEX). One writer for every place that
//! shows bytes this way, with no string made per byte; and one reader, `decode`, for every
//! place that reads them back (SQL's X'..' literals, UNHEX, a UUID's text).

use alloc::vec::Vec;
use core::fmt::{self, Write as _};

pub struct Hex<'a>(pub &'a [u8]);

impl Hex<'_> {
    fn write(&self, f: &mut fmt::Formatter<'_>, digits: &[u8; 16]) -> fmt::Result {
        self.0.iter().try_for_each(|b| {
            f.write_char(char::from(digits[usize::from(b >> 4)]))?;
            f.write_char(char::from(digits[usize::from(b & 15)]))
        })
    }
}

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::LowerHex::fmt(self, f)
    }
}

impl fmt::LowerHex for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, b"0123456789abcdef")
    }
}

impl fmt::UpperHex for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, b"0123456789ABCDEF")
    }
}

/// Hex digits, in either case, as bytes; an odd count is read with a leading zero, as MySQL
/// reads `0xABC` and UNHEX('ABC'). None if any is not a hex digit: digit by digit, as
/// `u8::from_str_radix` would take a pair with a sign (`+a`).
pub fn decode(digits: &[u8]) -> Option<Vec<u8>> {
    let digit = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
    let (head, rest) = digits.split_at(digits.len() % 2);
    let mut out = Vec::with_capacity(digits.len().div_ceil(2));
    if let [c] = head {
        out.push(digit(*c)?);
    }
    for pair in rest.chunks(2) {
        out.push((digit(pair[0])? << 4) | digit(pair[1])?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{decode, Hex};
    use alloc::format;

    #[test]
    fn writes_two_digits_a_byte_in_either_case() {
        let bytes = [0x00, 0x0f, 0xa5, 0xff, 0x10];
        assert_eq!(format!("{}", Hex(&bytes)), "000fa5ff10");
        assert_eq!(format!("{:X}", Hex(&bytes)), "000FA5FF10");
        assert_eq!(format!("{}", Hex(&[])), "");
    }

    #[test]
    fn decodes_digits_only_an_odd_count_as_if_led_by_zero() {
        assert_eq!(
            decode(b"000fA5Ff10"),
            Some([0x00, 0x0f, 0xa5, 0xff, 0x10].into())
        );
        assert_eq!(decode(b"abc"), Some([0x0a, 0xbc].into()));
        assert_eq!(decode(b""), Some([].into()));
        for bad in [&b"+a"[..], b"-a", b"a+b", b"gg", b" a", "é".as_bytes()] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
    }
}
