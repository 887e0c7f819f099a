//! `backup`: add, remove, sync, sync-url, restore, export, snapshots, forget, prune, verify.

use std::path::{Path, PathBuf};

use cairn_core::backup::{self, BackupError, Forget, Note, Repair, Snapshot, SyncOutcome};
use cairn_core::bundle;
use cairn_core::chunk_store::ChunkStore;
use cairn_core::repo::{Config, RepoError};
use cairn_core::retention::Policy;
use cairn_core::text::{iso_time, printable, time};
use cairn_core::verify::{verify_with, Options as VerifyOptions};
use cairn_core::{MemoryStorage, Storage};

use crate::args::{BackupAction, SyncOptions};
use crate::credentials::{self, Kind, Named};
use crate::database::{self, Database, DatabaseError};
use crate::encryption::Opened;
use crate::maintenance::report;
use crate::progress::size;
use crate::{url, CliError, Cx, Db, Host, Out};

/// Whether an action needs no database here: a restore, or one that names its backup by URL.
pub fn by_url(action: &BackupAction) -> bool {
    match action {
        BackupAction::Restore { .. } => true,
        BackupAction::Snapshots { backup, .. } | BackupAction::Verify { backup, .. } => {
            backup.contains("://") || backup.ends_with(".cairnbak")
        }
        BackupAction::Prune { backup, .. }
        | BackupAction::Forget { backup, .. }
        | BackupAction::Export { backup, .. } => backup.contains("://"),
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
            adopt,
            url,
            dir,
        } => restore(cx, &url, &dir, snapshot.as_deref(), force, adopt).await,
        BackupAction::Snapshots { json, backup } => match bundle_file(cx, &backup).await? {
            Some((unpacked, _staging)) => {
                list_snapshots(&ChunkStore::open(unpacked).await?, json).await
            }
            None => snapshots(cx, locate(db.as_deref(), &backup)?, json).await,
        },
        BackupAction::Forget {
            backup,
            policy,
            dry_run,
            prune,
            json,
        } => {
            let mode = match (dry_run, prune) {
                (true, _) => Forget::DryRun,
                (false, false) => Forget::Drop,
                (false, true) => Forget::Prune {
                    now_ms: cx.now_ms(),
                    grace_ms: cairn_core::gc::DEFAULT_GRACE_MS,
                },
            };
            let address = locate(db.as_deref(), &backup)?;
            forget(cx, address, &policy.into(), mode, json).await
        }
        BackupAction::Verify {
            backup,
            read_data_subset,
        } => {
            let options = VerifyOptions {
                subset: read_data_subset,
            };
            match bundle_file(cx, &backup).await? {
                Some((unpacked, _staging)) => checked(cx, &unpacked, &options).await,
                None => {
                    let (address, named) = locate(db.as_deref(), &backup)?;
                    let storage = cx.backup_storage((address, named), None, false).await?;
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
            let backup = action.backup().to_owned();
            cx.keys(locate(db.as_deref(), &backup)?, action).await
        }
        BackupAction::Add { name, url, encrypt } => {
            let db = here(&mut db)?;
            cx.destination(&url, Some(db.dir()))?;
            if encrypt {
                // Made now, so that the first sync finds it encrypted.
                cx.backup_storage((&url, None), Some(db.dir()), true)
                    .await?;
            }
            db.repo.add_backup(&name, &url, cx.same_place())?;
            cx.keep_token(db.dir(), Kind::Backup, &name, &url)?;
            Ok(String::new())
        }
        BackupAction::Remove { name } => {
            let db = here(&mut db)?;
            db.repo.remove_backup(&name)?;
            credentials::forget(cx.host, db.dir(), Kind::Backup, &name)?;
            Ok(String::new())
        }
        BackupAction::Sync { name, options } => {
            let db = here(&mut db)?;
            let address = db.repo.backup_url(&name)?.clone();
            let label = format!("'{name}'");
            let dir = db.dir().to_owned();
            let named = Named {
                dir: &dir,
                kind: Kind::Backup,
                name: &name,
            };
            sync(cx, db, (&address, Some(named)), &label, false, options).await
        }
        BackupAction::SyncUrl {
            url,
            encrypt,
            options,
        } => sync(cx, here(&mut db)?, (&url, None), &url, encrypt, options).await,
    }
}

/// The database here, which the actions that change or sync it need.
fn here<'a, S: Storage>(
    db: &'a mut Option<&mut Database<S>>,
) -> Result<&'a mut Database<S>, CliError> {
    db.as_deref_mut()
        .ok_or_else(|| DatabaseError::NotADatabase("".into()).into())
}

