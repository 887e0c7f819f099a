//! Encrypted backups on the command line: the one place a backup's storage is opened (sealed
//! when the backup is encrypted, so every backup command recognises one), where passwords
//! come from, and `backup key`.

use std::path::Path;

use cairn_core::text::time;
use cairn_core::Storage;
use cairn_crypt::open::{add_key, list_keys, remove_key};
use cairn_crypt::primed::Primed;
use cairn_crypt::{inspect, CryptError, KdfParams, Sealed};
use zeroize::Zeroizing;

use crate::args::KeyAction;
use crate::credentials::Named;
use crate::{CliError, Cx, Host, Out};

/// A backup's storage, sealed or not, for commands that need not tell which.
pub type BackupStorage = Box<dyn Storage>;

/// A backup's storage, as opened: plain, or sealed with its key.
pub enum Opened<S> {
    Plain(Primed<S>),
    Sealed(Sealed<Primed<S>>),
}

impl<S: Storage + 'static> Opened<S> {
    pub fn boxed(self) -> BackupStorage {
        match self {
            Opened::Plain(s) => Box::new(s),
            Opened::Sealed(s) => Box::new(s),
        }
    }
}

/// Where a password comes from: a file option, an environment variable, or the terminal.
struct Source<'a> {
    file: Option<&'a str>,
    flag: &'static str,
    env: &'static str,
    prompt: &'static str,
}

const PASSWORD: Source<'static> = Source {
    file: None,
    flag: "--password-file",
    env: "CAIRN_PASSWORD",
    prompt: "password: ",
};

impl<H: Host> Cx<'_, H> {
    /// A backup's storage as it is: sealed with its password if encrypted. `writing`: the
    /// database a sync writes from (the location is then checked as a destination);
    /// `encrypt`: a new (empty) backup becomes encrypted.
    pub(crate) async fn backup_storage(
        &self,
        address: (&str, Option<Named<'_>>),
        writing: Option<&Path>,
        encrypt: bool,
    ) -> Result<BackupStorage, CliError> {
        Ok(self.open_backup(address, writing, encrypt).await?.boxed())
    }

    /// `backup_storage`, telling a sealed backup from a plain one.
    pub(crate) async fn open_backup(
        &self,
        (address, named): (&str, Option<Named<'_>>),
        writing: Option<&Path>,
        encrypt: bool,
    ) -> Result<Opened<H::Storage>, CliError> {
        let inner = match writing {
            Some(database) => self.writable_storage(address, Some(database), named)?,
            None => self.open_storage(address, named)?,
        };
        let opening = inspect(inner).await?;
        let source = Source {
            file: self.password_file.as_deref(),
            ..PASSWORD
        };
        if opening.is_encrypted() {
            let password = self.password(&source, false)?;
            return Ok(Opened::Sealed(opening.unlock(password.as_bytes()).await?));
        }
        if encrypt && opening.is_empty() {
            let password = self.password(&source, true)?;
            let sealed = opening.create(password.as_bytes(), KdfParams::DEFAULT);
            return Ok(Opened::Sealed(sealed.await?));
        }
        if encrypt || self.password_given(&source) {
            // A password says the backup is meant to be encrypted: one that is not may have
            // had its sealed files replaced or deleted by someone without the key.
            return Err(CryptError::NotEncrypted.into());
        }
        Ok(Opened::Plain(opening.plain()))
    }

    /// The password of an encrypted backup (`--password-file`, `CAIRN_PASSWORD`, the terminal).
    pub(crate) fn backup_password(&self) -> Result<Zeroizing<String>, CliError> {
        let source = Source {
            file: self.password_file.as_deref(),
            ..PASSWORD
        };
        self.password(&source, false)
    }

    fn password_given(&self, source: &Source) -> bool {
        source.file.is_some() || self.host.env(source.env).is_some()
    }

    /// A password from its source; `confirm` asks twice on a terminal (a new password).
    fn password(&self, source: &Source, confirm: bool) -> Result<Zeroizing<String>, CliError> {
        let password = if let Some(file) = source.file {
            let path = self.cwd.join(file);
            let bytes = Zeroizing::new(self.host.read_file(&path).map_err(|e| {
                CliError::Password(format!("cannot read password file '{file}': {e}"))
            })?);
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| CliError::Password(format!("password file '{file}' is not UTF-8")))?;
            // Its first line, as restic reads a password file.
            Zeroizing::new(text.lines().next().unwrap_or_default().to_owned())
        } else if let Some(password) = self.host.env(source.env) {
            Zeroizing::new(password)
        } else {
            let missing = || {
                CliError::Password(format!(
                    "{}; set {} or use {} FILE",
                    CryptError::PasswordNeeded,
                    source.env,
                    source.flag
                ))
            };
            let ask = |prompt: &str| match self.host.read_password(prompt) {
                None => Err(missing()),
                Some(read) => read
                    .map(Zeroizing::new)
                    .map_err(|e| CliError::Password(format!("cannot read the password: {e}"))),
            };
            let first = ask(source.prompt)?;
            if confirm && *ask("again: ")? != *first {
                return Err(CliError::Password("the two passwords differ".into()));
            }
            first
        };
        if password.is_empty() {
            return Err(CliError::Password("the password is empty".into()));
        }
        Ok(password)
    }

    /// `backup key list|add|remove`, on the backup at `address`.
    pub(crate) async fn keys(
        &self,
        (address, named): (&str, Option<Named<'_>>),
        action: KeyAction,
    ) -> Out {
        let opening = inspect(self.open_storage(address, named)?).await?;
        if !opening.is_encrypted() {
            return Err(CliError::Password(format!(
                "the backup at '{address}' is not encrypted: it has no keys"
            )));
        }
        let password = self.backup_password()?;
        let (master, used) = opening.master_key(password.as_bytes()).await?;
        let inner = opening.storage();
        match action {
            KeyAction::List { .. } => {
                let mut out =
                    String::from("  ID                CREATED                        KDF\n");
                for key in list_keys(inner).await? {
                    let mark = if used.ends_with(&key.id) { '*' } else { ' ' };
                    let p = key.params;
                    out.push_str(&format!(
                        "{mark} {}  {:<30} argon2id m={} KiB, t={}, p={}\n",
                        key.id,
                        time(key.modified_ms),
                        p.memory_kib,
                        p.iterations,
                        p.lanes
                    ));
                }
                Ok(out)
            }
            KeyAction::Add {
                new_password_file, ..
            } => {
                let source = Source {
                    file: new_password_file.as_deref(),
                    flag: "--new-password-file",
                    env: "CAIRN_NEW_PASSWORD",
                    prompt: "new password: ",
                };
                let new = self.password(&source, true)?;
                let id = add_key(inner, &master, new.as_bytes(), KdfParams::DEFAULT).await?;
                Ok(format!("added key {id}\n"))
            }
            KeyAction::Remove { id, .. } => {
                Ok(format!("removed key {}\n", remove_key(inner, &id).await?))
            }
        }
    }
}
