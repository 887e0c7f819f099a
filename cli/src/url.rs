//! Locations users give as URLs: `file://PATH`, relative to the current directory
//! (`file://../backups/backup1`, as Dolt accepts) or absolute (`file:///srv/b`), and
//! `s3://BUCKET[/PREFIX][?endpoint=URL&region=R&path-style=true]` (Dolt's shape, so AWS, Ceph's
//! gateway, MinIO and R2 all work), and `az://CONTAINER[/PREFIX][?endpoint=URL]` (Azure Blob;
//! the endpoint for an emulator such as Azurite), and `http[s]://HOST[:PORT]/PATH` (a store
//! that `cairn serve` serves; docs/PROTOCOL.md). Credentials never go in a URL: they come from
//! the provider's standard environment (for `cairn serve`, `--token-file`, `CAIRN_TOKEN` or
//! `.cairn/credentials`).

use std::fmt;
use std::path::{Component, Path, PathBuf};

#[derive(Debug, PartialEq, Eq)]
pub enum UrlError {
    NoScheme(String),
    Unsupported {
        url: String,
        scheme: String,
    },
    EmptyPath(String),
    /// A user name or secret in the URL, which would end up in the config and in `remote -v`.
    Credentials(String),
    /// A bucket name S3 does not allow, or a query parameter this build does not know.
    Malformed {
        url: String,
        why: String,
    },
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::NoScheme(url) => write!(
                f,
                "invalid URL '{url}': expected file://PATH, s3://BUCKET/PREFIX, az://CONTAINER/PREFIX or http://HOST:PORT/PATH (for example file://../backups/backup1)"
            ),
            UrlError::Unsupported { url, scheme } => write!(
                f,
                "invalid URL '{url}': the scheme '{scheme}' is not supported here (use file://PATH, s3://BUCKET/PREFIX, az://CONTAINER/PREFIX or http://HOST:PORT/PATH)"
            ),
            UrlError::EmptyPath(url) => write!(f, "invalid URL '{url}': it names no path"),
            UrlError::Credentials(url) => write!(
                f,
                "invalid URL '{url}': credentials do not go in a URL; set AWS_ACCESS_KEY_ID and \
                 AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), or AZURE_STORAGE_ACCOUNT_NAME and \
                 AZURE_STORAGE_ACCOUNT_KEY, or --token-file or CAIRN_TOKEN for http:// and https://, \
                 instead"
            ),
            UrlError::Malformed { url, why } => write!(f, "invalid URL '{url}': {why}"),
        }
    }
}

/// Where a store is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A folder, absolute and normalized.
    Dir(PathBuf),
    Bucket(Bucket),
    /// A store served by `cairn serve`.
    Http(HttpLocation),
}

impl Location {
    /// The URL of this place as seen from any folder (a relative `file://` made absolute),
    /// for a database that runs commands from elsewhere; `address` is the URL it came from.
    pub fn absolute_url(&self, address: &str) -> String {
        match self {
            Location::Dir(dir) => format!("file://{}", dir.display()),
            Location::Bucket(_) => address.to_owned(),
            Location::Http(h) => h.to_string(),
        }
    }
}

/// A store on a `cairn serve` server: `http[s]://HOST[:PORT]/PATH`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpLocation {
    /// `http://HOST[:PORT]` or `https://HOST[:PORT]`: scheme and host in lower case.
    pub origin: String,
    /// The store's path under the served folder, components joined by `/` (see
    /// `check_store_path`).
    pub path: String,
}

impl HttpLocation {
    pub fn is_https(&self) -> bool {
        self.origin.starts_with("https://")
    }

    /// Whether the host is this machine (`localhost`, 127.0.0.0/8, `[::1]`), where plain
    /// http:// carries a token past no one.
    pub fn is_loopback(&self) -> bool {
        let authority = self.origin.split_once("://").map_or("", |(_, a)| a);
        // [::1]:PORT, HOST:PORT, or HOST alone.
        let host = match authority.strip_prefix('[') {
            Some(rest) => rest.split(']').next().unwrap_or_default(),
            None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
        };
        host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

impl fmt::Display for HttpLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.origin, self.path)
    }
}

