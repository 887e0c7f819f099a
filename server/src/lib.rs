//! `cairn serve`: every store under one folder over HTTP, for remotes and backups
//! (docs/PROTOCOL.md). Each store is kept by the host's filesystem storage under DIR/PATH, so
//! the server's compare-and-swap is the folder's own (FsStorage's `link(2)` versions) and a
//! served store is byte for byte a `file://` one: a folder can be served, or read directly.
//!
//! Built on axum (hyper, tokio) and tower-http's body limit: no HTTP parsing of our own.
//! The storage's futures do blocking file I/O, so each runs on tokio's blocking pool.

mod tls;
mod tokens;

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

use cairn_cli::serve::{Scope, ServeAction, ServeArgs, TokenAction};
use cairn_cli::url::{check_store_path, is_authority};
use cairn_core::io::{check_name, IoError, IoResult, ManifestRead, Storage, Version};
use cairn_core::manifest::Manifest;
use cairn_core::Hash;

/// Opens the storage of the store in a folder (natively, `FsStorage::new`).
pub type Open = dyn Fn(PathBuf) -> Arc<dyn Storage> + Send + Sync;

/// Runs `cairn serve ...`: a token command, or the server until SIGTERM or Ctrl-C.
pub fn run(args: ServeArgs, open: Arc<Open>) -> Result<String, String> {
    match args.action {
        Some(ServeAction::Token { action }) => match action {
            TokenAction::Add { scope, path, dir } => tokens::add(&dir, scope, &path),
            TokenAction::List { dir } => tokens::list(&dir),
            TokenAction::Remove { id, dir } => tokens::remove(&dir, &id),
        },
        None => serve(args, open),
    }
}

/// What the server allows beyond what tokens allow.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    ReadWrite,
    ReadOnly,
    AppendOnly,
}

struct Served {
    dir: PathBuf,
    open: Arc<Open>,
    mode: Mode,
    public_read: bool,
}

fn serve(args: ServeArgs, open: Arc<Open>) -> Result<String, String> {
    let dir = args.dir.unwrap_or_default();
    let dir = dir
        .canonicalize()
        .ok()
        .filter(|d| d.is_dir())
        .ok_or_else(|| format!("'{}' is not a folder", dir.display()))?;
    let listen: SocketAddr = args.listen.parse().map_err(|_| {
        format!(
            "--listen '{}' is not an address and port (for example 127.0.0.1:7878)",
            args.listen
        )
    })?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(tls::config(cert, key)?),
        _ => None,
    };
    if !listen.ip().is_loopback() && tls.is_none() && !args.insecure {
        return Err(format!(
            "refusing to listen on {listen} without TLS: tokens would cross the network in \
             clear text; pass --tls-cert and --tls-key, or listen on 127.0.0.1 behind a TLS \
             proxy, or pass --insecure on a network you trust"
        ));
    }
    let tokens = tokens::load(&dir)?.len();
    if tokens == 0 && !args.public_read {
        eprintln!(
            "note: {} has no tokens yet, so every request is refused: add one with \
             `cairn serve token add --scope write {}`",
            dir.display(),
            dir.display()
        );
    }
    let cors = cors(&args.cors_origins)?;
    let limit = usize::try_from(args.max_body_size).unwrap_or(usize::MAX);
    let served = Arc::new(Served {
        dir,
        open,
        mode: match (args.read_only, args.append_only) {
            (true, _) => Mode::ReadOnly,
            (false, true) => Mode::AppendOnly,
            (false, false) => Mode::ReadWrite,
        },
        public_read: args.public_read,
    });
    let app = Router::new()
        .fallback(handle)
        .with_state(served)
        // The limit is tower-http's (it refuses a declared length before reading a byte, and
        // stops a streamed body at the limit); axum's smaller default would cut it short.
        .layer(DefaultBodyLimit::disable())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limit))
        // Outermost, so that refusals (401, 413) also reach the page with the headers that let
        // it read them.
        .layer(cors);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server's runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let bound = listener
            .local_addr()
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        // The first line of standard output says where the server is (port 0 picks one), for
        // scripts and tests; the log goes to standard error.
        let scheme = if tls.is_some() { "https" } else { "http" };
        announce(&format!("listening on {scheme}://{bound}\n"));
        match tls {
            Some(config) => tls::serve(listener, config, app, stopped()).await,
            None => {
                axum::serve(listener, app)
                    .with_graceful_shutdown(stopped())
                    .await
            }
        }
        .map_err(|e| format!("the server failed: {e}"))
    })?;
    Ok("stopped\n".into())
}

