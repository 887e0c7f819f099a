//! The `cairn` command: parses arguments, runs the verb against the database in the current
//! directory, prints the result, and turns every error into one line on stderr and a
//! non-zero exit code.

mod args;
mod backup;
mod print;
mod progress;
mod remote;

use std::io::{IsTerminal, Read};
use std::path::Path;

use clap::Parser;

use cairn_core::backup::BackupError;
use cairn_core::bundle::BundleError;
use cairn_core::chunk_store::ChunkStore;
use cairn_core::repo::{DiffTarget, RepoError};
use cairn_core::text;
use cairn_core::verify::{verify, Report};

use crate::database::{Database, DatabaseError};
use crate::url::{self, UrlError};
use crate::{block_on, FsStorage};
use args::{BackupAction, Cli, Command, RemoteAction};

/// Exit codes: 0 success, 1 a command that failed, 2 a command line that did not parse.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match run(cli.command, Path::new("."), cli.quiet) {
        Ok(out) => {
            print!("{out}");
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

/// Everything a command can fail with, each shown as one line.
#[derive(Debug)]
enum CliError {
    Database(DatabaseError),
    Repo(RepoError),
    /// `fsck` found damage: one message per problem.
    Damaged(Vec<String>),
    Input(std::io::Error),
    Url(UrlError),
    Backup(BackupError),
    Bundle(BundleError),
    /// A URL whose directory does not exist, where one must.
    Missing(String),
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Database(e) => e.fmt(f),
            CliError::Repo(e) => e.fmt(f),
            CliError::Damaged(problems) => {
                write!(f, "the store is damaged: {}", problems.join("; "))
            }
            CliError::Input(e) => write!(f, "cannot read standard input: {e}"),
            CliError::Url(e) => e.fmt(f),
            CliError::Backup(e) => e.fmt(f),
            CliError::Bundle(e) => e.fmt(f),
            CliError::Missing(url) => write!(f, "nothing at '{url}': the directory does not exist"),
        }
    }
}

impl From<DatabaseError> for CliError {
    fn from(e: DatabaseError) -> Self {
        CliError::Database(e)
    }
}

impl From<RepoError> for CliError {
    fn from(e: RepoError) -> Self {
        CliError::Repo(e)
    }
}

impl From<UrlError> for CliError {
    fn from(e: UrlError) -> Self {
        CliError::Url(e)
    }
}

impl From<BackupError> for CliError {
    fn from(e: BackupError) -> Self {
        CliError::Backup(e)
    }
}

impl From<BundleError> for CliError {
    fn from(e: BundleError) -> Self {
        CliError::Bundle(e)
    }
}

impl From<cairn_core::StoreError> for CliError {
    fn from(e: cairn_core::StoreError) -> Self {
        CliError::Repo(RepoError::Store(e))
    }
}

/// The storage at a URL. Only a location that will be written to may be missing.
fn open_storage(address: &str, cwd: &Path) -> Result<FsStorage, CliError> {
    let dir = url::resolve(address, cwd)?;
    if !dir.is_dir() {
        return Err(CliError::Missing(address.into()));
    }
    Ok(FsStorage::new(dir))
}

/// The chunk store at a URL; with `create`, a missing directory is made on first write.
fn open_store(address: &str, cwd: &Path, create: bool) -> Result<ChunkStore<FsStorage>, CliError> {
    let storage = if create {
        FsStorage::new(url::resolve(address, cwd)?)
    } else {
        open_storage(address, cwd)?
    };
    Ok(block_on(ChunkStore::open(storage))?)
}

