//! Bytes written as hexadecimal digits, two a byte: `{}` and `{:x}` in lower case (digests,
//! blob literals, JSON), `{:X}` in upper case (SQL's HEX). One writer for every place that
//! shows bytes this way, with no string made per byte.

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

#[cfg(test)]
mod tests {
    use super::Hex;
    use alloc::format;

    #[test]
    fn writes_two_digits_a_byte_in_either_case() {
        let bytes = [0x00, 0x0f, 0xa5, 0xff, 0x10];
        assert_eq!(format!("{}", Hex(&bytes)), "000fa5ff10");
        assert_eq!(format!("{:X}", Hex(&bytes)), "000FA5FF10");
        assert_eq!(format!("{}", Hex(&[])), "");
    }
}