/// The CORS policy for `--cors-origin`s: pages from those origins may send what the client
/// sends (docs/PROTOCOL.md, "Browsers") and read the headers it reads. No origin: no CORS
/// headers at all, so browsers keep every page out.
fn cors(origins: &[String]) -> Result<tower_http::cors::CorsLayer, String> {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let mut allowed = Vec::new();
    for origin in origins {
        allowed.push(check_origin(origin)?);
    }
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_methods([Method::GET, Method::PUT, Method::DELETE])
        .allow_headers([
            header::AUTHORIZATION,
            header::CACHE_CONTROL,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::RANGE,
        ])
        .expose_headers([header::ETAG, header::CONTENT_RANGE])
        .max_age(std::time::Duration::from_secs(600)))
}

/// An origin as browsers send it: `http://HOST[:PORT]` or `https://HOST[:PORT]`, no path, no
/// trailing slash (a browser never matches one that has them, so it is refused, not ignored).
fn check_origin(origin: &str) -> Result<HeaderValue, String> {
    let wrong = || {
        format!(
            "--cors-origin '{origin}' is not an origin: expected http://HOST[:PORT] or \
             https://HOST[:PORT], as the browser's address bar shows it, without a path"
        )
    };
    // Browsers send scheme and host in lower case.
    let origin = origin.to_ascii_lowercase();
    let host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(wrong)?;
    if !is_authority(host) {
        return Err(wrong());
    }
    HeaderValue::from_str(&origin).map_err(|_| wrong())
}

fn announce(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout();
    let _ = out.write_all(line.as_bytes());
    let _ = out.flush();
}

/// Resolves on Ctrl-C or SIGTERM: requests under way finish, then the server stops.
async fn stopped() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// What a request is about, from its path: `/v1/PATH/manifest`, `/v1/PATH/objects` (the
/// listing) or `/v1/PATH/objects/NAME`.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    Manifest,
    Listing,
    Object(String),
}

/// Splits a request path into the store's path and the target, or says what is wrong with it.
/// The raw path is read, before any decoding: names never need `%`-escapes, so one is refused
/// rather than decoded into something the checks did not see.
fn target(path: &str) -> Result<(String, Target), String> {
    let rest = path
        .strip_prefix("/v1/")
        .ok_or("unknown protocol version (this server speaks /v1/)")?;
    if rest.contains('%') {
        return Err("a path takes no %-escapes".into());
    }
    let parts: Vec<&str> = rest.split('/').collect();
    let (store, target) = match parts.as_slice() {
        [store @ .., "manifest"] => (store, Target::Manifest),
        [store @ .., "objects"] => (store, Target::Listing),
        [store @ .., "objects", name] => {
            check_name(name).map_err(|e| e.to_string())?;
            (store, Target::Object((*name).to_owned()))
        }
        _ => {
            return Err(
                "expected /v1/PATH/manifest, /v1/PATH/objects or /v1/PATH/objects/NAME".into(),
            )
        }
    };
    if store.is_empty() {
        return Err("the path names no store".into());
    }
    let store = store.join("/");
    check_store_path(&store)?;
    Ok((store, target))
}

/// One line of text, the body of every refusal (the client shows it to its user).
fn answer(status: StatusCode, text: impl Into<String>) -> Response {
    let mut text = text.into();
    text.push('\n');
    (status, text).into_response()
}

/// A refusal made before anything is done: its status and why.
type Refused = (StatusCode, String);

