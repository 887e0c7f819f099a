//! Tokens for `cairn serve` stores: read from a `--token-file`, and kept per remote or backup
//! in `.cairn/credentials`, beside the config but never in it (the config is printed by
//! `remote -v` and shared freely; this file is private to its owner, mode 0600 natively).
//!
//! The file has one line per stored token, `remote NAME TOKEN` or `backup NAME TOKEN`. Names
//! and tokens hold no whitespace (names are refs' names, tokens are checked by `check`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::database::{DatabaseError, DIR};
use crate::host::Host;

/// What a stored token belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Remote,
    Backup,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Remote => "remote",
            Kind::Backup => "backup",
        }
    }
}

/// A remote or backup by name, of the database in `dir`. Its stored token is read only when
/// its URL turns out to be an http(s) one.
#[derive(Clone, Copy)]
pub struct Named<'a> {
    pub dir: &'a Path,
    pub kind: Kind,
    pub name: &'a str,
}

impl Named<'_> {
    pub fn stored<H: Host>(&self, host: &H) -> Result<Option<String>, DatabaseError> {
        let credentials = Credentials::load(host, self.dir)?;
        Ok(credentials.get(self.kind, self.name).map(str::to_owned))
    }
}

/// Forgets the token stored for a remote or backup that is removed.
pub fn forget<H: Host>(host: &H, dir: &Path, kind: Kind, name: &str) -> Result<(), DatabaseError> {
    Credentials::load(host, dir)?.set(host, kind, name, None)
}

/// A token as the user gave it, checked: the text up to the end of its first line, printable
/// ASCII without spaces (what an `Authorization: Bearer` header and this file can carry).
pub fn check(text: &str, source: &str) -> Result<String, String> {
    let token = text.lines().next().unwrap_or_default().trim();
    if token.is_empty() {
        return Err(format!("{source} holds no token"));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) || token.len() > 4096 {
        return Err(format!(
            "{source} does not hold a token (printable characters without spaces, as \
             `cairn serve token add` prints one)"
        ));
    }
    Ok(token.to_owned())
}

/// Reads and checks the token in `path` (`--token-file`, as restic's `--password-file`).
pub fn read_file<H: Host>(host: &H, path: &Path) -> Result<String, String> {
    let source = format!("token file '{}'", path.display());
    let bytes = host
        .read_file(path)
        .map_err(|e| format!("cannot read {source}: {e}"))?;
    check(&String::from_utf8_lossy(&bytes), &source)
}

/// The tokens stored for a database's remotes and backups.
pub struct Credentials {
    path: PathBuf,
    tokens: BTreeMap<(Kind, String), String>,
}

impl Credentials {
    /// No tokens yet, for the database whose `.cairn` folder is `meta` (one being made).
    pub fn none(meta: &Path) -> Credentials {
        Credentials {
            path: meta.join("credentials"),
            tokens: BTreeMap::new(),
        }
    }

    /// The tokens of the database in `dir` (none if it has no credentials file).
    pub fn load<H: Host>(host: &H, dir: &Path) -> Result<Credentials, DatabaseError> {
        let Credentials { path, mut tokens } = Credentials::none(&dir.join(DIR));
        let bytes = match host.read_file(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(error) => return Err(DatabaseError::Io { path, error }),
        };
        let text = String::from_utf8_lossy(&bytes);
        for (number, line) in text.lines().enumerate() {
            let (kind, name, token) = match line.split_whitespace().collect::<Vec<_>>()[..] {
                [] => continue,
                ["remote", name, token] => (Kind::Remote, name, token),
                ["backup", name, token] => (Kind::Backup, name, token),
                _ => {
                    return Err(DatabaseError::Config {
                        path,
                        why: format!(
                            "line {}: expected `remote NAME TOKEN` or `backup NAME TOKEN`",
                            number + 1
                        ),
                    })
                }
            };
            tokens.insert((kind, name.to_owned()), token.to_owned());
        }
        Ok(Credentials { path, tokens })
    }

    pub fn get(&self, kind: Kind, name: &str) -> Option<&str> {
        self.tokens
            .get(&(kind, name.to_owned()))
            .map(String::as_str)
    }

    /// Stores `token` for the remote or backup `name`, or forgets its token (`None`), and
    /// writes the file back if that changed it.
    pub fn set<H: Host>(
        &mut self,
        host: &H,
        kind: Kind,
        name: &str,
        token: Option<String>,
    ) -> Result<(), DatabaseError> {
        let key = (kind, name.to_owned());
        let changed = match token {
            Some(token) => self.tokens.insert(key, token.clone()) != Some(token),
            None => self.tokens.remove(&key).is_some(),
        };
        if changed {
            self.save(host)?;
        }
        Ok(())
    }

    /// Writes the file whole (made anew, so private to its owner) and renames it into place.
    fn save<H: Host>(&self, host: &H) -> Result<(), DatabaseError> {
        let text: String = self
            .tokens
            .iter()
            .map(|((kind, name), token)| format!("{} {name} {token}\n", kind.as_str()))
            .collect();
        let tmp = self.path.with_extension("tmp");
        host.write_file(&tmp, text.as_bytes(), true)
            .and_then(|()| host.rename(&tmp, &self.path))
            .map_err(|error| DatabaseError::Io {
                path: self.path.clone(),
                error,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn a_token_is_one_printable_word() {
        assert_eq!(check("cairn_abc\n", "f").as_deref(), Ok("cairn_abc"));
        assert_eq!(
            check("  cairn_abc  \r\nmore", "f").as_deref(),
            Ok("cairn_abc")
        );
        for bad in ["", "\n", "two words", "tab\there", "ünï"] {
            assert!(check(bad, "f").is_err(), "{bad:?}");
        }
    }
}
