//! `backup`: list, add, remove, sync, sync-url, restore, snapshots, verify.

use std::path::Path;

use std::fs;

use cairn_core::backup::{self, BackupError, SyncOutcome};
use cairn_core::bundle;
use cairn_core::chunk_store::ChunkStore;
use cairn_core::repo::Config;
use cairn_core::verify::verify;
use cairn_core::{MemoryStorage, Storage};

use super::progress::{size, Reporter};
use super::remote::same_place;
use super::{open_storage, open_store, CliError};
use crate::database::{self, now_ms, Database, DatabaseError};
use crate::{block_on, url, FsStorage};
use cairn_core::text::time;

pub fn add(db: &mut Database, dir: &Path, name: &str, address: &str) -> Result<String, CliError> {
    url::resolve(address, dir)?;
    db.repo.add_backup(name, address, same_place(dir))?;
    Ok(String::new())
}

/// Syncs the database to the backup at `address`; `label` names it in messages.
pub fn sync(
    db: &mut Database,
    dir: &Path,
    address: &str,
    label: &str,
    prune_grace_ms: Option<u64>,
    quiet: bool,
) -> Result<String, CliError> {
    let mut dst = open_store(address, dir, true)?;
    if let Some(grace) = prune_grace_ms {
        let keep = dst
            .manifest()
            .tables
            .iter()
            .map(|t| t.name.clone())
            .collect();
        let none = Default::default();
        block_on(cairn_core::gc::sweep(
            dst.storage(),
            &keep,
            &none,
            now_ms(),
            grace,
        ))
        .map_err(BackupError::Sync)?;
    }
    let mut reporter = Reporter::new(quiet);
    let started = std::time::Instant::now();
    let outcome = block_on(
        db.repo
            .backup_sync(&mut dst, address, now_ms(), &mut |p| reporter.update(p)),
    );
    reporter.finish();
    Ok(match outcome? {
        SyncOutcome::UpToDate(s) => format!("backup {label} is up to date (snapshot {})\n", s.id()),
        SyncOutcome::Synced { snapshot, stats } => format!(
            "synced backup {label}: snapshot {}, {} chunks, {} written in {} ms\n",
            snapshot.id(),
            stats.chunks,
            size(stats.bytes),
            started.elapsed().as_millis()
        ),
    })
}

/// Restores a backup into a new database in `target`: a new id, the snapshot's branch checked
/// out, no remotes or backups configured. `address` is a URL, or the path of a .cairnbak file.
pub fn restore(
    address: &str,
    target: &str,
    snapshot: Option<&str>,
    force: bool,
    cwd: &Path,
    quiet: bool,
) -> Result<String, CliError> {
    if !address.contains("://") {
        let path = cwd.join(address);
        let bytes = fs::read(&path).map_err(|error| DatabaseError::Io { path, error })?;
        let unpacked = MemoryStorage::new();
        block_on(bundle::read(&bytes, &unpacked))?;
        let src = block_on(ChunkStore::open(unpacked))?;
        return restore_from(&src, target, snapshot, force, cwd, quiet);
    }
    let src = open_store(address, cwd, false)?;
    restore_from(&src, target, snapshot, force, cwd, quiet)
}

fn restore_from<S: Storage>(
    src: &ChunkStore<S>,
    target: &str,
    snapshot: Option<&str>,
    force: bool,
    cwd: &Path,
    quiet: bool,
) -> Result<String, CliError> {
    let target_dir = cwd.join(target);
    let mut reporter = Reporter::new(quiet);
    let restored = database::create_atomically(&target_dir, force, |store_dir| {
        let mut dst =
            block_on(ChunkStore::open(FsStorage::new(store_dir))).map_err(DatabaseError::from)?;
        let (snap, stats) = block_on(backup::restore(src, snapshot, &mut dst, &mut |p| {
            reporter.update(p)
        }))?;
        let mut config = Config::new(&database::new_id());
        config.head = snap.head.clone();
        Ok::<_, CliError>((config, (snap, stats)))
    });
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
/// into place).
pub fn export(
    db: Option<&Database>,
    backup: &str,
    file: &str,
    snapshot: Option<&str>,
    cwd: &Path,
    quiet: bool,
) -> Result<String, CliError> {
    let address = locate(db, backup)?;
    let src = open_store(address, cwd, false)?;
    let parts = match snapshot {
        None => {
            block_on(backup::read(&src))?.ok_or(BackupError::NoSnapshots)?;
            block_on(bundle::write(&src))?
        }
        Some(id) => {
            let mut single = block_on(ChunkStore::open(MemoryStorage::new()))?;
            let mut reporter = Reporter::new(quiet);
            let extracted = block_on(backup::extract(&src, Some(id), &mut single, &mut |p| {
                reporter.update(p)
            }));
            reporter.finish();
            extracted?;
            block_on(bundle::write(&single))?
        }
    };
    let path = cwd.join(file);
    let tmp = path.with_extension("cairnbak-partial");
    let written = fs::write(&tmp, parts.concat()).and_then(|()| fs::rename(&tmp, &path));
    if let Err(error) = written {
        let _ = fs::remove_file(&tmp);
        return Err(DatabaseError::Io { path, error }.into());
    }
    let bytes: usize = parts.iter().map(Vec::len).sum();
    Ok(format!("wrote {file} ({})\n", size(bytes as u64)))
}

/// A backup named in the config, or a URL.
fn locate<'a>(db: Option<&'a Database>, backup: &'a str) -> Result<&'a str, CliError> {
    if backup.contains("://") {
        return Ok(backup);
    }
    match db {
        Some(db) => Ok(db.repo.backup_url(backup)?),
        None => Err(cairn_core::repo::RepoError::BackupNotFound(backup.into()).into()),
    }
}

pub fn snapshots(db: Option<&Database>, backup: &str, cwd: &Path) -> Result<String, CliError> {
    let address = locate(db, backup)?;
    let store = open_store(address, cwd, false)?;
    let root = block_on(backup::read(&store))?.ok_or(backup::BackupError::NoSnapshots)?;
    let mut out = String::from("ID        TIME                           BRANCH\n");
    for s in &root.snapshots {
        out.push_str(&format!("{}  {:<30} {}\n", s.id(), time(s.time_ms), s.head));
    }
    Ok(out)
}

pub fn verify_backup(db: Option<&Database>, backup: &str, cwd: &Path) -> Result<String, CliError> {
    let address = locate(db, backup)?;
    let storage = open_storage(address, cwd)?;
    let report =
        block_on(verify(&storage)).map_err(|e| cairn_core::repo::RepoError::Store(e.into()))?;
    super::report(&report)
}

pub fn prune(
    db: Option<&Database>,
    backup: &str,
    keep_last: usize,
    cwd: &Path,
    quiet: bool,
) -> Result<String, CliError> {
    let address = locate(db, backup)?;
    let mut store = open_store(address, cwd, false)?;
    let mut reporter = Reporter::new(quiet);
    let pruned = block_on(backup::prune(
        &mut store,
        keep_last,
        now_ms(),
        cairn_core::gc::DEFAULT_GRACE_MS,
        &mut |p| reporter.update(p),
    ));
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
