//! `Storage` on an object store: an S3 bucket (AWS, Ceph's RADOS Gateway, MinIO, R2 ...) or
//! an Azure Blob container, through Apache Arrow's `object_store` crate: the field's
//! maintained client, with the providers' request signing and the conditional PUTs the
//! manifest swap needs (retries are `transport`'s). Objects live under `PREFIX/NAME`; the
//! manifest is `PREFIX/manifest`.
//!
//! The manifest swap is a conditional PUT: `If-None-Match: *` for the first, `If-Match` on
//! the ETag read for the next. Two quirks of Ceph's gateway shape it (../shared/OBJECT_STORES.md):
//! it matches `If-Match` only on the ETag without its quotes, and a writer that loses a tight
//! race may get HTTP 500 rather than 412. So an S3 ETag goes out bare, and any failed swap reads
//! the manifest back: the object is ours only if we won (each write carries a nonce, so no
//! other write has the same bytes), else we lost and nothing changed.
//!
//! The same code runs natively and in wasm (there through the JS host's `fetch`), so the CLI,
//! Node and the browser share one client; `runner` says where its requests run. `http` is the
//! client of `cairn serve`, on the same transport.

mod crypto;
pub mod http;
mod runner;
pub mod settings;
mod transport;

use std::sync::Arc;

use cairn_cli::url::{Bucket, Service};
use cairn_core::io::{BoxFuture, IoError, IoResult, ManifestRead, ObjectInfo, Storage, Version};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::azure::{AzureConfigKey, MicrosoftAzureBuilder};
use object_store::path::Path;
use object_store::{
    Error as StoreError, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, RetryConfig,
    UpdateVersion,
};

use runner::Runner;
pub use settings::Settings;
use transport::{Retrying, TRIES};

pub use http::HttpStorage;

const MANIFEST: &str = "manifest";

/// The manifest object is a line `nonce NONCE` and then the manifest's bytes. S3's ETag is the
/// MD5 of the body, so two writes of the same bytes would share a version and a swap from an
/// old read could succeed across them (ABA); the nonce makes every write's version new.
const NONCE: &[u8] = b"nonce ";

/// A value no other write of any process draws: 160 random bits.
fn nonce() -> IoResult<String> {
    cairn_core::id::new_id().map_err(|e| IoError::backend("random", "", e))
}

/// The manifest's bytes inside a manifest object (one written without a nonce, by a copy
/// from a disk store, is all manifest).
fn strip_nonce(object: Vec<u8>) -> Vec<u8> {
    match object.strip_prefix(NONCE) {
        Some(rest) => match rest.iter().position(|&b| b == b'\n') {
            Some(end) => rest[end + 1..].to_vec(),
            None => object,
        },
        None => object,
    }
}

#[derive(Clone)]
pub struct ObjectStorage {
    store: Arc<dyn ObjectStore>,
    /// The same container without retries, for the manifest swap.
    swapper: Arc<dyn ObjectStore>,
    prefix: String,
    /// Send ETags without their quotes (Ceph's gateway matches no other form; AWS takes both).
    bare_etags: bool,
    runner: Runner,
}

/// object_store's own retries stay off: they sleep on tokio's timer, which wasm lacks, and
/// `transport` retries for both builds.
fn no_retries() -> RetryConfig {
    RetryConfig {
        max_retries: 0,
        ..RetryConfig::default()
    }
}

/// Sets each of `settings` whose name starts with `prefix` that the builder knows, as
/// object_store's `from_env` does with the process's environment.
fn configure<K: std::str::FromStr, B>(
    mut builder: B,
    settings: &Settings,
    prefix: &str,
    set: impl Fn(B, K, &str) -> B,
) -> B {
    // An empty variable counts as unset, as in the AWS CLI.
    for (name, value) in settings {
        if name.starts_with(prefix) && !value.is_empty() {
            if let Ok(key) = name.to_ascii_lowercase().parse::<K>() {
                builder = set(builder, key, value);
            }
        }
    }
    builder
}

/// A client for `location` with the host's environment `env`, plus for S3 the AWS shared
/// files it names (read through `read_file`; see `settings`).
pub fn open(
    location: &Bucket,
    env: Settings,
    read_file: &dyn Fn(&str) -> Option<String>,
) -> Result<ObjectStorage, String> {
    let settings = match location.service {
        Service::S3 => settings::with_aws_profile(env, read_file)?,
        Service::Azure => env,
    };
    ObjectStorage::new(location, &settings)
}

