//! Repository configuration: the current branch, the database's id, the user, remotes and
//! backups. It lives beside the chunk store, not in it (as in Dolt), so a backup never
//! carries where it was pushed or who else it was backed up to.
//!
//! The text form is Git's config syntax, restricted to what Cairn writes (keys are indented
//! by a tab, shown here as spaces):
//!
//! ```text
//! [core]
//!     head = main
//!     id = 3pmbd0ec6kq0ltd6hbq5jfp3hn9q1kd4
//! [user]
//!     name = Ada
//!     email = ada@example.com
//! [remote "origin"]
//!     url = file://../rem1
//! [branch "main"]
//!     remote = origin
//!     merge = main
//! [backup "bac1"]
//!     url = file://../backups/backup1
//! [synced "file://../backups/backup1"]
//!     snapshot = k2d9s0qa
//! [gc]
//!     live = 1310720
//! ```

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Config {
    /// The checked-out branch.
    pub head: String,
    /// A random id, made at init; a backup records the id of the database it belongs to.
    pub id: String,
    pub user_name: Option<String>,
    pub user_email: Option<String>,
    /// Remote name to URL.
    pub remotes: BTreeMap<String, String>,
    /// Branch name to its upstream: what `push` and `pull` without arguments use.
    pub upstreams: BTreeMap<String, Upstream>,
    /// Backup name to URL.
    pub backups: BTreeMap<String, String>,
    /// Backup URL to the id of the snapshot this database's last sync there wrote.
    pub synced: BTreeMap<String, String>,
    /// Bytes of table files the store kept at its last gc: automatic gc compares with it.
    pub gc_live: Option<u64>,
}

/// A remote's branch that a local branch follows, as Git's `branch.<name>.remote` and
/// `branch.<name>.merge` say.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Upstream {
    pub remote: String,
    pub branch: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub line: usize,
    pub why: &'static str,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "repository config is malformed at line {}: {}",
            self.line, self.why
        )
    }
}

impl Config {
    pub fn new(id: &str) -> Config {
        Config {
            head: "main".into(),
            id: id.into(),
            ..Config::default()
        }
    }

    pub fn encode(&self) -> String {
        let mut out = format!("[core]\n\thead = {}\n\tid = {}\n", self.head, self.id);
        self.user().encode_into(&mut out);
        for (name, url) in &self.remotes {
            out.push_str(&format!("[remote \"{name}\"]\n\turl = {url}\n"));
        }
        for (name, up) in &self.upstreams {
            out.push_str(&format!(
                "[branch \"{name}\"]\n\tremote = {}\n\tmerge = {}\n",
                up.remote, up.branch
            ));
        }
        for (name, url) in &self.backups {
            out.push_str(&format!("[backup \"{name}\"]\n\turl = {url}\n"));
        }
        for (url, snapshot) in &self.synced {
            out.push_str(&format!("[synced \"{url}\"]\n\tsnapshot = {snapshot}\n"));
        }
        if let Some(live) = self.gc_live {
            out.push_str(&format!("[gc]\n\tlive = {live}\n"));
        }
        out
    }

    pub fn decode(text: &str) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        let mut user = User::default();
        parse(text, |section, subsection, key, value| {
            if user.read(section, key, &value) {
                return Ok(());
            }
            let named = !subsection.is_empty();
            match (section, key) {
                ("core", "head") => config.head = value,
                ("core", "id") => config.id = value,
                ("remote", "url") if named => {
                    config.remotes.insert(subsection.into(), value);
                }
                ("branch", "remote") if named => {
                    config
                        .upstreams
                        .entry(subsection.into())
                        .or_default()
                        .remote = value;
                }
                ("branch", "merge") if named => {
                    config
                        .upstreams
                        .entry(subsection.into())
                        .or_default()
                        .branch = value;
                }
                ("backup", "url") if named => {
                    config.backups.insert(subsection.into(), value);
                }
                ("synced", "snapshot") if named => {
                    config.synced.insert(subsection.into(), value);
                }
                ("gc", "live") => {
                    config.gc_live = Some(value.parse().map_err(|_| "gc.live is not a number")?);
                }
                // Unknown keys are kept out rather than refused, so a newer Cairn's config
                // still opens; they are lost on the next write.
                _ => {}
            }
            Ok(())
        })?;
        config.set_user(user);
        // Half an upstream (a hand-edited file) is none.
        config
            .upstreams
            .retain(|_, up| !up.remote.is_empty() && !up.branch.is_empty());
        if config.head.is_empty() {
            return Err(ConfigError {
                line: 0,
                why: "no current branch (core.head)",
            });
        }
        Ok(config)
    }

    /// Who commits, as this config's `[user]` says.
    pub fn user(&self) -> User {
        User {
            name: self.user_name.clone(),
            email: self.user_email.clone(),
        }
    }

    pub fn set_user(&mut self, user: User) {
        self.user_name = user.name;
        self.user_email = user.email;
    }

    /// Every setting as `config --list` shows it: `section[.subsection].key=value`.
    pub fn list(&self) -> Vec<(String, String)> {
        let mut out = self.user().list();
        for (name, url) in &self.remotes {
            out.push((format!("remote.{name}.url"), url.clone()));
        }
        for (name, up) in &self.upstreams {
            out.push((format!("branch.{name}.remote"), up.remote.clone()));
            out.push((format!("branch.{name}.merge"), up.branch.clone()));
        }
        for (name, url) in &self.backups {
            out.push((format!("backup.{name}.url"), url.clone()));
        }
        out
    }
}

