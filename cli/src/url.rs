//! Locations users give as URLs. Natively that is `file://PATH`: relative to the current
//! directory (`file://../backups/backup1`, as Dolt accepts) or absolute (`file:///srv/b`).

use std::fmt;
use std::path::{Component, Path, PathBuf};

#[derive(Debug, PartialEq, Eq)]
pub enum UrlError {
    NoScheme(String),
    Unsupported { url: String, scheme: String },
    EmptyPath(String),
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::NoScheme(url) => write!(
                f,
                "invalid URL '{url}': expected file://PATH (for example file://../backups/backup1)"
            ),
            UrlError::Unsupported { url, scheme } => write!(
                f,
                "invalid URL '{url}': the scheme '{scheme}' is not supported here (use file://PATH)"
            ),
            UrlError::EmptyPath(url) => write!(f, "invalid URL '{url}': it names no path"),
        }
    }
}

/// The directory a `file://` URL names, resolved against `base` (absolute) and normalized, so
/// that two spellings of one place compare equal.
pub fn resolve(url: &str, base: &Path) -> Result<PathBuf, UrlError> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| UrlError::NoScheme(url.into()))?;
    if !scheme.eq_ignore_ascii_case("file") {
        return Err(UrlError::Unsupported {
            url: url.into(),
            scheme: scheme.into(),
        });
    }
    if rest.is_empty() {
        return Err(UrlError::EmptyPath(url.into()));
    }
    let path = Path::new(rest);
    let joined = if path.is_absolute() {
        path.to_owned()
    } else {
        base.join(path)
    };
    Ok(normalize(&joined))
}

/// Removes `.` and resolves `..` lexically (the directory may not exist yet).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_and_absolute() {
        let base = Path::new("/work/repo1");
        assert_eq!(
            resolve("file://../backups/b1", base),
            Ok(PathBuf::from("/work/backups/b1"))
        );
        assert_eq!(
            resolve("file://./backups/b1", base),
            Ok(PathBuf::from("/work/repo1/backups/b1"))
        );
        assert_eq!(resolve("file:///srv/b", base), Ok(PathBuf::from("/srv/b")));
        assert_eq!(
            resolve("FILE://x/", base),
            Ok(PathBuf::from("/work/repo1/x"))
        );
    }

    #[test]
    fn rejects_what_it_cannot_open() {
        let base = Path::new("/w");
        assert!(matches!(resolve("../b1", base), Err(UrlError::NoScheme(_))));
        assert!(matches!(
            resolve("aws://bucket/x", base),
            Err(UrlError::Unsupported { .. })
        ));
        assert!(matches!(
            resolve("file://", base),
            Err(UrlError::EmptyPath(_))
        ));
        assert!(resolve("file:/x", base).is_err());
    }
}
