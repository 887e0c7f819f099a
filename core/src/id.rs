//! New database ids: 20 random bytes in base32, as a chunk address is written. The one
//! place ids are made, for the CLI natively and through wasm and for the JS API alike.

use alloc::string::String;

/// A new random id, or the error of a system with no source of randomness.
pub fn new_id() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes)?;
    Ok(crate::base32::encode(&bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_base32_and_differ() {
        let (a, b) = (super::new_id().unwrap(), super::new_id().unwrap());
        assert_eq!(a.len(), 32);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'v').contains(&c)));
        assert_ne!(a, b);
    }
}
