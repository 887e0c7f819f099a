//! The digests and HMACs that request signing needs (SigV4 for S3, Shared Key for Azure),
//! from RustCrypto: pure Rust, so the same code signs natively and in wasm, where
//! object_store's ring and aws-lc providers do not build without a C compiler.

use hmac::{Hmac, KeyInit, Mac};
use object_store::client::{
    CryptoProvider, DigestAlgorithm, DigestContext, HmacContext, Signer, SigningAlgorithm,
};
use sha2::{Digest, Sha256};

#[derive(Debug)]
pub struct RustCrypto;

fn unsupported(what: &str) -> object_store::Error {
    object_store::Error::NotSupported {
        source: format!("{what} is not supported by Cairn's object-store client").into(),
    }
}

/// A hash in progress, then its output (`finish` hands out a borrow of it).
enum Progress<T> {
    Running(T),
    Done(Vec<u8>),
}

impl<T> Progress<T> {
    fn finish(&mut self, end: impl FnOnce(T) -> Vec<u8>) -> &[u8] {
        *self = match std::mem::replace(self, Progress::Done(Vec::new())) {
            Progress::Running(state) => Progress::Done(end(state)),
            done => done,
        };
        match self {
            Progress::Done(out) => out,
            Progress::Running(_) => &[],
        }
    }
}

struct Sha256Context(Progress<Sha256>);

impl DigestContext for Sha256Context {
    fn update(&mut self, data: &[u8]) {
        if let Progress::Running(state) = &mut self.0 {
            state.update(data);
        }
    }

    fn finish(&mut self) -> object_store::Result<&[u8]> {
        Ok(self.0.finish(|state| state.finalize().to_vec()))
    }
}

struct HmacSha256Context(Progress<Hmac<Sha256>>);

impl HmacContext for HmacSha256Context {
    fn update(&mut self, data: &[u8]) {
        if let Progress::Running(state) = &mut self.0 {
            state.update(data);
        }
    }

    fn finish(&mut self) -> object_store::Result<&[u8]> {
        Ok(self
            .0
            .finish(|state| state.finalize().into_bytes().to_vec()))
    }
}

impl CryptoProvider for RustCrypto {
    fn digest(&self, algorithm: DigestAlgorithm) -> object_store::Result<Box<dyn DigestContext>> {
        match algorithm {
            DigestAlgorithm::Sha256 => {
                Ok(Box::new(Sha256Context(Progress::Running(Sha256::new()))))
            }
            _ => Err(unsupported("this digest")),
        }
    }

    fn hmac(
        &self,
        algorithm: DigestAlgorithm,
        secret: &[u8],
    ) -> object_store::Result<Box<dyn HmacContext>> {
        match algorithm {
            DigestAlgorithm::Sha256 => {
                // HMAC takes a key of any length.
                let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
                    .map_err(|_| unsupported("an HMAC key of this length"))?;
                Ok(Box::new(HmacSha256Context(Progress::Running(mac))))
            }
            _ => Err(unsupported("this HMAC")),
        }
    }

    /// RSA signing serves only Google service accounts, which Cairn does not speak.
    fn sign(&self, _: SigningAlgorithm, _: &[u8]) -> object_store::Result<Box<dyn Signer>> {
        Err(unsupported("RSA signing"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        cairn_core::hex::Hex(bytes).to_string()
    }

    #[test]
    fn sha256_and_hmac_match_published_vectors() {
        let mut digest = RustCrypto.digest(DigestAlgorithm::Sha256).unwrap();
        digest.update(b"a");
        digest.update(b"bc");
        assert_eq!(
            hex(digest.finish().unwrap()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // RFC 4231, test case 2.
        let mut mac = RustCrypto.hmac(DigestAlgorithm::Sha256, b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex(mac.finish().unwrap()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // A second finish gives the same bytes, not a hash of nothing.
        assert_eq!(
            hex(mac.finish().unwrap()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
