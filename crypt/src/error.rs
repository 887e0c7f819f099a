//! What opening or changing an encrypted store can fail with. How to supply a passphrase is
//! each front end's to word (`CAIRN_PASSWORD` and `--password-file` on the command line,
//! `{ password }` in JS): `PasswordNeeded` is that hint, as data.

use alloc::string::String;
use core::fmt;

use cairn_core::IoError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CryptError {
    Io(IoError),
    /// The store is encrypted and no passphrase was given.
    PasswordNeeded,
    /// No key object of the store opens with the passphrase given.
    WrongPassword,
    /// The store's manifest is sealed but it holds no key object.
    NoKeys,
    /// A key object this build cannot read, and why.
    KeyObject(&'static str),
    /// A sealed format version this build does not know.
    UnsupportedVersion(u16),
    /// An unencrypted store where an encrypted one was expected (or was to be made).
    NotEncrypted,
    /// `key remove` of the only key left.
    LastKey,
    /// `key remove` of an id no key object has (or that several share).
    NoSuchKey(String),
    NoRandomness,
}

impl fmt::Display for CryptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CryptError::Io(e) => e.fmt(f),
            CryptError::PasswordNeeded => f.write_str("the backup is encrypted: it needs its password"),
            CryptError::WrongPassword => f.write_str(
                "wrong password: no key of this backup opens with it (or its key objects were \
                 changed); nothing was written",
            ),
            CryptError::NoKeys => f.write_str(
                "the backup is encrypted but holds no key object (deleted?): it cannot be opened",
            ),
            CryptError::KeyObject(why) => write!(f, "a key object of the backup is unreadable: {why}"),
            CryptError::UnsupportedVersion(v) => write!(
                f,
                "the backup is sealed with format version {v}, which this cairn does not know; use a newer cairn"
            ),
            CryptError::NotEncrypted => f.write_str(
                "the backup is not encrypted, though a password was given (encrypted backups are \
                 made in a new or empty location; without a password it is read as it is)",
            ),
            CryptError::LastKey => f.write_str(
                "refusing to remove the backup's last key: add another first (`backup key add`)",
            ),
            CryptError::NoSuchKey(id) => write!(f, "no key of this backup has the id '{id}' (see `backup key list`)"),
            CryptError::NoRandomness => f.write_str("the system has no source of randomness"),
        }
    }
}

impl core::error::Error for CryptError {}

impl From<IoError> for CryptError {
    fn from(e: IoError) -> Self {
        CryptError::Io(e)
    }
}