/// A store as a command names it: its URL, and the backup it is if named by one.
type Address<'a> = (&'a str, Option<Named<'a>>);

/// A backup named in the config, or a URL.
fn locate<'a, S: Storage>(
    db: Option<&'a Database<S>>,
    backup: &'a str,
) -> Result<Address<'a>, CliError> {
    if backup.contains("://") {
        return Ok((backup, None));
    }
    match db {
        Some(db) => Ok((
            db.repo.backup_url(backup)?,
            Some(Named {
                dir: db.dir(),
                kind: Kind::Backup,
                name: backup,
            }),
        )),
        None => Err(RepoError::BackupNotFound(backup.into()).into()),
    }
}

/// Syncs the database to the backup at `address`; `label` names it in messages. With a grace
/// period, first deletes what interrupted syncs left there (Dolt's
/// `--prune-with-grace-period`).
async fn sync<H: Host>(
    cx: &Cx<'_, H>,
    db: &mut Db<H>,
    (address, named): Address<'_>,
    label: &str,
    encrypt: bool,
    options: SyncOptions,
) -> Out {
    let storage = cx
        .backup_storage((address, named), Some(db.dir()), encrypt)
        .await?;
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
    let note = Note {
        tags: options.tags,
        message: options.message.unwrap_or_default(),
    };
    let mut reporter = cx.reporter();
    let started = cx.host.clock_ms();
    let outcome = db
        .repo
        .backup_sync(&mut dst, address, &note, cx.now_ms(), repair, &mut reporter)
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
/// With `adopt`, the new database also becomes the backup's writer (`backup::adopt`).
async fn restore<H: Host>(
    cx: &Cx<'_, H>,
    address: &str,
    target: &str,
    snapshot: Option<&str>,
    force: bool,
    adopt: bool,
) -> Out {
    // An empty DIR would restore into the current folder, `/` over the machine's root.
    let dir = cx.cwd.join(target);
    if target.trim().is_empty() || dir.parent().is_none() {
        let why = format!("'{target}' is no place for a new database: name a folder");
        return Err(CliError::Destination(why));
    }
    if !address.contains("://") {
        if adopt {
            let why = "a backup file cannot be adopted: adopt the backup it was exported from, \
                       by its URL";
            return Err(CliError::Destination(why.into()));
        }
        // Unpacked beside the new database: the file may be on a medium that cannot be written.
        let staging = Staging::beside(cx.host, &dir);
        let unpacked = unpack(cx, &cx.cwd.join(address), &staging).await?;
        let mut src = ChunkStore::open(unpacked).await?;
        return restore_from(cx, &mut src, target, snapshot, force, None).await;
    }
    // The new database syncs from its own folder: it remembers the backup by an absolute URL.
    let adopt = match adopt {
        true => Some(url::parse(address, &cx.cwd)?.absolute_url(address)),
        false => None,
    };
    // Damaged table files do not stop the snapshots that never used them.
    let mut src =
        ChunkStore::open_damaged(cx.backup_storage((address, None), None, false).await?).await?;
    match restore_from(cx, &mut src, target, snapshot, force, adopt.as_deref()).await {
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

/// Restores from `src`; with `adopt` (the backup's absolute URL), adopts it in the same
/// build, so that a lost adoption leaves no database behind.
async fn restore_from<H: Host, S: Storage>(
    cx: &Cx<'_, H>,
    src: &mut ChunkStore<S>,
    target: &str,
    snapshot: Option<&str>,
    force: bool,
    adopt: Option<&str>,
) -> Out {
    let mut reporter = cx.reporter();
    let (host, now_ms) = (cx.host, cx.now_ms());
    let dir = cx.cwd.join(target);
    let restored = database::create_atomically(host, &dir, force, |store_dir| {
        let reporter = &mut reporter;
        async move {
            let mut dst = ChunkStore::open(host.storage(&store_dir))
                .await
                .map_err(DatabaseError::from)?;
            let restored = backup::restore(src, snapshot, &mut dst, reporter).await?;
            let mut config = Config::new(&database::new_id()?);
            config.head = restored.snapshot.head.clone();
            let adopted = match adopt {
                Some(url) => {
                    let snap = backup::adopt(src, &restored, &config.id, now_ms).await?;
                    config.synced.insert(url.into(), snap.id());
                    Some((snap, url))
                }
                None => None,
            };
            Ok::<_, CliError>((config, (restored, adopted)))
        }
    })
    .await;
    reporter.finish();
    let (restored, adopted) = restored?;
    let snap = &restored.snapshot;
    let mut out = format!(
        "restored snapshot {} ({}) into '{target}': {} chunks, {}\n",
        snap.id(),
        time(snap.time_ms),
        restored.stats.chunks,
        size(restored.stats.bytes)
    );
    if let Some((adoption, url)) = adopted {
        out.push_str(&format!(
            "adopted the backup: this database is its writer now (snapshot {} records it); \
             `cairn backup add NAME {url}` and `cairn backup sync NAME` in '{target}' continue \
             its history\n",
            adoption.id()
        ));
    }
    for remote in &restored.remotes {
        out.push_str(&format!(
            "the backup holds remote-tracking branches of '{remote}' but not its URL, which \
             backups leave out: `cairn remote add {remote} URL` in '{target}' to fetch from it \
             again\n",
            remote = printable(remote)
        ));
    }
    Ok(out)
}

/// Writes a backup, or one snapshot of it, as a .cairnbak file: streamed into a file beside
/// it, renamed into place once whole, removed if the export fails or is interrupted. An
/// encrypted backup's file stays sealed, with its keys (sealed whole, in memory).
async fn export<H: Host>(
    cx: &Cx<'_, H>,
    address: Address<'_>,
    file: &str,
    snapshot: Option<&str>,
) -> Out {
    let opened = cx.open_backup(address, None, false).await?;
    let path = cx.cwd.join(file);
    let tmp = path.with_extension("cairnbak-partial");
    let host = cx.host;
    let io = |path: &Path, error| {
        CliError::from(DatabaseError::Io {
            path: path.to_owned(),
            error,
        })
    };
    host.write_file(&tmp, b"", false).map_err(|e| io(&tmp, e))?;
    let mut bytes = 0u64;
    let mut append = |piece: &[u8]| {
        bytes += piece.len() as u64;
        host.append_file(&tmp, piece).map_err(|e| io(&tmp, e))
    };
    let written = async {
        match opened {
            Opened::Plain(storage) => {
                let store = ChunkStore::open(storage).await?;
                let near = Some(path.as_path());
                bundle_pieces(cx, &store, snapshot, near, &mut |piece| append(&piece)).await
            }
            Opened::Sealed(storage) => {
                let store = ChunkStore::open(storage).await?;
                let mut parts = Vec::new();
                // A snapshot is copied in memory: its plaintext must not reach the disk.
                bundle_pieces(cx, &store, snapshot, None, &mut |p| {
                    parts.push(p);
                    Ok(())
                })
                .await?;
                let sealed = cairn_crypt::bundle::seal_bundle(store.storage(), &parts).await?;
                append(&sealed)
            }
        }
    };
    // Durable before it takes the name: a crash must not leave a truncated file there.
    let renamed = written
        .await
        .and_then(|()| host.sync_file(&tmp).map_err(|e| io(&tmp, e)))
        .and_then(|()| host.rename(&tmp, &path).map_err(|e| io(&path, e)));
    if let Err(e) = renamed {
        let _ = host.remove_file(&tmp);
        return Err(e);
    }
    Ok(format!("wrote {file} ({})\n", size(bytes)))
}

/// Hands a backup's store (or one snapshot of it, copied first into a folder beside `near`,
/// else into memory) to `each` as the pieces of a .cairnbak file, one at a time: memory stays
/// that of one piece, whatever the backup's size.
async fn bundle_pieces<H: Host, S: Storage>(
    cx: &Cx<'_, H>,
    src: &ChunkStore<S>,
    snapshot: Option<&str>,
    near: Option<&Path>,
    each: &mut dyn FnMut(Vec<u8>) -> Result<(), CliError>,
) -> Result<(), CliError> {
    async fn all<T: Storage>(
        mut writer: bundle::Writer<T>,
        progress: &mut dyn cairn_core::sync::Sink,
        each: &mut dyn FnMut(Vec<u8>) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        while let Some(piece) = writer.next(progress).await? {
            each(piece)?;
        }
        Ok(())
    }
    let mut reporter = cx.reporter();
    let written = match snapshot {
        None => match backup::read(src).await {
            Ok(Some(_)) => {
                let writer = bundle::Writer::new(src.storage(), src.manifest().clone());
                all(writer, &mut reporter, each).await
            }
            Ok(None) => Err(BackupError::NoSnapshots.into()),
            Err(e) => Err(e.into()),
        },
        Some(id) => {
            let staging = near.map(|near| Staging::beside(cx.host, near));
            let storage: Box<dyn Storage> = match &staging {
                Some(staging) => Box::new(cx.host.storage(&staging.dir)),
                None => Box::new(MemoryStorage::new()),
            };
            let mut single = ChunkStore::open(storage).await?;
            match backup::extract(src, Some(id), &mut single, &mut reporter).await {
                Ok(_) => {
                    let writer = bundle::Writer::new(single.storage(), single.manifest().clone());
                    all(writer, &mut cairn_core::sync::Silent, each).await
                }
                Err(e) => Err(e.into()),
            }
        }
    };
    reporter.finish();
    written
}

/// A folder a `.cairnbak` file is unpacked into (or a snapshot copied into, to export it),
/// beside `near`, removed when dropped.
struct Staging<'h, H: Host> {
    host: &'h H,
    dir: PathBuf,
}

impl<'h, H: Host> Staging<'h, H> {
    /// `.NAME.unpacked-PID` beside `near`. Those of processes that no longer run (killed
    /// midway) are deleted first, and one of this pid, left by a process of this id long gone.
    fn beside(host: &'h H, near: &Path) -> Self {
        let name = near.file_name().unwrap_or_default().to_string_lossy();
        let prefix = format!(".{name}.unpacked-");
        let parent = near.parent().unwrap_or(near);
        let own = format!("{prefix}{}", host.pid());
        for left in host.list_dir(parent).unwrap_or_default() {
            if left == own || crate::database::abandoned(host, &left, &prefix) {
                let _ = host.remove_dir_all(&parent.join(left));
            }
        }
        let dir = parent.join(own);
        Staging { host, dir }
    }
}

impl<H: Host> Drop for Staging<'_, H> {
    fn drop(&mut self) {
        let _ = self.host.remove_dir_all(&self.dir);
    }
}

/// A `.cairnbak` file named where a backup may be (not a URL, and a file there), unpacked
/// beside it (`unpack`): nothing is there unless its checksum matches.
async fn bundle_file<'h, H: Host>(
    cx: &Cx<'h, H>,
    name: &str,
) -> Result<Option<(Box<dyn Storage>, Staging<'h, H>)>, CliError> {
    let path = cx.cwd.join(name);
    if name.contains("://") || !cx.host.exists(&path) || cx.host.is_dir(&path) {
        return Ok(None);
    }
    let staging = Staging::beside(cx.host, &path);
    Ok(Some((unpack(cx, &path, &staging).await?, staging)))
}

