//! `backup`: add, remove, sync, sync-url, restore, export, snapshots, prune, verify.

use std::path::PathBuf;

use cairn_core::backup::{self, BackupError, Repair, SyncOutcome};
use cairn_core::bundle;
use cairn_core::chunk_store::ChunkStore;
use cairn_core::repo::{Config, RepoError};
use cairn_core::text::time;
use cairn_core::verify::{verify_with, Options as VerifyOptions};
use cairn_core::{MemoryStorage, Storage};

use crate::args::{BackupAction, SyncOptions};
use crate::database::{self, Database, DatabaseError};
use crate::encryption::Opened;
use crate::maintenance::report;
use crate::progress::size;
use crate::{CliError, Cx, Db, Host, Out};

/// Whether an action needs no database here: a restore, or one that names its backup by URL.
pub fn by_url(action: &BackupAction) -> bool {
    match action {
        BackupAction::Restore { .. } => true,
        BackupAction::Snapshots { backup } | BackupAction::Verify { backup, .. } => {
            backup.contains("://") || backup.ends_with(".cairnbak")
        }
        BackupAction::Prune { backup, .. } | BackupAction::Export { backup, .. } => {
            backup.contains("://")
        }
        BackupAction::Key { action } => action.backup().contains("://"),
        _ => false,
    }
}

/// The actions `by_url` picks, with no database open.
pub async fn run_by_url<H: Host>(cx: &Cx<'_, H>, action: BackupAction) -> Out {
    run(cx, None, action).await
}

/// Every other action, on the database here.
pub async fn run_in<H: Host>(cx: &Cx<'_, H>, db: &mut Db<H>, action: BackupAction) -> Out {
    run(cx, Some(db), action).await
}

async fn run<H: Host>(cx: &Cx<'_, H>, mut db: Option<&mut Db<H>>, action: BackupAction) -> Out {
    match action {
        BackupAction::Restore {
            force,
            snapshot,
            url,
            dir,
        } => restore(cx, &url, &dir, snapshot.as_deref(), force).await,
        BackupAction::Snapshots { backup } => match bundle_file(cx, &backup).await? {
            Some(unpacked) => list_snapshots(&ChunkStore::open(unpacked).await?).await,
            None => snapshots(cx, locate(db.as_deref(), &backup)?).await,
        },
        BackupAction::Verify {
            backup,
            read_data_subset,
        } => {
            let options = VerifyOptions {
                subset: read_data_subset,
            };
            match bundle_file(cx, &backup).await? {
                Some(unpacked) => checked(cx, &unpacked, &options).await,
                None => {
                    let address = locate(db.as_deref(), &backup)?;
                    let storage = cx.backup_storage(address, None, false).await?;
                    checked(cx, &storage, &options).await.map_err(|e| match e {
                        CliError::Damaged(mut problems) => {
                            problems.push(
                                "`cairn backup sync --repair` from the database writes again \
                                 what it still has"
                                    .into(),
                            );
                            CliError::Damaged(problems)
                        }
                        other => other,
                    })
                }
            }
        }
        BackupAction::Prune { backup, keep_last } => {
            prune(cx, locate(db.as_deref(), &backup)?, keep_last).await
        }
        BackupAction::Export {
            snapshot,
            backup,
            file,
        } => {
            export(
                cx,
                locate(db.as_deref(), &backup)?,
                &file,
                snapshot.as_deref(),
            )
            .await
        }
        BackupAction::Key { action } => {
            let address = locate(db.as_deref(), action.backup())?.to_owned();
            cx.keys(&address, action).await
        }
        BackupAction::Add { name, url, encrypt } => {
            let db = here(&mut db)?;
            cx.destination(&url, Some(db.dir()))?;
            if encrypt {
                // Made now, so that the first sync finds it encrypted.
                cx.backup_storage(&url, Some(db.dir()), true).await?;
            }
            db.repo.add_backup(&name, &url, cx.same_place())?;
            Ok(String::new())
        }
        BackupAction::Remove { name } => {
            here(&mut db)?.repo.remove_backup(&name)?;
            Ok(String::new())
        }
        BackupAction::Sync { name, options } => {
            let db = here(&mut db)?;
            let address = db.repo.backup_url(&name)?.clone();
            let label = format!("'{name}'");
            sync(cx, db, &address, &label, false, options).await
        }
        BackupAction::SyncUrl {
            url,
            encrypt,
            options,
        } => sync(cx, here(&mut db)?, &url, &url, encrypt, options).await,
    }
}