fn refuse((status, text): Refused) -> Response {
    let mut response = answer(status, text);
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// A storage failure: the details (which hold the server's paths) go to the log, the client
/// learns only what failed.
fn failure(store: &str, e: IoError) -> Response {
    eprintln!("error in {store}: {e}");
    answer(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("the server could not do that in '{store}' (its log says why)"),
    )
}

/// Runs a storage call on tokio's blocking pool (the filesystem storage blocks).
async fn on_disk<T, F>(job: F) -> IoResult<T>
where
    T: Send + 'static,
    F: Future<Output = IoResult<T>> + Send + 'static,
{
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || runtime.block_on(job))
        .await
        .map_err(|e| IoError::backend("serve", "", e))?
}

async fn handle(State(served): State<Arc<Served>>, request: axum::extract::Request) -> Response {
    let (parts, body) = request.into_parts();
    let (method, headers) = (parts.method, parts.headers);
    let (store, target) = match target(parts.uri.path()) {
        Ok(t) => t,
        Err(why) => return answer(StatusCode::BAD_REQUEST, why),
    };
    let need = match method {
        Method::GET => Scope::Read,
        Method::PUT => Scope::Write,
        Method::DELETE => Scope::Admin,
        _ => {
            return answer(
                StatusCode::METHOD_NOT_ALLOWED,
                "expected GET, PUT or DELETE",
            )
        }
    };
    let who = match served.authorize(&headers, &store, need) {
        Ok(who) => who,
        Err(refused) => return refuse(refused),
    };
    if need > Scope::Read && served.mode == Mode::ReadOnly {
        return answer(StatusCode::FORBIDDEN, "this server is read-only");
    }
    let dir = match served.store_dir(&store) {
        Ok(dir) => dir,
        Err(refused) => return refuse(refused),
    };
    // Read only now, once the request may write: a stranger's body is never taken in. The
    // limit layer ends a body that grows past the limit.
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(_) => {
            return answer(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the body is larger than this server takes (--max-body-size) or was cut off",
            )
        }
    };
    let storage = (served.open)(dir.clone());
    let cx = Request {
        served: &served,
        store,
        dir,
        who,
        storage,
    };
    match (method, target) {
        (Method::GET, Target::Manifest) => cx.read_manifest().await,
        (Method::PUT, Target::Manifest) => cx.swap_manifest(&headers, body).await,
        (Method::GET, Target::Listing) => cx.list().await,
        (Method::GET, Target::Object(name)) => cx.get(&name, &headers).await,
        (Method::PUT, Target::Object(name)) => cx.put(name, body).await,
        (Method::DELETE, Target::Object(name)) => cx.delete(name).await,
        _ => answer(StatusCode::METHOD_NOT_ALLOWED, "not allowed on this path"),
    }
}

impl Served {
    /// Who may do this: the token's id, or why not (401 without a valid token, 403 with one
    /// that does not reach this store or scope).
    fn authorize(&self, headers: &HeaderMap, store: &str, need: Scope) -> Result<String, Refused> {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let Some(presented) = presented else {
            if need == Scope::Read && self.public_read {
                return Ok("anonymous".into());
            }
            return Err((
                StatusCode::UNAUTHORIZED,
                "this server needs a token: pass --token-file or set CAIRN_TOKEN (`cairn serve token add` makes one)"
                    .into(),
            ));
        };
        let tokens = tokens::load(&self.dir).map_err(|e| {
            eprintln!("error: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the server cannot read its tokens (its log says why)".into(),
            )
        })?;
        let Some(token) = tokens::find(&tokens, presented) else {
            return Err((
                StatusCode::UNAUTHORIZED,
                "the server does not know this token (mistyped, or removed)".into(),
            ));
        };
        if !token.covers(store) {
            return Err((
                StatusCode::FORBIDDEN,
                format!("token {} does not give access to '{store}'", token.id),
            ));
        }
        if token.scope < need {
            return Err((
                StatusCode::FORBIDDEN,
                format!(
                    "token {} may only {}; this needs the {} scope",
                    token.id,
                    token.scope.as_str(),
                    need.as_str()
                ),
            ));
        }
        Ok(format!("token {}", token.id))
    }