/// A `.cairnbak` file's store, unpacked into `staging`'s folder in pieces: memory holds one
/// table file at a time. A sealed file is opened whole and unpacked into memory, so that its
/// plaintext never reaches the disk. Ctrl-C stops it and removes what it wrote.
async fn unpack<H: Host>(
    cx: &Cx<'_, H>,
    path: &Path,
    staging: &Staging<'_, H>,
) -> Result<Box<dyn Storage>, CliError> {
    let io = |error| DatabaseError::Io {
        path: path.to_owned(),
        error,
    };
    let start = cx.host.read_file_at(path, 0, 8).map_err(io)?;
    if cairn_crypt::bundle::is_sealed(&start) {
        let password = cx.backup_password()?;
        let sealed = cx.host.read_file(path).map_err(io)?;
        let bytes = cairn_crypt::bundle::open_bundle(&sealed, password.as_bytes())?;
        let unpacked = MemoryStorage::new();
        bundle::read(&bytes, &unpacked).await?;
        return Ok(Box::new(unpacked));
    }
    let mut reader = bundle::Reader::new(cx.host.storage(&staging.dir)).await?;
    let mut offset = 0u64;
    loop {
        let piece = cx
            .host
            .read_file_at(path, offset, bundle::PIECE as usize)
            .map_err(io)?;
        if piece.is_empty() {
            break;
        }
        offset += piece.len() as u64;
        reader.push(&piece).await?;
        if cx.host.interrupted() {
            reader.abort().await;
            return Err(bundle::BundleError::Interrupted.into());
        }
    }
    reader.finish().await?;
    Ok(Box::new(cx.host.storage(&staging.dir)))
}