/// Remotes or backups as `remote` and `backup` list them: names, with URLs when verbose.
fn list_locations(locations: &std::collections::BTreeMap<String, String>, verbose: bool) -> String {
    locations
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

/// A verify report as `fsck` and `backup verify` print it; damage is an error.
fn report(report: &Report) -> Result<String, CliError> {
    if !report.is_ok() {
        let problems = report.problems.iter().map(|p| p.to_string()).collect();
        return Err(CliError::Damaged(problems));
    }
    let mut out = format!(
        "checked {} table files, {} chunks ({} bytes)\n",
        report.tables, report.chunks, report.bytes
    );
    for orphan in &report.orphans {
        out.push_str(&format!(
            "note: table file '{orphan}' is not in the manifest (merged into another, or left by an interrupted write; gc deletes it)\n"
        ));
    }
    out.push_str("no problems found\n");
    Ok(out)
}

/// Runs one command in `dir`; returns what to print.
fn run(command: Command, dir: &Path, quiet: bool) -> Result<String, CliError> {
    // Commands that make a database, or read a backup by URL, need none here.
    match &command {
        Command::Init => {
            Database::init(dir)?;
            return Ok("Successfully initialized cairn data repository.\n".into());
        }
        Command::Clone { url, dir: target } => {
            return remote::clone(url, target.as_deref(), dir, quiet)
        }
        Command::Gc { url: Some(url) } => {
            let mut store = open_store(url, dir, false)?;
            let mut reporter = progress::Reporter::new(quiet);
            let collected = block_on(cairn_core::gc::collect(
                &mut store,
                None,
                crate::database::now_ms(),
                cairn_core::gc::DEFAULT_GRACE_MS,
                &mut |p| reporter.update(p),
            ));
            reporter.finish();
            return Ok(gc_line(&collected.map_err(RepoError::Sync)?));
        }
        Command::Backup {
            action:
                Some(BackupAction::Restore {
                    force,
                    snapshot,
                    url,
                    dir: target,
                }),
            ..
        } => return backup::restore(url, target, snapshot.as_deref(), *force, dir, quiet),
        Command::Backup {
            action: Some(BackupAction::Snapshots { backup: b }),
            ..
        } if b.contains("://") => return backup::snapshots(None, b, dir),
        Command::Backup {
            action: Some(BackupAction::Verify { backup: b }),
            ..
        } if b.contains("://") => return backup::verify_backup(None, b, dir),
        Command::Backup {
            action:
                Some(BackupAction::Prune {
                    backup: b,
                    keep_last,
                }),
            ..
        } if b.contains("://") => return backup::prune(None, b, *keep_last, dir, quiet),
        Command::Backup {
            action:
                Some(BackupAction::Export {
                    snapshot,
                    backup: b,
                    file,
                }),
            ..
        } if b.contains("://") => {
            return backup::export(None, b, file, snapshot.as_deref(), dir, quiet)
        }
        _ => {}
    }
    let mut db = Database::open(dir)?;
    let wrote_before = db.repo.store().root();
    let out = run_in(&mut db, command, dir, quiet)?;
    if db.repo.store().root() != wrote_before {
        auto_gc(&mut db, quiet)?;
    }
    db.save_config()?;
    Ok(out)
}

/// What a gc did, in one line.
fn gc_line(stats: &cairn_core::gc::GcStats) -> String {
    format!(
        "gc: {} -> {}; wrote {} table files, deleted {} files\n",
        progress::size(stats.bytes_before),
        progress::size(stats.bytes_after),
        stats.table_files_written,
        stats.table_files_deleted + stats.temporaries_deleted
    )
}

/// After a command that changed the database: a gc if enough garbage has gathered, said in
/// one line on stderr so the command's own output stays as it was.
fn auto_gc(db: &mut Database, quiet: bool) -> Result<(), CliError> {
    let mut reporter = progress::Reporter::new(quiet);
    let ran = block_on(
        db.repo
            .auto_gc(crate::database::now_ms(), &mut |p| reporter.update(p)),
    );
    reporter.finish();
    if let Some(stats) = ran? {
        if !quiet {
            eprint!("auto {}", gc_line(&stats));
        }
    }
    Ok(())
}

fn run_in(
    db: &mut Database,
    command: Command,
    dir: &Path,
    quiet: bool,
) -> Result<String, CliError> {
    match command {
        Command::Remote { verbose, action } => {
            return match action {
                None => Ok(list_locations(&db.repo.config().remotes, verbose)),
                Some(RemoteAction::Add { name, url }) => remote::add(db, dir, &name, &url),
                Some(RemoteAction::Remove { name }) => {
                    block_on(db.repo.remove_remote(&name))?;
                    Ok(String::new())
                }
            }
        }
        Command::Push {
            force,
            remote: r,
            branch,
        } => return remote::push(db, dir, &r, &branch, force, quiet),
        Command::Fetch { remote: r } => return remote::fetch(db, dir, &r, quiet),
        Command::Pull { remote: r, branch } => {
            return remote::pull(db, dir, &r, branch.as_deref(), quiet)
        }
        Command::Backup { verbose, action } => {
            return match action {
                None => Ok(list_locations(&db.repo.config().backups, verbose)),
                Some(BackupAction::Add { name, url }) => backup::add(db, dir, &name, &url),
                Some(BackupAction::Remove { name }) => {
                    db.repo.remove_backup(&name)?;
                    Ok(String::new())
                }
                Some(BackupAction::Sync { name, prune }) => {
                    let address = db.repo.backup_url(&name)?.clone();
                    let label = format!("'{name}'");
                    let grace = prune.prune_with_grace_period;
                    backup::sync(db, dir, &address, &label, grace, quiet)
                }
                Some(BackupAction::SyncUrl { url, prune }) => {
                    backup::sync(db, dir, &url, &url, prune.prune_with_grace_period, quiet)
                }
                Some(BackupAction::Snapshots { backup: b }) => backup::snapshots(Some(db), &b, dir),
                Some(BackupAction::Verify { backup: b }) => {
                    backup::verify_backup(Some(db), &b, dir)
                }
                Some(BackupAction::Export {
                    snapshot,
                    backup: b,
                    file,
                }) => backup::export(Some(db), &b, &file, snapshot.as_deref(), dir, quiet),
                Some(BackupAction::Prune {
                    backup: b,
                    keep_last,
                }) => backup::prune(Some(db), &b, keep_last, dir, quiet),
                // Restore makes a new database; `run` handled it before opening this one.
                Some(BackupAction::Restore { .. }) => Err(RepoError::AlreadyInitialized.into()),
            };
        }
        _ => {}
    }
    let author = db.signature();
    let repo = &mut db.repo;
    Ok(match command {
        // The database is open, so there is one here already.
        Command::Init | Command::Clone { .. } => return Err(RepoError::AlreadyInitialized.into()),
        // Dispatched above.
        Command::Remote { .. }
        | Command::Push { .. }
        | Command::Fetch { .. }
        | Command::Pull { .. }
        | Command::Backup { .. } => String::new(),
        Command::Status => text::status(&block_on(repo.status())?),
        Command::Add { tables } => {
            if tables.iter().any(|t| t == ".") {
                block_on(repo.add(None))?;
            } else {
                block_on(repo.add(Some(&tables)))?;
            }
            String::new()
        }
        Command::Commit {
            message,
            all,
            allow_empty,
        } => {
            let message = message.unwrap_or_default();
            let hash = block_on(repo.commit(&message, all, allow_empty, &author))?;
            let commit = block_on(repo.commit_at(hash))?;
            text::commit(&hash, &commit, &repo.decorations(hash))
        }
        Command::Log { number, start } => {
            let at = match &start {
                Some(spec) => block_on(repo.resolve(spec))?.0,
                None => repo.head()?,
            };
            block_on(repo.log(at, number))?
                .iter()
                .map(|(hash, c)| text::commit(hash, c, &repo.decorations(*hash)))
                .collect::<Vec<_>>()
                .join("\n")
        }
        Command::Branch {
            all,
            delete,
            verbose,
            name,
            start,
        } => {
            if let Some(name) = delete {
                block_on(repo.delete_branch(&name))?;
                return Ok(String::new());
            }
            if let Some(name) = name {
                block_on(repo.create_branch(&name, start.as_deref()))?;
                return Ok(String::new());
            }
            let mut out = String::new();
            let current = repo.current_branch().to_owned();
            for (name, hash) in repo.branches() {
                let mark = if name == current { '*' } else { ' ' };
                out.push_str(&listing(mark, &name, hash, verbose));
            }
            if all {
                for (name, hash) in repo.remote_branches() {
                    out.push_str(&listing(' ', &format!("remotes/{name}"), hash, verbose));
                }
            }
            out
        }
        Command::Checkout {
            create,
            name,
            start,
        } => {
            if create {
                block_on(repo.checkout_new(&name, start.as_deref()))?;
                format!("Switched to a new branch '{name}'\n")
            } else {
                block_on(repo.checkout(&name))?;
                format!("Switched to branch '{name}'\n")
            }
        }
        Command::Tag {
            delete,
            verbose,
            name,
            target,
        } => {
            if let Some(name) = delete {
                block_on(repo.delete_tag(&name))?;
                return Ok(String::new());
            }
            if let Some(name) = name {
                block_on(repo.create_tag(&name, target.as_deref()))?;
                return Ok(String::new());
            }
            repo.tags()
                .into_iter()
                .map(|(name, hash)| {
                    if verbose {
                        format!("{name}\t{hash}\n")
                    } else {
                        format!("{name}\n")
                    }
                })
                .collect()
        }
        Command::Reset { hard, target } => {
            if hard {
                let at = block_on(repo.reset_hard(target.as_deref()))?;
                format!("HEAD is now at {at}\n")
            } else {
                block_on(repo.reset_soft())?;
                String::new()
            }
        }
        Command::Diff { cached, target } => {
            let (from, to) = match (&target, cached) {
                (Some(spec), _) => (DiffTarget::Ref(spec), DiffTarget::Working),
                (None, true) => (DiffTarget::Ref("HEAD"), DiffTarget::Staged),
                (None, false) => (DiffTarget::Staged, DiffTarget::Working),
            };
            text::diff(&block_on(repo.diff(from, to))?)
        }
        Command::Ls { target } => {
            let tables = block_on(repo.ls(target.as_deref()))?;
            let place = target.map_or("working set".to_owned(), |t| format!("'{t}'"));
            if tables.is_empty() {
                format!("No tables in {place}\n")
            } else {
                let mut out = format!("Tables in {place}:\n");
                for t in tables {
                    out.push_str(&format!("\t{t}\n"));
                }
                out
            }
        }
        Command::Sql { query, format } => {
            let query = match query {
                Some(q) => q,
                None => {
                    let mut text = String::new();
                    if std::io::stdin().is_terminal() {
                        eprintln!("reading SQL statements from standard input; end with Ctrl-D");
                    }
                    std::io::stdin()
                        .read_to_string(&mut text)
                        .map_err(CliError::Input)?;
                    text
                }
            };
            let results = block_on(repo.sql(&query))?;
            results
                .iter()
                .map(|r| print::query_result(r, format))
                .collect()
        }
        Command::Gc { url: _ } => {
            let mut reporter = progress::Reporter::new(quiet);
            let collected = block_on(repo.gc(
                crate::database::now_ms(),
                cairn_core::gc::DEFAULT_GRACE_MS,
                &mut |p| reporter.update(p),
            ));
            reporter.finish();
            gc_line(&collected?)
        }
        Command::Fsck => {
            let checked =
                block_on(verify(repo.store().storage())).map_err(|e| RepoError::Store(e.into()))?;
            report(&checked)?
        }
    })
}

fn listing(mark: char, name: &str, hash: cairn_core::Hash, verbose: bool) -> String {
    if verbose {
        format!("{mark} {name:<20} {hash}\n")
    } else {
        format!("{mark} {name}\n")
    }
}
