//! Backups by store, without a repository: list snapshots, forget, prune, and the single-file `.cairnbak`
//! form (`bundle`) written from and read into a store.

use cairn_core::backup::{self, BackupError, Forget};
use cairn_core::chunk_store::ChunkStore;
use std::collections::VecDeque;
use std::rc::Rc;

use async_lock::Mutex;
use cairn_core::{bundle, MemoryStorage, Storage};
use js_sys::{Array, Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use zeroize::Zeroizing;

use crate::args::JsProgress;
use crate::encryption::{self, Opened};
use crate::error::Error;
use crate::storage::JsStorage;
use crate::{args, convert, js};

/// The snapshots of the backup behind `adapter`, oldest first.
#[wasm_bindgen(js_name = backupSnapshots)]
pub async fn backup_snapshots(adapter: JsValue) -> Result<Array, Error> {
    let store = ChunkStore::open(args::adapter(adapter)?).await?;
    let root = backup::read(&store)
        .await?
        .ok_or(BackupError::NoSnapshots)?;
    Ok(root.snapshots.iter().map(convert::snapshot).collect())
}

/// The backup behind `adapter` as a `.cairnbak` file, handed out piece by piece as JS asks
/// (`BundleWriter.next`), so that only one piece is in memory at a time. With `snapshot`, only
/// that snapshot of the backup (copied through memory first, with progress). An encrypted
/// backup (opened with `password`) gives a sealed file, with its keys, sealed whole in memory.
#[wasm_bindgen(js_name = bundleWriter)]
pub async fn bundle_writer(
    adapter: JsValue,
    snapshot: JsValue,
    on_progress: Option<Function>,
    signal: JsValue,
    password: Option<String>,
) -> Result<BundleWriter, Error> {
    let snapshot = args::opt_string(&snapshot, "snapshot")?;
    let mut progress = args::progress(on_progress, signal);
    let pieces = match encryption::open(adapter, password, false).await? {
        Opened::Plain(adapter) => {
            let store = ChunkStore::open(args::adapter(adapter.clone())?).await?;
            match snapshot {
                None => match backup::read(&store).await {
                    Ok(Some(_)) => Ok(Pieces::Plain(bundle::Writer::new(
                        args::adapter(adapter)?,
                        store.manifest().clone(),
                    ))),
                    Ok(None) => Err(BackupError::NoSnapshots.into()),
                    Err(e) => Err(e.into()),
                },
                Some(id) => single(&store, &id, &mut progress).await.map(Pieces::Single),
            }
        }
        Opened::Sealed(sealed) => {
            let store = ChunkStore::open(sealed).await?;
            let parts = match snapshot {
                None => match backup::read(&store).await {
                    Ok(Some(_)) => bundle::write(&store, &mut progress)
                        .await
                        .map_err(Error::from),
                    Ok(None) => Err(BackupError::NoSnapshots.into()),
                    Err(e) => Err(e.into()),
                },
                Some(id) => match single(&store, &id, &mut progress).await {
                    Ok(mut writer) => all(&mut writer).await,
                    Err(e) => Err(e),
                },
            };
            match parts {
                Ok(parts) => encryption::seal_bundle(store.storage(), &parts)
                    .await
                    .map(|sealed| Pieces::Whole(sealed.into())),
                Err(e) => Err(e),
            }
        }
    };
    let pieces = match pieces {
        Ok(pieces) => pieces,
        Err(e) => return Err(progress.settle(Err::<(), _>(e)).unwrap_err()),
    };
    Ok(BundleWriter {
        state: Rc::new(Mutex::new((pieces, Some(progress)))),
    })
}

/// One snapshot of the backup `store`, copied into memory, ready to hand out.
async fn single<S: Storage>(
    store: &ChunkStore<S>,
    id: &str,
    progress: &mut JsProgress,
) -> Result<bundle::Writer<MemoryStorage>, Error> {
    let mut single = ChunkStore::open(MemoryStorage::default()).await?;
    backup::extract(store, Some(id), &mut single, progress).await?;
    let manifest = single.manifest().clone();
    Ok(bundle::Writer::new(single.storage().clone(), manifest))
}

/// Every piece of `writer`, for a file that is sealed whole.
async fn all<S: Storage>(writer: &mut bundle::Writer<S>) -> Result<Vec<Vec<u8>>, Error> {
    let mut parts = Vec::new();
    while let Some(part) = writer.next(&mut cairn_core::sync::Silent).await? {
        parts.push(part);
    }
    Ok(parts)
}

enum Pieces {
    Plain(bundle::Writer<JsStorage>),
    Single(bundle::Writer<MemoryStorage>),
    /// A sealed file, sealed whole.
    Whole(VecDeque<Vec<u8>>),
}

/// A `.cairnbak` file being handed out (`bundleWriter`).
#[wasm_bindgen]
pub struct BundleWriter {
    /// The pieces, and where their progress goes (taken to settle an error).
    state: Rc<Mutex<(Pieces, Option<JsProgress>)>>,
}

#[wasm_bindgen]
impl BundleWriter {
    /// Resolves to the next piece of the file (a Uint8Array), or undefined after the last.
    /// Progress goes where `bundleWriter` was told, and its signal stops it.
    pub fn next(&self) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (pieces, progress) = &mut *state.lock().await;
            let Some(sink) = progress else {
                return Err(args::invalid("the backup file failed already".into()).into());
            };
            let next = match pieces {
                Pieces::Plain(writer) => writer.next(sink).await,
                Pieces::Single(writer) => writer.next(&mut cairn_core::sync::Silent).await,
                Pieces::Whole(parts) => Ok(parts.pop_front()),
            };
            let next = match next {
                Ok(next) => next,
                Err(e) => {
                    let sink = progress.take().expect("present above");
                    return Err(sink.settle(Err::<(), _>(e)).unwrap_err().into());
                }
            };
            Ok(match next {
                Some(piece) => Uint8Array::from(&piece[..]).into(),
                None => JsValue::UNDEFINED,
            })
        })
    }
}
/// Keeps the newest `keep_last` snapshots of the backup behind `adapter` and deletes what
/// only older ones used (and files an interrupted sync left more than `grace_ms` ago, the
/// core's default when undefined).
#[wasm_bindgen(js_name = backupPrune)]
pub async fn backup_prune(
    adapter: JsValue,
    keep_last: u32,
    now_ms: f64,
    grace_ms: Option<f64>,
    on_progress: Option<Function>,
    signal: JsValue,
) -> Result<JsValue, Error> {
    let now = args::time_ms(now_ms)?;
    let grace = match grace_ms {
        Some(ms) => args::time_ms(ms)?,
        None => cairn_core::gc::DEFAULT_GRACE_MS,
    };
    let mut store = ChunkStore::open(args::adapter(adapter)?).await?;
    let mut progress = args::progress(on_progress, signal);
    let pruned = backup::prune(&mut store, keep_last as usize, now, grace, &mut progress).await;
    let s = progress.settle(pruned)?;
    let figures = gc_figures(&s.gc);
    js::set(
        &figures,
        "snapshotsRemoved",
        (s.snapshots_removed as f64).into(),
    );
    js::set(&figures, "snapshotsKept", (s.snapshots_kept as f64).into());
    Ok(figures)
}