async fn snapshots<H: Host>(cx: &Cx<'_, H>, (address, named): Address<'_>, json: bool) -> Out {
    // A damaged backup still lists its snapshots: restore and verify take their ids.
    let storage = cx.backup_storage((address, named), None, false).await?;
    list_snapshots(&ChunkStore::open_damaged(storage).await?, json).await
}

async fn list_snapshots<S: Storage>(store: &ChunkStore<S>, json: bool) -> Out {
    let root = backup::read(store).await?.ok_or(BackupError::NoSnapshots)?;
    if json {
        let list: Vec<_> = root.snapshots.iter().map(snapshot_json).collect();
        return Ok(format!("{}\n", serde_json::Value::Array(list)));
    }
    let header = ["ID", "TIME", "BRANCH", "ADDED", "TAGS", "MESSAGE"];
    let rows = root.snapshots.iter().map(|s| {
        let added = s.details.added.map_or("-".into(), size);
        let mut row = snapshot_columns(s);
        row.insert(3, added);
        row.push(match &s.details.adopted_by {
            Some(id) => format!("(adopted by {id}) {}", printable(&s.details.message)),
            None => printable(&s.details.message).into_owned(),
        });
        row
    });
    Ok(table(&header, rows))
}

/// A snapshot's id, time, branch and tags, as `snapshots` and `forget` show them.
fn snapshot_columns(s: &Snapshot) -> Vec<String> {
    vec![
        s.id(),
        time(s.time_ms),
        printable(&s.head).into_owned(),
        printable(&s.details.tags.join(",")).into_owned(),
    ]
}

