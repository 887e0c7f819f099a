//! `remote`, `push`, `fetch`, `pull` and `clone`.

use std::path::Path;

use cairn_core::chunk_store::ChunkStore;
use cairn_core::repo::{Repo, Transfer};

use super::progress::{size, Reporter};
use super::{open_store, CliError};
use crate::database::{self, Database};
use crate::url;
use crate::{block_on, FsStorage};

/// Whether two URLs name the same place, as seen from the database directory.
pub fn same_place(dir: &Path) -> impl Fn(&str, &str) -> bool + '_ {
    move |a, b| match (url::resolve(a, dir), url::resolve(b, dir)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

pub fn add(db: &mut Database, dir: &Path, name: &str, address: &str) -> Result<String, CliError> {
    url::resolve(address, dir)?;
    db.repo.add_remote(name, address, same_place(dir))?;
    Ok(String::new())
}

fn remote_store(
    db: &Database,
    dir: &Path,
    name: &str,
    create: bool,
) -> Result<ChunkStore<FsStorage>, CliError> {
    let address = db
        .repo
        .config()
        .remotes
        .get(name)
        .ok_or_else(|| cairn_core::repo::RepoError::RemoteNotFound(name.into()))?;
    open_store(address, dir, create)
}

pub fn push(
    db: &mut Database,
    dir: &Path,
    remote: &str,
    branch: &str,
    force: bool,
    quiet: bool,
) -> Result<String, CliError> {
    let mut store = remote_store(db, dir, remote, true)?;
    let mut reporter = Reporter::new(quiet);
    let outcome = block_on(db.repo.push(remote, &mut store, branch, force, &mut |p| {
        reporter.update(p)
    }));
    reporter.finish();
    Ok(match outcome? {
        Transfer::UpToDate => "Everything up-to-date\n".into(),
        Transfer::Updated { old, new, stats } => {
            let from = old.map_or("[new branch]".to_owned(), |o| o.to_string()[..8].to_owned());
            format!(
                "{from}..{} {branch} -> {branch} ({} chunks, {})\n",
                &new.to_string()[..8],
                stats.chunks,
                size(stats.bytes)
            )
        }
    })
}

pub fn fetch(db: &mut Database, dir: &Path, remote: &str, quiet: bool) -> Result<String, CliError> {
    let store = remote_store(db, dir, remote, false)?;
    let mut reporter = Reporter::new(quiet);
    let stats = block_on(db.repo.fetch(remote, &store, &mut |p| reporter.update(p)));
    reporter.finish();
    let stats = stats?;
    Ok(if stats.chunks == 0 {
        String::new()
    } else {
        format!("fetched {} chunks, {}\n", stats.chunks, size(stats.bytes))
    })
}

pub fn pull(
    db: &mut Database,
    dir: &Path,
    remote: &str,
    branch: Option<&str>,
    quiet: bool,
) -> Result<String, CliError> {
    let store = remote_store(db, dir, remote, false)?;
    let mut reporter = Reporter::new(quiet);
    let outcome = block_on(
        db.repo
            .pull(remote, &store, branch, &mut |p| reporter.update(p)),
    );
    reporter.finish();
    Ok(match outcome? {
        Transfer::UpToDate => "Already up to date.\n".into(),
        Transfer::Updated { old, new, .. } => format!(
            "Fast-forward {}..{}\n",
            old.map_or(String::new(), |o| o.to_string()[..8].to_owned()),
            &new.to_string()[..8]
        ),
    })
}

/// `clone URL [DIR]`: builds the database in a temporary folder inside DIR and moves it into
/// place, so a failed clone leaves nothing behind.
pub fn clone(
    address: &str,
    dir: Option<&str>,
    cwd: &Path,
    quiet: bool,
) -> Result<String, CliError> {
    let source = url::resolve(address, cwd)?;
    let name = match dir {
        Some(d) => d.to_owned(),
        None => source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| url::UrlError::EmptyPath(address.into()))?,
    };
    let target = cwd.join(&name);
    let remote = open_store(address, cwd, false)?;
    // The clone runs commands from its own folder: record where the remote is, absolutely.
    let origin = format!("file://{}", source.display());
    let mut reporter = Reporter::new(quiet);
    let cloned = database::create_atomically(&target, false, |store_dir| {
        let store = block_on(ChunkStore::open(FsStorage::new(store_dir)))
            .map_err(database::DatabaseError::from)?;
        let repo = block_on(Repo::clone_from(
            store,
            &remote,
            &origin,
            &database::new_id(),
            &mut |p| reporter.update(p),
        ))?;
        Ok::<_, CliError>((repo.config().clone(), ()))
    });
    reporter.finish();
    cloned?;
    Ok(format!("cloned {address} into '{name}'\n"))
}