impl ObjectStorage {
    /// A client for `location`, with credentials and options from `settings` (see
    /// `settings`): `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
    /// `AWS_REGION`, `AWS_ENDPOINT_URL`, ...; `AZURE_STORAGE_ACCOUNT_NAME`,
    /// `AZURE_STORAGE_ACCOUNT_KEY`, `AZURE_STORAGE_SAS_KEY`, .... The URL's parameters win.
    /// Makes no request yet.
    pub fn new(location: &Bucket, settings: &Settings) -> Result<ObjectStorage, String> {
        let runner = Runner::new()?;
        let endpoint = location.endpoint.clone();
        let setting = |name: &str| {
            settings
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let http = |default: Option<String>| {
            endpoint
                .clone()
                .or(default)
                .is_some_and(|e| e.starts_with("http://"))
        };
        let signing = Arc::new(crypto::RustCrypto);
        let (store, swapper): (Arc<dyn ObjectStore>, Arc<dyn ObjectStore>) = match location.service
        {
            Service::S3 => {
                let builder = configure(
                    AmazonS3Builder::new(),
                    settings,
                    "AWS_",
                    |b: AmazonS3Builder, k: AmazonS3ConfigKey, v| b.with_config(k, v),
                );
                let mut builder = builder
                    .with_bucket_name(&location.bucket)
                    .with_crypto_provider(signing)
                    .with_retry(no_retries())
                    .with_allow_http(http(setting("AWS_ENDPOINT_URL")));
                if let Some(endpoint) = &endpoint {
                    builder = builder.with_endpoint(endpoint);
                }
                if let Some(region) = &location.region {
                    builder = builder.with_region(region);
                }
                if location.path_style {
                    builder = builder.with_virtual_hosted_style_request(false);
                }
                let swapper = builder.clone().with_http_connector(Retrying { tries: 1 });
                let store = builder.with_http_connector(Retrying { tries: TRIES });
                (
                    Arc::new(store.build().map_err(|e| e.to_string())?),
                    Arc::new(swapper.build().map_err(|e| e.to_string())?),
                )
            }
            Service::Azure => {
                let builder = configure(
                    MicrosoftAzureBuilder::new(),
                    settings,
                    "AZURE_",
                    |b: MicrosoftAzureBuilder, k: AzureConfigKey, v| b.with_config(k, v),
                );
                let mut builder = builder
                    .with_container_name(&location.bucket)
                    .with_crypto_provider(signing)
                    .with_retry(no_retries())
                    .with_allow_http(http(None));
                if let Some(endpoint) = &endpoint {
                    builder = builder.with_endpoint(endpoint.clone());
                }
                let swapper = builder.clone().with_http_connector(Retrying { tries: 1 });
                let store = builder.with_http_connector(Retrying { tries: TRIES });
                (
                    Arc::new(store.build().map_err(|e| e.to_string())?),
                    Arc::new(swapper.build().map_err(|e| e.to_string())?),
                )
            }
        };
        Ok(ObjectStorage {
            store,
            swapper,
            prefix: location.prefix.clone(),
            bare_etags: location.service == Service::S3,
            runner,
        })
    }

    fn path(&self, name: &str) -> Path {
        match self.prefix.is_empty() {
            true => Path::from(name),
            false => Path::from(format!("{}/{name}", self.prefix)),
        }
    }
}

fn failed(op: &'static str, name: &str, e: StoreError) -> IoError {
    IoError::backend(op, name, describe(&e))
}

/// One line a user can act on, from the client's error, which carries the whole request and
/// the server's XML answer.
fn describe(e: &StoreError) -> String {
    let text = e.to_string();
    let code = text
        .split_once("<Code>")
        .and_then(|(_, rest)| rest.split_once("</Code>"))
        .map(|(code, _)| code);
    match code {
        Some("NoSuchBucket") => "the bucket does not exist (NoSuchBucket)".into(),
        Some(code @ ("SignatureDoesNotMatch" | "InvalidAccessKeyId" | "AccessDenied")) => format!(
            "the server refused the credentials ({code}): check AWS_ACCESS_KEY_ID, \
             AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN"
        ),
        Some(code) => format!("the server answered {code}"),
        // With no keys set, the AWS chain ends at the EC2 instance metadata service, known by
        // its paths wherever AWS_METADATA_ENDPOINT puts it.
        None if text.contains("/latest/api/token") || text.contains("/latest/meta-data/") => {
            "no AWS credentials: set AWS_ACCESS_KEY_ID \
             and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (and no instance metadata service \
             answered)"
                .into()
        }
        None if text.contains("error sending request") => {
            let url = text
                .split_whitespace()
                .find(|w| w.starts_with("http://") || w.starts_with("https://"));
            // http://HOST:PORT/PATH: the third part is HOST:PORT.
            let server = url
                .and_then(|u| u.split('/').nth(2))
                .unwrap_or("the server");
            // A browser hides an answer its CORS rules do not allow, as if none came.
            let cors = match cfg!(target_arch = "wasm32") {
                true => "; from a browser, also check that the bucket's CORS rules allow this page",
                false => "",
            };
            format!("cannot reach {server} (no answer after retries{cors})")
        }
        None => text
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect(),
    }
}

/// Objects larger than this go up in parts of `PART` bytes, so that a failed request retries
/// one part, not the whole file.
const MULTIPART_ABOVE: usize = 16 << 20;
const PART: usize = 8 << 20;

/// Parts of one upload in flight at once: enough to keep a link busy, few enough to bound the
/// memory the client holds per part and the load on the server.
const PARTS_IN_FLIGHT: usize = 4;

/// A multipart upload, `PARTS_IN_FLIGHT` parts at a time; the transport retries a failed part
/// on its own. S3 has no create-only multipart completion (Ceph ignores `If-None-Match`
/// there), which a table file does not need: an object already at its name holds the same
/// bytes. A failed upload is aborted, so its parts do not linger (and cost) on the server.
async fn put_in_parts(
    store: &dyn ObjectStore,
    path: &Path,
    data: bytes::Bytes,
) -> Result<(), StoreError> {
    let mut upload = store.put_multipart(path).await?;
    // Each call numbers its part; the requests go out as the futures are polled.
    let parts: Vec<BoxFuture<'_, Result<(), StoreError>>> = data
        .chunks(PART)
        .map(|part| {
            let sent: BoxFuture<'_, _> =
                Box::pin(upload.put_part(PutPayload::from(data.slice_ref(part))));
            sent
        })
        .collect();
    let sent = cairn_core::join::bounded(parts, PARTS_IN_FLIGHT).await;
    match sent.into_iter().collect::<Result<Vec<()>, _>>() {
        Ok(_) => upload.complete().await.map(drop),
        Err(e) => {
            let _ = upload.abort().await;
            Err(e)
        }
    }
}

/// The bytes of an object, or `None` if it does not exist.
async fn get_opt(
    store: &dyn ObjectStore,
    path: &Path,
    name: &str,
) -> IoResult<Option<(Vec<u8>, Option<String>)>> {
    match store.get(path).await {
        Ok(got) => {
            let e_tag = got.meta.e_tag.clone();
            let bytes = got.bytes().await.map_err(|e| failed("read", name, e))?;
            Ok(Some((bytes.to_vec(), e_tag)))
        }
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(failed("read", name, e)),
    }
}

impl Storage for ObjectStorage {
    fn get<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        let (store, path, name) = (self.store.clone(), self.path(name), name.to_owned());
        self.runner
            .run(async move { Ok(get_opt(&store, &path, &name).await?.map(|(b, _)| b)) })
    }