/// Applies a retention `policy` (see `args::policy`) to the backup behind `adapter`
/// (`backup::forget`): resolves to `{ keep: [{ snapshot, reasons }], remove: [snapshot],
/// dryRun, prune }`, `prune` being `null` or the figures of the prune that `prune: true` ran.
#[wasm_bindgen(js_name = backupForget)]
#[allow(clippy::too_many_arguments)]
pub async fn backup_forget(
    adapter: JsValue,
    policy: JsValue,
    dry_run: bool,
    prune: bool,
    now_ms: f64,
    on_progress: Option<Function>,
    signal: JsValue,
) -> Result<JsValue, Error> {
    let policy = args::policy(&policy)?;
    let mode = match (dry_run, prune) {
        (true, _) => Forget::DryRun,
        (false, false) => Forget::Drop,
        (false, true) => Forget::Prune {
            now_ms: args::time_ms(now_ms)?,
            grace_ms: cairn_core::gc::DEFAULT_GRACE_MS,
        },
    };
    let mut store = ChunkStore::open(args::adapter(adapter)?).await?;
    let mut progress = args::progress(on_progress, signal);
    let forgotten = backup::forget(&mut store, &policy, mode, &mut progress).await;
    let f = progress.settle(forgotten)?;
    let keep: Array = f
        .keep
        .iter()
        .map(|(s, reasons)| {
            let reasons: Array = reasons
                .iter()
                .map(|r| JsValue::from(r.to_string()))
                .collect();
            js::object(&[
                ("snapshot", convert::snapshot(s)),
                ("reasons", reasons.into()),
            ])
        })
        .collect();
    let remove: Array = f.remove.iter().map(convert::snapshot).collect();
    let pruned = match &f.gc {
        None => JsValue::NULL,
        Some(gc) => gc_figures(gc),
    };
    Ok(js::object(&[
        ("keep", keep.into()),
        ("remove", remove.into()),
        ("dryRun", dry_run.into()),
        ("prune", pruned),
    ]))
}