/// Checks a store's path under a served folder: 1 to 16 components joined by `/`, each a name
/// `cairn_core::io::check_name` accepts (so no `.`, `..`, hidden names or `%`-escapes) and
/// none `objects`, which ends the protocol's object paths. Client and server both apply it.
pub fn check_store_path(path: &str) -> Result<(), String> {
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 16 {
        return Err("a store path has at most 16 parts".into());
    }
    for part in parts {
        if part == "objects" || cairn_core::io::check_name(part).is_err() {
            return Err(format!(
                "'{part}' cannot be part of a store path (letters, digits, '.', '_' and '-', \
                 not starting with '.', and not manifest, manifests, objects or LOCK)"
            ));
        }
    }
    Ok(())
}

/// Which object store a bucket is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    S3,
    /// Azure Blob; the bucket is a container.
    Azure,
}

/// A store in an object store's bucket (or container). Two URLs naming the same bucket,
/// prefix and endpoint compare equal whatever their parameters' order or slashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bucket {
    pub service: Service,
    pub bucket: String,
    /// Without leading or trailing `/`; "" for the bucket's top.
    pub prefix: String,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub path_style: bool,
}

/// The URL in one spelling: parameters in a fixed order, no stray slashes. Two URLs that name
/// one place print the same.
impl fmt::Display for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.service {
            Service::S3 => "s3",
            Service::Azure => "az",
        };
        write!(f, "{scheme}://{}", self.bucket)?;
        if !self.prefix.is_empty() {
            write!(f, "/{}", self.prefix)?;
        }
        let params = [
            self.endpoint.as_ref().map(|e| format!("endpoint={e}")),
            self.region.as_ref().map(|r| format!("region={r}")),
            self.path_style.then(|| "path-style=true".to_owned()),
        ];
        let params: Vec<String> = params.into_iter().flatten().collect();
        if !params.is_empty() {
            write!(f, "?{}", params.join("&"))?;
        }
        Ok(())
    }
}

/// The bucket an `s3://` or `az://` URL names (for the wasm builds, which take such URLs alone).
pub fn parse_bucket(url: &str) -> Result<Bucket, String> {
    match parse(url, Path::new("/")).map_err(|e| e.to_string())? {
        Location::Bucket(bucket) => Ok(bucket),
        _ => Err(format!("'{url}' is not an s3:// or az:// URL")),
    }
}

/// The store an `http://` or `https://` URL names (for the wasm builds, as `parse_bucket`).
pub fn parse_http(url: &str) -> Result<HttpLocation, String> {
    match parse(url, Path::new("/")).map_err(|e| e.to_string())? {
        Location::Http(location) => Ok(location),
        _ => Err(format!("'{url}' is not an http:// or https:// URL")),
    }
}

/// Parses a URL; a `file://` path is resolved against `base` (absolute) and normalized, so
/// that two spellings of one place compare equal.
pub fn parse(url: &str, base: &Path) -> Result<Location, UrlError> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| UrlError::NoScheme(url.into()))?;
    if scheme.eq_ignore_ascii_case("s3") {
        return bucket(url, rest, Service::S3).map(Location::Bucket);
    }
    if scheme.eq_ignore_ascii_case("az") {
        return bucket(url, rest, Service::Azure).map(Location::Bucket);
    }
    if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
        return served(url, &scheme.to_ascii_lowercase(), rest).map(Location::Http);
    }
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
    Ok(Location::Dir(normalize(&joined)))
}

