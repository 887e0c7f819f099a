//! crc-fast's `Digest` for the one algorithm object_store uses (see Cargo.toml for why this
//! crate stands in for crc-fast): CRC-64/NVME, computed by the `crc` crate with its
//! 16-way table of that one polynomial.
#![no_std]

use crc::{Crc, Table, CRC_64_NVME};

static NVME: Crc<u64, Table<16>> = Crc::<u64, Table<16>>::new(&CRC_64_NVME);

/// The CRCs this crate computes: of crc-fast's, the one object_store asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CrcAlgorithm {
    Crc64Nvme,
}

/// A CRC over bytes given in pieces.
#[derive(Clone)]
pub struct Digest {
    digest: crc::Digest<'static, u64, Table<16>>,
}

impl Digest {
    pub fn new(algorithm: CrcAlgorithm) -> Self {
        match algorithm {
            CrcAlgorithm::Crc64Nvme => Digest {
                digest: NVME.digest(),
            },
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        self.digest.update(data);
    }

    /// The CRC of every byte given so far.
    pub fn finalize(&self) -> u64 {
        self.digest.clone().finalize()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc64_nvme_check_value() {
        // The catalogue's check value: the CRC of the ASCII digits 1 to 9.
        let mut digest = Digest::new(CrcAlgorithm::Crc64Nvme);
        digest.update(b"123456789");
        assert_eq!(digest.finalize(), 0xae8b_1486_0a79_9888);
    }

    #[test]
    fn pieces_give_the_crc_of_the_whole() {
        let bytes: [u8; 1000] = core::array::from_fn(|i| (i * 7 + i / 13) as u8);
        let mut whole = Digest::new(CrcAlgorithm::Crc64Nvme);
        whole.update(&bytes);
        for cut in [0, 1, 15, 16, 17, 999, 1000] {
            let mut pieces = Digest::new(CrcAlgorithm::Crc64Nvme);
            pieces.update(&bytes[..cut]);
            pieces.update(&bytes[cut..]);
            assert_eq!(pieces.finalize(), whole.finalize(), "cut at {cut}");
        }
        // Bytes after a finalize still count: object_store finalizes once, at the end.
        let mut later = Digest::new(CrcAlgorithm::Crc64Nvme);
        later.update(&bytes[..500]);
        let _ = later.finalize();
        later.update(&bytes[500..]);
        assert_eq!(later.finalize(), whole.finalize());
    }
}