/// The database here, which the actions that change or sync it need.
fn here<'a, S: Storage>(
    db: &'a mut Option<&mut Database<S>>,
) -> Result<&'a mut Database<S>, CliError> {
    db.as_deref_mut()
        .ok_or_else(|| DatabaseError::NotADatabase("".into()).into())
}

/// A backup named in the config, or a URL.
fn locate<'a, S: Storage>(
    db: Option<&'a Database<S>>,
    backup: &'a str,
) -> Result<&'a str, CliError> {
    if backup.contains("://") {
        return Ok(backup);
    }
    match db {
        Some(db) => Ok(db.repo.backup_url(backup)?),
        None => Err(RepoError::BackupNotFound(backup.into()).into()),
    }
}

/// Syncs the database to the backup at `address`; `label` names it in messages. With a grace
/// period, first deletes what interrupted syncs left there (Dolt's
/// `--prune-with-grace-period`).
async fn sync<H: Host>(
    cx: &Cx<'_, H>,
    db: &mut Db<H>,
    address: &str,
    label: &str,
    encrypt: bool,
    options: SyncOptions,
) -> Out {
    let storage = cx.backup_storage(address, Some(db.dir()), encrypt).await?;
    // Damage seen on opening does not stop the sync: it writes again what it needs.
    let mut dst = ChunkStore::open_damaged(storage).await?;
    if let Some(grace) = options.prune_with_grace_period {
        let keep = dst
            .manifest()
            .tables
            .iter()
            .map(|t| t.name.clone())
            .collect();
        let none = Default::default();
        cairn_core::gc::sweep(dst.storage(), &keep, &none, cx.now_ms(), grace)
            .await
            .map_err(BackupError::Sync)?;
    }
    let repair = match options.repair {
        true => Repair::Always,
        false => Repair::IfSeenDamaged,
    };
    let mut reporter = cx.reporter();
    let started = cx.host.clock_ms();
    let outcome = db
        .repo
        .backup_sync(&mut dst, address, cx.now_ms(), repair, &mut reporter)
        .await;
    reporter.finish();
    let mut out = match outcome? {
        SyncOutcome::UpToDate { snapshot, stats } => {
            let repaired = repaired(stats.repaired);
            format!(
                "backup {label} is up to date (snapshot {}){repaired}\n",
                snapshot.id()
            )
        }
        SyncOutcome::Synced { snapshot, stats } => format!(
            "synced backup {label}: snapshot {}, {} chunks, {} written in {} ms{}\n",
            snapshot.id(),
            stats.chunks,
            size(stats.bytes),
            cx.host.clock_ms().saturating_sub(started),
            repaired(stats.repaired)
        ),
    };
    for table in dst.damaged() {
        out.push_str(&format!(
            "repaired: table file '{table}' of the backup is missing or unreadable; what this \
             snapshot needs of it was written again (`cairn backup verify {label}` names the \
             older snapshots that used it)\n"
        ));
    }
    Ok(out)
}

/// How a sync's output mentions chunks it wrote again.
fn repaired(chunks: u64) -> String {
    match chunks {
        0 => String::new(),
        n => format!("; repaired {n} chunks that were lost or damaged"),
    }
}

