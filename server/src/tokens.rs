//! Access tokens of a served folder, kept in `DIR/.cairn-serve/tokens`: one line per token,
//! `ID SCOPE PATTERN HASH`, where HASH is the BLAKE3 of the token in hex. The token itself is
//! printed once by `token add` and never stored, so the file alone lets no one in.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use cairn_cli::serve::Scope;
use cairn_cli::url::check_store_path;

/// Where a served folder keeps its tokens: a hidden name, which no store path can reach
/// (`check_store_path` refuses names starting with `.`).
pub fn file(dir: &Path) -> PathBuf {
    dir.join(".cairn-serve").join("tokens")
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub id: String,
    pub scope: Scope,
    pub pattern: String,
    hash: blake3::Hash,
}

impl Token {
    /// Whether this token's pattern covers the store at `path`.
    pub fn covers(&self, path: &str) -> bool {
        match self.pattern.strip_suffix("/*") {
            _ if self.pattern == "*" => true,
            Some(under) => path.strip_prefix(under).is_some_and(|r| r.starts_with('/')),
            None => path == self.pattern,
        }
    }
}

/// Checks a `--path` pattern: `*`, a store path, or a store path then `/*`.
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    if pattern == "*" {
        return Ok(());
    }
    check_store_path(pattern.strip_suffix("/*").unwrap_or(pattern))
        .map_err(|e| format!("invalid --path '{pattern}': {e}"))
}

/// The tokens of the folder; none if it has no token file.
pub fn load(dir: &Path) -> Result<Vec<Token>, String> {
    let path = file(dir);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.is_empty())
        .map(|(n, line)| {
            parse(line).ok_or_else(|| format!("{} is damaged at line {}", path.display(), n + 1))
        })
        .collect()
}

fn parse(line: &str) -> Option<Token> {
    let mut fields = line.split(' ');
    let (id, scope, pattern, hash) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    if fields.next().is_some() || check_pattern(pattern).is_err() {
        return None;
    }
    Some(Token {
        id: id.to_owned(),
        scope: Scope::parse(scope)?,
        pattern: pattern.to_owned(),
        hash: blake3::Hash::from_hex(hash).ok()?,
    })
}

/// The token a request presented, if any is listed. Each listed hash is compared with
/// `blake3::Hash`'s constant-time equality, and all of them are, so the time taken says
/// nothing about which bytes matched.
pub fn find<'t>(tokens: &'t [Token], presented: &str) -> Option<&'t Token> {
    let hash = blake3::hash(presented.as_bytes());
    tokens.iter().fold(None, |found, t| match t.hash == hash {
        true => Some(t),
        false => found,
    })
}

fn save(dir: &Path, tokens: &[Token]) -> Result<(), String> {
    let path = file(dir);
    let parent = path.parent().unwrap_or(dir);
    let failed = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(parent).map_err(failed)?;
    let text: String = tokens
        .iter()
        .map(|t| {
            let scope = t.scope.as_str();
            format!("{} {scope} {} {}\n", t.id, t.pattern, t.hash.to_hex())
        })
        .collect();
    // Whole or not at all: a new file renamed over the old one.
    let tmp = parent.join(format!(".tokens.{}", std::process::id()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(text.as_bytes())?;
        f.sync_all()
    });
    written.and_then(|()| fs::rename(&tmp, &path)).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        failed(e)
    })
}

fn random() -> Result<String, String> {
    cairn_core::id::new_id().map_err(|e| format!("no randomness for a token: {e}"))
}

/// `token add`: a new token for `pattern` with `scope`; answers what to print, the token
/// among it (the only time it is shown).
pub fn add(dir: &Path, scope: Scope, pattern: &str) -> Result<String, String> {
    check_pattern(pattern)?;
    if !dir.is_dir() {
        return Err(format!("'{}' is not a folder", dir.display()));
    }
    let mut tokens = load(dir)?;
    // 160 random bits; the prefix makes a leaked token easy to recognise (and to scan for).
    let secret = format!("cairn_{}", random()?);
    let id = random()?[..8].to_owned();
    tokens.push(Token {
        id: id.clone(),
        scope,
        pattern: pattern.to_owned(),
        hash: blake3::hash(secret.as_bytes()),
    });
    save(dir, &tokens)?;
    Ok(format!(
        "added token {id} ({}, {pattern}); it is shown only now:\n{secret}\n",
        scope.as_str()
    ))
}

/// `token list`: one line per token, without secrets (none are kept).
pub fn list(dir: &Path) -> Result<String, String> {
    Ok(load(dir)?
        .iter()
        .map(|t| format!("{} {} {}\n", t.id, t.scope.as_str(), t.pattern))
        .collect())
}

/// `token remove ID`.
pub fn remove(dir: &Path, id: &str) -> Result<String, String> {
    let mut tokens = load(dir)?;
    let before = tokens.len();
    tokens.retain(|t| t.id != id);
    if tokens.len() == before {
        return Err(format!("no token '{id}' (see cairn serve token list)"));
    }
    save(dir, &tokens)?;
    Ok(format!("removed token {id}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(pattern: &str) -> Token {
        Token {
            id: "i".into(),
            scope: Scope::Read,
            pattern: pattern.into(),
            hash: blake3::hash(b"x"),
        }
    }

    #[test]
    fn patterns_cover_what_they_name() {
        assert!(token("*").covers("a/b"));
        assert!(token("a/b").covers("a/b") && !token("a/b").covers("a/b/c"));
        assert!(token("a/*").covers("a/b") && token("a/*").covers("a/b/c"));
        assert!(!token("a/*").covers("a") && !token("a/*").covers("ab/c"));
        for bad in ["", "a/../b", "/a", "a/", "**", ".x/*", "a/*/b"] {
            assert!(check_pattern(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tokens_are_found_by_their_hash_only() {
        let dir = tempfile::tempdir().unwrap();
        let printed = add(dir.path(), Scope::Write, "team/*").unwrap();
        let secret = printed.lines().nth(1).unwrap();
        let tokens = load(dir.path()).unwrap();
        assert_eq!(find(&tokens, secret).map(|t| t.scope), Some(Scope::Write));
        assert!(find(&tokens, "cairn_wrong").is_none());
        let stored = fs::read_to_string(file(dir.path())).unwrap();
        assert!(!stored.contains(secret), "the secret is not stored");
        let id = &tokens[0].id;
        assert_eq!(list(dir.path()).unwrap(), format!("{id} write team/*\n"));
        remove(dir.path(), id).unwrap();
        assert!(load(dir.path()).unwrap().is_empty());
        assert!(remove(dir.path(), id).is_err());
    }
}
