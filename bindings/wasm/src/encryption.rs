//! Encrypted backups from JavaScript: a backup's adapter opened as it is, sealed with
//! `password` when the backup is encrypted (cairn-crypt's `Sealed`, exported back as an
//! adapter), so every call that takes an adapter takes an encrypted backup. The sealing is
//! the Rust crate's, never JavaScript's.

use cairn_core::io::Storage;
use cairn_crypt::open::Opening;
use cairn_crypt::primed::Primed;
use cairn_crypt::{inspect, CryptError, KdfParams, Sealed};
use cairn_wasm_adapter::RustStoreAdapter;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::args;
use crate::error::Error;
use crate::storage::JsStorage;

/// A backup's storage as opened: as it is, or sealed.
pub enum Opened {
    Plain(JsValue),
    Sealed(Sealed<Primed<JsStorage>>),
}

/// Opens the backup behind `adapter`: sealed with `password` if it is encrypted; with
/// `encrypt`, an empty one is made encrypted. A password for a backup that is not encrypted
/// is refused (`NOT_ENCRYPTED`): it may have been replaced by someone without the key.
pub async fn open(
    adapter: JsValue,
    password: Option<String>,
    encrypt: bool,
) -> Result<Opened, Error> {
    let password = password.map(Zeroizing::new);
    let opening: Opening<JsStorage> = inspect(args::adapter(adapter.clone())?).await?;
    let needed = || password.as_ref().ok_or(CryptError::PasswordNeeded);
    if opening.is_encrypted() {
        return Ok(Opened::Sealed(opening.unlock(needed()?.as_bytes()).await?));
    }
    if encrypt && opening.is_empty() {
        let created = opening.create(needed()?.as_bytes(), KdfParams::DEFAULT);
        return Ok(Opened::Sealed(created.await?));
    }
    if encrypt || password.is_some() {
        return Err(CryptError::NotEncrypted.into());
    }
    Ok(Opened::Plain(adapter))
}

/// `open`, answering an adapter: the one given for a backup that is not encrypted, else the
/// sealed store as a `StorageAdapter`.
#[wasm_bindgen(js_name = openBackupStore)]
pub async fn open_backup_store(
    adapter: JsValue,
    password: Option<String>,
    encrypt: bool,
) -> Result<JsValue, Error> {
    Ok(match open(adapter, password, encrypt).await? {
        Opened::Plain(adapter) => adapter,
        Opened::Sealed(sealed) => RustStoreAdapter::new(sealed).into(),
    })
}

/// The plaintext `.cairnbak` inside `bytes` if they are a sealed one (opened with `password`),
/// else `bytes` as they are.
pub fn unseal_bundle(bytes: Vec<u8>, password: Option<String>) -> Result<Vec<u8>, Error> {
    if !cairn_crypt::bundle::is_sealed(&bytes) {
        return Ok(bytes);
    }
    let password = Zeroizing::new(password.ok_or(CryptError::PasswordNeeded)?);
    Ok(cairn_crypt::bundle::open_bundle(
        &bytes,
        password.as_bytes(),
    )?)
}

/// `store`'s parts of a `.cairnbak` sealed into one, with its keys.
pub async fn seal_bundle<S: Storage>(
    store: &Sealed<S>,
    parts: &[Vec<u8>],
) -> Result<Vec<Vec<u8>>, Error> {
    Ok(vec![cairn_crypt::bundle::seal_bundle(store, parts).await?])
}