/// Restores a backup into a new database in `target`: a new id, the snapshot's branch checked
/// out, no remotes or backups configured. `address` is a URL, or the path of a .cairnbak file.
async fn restore<H: Host>(
    cx: &Cx<'_, H>,
    address: &str,
    target: &str,
    snapshot: Option<&str>,
    force: bool,
) -> Out {
    // An empty DIR would restore into the current folder, `/` over the machine's root.
    let dir = cx.cwd.join(target);
    if target.trim().is_empty() || dir.parent().is_none() {
        let why = format!("'{target}' is no place for a new database: name a folder");
        return Err(CliError::Destination(why));
    }
    if !address.contains("://") {
        let src = ChunkStore::open(unpack(cx, cx.cwd.join(address)).await?).await?;
        return restore_from(cx, &src, target, snapshot, force).await;
    }
    // Damaged table files do not stop the snapshots that never used them.
    let src = ChunkStore::open_damaged(cx.backup_storage(address, None, false).await?).await?;
    match restore_from(cx, &src, target, snapshot, force).await {
        // Say which snapshots would restore: what verify finds intact.
        Err(CliError::Backup(e)) if e.is_damage() => {
            let mut reporter = cx.reporter();
            let checked =
                verify_with(src.storage(), &VerifyOptions::default(), &mut reporter).await;
            reporter.finish();
            let checked = checked?;
            let intact = match checked.intact.is_empty() {
                true => "no snapshot of this backup is intact".to_owned(),
                false => format!(
                    "intact: {} (restore one with --snapshot ID)",
                    checked.intact.join(", ")
                ),
            };
            Err(CliError::Damaged(vec![e.to_string(), intact]))
        }
        other => other,
    }
}

async fn restore_from<H: Host, S: Storage>(
    cx: &Cx<'_, H>,
    src: &ChunkStore<S>,
    target: &str,
    snapshot: Option<&str>,
    force: bool,
) -> Out {
    let mut reporter = cx.reporter();
    let host = cx.host;
    let dir = cx.cwd.join(target);
    let restored = database::create_atomically(host, &dir, force, |store_dir| {
        let reporter = &mut reporter;
        async move {
            let mut dst = ChunkStore::open(host.storage(&store_dir))
                .await
                .map_err(DatabaseError::from)?;
            let (snap, stats) = backup::restore(src, snapshot, &mut dst, reporter).await?;
            let mut config = Config::new(&database::new_id()?);
            config.head = snap.head.clone();
            Ok::<_, CliError>((config, (snap, stats)))
        }
    })
    .await;
    reporter.finish();
    let (snap, stats) = restored?;
    Ok(format!(
        "restored snapshot {} ({}) into '{target}': {} chunks, {}\n",
        snap.id(),
        time(snap.time_ms),
        stats.chunks,
        size(stats.bytes)
    ))
}

/// Writes a backup, or one snapshot of it, as a .cairnbak file (written whole, then renamed
/// into place); an encrypted backup's file stays sealed, with its keys.
async fn export<H: Host>(cx: &Cx<'_, H>, address: &str, file: &str, snapshot: Option<&str>) -> Out {
    let parts = match cx.open_backup(address, None, false).await? {
        Opened::Plain(storage) => {
            bundle_parts(cx, &ChunkStore::open(storage).await?, snapshot).await?
        }
        Opened::Sealed(storage) => {
            let store = ChunkStore::open(storage).await?;
            let parts = bundle_parts(cx, &store, snapshot).await?;
            vec![cairn_crypt::bundle::seal_bundle(store.storage(), &parts).await?]
        }
    };
    let path = cx.cwd.join(file);
    let tmp = path.with_extension("cairnbak-partial");
    let written = cx
        .host
        .write_file(&tmp, &parts.concat(), true)
        .and_then(|()| cx.host.rename(&tmp, &path));
    if let Err(error) = written {
        let _ = cx.host.remove_file(&tmp);
        return Err(DatabaseError::Io { path, error }.into());
    }
    let bytes: usize = parts.iter().map(Vec::len).sum();
    Ok(format!("wrote {file} ({})\n", size(bytes as u64)))
}

