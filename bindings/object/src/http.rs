//! `Storage` on a `cairn serve` server (docs/PROTOCOL.md): `http[s]://HOST[:PORT]/PATH`, with
//! the token as `Authorization: Bearer`. The same code runs natively and in wasm (through the
//! JS host's `fetch`), on the retry policy of the object-store client: every request but the
//! manifest swap is idempotent and retried; a swap whose answer is lost is settled by reading
//! the manifest back, never by sending it again.

use bytes::Bytes;
use cairn_cli::url::HttpLocation;
use cairn_core::io::{BoxFuture, IoError, IoResult, ManifestRead, ObjectInfo, Storage, Version};
use http::{header, HeaderMap, Method, StatusCode};

use crate::runner::Runner;
use crate::transport::{transient_status, with_retries, TRIES};

#[derive(Clone)]
pub struct HttpStorage {
    location: HttpLocation,
    client: Client,
    runner: Runner,
}

/// What every request needs, cloned into each request's task.
#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    /// `ORIGIN/v1/PATH`, to which `/manifest`, `/objects` and `/objects/NAME` are added.
    base: String,
    origin: String,
    token: Option<String>,
    /// Headers the caller adds to every request (`with_headers`).
    extra: HeaderMap,
}

/// An answer, read whole.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// One entry of the listing (`GET /v1/PATH/objects`).
#[derive(serde::Deserialize)]
struct Listed {
    name: String,
    size: u64,
    modified_ms: u64,
}

impl HttpStorage {
    /// A client of the store at `location`, sending `token` with each request. A token goes
    /// over plain http:// only to this machine (a loopback address): elsewhere anyone on the
    /// way could read it. Makes no request yet.
    pub fn new(location: &HttpLocation, token: Option<String>) -> Result<HttpStorage, String> {
        if token.is_some() {
            refuse_in_clear(location, "a token")?;
        }
        let runner = Runner::new()?;
        let http = reqwest::Client::builder()
            .build()
            .map_err(|e| format!("cannot make an HTTP client: {e}"))?;
        Ok(HttpStorage {
            location: location.clone(),
            client: Client {
                http,
                base: format!("{}/v1/{}", location.origin, location.path),
                origin: location.origin.clone(),
                token,
                extra: HeaderMap::new(),
            },
            runner,
        })
    }

    /// Adds `headers` to every request (a proxy's credentials, or the token itself as
    /// `Authorization`). The headers the protocol itself sets cannot be replaced, and an
    /// `Authorization` header is a token: it goes over plain http:// only to this machine.
    pub fn with_headers(mut self, headers: &[(String, String)]) -> Result<HttpStorage, String> {
        const SET_BY_CLIENT: [header::HeaderName; 7] = [
            header::CACHE_CONTROL,
            header::CONTENT_LENGTH,
            header::CONTENT_TYPE,
            header::HOST,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::RANGE,
        ];
        for (name, value) in headers {
            let name = header::HeaderName::try_from(name.as_str())
                .map_err(|_| format!("'{name}' is not an HTTP header name"))?;
            let value = header::HeaderValue::try_from(value.as_str())
                .map_err(|_| format!("the value of header '{name}' is not a valid header value"))?;
            if SET_BY_CLIENT.contains(&name) {
                return Err(format!("header '{name}' is set by the client itself"));
            }
            if name == header::AUTHORIZATION {
                if self.client.token.is_some() {
                    return Err("give a token or an Authorization header, not both".into());
                }
                refuse_in_clear(&self.location, "an Authorization header")?;
            }
            self.client.extra.insert(name, value);
        }
        Ok(self)
    }
}

/// A credential goes over plain http:// only to this machine (a loopback address): elsewhere
/// anyone on the way could read it.
fn refuse_in_clear(location: &HttpLocation, what: &str) -> Result<(), String> {
    if location.is_https() || location.is_loopback() {
        return Ok(());
    }
    Err(format!(
        "refusing to send {what} to {} over plain http://, where anyone on the way could read \
         it: use https://",
        location.origin
    ))
}