/// A prune's figures, as `backupPrune` and `backupForget` resolve to them.
fn gc_figures(gc: &cairn_core::gc::GcStats) -> JsValue {
    js::object(&[
        ("tableFilesWritten", (gc.table_files_written as f64).into()),
        ("tableFilesDeleted", (gc.table_files_deleted as f64).into()),
        ("bytesBefore", (gc.bytes_before as f64).into()),
        ("bytesAfter", (gc.bytes_after as f64).into()),
    ])
}

/// Unpacks a `.cairnbak` file, pushed piece by piece (`BundleReader`), into the empty store
/// behind `dst`: table files as they come, the store visible only once the file's checksum
/// matches. A sealed one (opened with `password`) is gathered whole first, as it opens whole.
#[wasm_bindgen(js_name = bundleReader)]
pub async fn bundle_reader(dst: JsValue, password: Option<String>) -> Result<BundleReader, Error> {
    let reader = bundle::Reader::new(args::adapter(dst)?).await?;
    let state = Unpacking {
        reader: Some(reader),
        feed: Feed::Start(Vec::new()),
        password: password.map(Zeroizing::new),
    };
    Ok(BundleReader {
        state: Rc::new(Mutex::new(state)),
    })
}

/// What the pieces so far are.
enum Feed {
    /// Fewer bytes than tell a sealed file from a plain one.
    Start(Vec<u8>),
    Plain,
    Sealed(Vec<u8>),
}

struct Unpacking {
    /// Taken by `finish` and `abort`.
    reader: Option<bundle::Reader<JsStorage>>,
    feed: Feed,
    password: Option<Zeroizing<String>>,
}

impl Unpacking {
    /// The reader, until `finish` took it.
    fn reader(&mut self) -> Result<&mut bundle::Reader<JsStorage>, Error> {
        self.reader
            .as_mut()
            .ok_or_else(|| args::invalid("the backup file was already read to its end".into()))
    }

    async fn push(&mut self, piece: &[u8]) -> Result<(), Error> {
        match &mut self.feed {
            Feed::Plain => Ok(self.reader()?.push(piece).await?),
            Feed::Sealed(bytes) => {
                bytes.extend_from_slice(piece);
                Ok(())
            }
            Feed::Start(start) => {
                start.extend_from_slice(piece);
                if start.len() < cairn_crypt::bundle::MAGIC.len() {
                    return Ok(());
                }
                let start = std::mem::take(start);
                if cairn_crypt::bundle::is_sealed(&start) {
                    self.feed = Feed::Sealed(start);
                    return Ok(());
                }
                self.feed = Feed::Plain;
                Ok(self.reader()?.push(&start).await?)
            }
        }
    }

    async fn finish(&mut self) -> Result<(), Error> {
        match std::mem::replace(&mut self.feed, Feed::Plain) {
            Feed::Start(start) => self.reader()?.push(&start).await?,
            Feed::Sealed(sealed) => {
                let password = self.password.take().map(|p| p.to_string());
                let bytes = encryption::unseal_bundle(sealed, password)?;
                self.reader()?.push(&bytes).await?
            }
            Feed::Plain => {}
        }
        self.reader()?;
        let reader = self.reader.take().expect("checked above");
        Ok(reader.finish().await?)
    }
}

/// A `.cairnbak` file being unpacked (`bundleReader`). A piece that fails to read removes
/// what was written, as does `abort`.
#[wasm_bindgen]
pub struct BundleReader {
    state: Rc<Mutex<Unpacking>>,
}

#[wasm_bindgen]
impl BundleReader {
    /// Takes the next piece of the file (a Uint8Array of any length).
    pub fn push(&self, piece: JsValue) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let piece = args::bytes(&piece)?;
            state.lock().await.push(&piece).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Checks the end of the file and makes the store visible.
    pub fn finish(&self) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            state.lock().await.finish().await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Stops reading (the file's stream failed or was cancelled): deletes what was written.
    pub fn abort(&self) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            if let Some(reader) = state.lock().await.reader.take() {
                reader.abort().await;
            }
            Ok(JsValue::UNDEFINED)
        })
    }
}