/// A setting `cairn config` writes: who commits, in a database's config or the global one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserKey {
    Name,
    Email,
}

impl UserKey {
    /// `user.name` or `user.email`; section and key match without regard to case, as in Git.
    pub fn parse(key: &str) -> Option<UserKey> {
        [UserKey::Name, UserKey::Email]
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(key))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UserKey::Name => "user.name",
            UserKey::Email => "user.email",
        }
    }
}

/// Who commits: a `[user]` section. The global configuration file (`config --global`) holds
/// only this.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct User {
    pub name: Option<String>,
    pub email: Option<String>,
}

impl User {
    pub fn get(&self, key: UserKey) -> Option<&str> {
        match key {
            UserKey::Name => self.name.as_deref(),
            UserKey::Email => self.email.as_deref(),
        }
    }

    /// Sets or (with `None`) unsets a value. A value is one line of the file, read back
    /// trimmed: one with a line break or other control character is refused.
    pub fn set(&mut self, key: UserKey, value: Option<&str>) -> Result<(), InvalidValue> {
        let value = match value.map(str::trim) {
            Some(v) if v.chars().any(char::is_control) => {
                return Err(InvalidValue(v.escape_debug().to_string()))
            }
            v => v.map(String::from),
        };
        match key {
            UserKey::Name => self.name = value,
            UserKey::Email => self.email = value,
        }
        Ok(())
    }

    /// `config KEY VALUE`, or without a value `config --unset KEY`, which must be set: the
    /// one change the command line and the JS API make, or why not (one line).
    pub fn change(&mut self, key: UserKey, value: Option<&str>) -> Result<(), String> {
        if value.is_none() && self.get(key).is_none() {
            return Err(format!("'{}' is not set", key.as_str()));
        }
        self.set(key, value).map_err(|e| e.to_string())
    }

    pub fn list(&self) -> Vec<(String, String)> {
        [UserKey::Name, UserKey::Email]
            .into_iter()
            .filter_map(|k| Some((k.as_str().into(), self.get(k)?.into())))
            .collect()
    }

    /// Takes `section.key = value` if it is the user's; answers whether it was.
    fn read(&mut self, section: &str, key: &str, value: &str) -> bool {
        let (slot, value) = match UserKey::parse(&format!("{section}.{key}")) {
            Some(UserKey::Name) => (&mut self.name, value),
            Some(UserKey::Email) => (&mut self.email, value),
            None => return false,
        };
        *slot = Some(value.into());
        true
    }

    fn encode_into(&self, out: &mut String) {
        if self.name.is_some() || self.email.is_some() {
            out.push_str("[user]\n");
            if let Some(name) = &self.name {
                out.push_str(&format!("\tname = {name}\n"));
            }
            if let Some(email) = &self.email {
                out.push_str(&format!("\temail = {email}\n"));
            }
        }
    }

    /// The global configuration file's text.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        self.encode_into(&mut out);
        out
    }

    /// Reads the global configuration file: its `[user]`; other settings are left out.
    pub fn decode(text: &str) -> Result<User, ConfigError> {
        let mut user = User::default();
        parse(text, |section, _, key, value| {
            user.read(section, key, &value);
            Ok(())
        })?;
        Ok(user)
    }
}

/// A config value that cannot be kept in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidValue(pub String);

impl fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' cannot be kept in the config: it holds a line break or control character",
            self.0
        )
    }
}

/// Reads Git's config syntax, calling `each(section, subsection, key, value)` per setting;
/// `each` refuses a value by saying why.
fn parse(
    text: &str,
    mut each: impl FnMut(&str, &str, &str, String) -> Result<(), &'static str>,
) -> Result<(), ConfigError> {
    let mut section = String::new();
    let mut subsection = String::new();
    for (i, raw) in text.lines().enumerate() {
        let bad = |why| ConfigError { line: i + 1, why };
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let header = header
                .strip_suffix(']')
                .ok_or(bad("unclosed section header"))?;
            match header.split_once(' ') {
                Some((s, sub)) => {
                    section = s.to_string();
                    subsection = sub
                        .trim()
                        .strip_prefix('"')
                        .and_then(|s| s.strip_suffix('"'))
                        .ok_or(bad("a subsection name must be quoted"))?
                        .to_string();
                }
                None => {
                    section = header.to_string();
                    subsection.clear();
                }
            }
            continue;
        }
        let (key, value) = line.split_once('=').ok_or(bad("expected key = value"))?;
        each(&section, &subsection, key.trim(), value.trim().to_string()).map_err(bad)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut c = Config::new("abc");
        c.user_name = Some("Ada".into());
        c.remotes.insert("origin".into(), "file://../rem1".into());
        c.backups.insert("bac1".into(), "file://../b = 1".into());
        let up = Upstream {
            remote: "origin".into(),
            branch: "main".into(),
        };
        c.upstreams.insert("main".into(), up);
        c.gc_live = Some(1234);
        c.synced.insert("file://../b = 1".into(), "k2d9s0qa".into());
        assert_eq!(Config::decode(&c.encode()), Ok(c));
        assert!(Config::decode("[core\nhead = x").is_err());
        assert!(Config::decode("[core]\nnothing").is_err());
        assert!(Config::decode("").is_err());
        let user = User {
            name: Some("Ada".into()),
            email: None,
        };
        assert_eq!(User::decode(&user.encode()), Ok(user));
        assert_eq!(
            User::decode("[user]\n\tName = B\n[core]\nhead = x")
                .unwrap()
                .name
                .as_deref(),
            Some("B")
        );
        assert!(User::default().set(UserKey::Name, Some("a\nb")).is_err());
    }
}
