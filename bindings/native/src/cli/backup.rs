//! `backup`: list, add, remove, sync, sync-url, restore, snapshots, verify.

use std::path::Path;

use cairn_core::backup::{self, SyncOutcome};
use cairn_core::chunk_store::ChunkStore;
use cairn_core::repo::Config;
use cairn_core::verify::verify;

use super::progress::{size, Reporter};
use super::remote::same_place;
use super::{open_storage, open_store, CliError};
use crate::database::{self, now_ms, Database};
use crate::{block_on, url, FsStorage};
use cairn_core::text::time;

pub fn list(db: &Database, verbose: bool) -> String {
    db.repo
        .config()
        .backups
        .iter()
        .map(|(name, url)| {
            if verbose {
                format!("{name} {url}\n")
            } else {
                format!("{name}\n")
            }
        })
        .collect()
}

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
    quiet: bool,
) -> Result<String, CliError> {
    let mut dst = open_store(address, dir, true)?;
    let config = db.repo.config().clone();
    let mut reporter = Reporter::new(quiet);
    let started = std::time::Instant::now();
    let outcome = block_on(backup::sync(
        db.repo.store(),
        &config.id,
        &config.head,
        &mut dst,
        now_ms(),
        &mut |p| reporter.update(p),
    ));
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
/// out, no remotes or backups configured.
pub fn restore(
    address: &str,
    target: &str,
    snapshot: Option<&str>,
    force: bool,
    cwd: &Path,
    quiet: bool,
) -> Result<String, CliError> {
    let src = open_store(address, cwd, false)?;
    let target_dir = cwd.join(target);
    let mut reporter = Reporter::new(quiet);
    let restored = database::create_atomically(&target_dir, force, |store_dir| {
        let mut dst = block_on(ChunkStore::open(FsStorage::new(store_dir)))
            .map_err(database::DatabaseError::from)?;
        let (snap, stats) = block_on(backup::restore(&src, snapshot, &mut dst, &mut |p| {
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