fn bucket(url: &str, rest: &str, service: Service) -> Result<Bucket, UrlError> {
    let malformed = |why: &str| UrlError::Malformed {
        url: url.into(),
        why: why.into(),
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (name, prefix) = path.split_once('/').unwrap_or((path, ""));
    if name.contains('@') {
        return Err(UrlError::Credentials(url.into()));
    }
    // The providers' rules: 3 to 63 characters of lowercase letters, digits and hyphens (S3
    // also dots), beginning and ending with a letter or digit.
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let inner_ok = |c: char| {
        c.is_ascii_lowercase()
            || c.is_ascii_digit()
            || c == '-'
            || (c == '.' && service == Service::S3)
    };
    let valid = (3..=63).contains(&name.len())
        && name.chars().all(inner_ok)
        && edge_ok(name.chars().next())
        && edge_ok(name.chars().last());
    if !valid {
        return Err(malformed(match service {
            Service::S3 => "a bucket name is 3 to 63 lowercase letters, digits, dots and hyphens",
            Service::Azure => "a container name is 3 to 63 lowercase letters, digits and hyphens",
        }));
    }
    let prefix: Vec<&str> = prefix.split('/').filter(|p| !p.is_empty()).collect();
    if prefix.iter().any(|p| *p == "." || *p == "..") {
        return Err(malformed("a prefix has no . or .. parts"));
    }
    let mut location = Bucket {
        service,
        bucket: name.into(),
        prefix: prefix.join("/"),
        endpoint: None,
        region: None,
        path_style: false,
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "endpoint" if value.starts_with("http://") || value.starts_with("https://") => {
                if value.contains('@') {
                    return Err(UrlError::Credentials(url.into()));
                }
                location.endpoint = Some(value.trim_end_matches('/').into());
            }
            "endpoint" => return Err(malformed("endpoint= takes an http:// or https:// URL")),
            "region" if service == Service::S3 && !value.is_empty() => {
                location.region = Some(value.into())
            }
            "path-style" if service == Service::S3 && (value == "true" || value == "false") => {
                location.path_style = value == "true";
            }
            "path-style" if service == Service::S3 => {
                return Err(malformed("path-style= takes true or false"))
            }
            _ => {
                return Err(malformed(&match service {
                    Service::S3 => format!(
                        "unknown parameter '{key}' (s3:// takes endpoint=, region= and path-style=true)"
                    ),
                    Service::Azure => format!("unknown parameter '{key}' (az:// takes endpoint=)"),
                }))
            }
        }
    }
    Ok(location)
}