    /// The store's folder, DIR/PATH, when no part of it that exists is a symlink or a file:
    /// nothing is served from, or written to, outside DIR. Missing parts are made by the
    /// first write.
    fn store_dir(&self, store: &str) -> Result<PathBuf, Refused> {
        let mut dir = self.dir.clone();
        for part in store.split('/') {
            dir.push(part);
            not_a_link(&dir, true, store)?;
        }
        not_a_link(&dir.join("manifests"), true, store)?;
        Ok(dir)
    }
}

/// Refuses a symlink at `path` (and, for `folder`, anything else but a folder); a missing
/// path is fine.
fn not_a_link(path: &Path, folder: bool, store: &str) -> Result<(), Refused> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err((
            StatusCode::FORBIDDEN,
            format!("'{store}' leads through a symlink, which this server does not follow"),
        )),
        Ok(m) if folder && !m.is_dir() => Err((
            StatusCode::NOT_FOUND,
            format!("'{store}' is not a store folder"),
        )),
        _ => Ok(()),
    }
}

/// The version as the protocol's ETag: the storage's token in quotes.
fn etag(version: &Version) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!("\"{version}\"")).ok()
}

fn with_etag(mut response: Response, version: Option<&Version>) -> Response {
    if let Some(value) = version.and_then(etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// One request on one store.
struct Request<'s> {
    served: &'s Served,
    store: String,
    dir: PathBuf,
    who: String,
    storage: Arc<dyn Storage>,
}

impl Request<'_> {
    async fn current(&self) -> IoResult<Option<ManifestRead>> {
        let storage = self.storage.clone();
        on_disk(async move { storage.read_manifest().await }).await
    }

    async fn read_manifest(&self) -> Response {
        match self.current().await {
            Ok(Some(read)) => with_etag(
                (StatusCode::OK, read.bytes).into_response(),
                Some(&read.version),
            ),
            Ok(None) => answer(StatusCode::NOT_FOUND, "no manifest"),
            Err(e) => failure(&self.store, e),
        }
    }

    /// A conditional PUT: `If-Match: "VERSION"`, or `If-None-Match: *` for the first.
    async fn swap_manifest(&self, headers: &HeaderMap, body: Bytes) -> Response {
        let header_text = |name| {
            headers
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
        };
        let expected = match (
            header_text(header::IF_MATCH),
            header_text(header::IF_NONE_MATCH),
        ) {
            (Some(tag), None) => Some(Version(tag.trim_matches('"').to_owned())),
            (None, Some("*")) => None,
            _ => {
                return answer(
                    StatusCode::PRECONDITION_REQUIRED,
                    "a manifest PUT takes If-Match: \"VERSION\" or If-None-Match: *",
                )
            }
        };
        let current = match self.current().await {
            Ok(current) => current,
            Err(e) => return failure(&self.store, e),
        };
        let lost = |current: Option<&ManifestRead>| {
            with_etag(
                answer(StatusCode::PRECONDITION_FAILED, "the manifest moved on"),
                current.map(|c| &c.version),
            )
        };
        if current.as_ref().map(|c| &c.version) != expected.as_ref() {
            return lost(current.as_ref());
        }
        if self.served.mode == Mode::AppendOnly {
            if let Err(why) = keeps_everything(current.as_ref(), &body) {
                return answer(
                    StatusCode::FORBIDDEN,
                    format!("this server is append-only: {why}"),
                );
            }
        }
        let storage = self.storage.clone();
        let new = body.clone();
        let swapped = on_disk(async move { storage.swap_manifest(expected.as_ref(), &new).await });
        match swapped.await {
            Ok(Some(version)) => {
                let root = |bytes: &[u8]| {
                    Manifest::decode(bytes).map_or("?".into(), |m| m.root.to_base32())
                };
                eprintln!(
                    "{} swapped the manifest of {}: version {} -> {version}, root {} -> {}",
                    self.who,
                    self.store,
                    current
                        .as_ref()
                        .map_or("none".into(), |c| c.version.to_string()),
                    current.as_ref().map_or("none".into(), |c| root(&c.bytes)),
                    root(&body),
                );
                with_etag(answer(StatusCode::OK, "swapped"), Some(&version))
            }
            Ok(None) => match self.current().await {
                Ok(now) => lost(now.as_ref()),
                Err(e) => failure(&self.store, e),
            },
            Err(e) => failure(&self.store, e),
        }
    }

    async fn list(&self) -> Response {
        let storage = self.storage.clone();
        match on_disk(async move { storage.list().await }).await {
            Ok(objects) => {
                let listed: Vec<serde_json::Value> = objects
                    .into_iter()
                    .map(|o| {
                        serde_json::json!({"name": o.name, "size": o.size, "modified_ms": o.modified_ms})
                    })
                    .collect();
                let mut response =
                    (StatusCode::OK, serde_json::Value::from(listed).to_string()).into_response();
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                response
            }
            Err(e) => failure(&self.store, e),
        }
    }

    /// The object's size, when it is a file here (not a symlink out of DIR).
    fn size(&self, name: &str) -> Result<Option<u64>, Refused> {
        let path = self.dir.join(name);
        not_a_link(&path, false, &self.store)?;
        Ok(std::fs::metadata(path).ok().map(|m| m.len()))
    }

    /// The whole object, or with `Range: bytes=FIRST-LAST` those bytes (206), or 416 with the
    /// size when they are past its end.
    async fn get(&self, name: &str, headers: &HeaderMap) -> Response {
        let size = match self.size(name) {
            Ok(Some(size)) => size,
            Ok(None) => return answer(StatusCode::NOT_FOUND, format!("no object '{name}'")),
            Err(refused) => return refuse(refused),
        };
        let range = headers.get(header::RANGE).map(|r| {
            r.to_str()
                .ok()
                .and_then(|r| r.strip_prefix("bytes="))
                .and_then(|r| r.split_once('-'))
                .and_then(|(a, b)| Some((a.parse::<u64>().ok()?, b.parse::<u64>().ok()?)))
                .filter(|(first, last)| first <= last)
        });
        let storage = self.storage.clone();
        let owned = name.to_owned();
        match range {
            None => match on_disk(async move { storage.get(&owned).await }).await {
                Ok(Some(bytes)) => (StatusCode::OK, bytes).into_response(),
                Ok(None) => answer(StatusCode::NOT_FOUND, format!("no object '{name}'")),
                Err(e) => failure(&self.store, e),
            },
            Some(None) => answer(StatusCode::BAD_REQUEST, "expected Range: bytes=FIRST-LAST"),
            Some(Some((first, last))) => {
                let len = last - first + 1;
                let read = on_disk(async move { storage.get_range(&owned, first, len).await });
                let content_range = |text: String| HeaderValue::from_str(&text).ok();
                let (status, bytes, range) = match read.await {
                    Ok(Some(bytes)) => (
                        StatusCode::PARTIAL_CONTENT,
                        bytes,
                        content_range(format!("bytes {first}-{last}/{size}")),
                    ),
                    Ok(None) => {
                        return answer(StatusCode::NOT_FOUND, format!("no object '{name}'"))
                    }
                    Err(IoError::OutOfRange { size, .. }) => (
                        StatusCode::RANGE_NOT_SATISFIABLE,
                        Vec::new(),
                        content_range(format!("bytes */{size}")),
                    ),
                    Err(e) => return failure(&self.store, e),
                };
                let mut response = (status, bytes).into_response();
                if let Some(range) = range {
                    response.headers_mut().insert(header::CONTENT_RANGE, range);
                }
                response
            }
        }
    }

    /// Create-only: an object already there with the same bytes is success, other bytes a
    /// 409. A table file (a name that is a chunk address) must be whole and hash to its name,
    /// chunks and all: the server never keeps one a reader would refuse. It may then replace
    /// a damaged copy even in append-only mode, since its name admits no other bytes.
    async fn put(&self, name: String, body: Bytes) -> Response {
        let table = Hash::parse(&name).is_some();
        if table {
            if let Err(e) = cairn_core::table_file::check_whole(&name, &body) {
                return answer(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("refusing table file {name}: {e}"),
                );
            }
        }
        if let Err(refused) = self.size(&name) {
            return refuse(refused);
        }
        let storage = self.storage.clone();
        let (owned, bytes) = (name.clone(), body.clone());
        let put = on_disk(async move {
            match storage.get(&owned).await? {
                Some(existing) if existing == bytes[..] => Ok(StatusCode::OK),
                Some(_) if !table => Ok(StatusCode::CONFLICT),
                _ => storage
                    .put(&owned, &bytes)
                    .await
                    .map(|()| StatusCode::CREATED),
            }
        });
        match put.await {
            Ok(StatusCode::CONFLICT) => answer(
                StatusCode::CONFLICT,
                format!("'{name}' exists with other bytes; objects are never overwritten"),
            ),
            Ok(status) => {
                if status == StatusCode::CREATED {
                    let bytes = body.len();
                    eprintln!("{} put {name} ({bytes} bytes) in {}", self.who, self.store);
                }
                answer(status, "stored")
            }
            Err(e) => failure(&self.store, e),
        }
    }

    async fn delete(&self, name: String) -> Response {
        if self.served.mode == Mode::AppendOnly {
            return answer(
                StatusCode::FORBIDDEN,
                "this server is append-only: nothing can be deleted",
            );
        }
        let storage = self.storage.clone();
        let owned = name.clone();
        match on_disk(async move { storage.delete(&owned).await }).await {
            Ok(()) => {
                eprintln!("{} deleted {name} in {}", self.who, self.store);
                answer(StatusCode::NO_CONTENT, "")
            }
            Err(e) => failure(&self.store, e),
        }
    }
}