/// A backup's store (or one snapshot of it) as the parts of a .cairnbak file.
async fn bundle_parts<H: Host, S: Storage>(
    cx: &Cx<'_, H>,
    src: &ChunkStore<S>,
    snapshot: Option<&str>,
) -> Result<Vec<Vec<u8>>, CliError> {
    let mut reporter = cx.reporter();
    let parts = match snapshot {
        None => match backup::read(src).await {
            Ok(Some(_)) => bundle::write(src, &mut reporter)
                .await
                .map_err(CliError::from),
            Ok(None) => Err(BackupError::NoSnapshots.into()),
            Err(e) => Err(e.into()),
        },
        Some(id) => {
            let mut single = ChunkStore::open(MemoryStorage::new()).await?;
            match backup::extract(src, Some(id), &mut single, &mut reporter).await {
                Ok(_) => bundle::write(&single, &mut cairn_core::sync::Silent)
                    .await
                    .map_err(CliError::from),
                Err(e) => Err(e.into()),
            }
        }
    };
    reporter.finish();
    parts
}

/// A `.cairnbak` file named where a backup may be (not a URL, and a file there), unpacked
/// into memory: nothing is written unless its checksum matches.
async fn bundle_file<H: Host>(
    cx: &Cx<'_, H>,
    name: &str,
) -> Result<Option<MemoryStorage>, CliError> {
    let path = cx.cwd.join(name);
    if name.contains("://") || !cx.host.exists(&path) || cx.host.is_dir(&path) {
        return Ok(None);
    }
    Ok(Some(unpack(cx, path).await?))
}

/// A `.cairnbak` file's store, in memory.
async fn unpack<H: Host>(cx: &Cx<'_, H>, path: PathBuf) -> Result<MemoryStorage, CliError> {
    let mut bytes = cx
        .host
        .read_file(&path)
        .map_err(|error| DatabaseError::Io { path, error })?;
    if cairn_crypt::bundle::is_sealed(&bytes) {
        let password = cx.backup_password()?;
        bytes = cairn_crypt::bundle::open_bundle(&bytes, password.as_bytes())?;
    }
    let unpacked = MemoryStorage::new();
    bundle::read(&bytes, &unpacked).await?;
    Ok(unpacked)
}

async fn snapshots<H: Host>(cx: &Cx<'_, H>, address: &str) -> Out {
    // A damaged backup still lists its snapshots: restore and verify take their ids.
    let storage = cx.backup_storage(address, None, false).await?;
    list_snapshots(&ChunkStore::open_damaged(storage).await?).await
}

async fn list_snapshots<S: Storage>(store: &ChunkStore<S>) -> Out {
    let root = backup::read(store).await?.ok_or(BackupError::NoSnapshots)?;
    let mut out = String::from("ID        TIME                           BRANCH\n");
    for s in &root.snapshots {
        let head = cairn_core::text::printable(&s.head);
        out.push_str(&format!("{}  {:<30} {head}\n", s.id(), time(s.time_ms)));
    }
    Ok(out)
}

async fn checked<H: Host, S: Storage>(cx: &Cx<'_, H>, storage: &S, options: &VerifyOptions) -> Out {
    let mut reporter = cx.reporter();
    let checked = verify_with(storage, options, &mut reporter).await;
    reporter.finish();
    report(&checked?)
}

async fn prune<H: Host>(cx: &Cx<'_, H>, address: &str, keep_last: usize) -> Out {
    let mut store = ChunkStore::open(cx.backup_storage(address, None, false).await?).await?;
    let mut reporter = cx.reporter();
    let pruned = backup::prune(
        &mut store,
        keep_last,
        cx.now_ms(),
        cairn_core::gc::DEFAULT_GRACE_MS,
        &mut reporter,
    )
    .await;
    reporter.finish();
    let stats = pruned?;
    Ok(format!(
        "removed {} snapshots, kept {}; deleted {} table files; {} -> {}\n",
        stats.snapshots_removed,
        stats.snapshots_kept,
        stats.gc.table_files_deleted,
        size(stats.gc.bytes_before),
        size(stats.gc.bytes_after)
    ))
}