fn served(url: &str, scheme: &str, rest: &str) -> Result<HttpLocation, UrlError> {
    let malformed = |why: String| UrlError::Malformed {
        url: url.into(),
        why,
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if authority.contains('@') {
        return Err(UrlError::Credentials(url.into()));
    }
    if rest.contains(['?', '#']) {
        return Err(malformed(format!("{scheme}:// takes no parameters")));
    }
    if !is_authority(authority) {
        return Err(malformed(
            "expected HOST or HOST:PORT after the scheme".into(),
        ));
    }
    let path: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if path.is_empty() {
        return Err(UrlError::EmptyPath(url.into()));
    }
    let path = path.join("/");
    check_store_path(&path).map_err(malformed)?;
    Ok(HttpLocation {
        origin: format!("{scheme}://{}", authority.to_ascii_lowercase()),
        path,
    })
}

/// Whether `authority` can be the `HOST[:PORT]` of an http(s) URL: letters, digits and
/// `.-:[]` (IPv6 in brackets), no user, no escapes.
pub fn is_authority(authority: &str) -> bool {
    let host_ok = |c: char| c.is_ascii_alphanumeric() || ".-:[]".contains(c);
    !authority.is_empty() && authority.chars().all(host_ok)
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

    /// The folder a `file://` URL names.
    fn dir(path: &str) -> Result<Location, UrlError> {
        Ok(Location::Dir(PathBuf::from(path)))
    }

    #[test]
    fn resolves_relative_and_absolute() {
        let base = Path::new("/work/repo1");
        assert_eq!(parse("file://../backups/b1", base), dir("/work/backups/b1"));
        assert_eq!(
            parse("file://./backups/b1", base),
            dir("/work/repo1/backups/b1")
        );
        assert_eq!(parse("file:///srv/b", base), dir("/srv/b"));
        assert_eq!(parse("FILE://x/", base), dir("/work/repo1/x"));
    }

    #[test]
    fn parses_s3_urls_and_refuses_credentials() {
        let base = Path::new("/w");
        let b = |url| match parse(url, base) {
            Ok(Location::Bucket(b)) => b,
            other => panic!("{url}: {other:?}"),
        };
        let ceph = b("s3://backups/team/db1/?endpoint=http://127.0.0.1:7480/&path-style=true");
        assert_eq!(
            (ceph.bucket.as_str(), ceph.prefix.as_str()),
            ("backups", "team/db1")
        );
        assert_eq!(ceph.endpoint.as_deref(), Some("http://127.0.0.1:7480"));
        assert!(ceph.path_style);
        // The same place, whatever the parameters' order and the slashes.
        assert_eq!(
            ceph,
            b("s3://backups//team/db1?path-style=true&endpoint=http://127.0.0.1:7480")
        );
        assert_eq!(b("s3://top-1").prefix, "");
        // One spelling of it, which parses back to it.
        let spelled = ceph.to_string();
        assert_eq!(
            spelled,
            "s3://backups/team/db1?endpoint=http://127.0.0.1:7480&path-style=true"
        );
        assert_eq!(b(&spelled), ceph);
        assert_eq!(b("az://c0n/p").to_string(), "az://c0n/p");
        for bad in [
            "s3://AKIA:secret@bucket/x",
            "s3://bucket/x?endpoint=http://u:p@host",
        ] {
            assert!(
                matches!(parse(bad, base), Err(UrlError::Credentials(_))),
                "{bad}"
            );
        }
        assert_eq!(
            parse("s3://b1x/p?path-style=yes", base),
            Err(UrlError::Malformed {
                url: "s3://b1x/p?path-style=yes".into(),
                why: "path-style= takes true or false".into()
            })
        );
        for bad in [
            "s3://Bucket/x",
            "s3://b/x",
            "s3://bucket/../x",
            "s3://bucket/x?secret=1",
            "s3://bucket?endpoint=127.0.0.1",
        ] {
            assert!(
                matches!(parse(bad, base), Err(UrlError::Malformed { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn parses_served_urls() {
        let base = Path::new("/w");
        let h = |url| match parse(url, base) {
            Ok(Location::Http(h)) => h,
            other => panic!("{url}: {other:?}"),
        };
        let l = h("HTTP://LocalHost:7878//team/db1/");
        assert_eq!(l.to_string(), "http://localhost:7878/team/db1");
        assert!(l.is_loopback() && !l.is_https());
        assert!(h("https://[::1]:9/x").is_loopback());
        assert!(h("http://127.0.0.2/x").is_loopback());
        assert!(!h("https://backup.example.com/x").is_loopback());
        assert!(!h("http://10.0.0.1:7878/x").is_loopback());
        assert!(matches!(
            parse("http://tok@host/x", base),
            Err(UrlError::Credentials(_))
        ));
        assert!(matches!(
            parse("http://host:1/", base),
            Err(UrlError::EmptyPath(_))
        ));
        for bad in [
            "http://h/a/../b",
            "http://h/%2e%2e/b",
            "http://h/.cairn-serve",
            "http://h/a/objects/b",
            "http://h/a/manifest",
            "http://h/a?x=1",
            "http://h/a#x",
            "http:///a",
            "http://h h/a",
        ] {
            assert!(
                matches!(parse(bad, base), Err(UrlError::Malformed { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn rejects_what_it_cannot_open() {
        let base = Path::new("/w");
        assert!(matches!(parse("../b1", base), Err(UrlError::NoScheme(_))));
        assert!(matches!(
            parse("aws://bucket/x", base),
            Err(UrlError::Unsupported { .. })
        ));
        assert!(matches!(
            parse("file://", base),
            Err(UrlError::EmptyPath(_))
        ));
        assert!(parse("file:/x", base).is_err());
    }
}