impl Client {
    /// Sends one request, `tries` times at most (see `transport`), and reads the answer whole.
    async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(header::HeaderName, String)],
        body: Option<Bytes>,
        tries: u32,
    ) -> Result<Answer, reqwest::Error> {
        let url = format!("{}/{path}", self.base);
        let attempt = || async {
            let mut request = self.http.request(method.clone(), &url);
            if let Some(token) = &self.token {
                request = request.bearer_auth(token);
            }
            request = request.headers(self.extra.clone());
            // As for the object stores: a browser's HTTP cache must never answer a read.
            #[cfg(target_arch = "wasm32")]
            {
                request = request.header(header::CACHE_CONTROL, "no-store");
            }
            for (name, value) in headers {
                request = request.header(name, value);
            }
            if let Some(body) = &body {
                request = request.body(body.clone());
            }
            let response = request.send().await?;
            let (status, headers) = (response.status(), response.headers().clone());
            Ok(Answer {
                status,
                headers,
                body: response.bytes().await?,
            })
        };
        // Any failure to send or to read the answer is worth another try; a request that
        // could not even be built is not, nor one to a server whose certificate is refused.
        with_retries(
            tries,
            attempt,
            |a: &Answer| transient_status(a.status),
            |e: &reqwest::Error| !e.is_builder() && refused_certificate(e).is_none(),
        )
        .await
    }

    /// `send` with retries, its failure an error of operation `op` on `name`.
    async fn call(
        &self,
        (op, name): (&'static str, &str),
        method: Method,
        path: &str,
        headers: &[(header::HeaderName, String)],
        body: Option<Bytes>,
    ) -> IoResult<Answer> {
        self.send(method, path, headers, body, TRIES)
            .await
            .map_err(|e| self.unreachable(op, name, e))
    }

    /// An error for a failed request: the server's one-line answer, or that none came.
    fn unreachable(&self, op: &'static str, name: &str, e: reqwest::Error) -> IoError {
        let cors = match cfg!(target_arch = "wasm32") {
            true => "; from a browser, also check that the server allows this page (CORS)",
            false => "",
        };
        let host = self.origin.split_once("://").map_or("", |(_, h)| h);
        if let Some(why) = refused_certificate(&e) {
            return IoError::backend(
                op,
                name,
                format!(
                    "cannot reach {host}: its TLS certificate is not trusted here ({why}); to \
                     trust it, set SSL_CERT_FILE to a PEM file of it or of the CA that signed it"
                ),
            );
        }
        // reqwest's own line repeats the URL; the innermost cause says what went wrong.
        let mut cause: &dyn std::error::Error = &e;
        while let Some(next) = cause.source() {
            cause = next;
        }
        let why: String = cause.to_string().chars().take(200).collect();
        IoError::backend(
            op,
            name,
            format!("cannot reach {host} (no answer after retries: {why}{cors})"),
        )
    }

    /// An error for an answer the operation did not expect. The server's text is untrusted:
    /// one line, printable characters only, cut short.
    fn refused(&self, op: &'static str, name: &str, answer: &Answer) -> IoError {
        let text = String::from_utf8_lossy(&answer.body);
        let line: String = text
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control())
            .take(300)
            .collect();
        let status = answer.status;
        IoError::backend(op, name, format!("the server answered {status}: {line}"))
    }

    async fn read_manifest(&self) -> IoResult<Option<ManifestRead>> {
        let answer = self
            .call(("manifest read", ""), Method::GET, "manifest", &[], None)
            .await?;
        match answer.status {
            StatusCode::OK => match version(&answer.headers) {
                Some(version) => Ok(Some(ManifestRead {
                    bytes: answer.body.to_vec(),
                    version,
                })),
                None => Err(IoError::backend(
                    "manifest read",
                    "",
                    "the server sent no ETag with the manifest",
                )),
            },
            StatusCode::NOT_FOUND => Ok(None),
            _ => Err(self.refused("manifest read", "", &answer)),
        }
    }
}