/// Whether a new manifest keeps every table file the current one lists, as append-only
/// requires: then every chunk, and so every snapshot and commit ever written, stays in the
/// store, and the log names each old root. (That the new root still lists every snapshot
/// would take reading the chunks; a dropped snapshot stays restorable by the old root.)
fn keeps_everything(current: Option<&ManifestRead>, new: &[u8]) -> Result<(), String> {
    let new = Manifest::decode(new).map_err(|e| format!("the new manifest is invalid: {e}"))?;
    let Some(current) = current else {
        return Ok(());
    };
    let current = Manifest::decode(&current.bytes)
        .map_err(|e| format!("the current manifest cannot be checked: {e}"))?;
    match current.tables.iter().find(|t| {
        new.tables
            .binary_search_by(|n| n.name.cmp(&t.name))
            .is_err()
    }) {
        Some(dropped) => Err(format!(
            "the new manifest drops table file {}; nothing can be removed",
            dropped.name
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_name_a_store_and_a_target() {
        let t = |p: &str| target(p);
        assert_eq!(t("/v1/a/b/manifest"), Ok(("a/b".into(), Target::Manifest)));
        assert_eq!(t("/v1/a/objects"), Ok(("a".into(), Target::Listing)));
        assert_eq!(
            t("/v1/a/objects/x1"),
            Ok(("a".into(), Target::Object("x1".into())))
        );
        for bad in [
            "/v2/a/manifest",
            "/v1/manifest",
            "/v1/../manifest",
            "/v1/a/../b/manifest",
            "/v1/%2e%2e/manifest",
            "/v1/a/objects/%2e%2e",
            "/v1/a/objects/..",
            "/v1//etc/manifest",
            "/v1/a//manifest",
            "/v1/.cairn-serve/manifest",
            "/v1/a/objects/.tokens",
            "/v1/a/objects/manifest",
            "/v1/a",
            "/v1/a/objects/b/c",
        ] {
            assert!(t(bad).is_err(), "{bad}");
        }
    }
}