    fn get_range<'a>(
        &'a self,
        name: &'a str,
        offset: u64,
        len: u64,
    ) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        let (store, path, name) = (self.store.clone(), self.path(name), name.to_owned());
        self.runner.run(async move {
            let out_of_range = |size| IoError::OutOfRange {
                name: name.clone(),
                offset,
                len,
                size,
            };
            let end = offset.checked_add(len);
            if len == 0 || end.is_none() {
                // No valid HTTP range asks for these: answer from the size.
                return match store.head(&path).await {
                    Ok(meta) if len == 0 && offset <= meta.size => Ok(Some(Vec::new())),
                    Ok(meta) => Err(out_of_range(meta.size)),
                    Err(StoreError::NotFound { .. }) => Ok(None),
                    Err(e) => Err(failed("read", &name, e)),
                };
            }
            let end = end.unwrap_or(u64::MAX);
            match store.get_range(&path, offset..end).await {
                Ok(bytes) if bytes.len() as u64 == len => Ok(Some(bytes.to_vec())),
                Err(StoreError::NotFound { .. }) => Ok(None),
                // Past the end (a 416, or fewer bytes than asked): say how long it is.
                short => match store.head(&path).await {
                    Ok(meta) if meta.size < end => Err(out_of_range(meta.size)),
                    Ok(_) => Err(match short {
                        Err(e) => failed("read", &name, e),
                        Ok(_) => IoError::backend("read", &name, "a short read"),
                    }),
                    Err(StoreError::NotFound { .. }) => Ok(None),
                    Err(e) => Err(failed("read", &name, e)),
                },
            }
        })
    }

    fn put<'a>(&'a self, name: &'a str, data: &'a [u8]) -> BoxFuture<'a, IoResult<()>> {
        if let Err(e) = cairn_core::io::check_name(name) {
            return Box::pin(async move { Err(e) });
        }
        let (store, path, name) = (self.store.clone(), self.path(name), name.to_owned());
        let data = bytes::Bytes::from(data.to_vec());
        self.runner.run(async move {
            if data.len() > MULTIPART_ABOVE {
                return put_in_parts(&store, &path, data)
                    .await
                    .map_err(|e| failed("write", &name, e));
            }
            // Create-only: names are content-derived, so an object already there holds these
            // very bytes, and an overwrite could only race a reader.
            let create = PutOptions::from(PutMode::Create);
            match store.put_opts(&path, PutPayload::from(data), create).await {
                Ok(_) | Err(StoreError::AlreadyExists { .. }) => Ok(()),
                Err(e) => Err(failed("write", &name, e)),
            }
        })
    }

    fn list(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
        let store = self.store.clone();
        let prefix = (!self.prefix.is_empty()).then(|| Path::from(self.prefix.as_str()));
        self.runner.run(async move {
            let listed = store
                .list_with_delimiter(prefix.as_ref())
                .await
                .map_err(|e| failed("list", "", e))?;
            Ok(listed
                .objects
                .into_iter()
                .filter_map(|meta| {
                    let name = meta.location.filename()?.to_owned();
                    (name != MANIFEST).then(|| ObjectInfo {
                        name,
                        size: meta.size,
                        modified_ms: meta.last_modified.timestamp_millis().max(0) as u64,
                    })
                })
                .collect())
        })
    }

    fn delete<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
        let (store, path, name) = (self.store.clone(), self.path(name), name.to_owned());
        self.runner.run(async move {
            match store.delete(&path).await {
                Ok(()) | Err(StoreError::NotFound { .. }) => Ok(()),
                Err(e) => Err(failed("delete", &name, e)),
            }
        })
    }

    fn read_manifest(&self) -> BoxFuture<'_, IoResult<Option<ManifestRead>>> {
        let (store, path) = (self.store.clone(), self.path(MANIFEST));
        self.runner.run(async move {
            let read = get_opt(&store, &path, MANIFEST).await?;
            Ok(read.map(|(object, e_tag)| ManifestRead {
                bytes: strip_nonce(object),
                version: Version(e_tag.unwrap_or_default()),
            }))
        })
    }

    fn swap_manifest<'a>(
        &'a self,
        expected: Option<&'a Version>,
        new: &'a [u8],
    ) -> BoxFuture<'a, IoResult<Option<Version>>> {
        let (store, swapper, path) = (
            self.store.clone(),
            self.swapper.clone(),
            self.path(MANIFEST),
        );
        let mode = match expected {
            None => PutMode::Create,
            Some(v) => PutMode::Update(UpdateVersion {
                e_tag: Some(match self.bare_etags {
                    true => v.0.trim_matches('"').to_owned(),
                    false => v.0.clone(),
                }),
                version: None,
            }),
        };
        let nonce = match nonce() {
            Ok(nonce) => nonce,
            Err(e) => return Box::pin(async move { Err(e) }),
        };
        let mut object = format!("nonce {nonce}\n").into_bytes();
        object.extend_from_slice(new);
        let new = object;
        self.runner.run(async move {
            let put = swapper
                .put_opts(&path, PutPayload::from(new.clone()), PutOptions::from(mode))
                .await;
            match put {
                Ok(done) => Ok(Some(Version(done.e_tag.unwrap_or_default()))),
                // Lost, or unknown (a 500 from a lost race, a retry of a PUT that had won):
                // what is there now says which; the nonce makes our object unlike any other.
                Err(e) => match get_opt(&store, &path, MANIFEST).await? {
                    Some((bytes, e_tag)) if bytes == new => {
                        Ok(Some(Version(e_tag.unwrap_or_default())))
                    }
                    _ if matches!(
                        e,
                        StoreError::Precondition { .. } | StoreError::AlreadyExists { .. }
                    ) =>
                    {
                        Ok(None)
                    }
                    // A server error on a conditional PUT: nothing was applied (we read
                    // another manifest back), so it lost.
                    Some(_) => Ok(None),
                    None => Err(failed("manifest swap", MANIFEST, e)),
                },
            }
        })
    }

    fn temporaries(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
        // Every object goes up whole in one PUT: there are none.
        Box::pin(async { Ok(Vec::new()) })
    }

    fn delete_temporary<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
        self.delete(name)
    }
}