/// Why the server's TLS certificate was refused, when that is why a request failed: no retry
/// changes it, and the user can. (In wasm the JS host does TLS, and says only that it failed.)
#[cfg(not(target_arch = "wasm32"))]
fn refused_certificate(e: &reqwest::Error) -> Option<String> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(refused @ rustls::Error::InvalidCertificate(_)) = c.downcast_ref() {
            return Some(refused.to_string());
        }
        // rustls' error comes wrapped in io::Errors, whose `source` skips what they wrap.
        cause = match c.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as _),
            None => c.source(),
        };
    }
    None
}

#[cfg(target_arch = "wasm32")]
fn refused_certificate(_: &reqwest::Error) -> Option<String> {
    None
}

/// The version an answer's ETag carries (the server quotes it).
fn version(headers: &HeaderMap) -> Option<Version> {
    let tag = headers.get(header::ETAG)?.to_str().ok()?;
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    Some(Version(tag.trim_matches('"').to_owned()))
}

/// The object's size from `Content-Range: bytes FIRST-LAST/SIZE` or `bytes */SIZE`.
fn total_size(headers: &HeaderMap) -> Option<u64> {
    let range = headers.get(header::CONTENT_RANGE)?.to_str().ok()?;
    range.rsplit_once('/')?.1.parse().ok()
}

fn object(name: &str) -> String {
    format!("objects/{name}")
}

