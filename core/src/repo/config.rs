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
        if self.user_name.is_some() || self.user_email.is_some() {
            out.push_str("[user]\n");
            if let Some(name) = &self.user_name {
                out.push_str(&format!("\tname = {name}\n"));
            }
            if let Some(email) = &self.user_email {
                out.push_str(&format!("\temail = {email}\n"));
            }
        }
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
            let (key, value) = (key.trim(), value.trim().to_string());
            match (section.as_str(), key) {
                ("core", "head") => config.head = value,
                ("core", "id") => config.id = value,
                ("user", "name") => config.user_name = Some(value),
                ("user", "email") => config.user_email = Some(value),
                ("remote", "url") if !subsection.is_empty() => {
                    config.remotes.insert(subsection.clone(), value);
                }
                ("branch", "remote") if !subsection.is_empty() => {
                    config
                        .upstreams
                        .entry(subsection.clone())
                        .or_default()
                        .remote = value;
                }
                ("branch", "merge") if !subsection.is_empty() => {
                    config
                        .upstreams
                        .entry(subsection.clone())
                        .or_default()
                        .branch = value;
                }
                ("backup", "url") if !subsection.is_empty() => {
                    config.backups.insert(subsection.clone(), value);
                }
                ("synced", "snapshot") if !subsection.is_empty() => {
                    config.synced.insert(subsection.clone(), value);
                }
                ("gc", "live") => {
                    config.gc_live =
                        Some(value.parse().map_err(|_| bad("gc.live is not a number"))?);
                }
                // Unknown keys are kept out rather than refused, so a newer Cairn's config
                // still opens; they are lost on the next write.
                _ => {}
            }
        }
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
    }
}