/// A snapshot as `--json` prints it.
fn snapshot_json(s: &Snapshot) -> serde_json::Value {
    serde_json::json!({
        "id": s.id(),
        "time": iso_time(s.time_ms),
        "time_ms": s.time_ms,
        "branch": s.head,
        "tags": s.details.tags,
        "message": s.details.message,
        "added": s.details.added,
        "adopted_by": s.details.adopted_by,
    })
}

/// Columns padded to their widest cell, two spaces apart; no spaces end a line.
fn table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut lines: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    lines.extend(rows);
    let mut widths = vec![0; header.len()];
    for line in &lines {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for line in lines {
        let cells = line.iter().zip(&widths);
        let text: Vec<String> = cells.map(|(c, w)| format!("{c:<w$}")).collect();
        out.push_str(text.join("  ").trim_end());
        out.push('\n');
    }
    out
}

async fn checked<H: Host, S: Storage>(cx: &Cx<'_, H>, storage: &S, options: &VerifyOptions) -> Out {
    let mut reporter = cx.reporter();
    let checked = verify_with(storage, options, &mut reporter).await;
    reporter.finish();
    report(&checked?)
}

async fn prune<H: Host>(cx: &Cx<'_, H>, address: Address<'_>, keep_last: usize) -> Out {
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

/// Applies a retention policy to a backup (`backup::forget`): prints what it keeps and why,
/// and what it removes, as restic does.
async fn forget<H: Host>(
    cx: &Cx<'_, H>,
    (address, named): Address<'_>,
    policy: &Policy,
    mode: Forget,
    json: bool,
) -> Out {
    let mut store =
        ChunkStore::open(cx.backup_storage((address, named), None, false).await?).await?;
    let mut reporter = cx.reporter();
    let forgotten = backup::forget(&mut store, policy, mode, &mut reporter).await;
    reporter.finish();
    let f = forgotten?;
    let dry_run = mode == Forget::DryRun;
    if json {
        let keep = f.keep.iter().map(|(s, reasons)| {
            let mut value = snapshot_json(s);
            let reasons: Vec<String> = reasons.iter().map(|r| r.to_string()).collect();
            value["reasons"] = reasons.into();
            value
        });
        let value = serde_json::json!({
            "keep": keep.collect::<Vec<_>>(),
            "remove": f.remove.iter().map(snapshot_json).collect::<Vec<_>>(),
            "dry_run": dry_run,
            "prune": f.gc.as_ref().map(|gc| serde_json::json!({
                "table_files_deleted": gc.table_files_deleted,
                "bytes_before": gc.bytes_before,
                "bytes_after": gc.bytes_after,
            })),
        });
        return Ok(format!("{value}\n"));
    }
    let header = ["ID", "TIME", "BRANCH", "TAGS", "REASONS"];
    let keep = f.keep.iter().map(|(s, reasons)| {
        let mut row = snapshot_columns(s);
        let reasons: Vec<String> = reasons.iter().map(|r| r.to_string()).collect();
        row.push(reasons.join(", "));
        row
    });
    let mut out = format!("keep {}:\n{}", count(f.keep.len()), table(&header, keep));
    if !f.remove.is_empty() {
        let remove = f.remove.iter().map(snapshot_columns);
        out.push_str(&format!(
            "remove {}:\n{}",
            count(f.remove.len()),
            table(&header[..4], remove)
        ));
    }
    out.push_str(&match (&f.gc, dry_run, f.remove.len()) {
        (_, _, 0) => "nothing to remove\n".to_owned(),
        (_, true, n) => format!("would remove {} (dry run: nothing changed)\n", count(n)),
        (None, false, n) => format!(
            "removed {}; the data only they used stays until a prune (--prune)\n",
            count(n)
        ),
        (Some(gc), false, n) => format!(
            "removed {}; deleted {} table files; {} -> {}\n",
            count(n),
            gc.table_files_deleted,
            size(gc.bytes_before),
            size(gc.bytes_after)
        ),
    });
    Ok(out)
}

/// `1 snapshot`, `2 snapshots`.
fn count(n: usize) -> String {
    match n {
        1 => "1 snapshot".into(),
        n => format!("{n} snapshots"),
    }
}