impl Storage for HttpStorage {
    fn get<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        let (client, name) = (self.client.clone(), name.to_owned());
        self.runner.run(async move {
            let answer = client
                .call(("read", &name), Method::GET, &object(&name), &[], None)
                .await?;
            match answer.status {
                StatusCode::OK => Ok(Some(answer.body.to_vec())),
                StatusCode::NOT_FOUND => Ok(None),
                _ => Err(client.refused("read", &name, &answer)),
            }
        })
    }

    fn get_range<'a>(
        &'a self,
        name: &'a str,
        offset: u64,
        len: u64,
    ) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        let (client, name) = (self.client.clone(), name.to_owned());
        self.runner.run(async move {
            // No HTTP range is empty or ends past u64: ask for the byte at `offset`, whose
            // answer carries the size either way.
            let last = match offset.checked_add(len) {
                Some(end) if len > 0 => end - 1,
                _ => offset,
            };
            let range = vec![(header::RANGE, format!("bytes={offset}-{last}"))];
            let answer = client
                .call(("read", &name), Method::GET, &object(&name), &range, None)
                .await?;
            let size = total_size(&answer.headers);
            let out_of_range = |size| IoError::OutOfRange {
                name: name.clone(),
                offset,
                len,
                size,
            };
            match (answer.status, size) {
                (StatusCode::NOT_FOUND, _) => Ok(None),
                (StatusCode::PARTIAL_CONTENT | StatusCode::RANGE_NOT_SATISFIABLE, Some(size)) => {
                    match offset.checked_add(len) {
                        Some(end) if end <= size && len == 0 => Ok(Some(Vec::new())),
                        Some(end) if end <= size && answer.body.len() as u64 == len => {
                            Ok(Some(answer.body.to_vec()))
                        }
                        Some(end) if end <= size => Err(IoError::backend(
                            "read",
                            &name,
                            "the server sent a short read",
                        )),
                        _ => Err(out_of_range(size)),
                    }
                }
                _ => Err(client.refused("read", &name, &answer)),
            }
        })
    }

    fn put<'a>(&'a self, name: &'a str, data: &'a [u8]) -> BoxFuture<'a, IoResult<()>> {
        if let Err(e) = cairn_core::io::check_name(name) {
            return Box::pin(async move { Err(e) });
        }
        let (client, name) = (self.client.clone(), name.to_owned());
        let data = Bytes::copy_from_slice(data);
        self.runner.run(async move {
            // Create-only on the server, so sending it again is harmless.
            let answer = client
                .call(
                    ("write", &name),
                    Method::PUT,
                    &object(&name),
                    &[],
                    Some(data),
                )
                .await?;
            match answer.status {
                StatusCode::OK | StatusCode::CREATED => Ok(()),
                _ => Err(client.refused("write", &name, &answer)),
            }
        })
    }

    fn list(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
        let client = self.client.clone();
        self.runner.run(async move {
            let answer = client
                .call(("list", ""), Method::GET, "objects", &[], None)
                .await?;
            if answer.status != StatusCode::OK {
                return Err(client.refused("list", "", &answer));
            }
            let listed: Vec<Listed> = serde_json::from_slice(&answer.body).map_err(|e| {
                IoError::backend(
                    "list",
                    "",
                    format!("the server sent a listing that is not one: {e}"),
                )
            })?;
            Ok(listed
                .into_iter()
                .map(|l| ObjectInfo {
                    name: l.name,
                    size: l.size,
                    modified_ms: l.modified_ms,
                })
                .collect())
        })
    }

    fn delete<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
        let (client, name) = (self.client.clone(), name.to_owned());
        self.runner.run(async move {
            let answer = client
                .call(("delete", &name), Method::DELETE, &object(&name), &[], None)
                .await?;
            match answer.status {
                StatusCode::OK | StatusCode::NO_CONTENT | StatusCode::NOT_FOUND => Ok(()),
                _ => Err(client.refused("delete", &name, &answer)),
            }
        })
    }

    fn read_manifest(&self) -> BoxFuture<'_, IoResult<Option<ManifestRead>>> {
        let client = self.client.clone();
        self.runner.run(async move { client.read_manifest().await })
    }

    fn swap_manifest<'a>(
        &'a self,
        expected: Option<&'a Version>,
        new: &'a [u8],
    ) -> BoxFuture<'a, IoResult<Option<Version>>> {
        let client = self.client.clone();
        let condition = match expected {
            Some(v) => (header::IF_MATCH, format!("\"{v}\"")),
            None => (header::IF_NONE_MATCH, "*".to_owned()),
        };
        let expected = expected.cloned();
        let new = Bytes::copy_from_slice(new);
        self.runner.run(async move {
            // Sent once: a second send after a lost answer could win a swap from a version
            // this one had already replaced.
            let sent = client
                .send(Method::PUT, "manifest", &[condition], Some(new.clone()), 1)
                .await;
            let unknown = match sent {
                Ok(a) if a.status == StatusCode::OK => {
                    return version(&a.headers).map(Some).ok_or_else(|| {
                        IoError::backend("manifest swap", "", "the server sent no ETag")
                    })
                }
                Ok(a) if a.status == StatusCode::PRECONDITION_FAILED => return Ok(None),
                // Refused (a token, append-only): nothing changed, and retrying cannot help.
                Ok(a) if a.status.is_client_error() => {
                    return Err(client.refused("manifest swap", "", &a))
                }
                Ok(a) => client.refused("manifest swap", "", &a),
                Err(e) => client.unreachable("manifest swap", "", e),
            };
            let unknown = match unknown {
                IoError::Backend { detail, .. } => detail,
                other => other.to_string(),
            };
            // No answer, or a server error: what is there now says whether the swap won. A
            // manifest chains to the one before it (its lock), so no other swap from
            // `expected` writes these bytes unless it means the very same state.
            match client.read_manifest().await? {
                Some(now) if now.bytes == new && Some(&now.version) != expected.as_ref() => {
                    Ok(Some(now.version))
                }
                _ => Err(IoError::backend(
                    "manifest swap",
                    "",
                    format!("its outcome is unknown ({unknown}); run the command again"),
                )),
            }
        })
    }
}
