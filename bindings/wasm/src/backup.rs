//! Backups by store, without a repository: list snapshots, forget, prune, and the single-file `.cairnbak`
//! form (`bundle`) written from and read into a store.

use cairn_core::backup::{self, BackupError, Forget};
use cairn_core::chunk_store::ChunkStore;
use cairn_core::{bundle, MemoryStorage, Storage};
use js_sys::{Array, Function, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::args::JsProgress;
use crate::encryption::{self, Opened};
use crate::error::Error;
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

/// The backup behind `adapter` as a `.cairnbak` file, in parts to concatenate. With
/// `snapshot`, only that snapshot of the backup (copied through memory first, with progress).
/// An encrypted backup (opened with `password`) gives a sealed file, with its keys.
#[wasm_bindgen(js_name = bundleWrite)]
pub async fn bundle_write(
    adapter: JsValue,
    snapshot: JsValue,
    on_progress: Option<Function>,
    signal: JsValue,
    password: Option<String>,
) -> Result<Array, Error> {
    let snapshot = args::opt_string(&snapshot, "snapshot")?;
    let mut progress = args::progress(on_progress, signal);
    let written = match encryption::open(adapter, password, false).await? {
        Opened::Plain(adapter) => {
            let store = ChunkStore::open(args::adapter(adapter)?).await?;
            bundle_parts(&store, snapshot, &mut progress).await
        }
        Opened::Sealed(sealed) => {
            let store = ChunkStore::open(sealed).await?;
            match bundle_parts(&store, snapshot, &mut progress).await {
                Ok(parts) => encryption::seal_bundle(store.storage(), &parts).await,
                Err(e) => Err(e),
            }
        }
    };
    let parts = progress.settle(written)?;
    Ok(parts
        .iter()
        .map(|p| JsValue::from(Uint8Array::from(&p[..])))
        .collect())
}

/// A backup's store, or one snapshot of it, as the parts of a `.cairnbak` file.
async fn bundle_parts<S: Storage>(
    store: &ChunkStore<S>,
    snapshot: Option<String>,
    progress: &mut JsProgress,
) -> Result<Vec<Vec<u8>>, Error> {
    match snapshot {
        None => {
            backup::read(store).await?.ok_or(BackupError::NoSnapshots)?;
            bundle::write(store, progress).await.map_err(Error::from)
        }
        Some(id) => {
            let mut single = ChunkStore::open(MemoryStorage::default()).await?;
            match backup::extract(store, Some(&id), &mut single, progress).await {
                Ok(_) => bundle::write(&single, &mut cairn_core::sync::Silent)
                    .await
                    .map_err(Error::from),
                Err(e) => Err(e.into()),
            }
        }
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

/// Unpacks a `.cairnbak` file into the empty store behind `dst`; nothing is written unless
/// the file's checksum matches. A sealed one opens with `password`.
#[wasm_bindgen(js_name = bundleRead)]
pub async fn bundle_read(
    bytes: JsValue,
    dst: JsValue,
    password: Option<String>,
) -> Result<(), Error> {
    let (bytes, dst) = (args::bytes(&bytes)?, args::adapter(dst)?);
    let bytes = encryption::unseal_bundle(bytes, password)?;
    Ok(bundle::read(&bytes, &dst).await?)
}
