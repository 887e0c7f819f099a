//! A database directory: `<dir>/.cairn/` with the chunk store in `store/` and the repository
//! configuration in `config`, and the protocol that replaces one folder by another all or
//! nothing (docs/FORMAT.md, "Database folders").

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};

use cairn_core::chunk_store::ChunkStore;
use cairn_core::repo::{Config, Repo, RepoError, Signature, User};
use cairn_core::StoreError;

use crate::host::Host;

pub const DIR: &str = ".cairn";
/// Where a database is built, and where the one it replaces waits to be deleted: beside
/// `.cairn`, named with the pid of the process doing it.
const NEW: &str = ".cairn-new-";
const OLD: &str = ".cairn-old-";

/// Why a database could not be opened or created.
#[derive(Debug)]
pub enum DatabaseError {
    NotADatabase(PathBuf),
    AlreadyExists(PathBuf),
    /// A restore into a folder that holds a database, without `--force`.
    ExistsUseForce(PathBuf),
    Io {
        path: PathBuf,
        error: io::Error,
    },
    Config {
        path: PathBuf,
        why: String,
    },
    Repo(RepoError),
    /// The system gave no randomness for a new database's id.
    Random(String),
}

impl std::fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseError::NotADatabase(dir) if dir.as_os_str().is_empty() => write!(
                f,
                "the current directory is not a cairn database (no {DIR}/ here); run `cairn init` or change directory"
            ),
            DatabaseError::NotADatabase(dir) => write!(
                f,
                "{} is not a cairn database (no {DIR}/ here)",
                dir.display()
            ),
            DatabaseError::AlreadyExists(dir) => {
                write!(f, "{} already holds a cairn database", shown(dir))
            }
            DatabaseError::ExistsUseForce(dir) => write!(
                f,
                "database '{}' already exists, use '--force' to overwrite",
                dir.display()
            ),
            DatabaseError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            DatabaseError::Config { path, why } => write!(f, "{}: {why}", path.display()),
            DatabaseError::Repo(e) => e.fmt(f),
            DatabaseError::Random(why) => write!(f, "cannot make a database id: {why}"),
        }
    }
}

/// A directory as messages name it: `.` for the current one.
fn shown(dir: &Path) -> std::path::Display<'_> {
    if dir.as_os_str().is_empty() {
        Path::new(".").display()
    } else {
        dir.display()
    }
}

impl From<RepoError> for DatabaseError {
    fn from(e: RepoError) -> Self {
        DatabaseError::Repo(e)
    }
}

impl From<StoreError> for DatabaseError {
    fn from(e: StoreError) -> Self {
        DatabaseError::Repo(RepoError::Store(e))
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> DatabaseError + '_ {
    move |error| DatabaseError::Io {
        path: path.to_owned(),
        error,
    }
}

/// An open database and where its configuration goes back to.
pub struct Database<S: cairn_core::Storage> {
    pub repo: Repo<S>,
    config_path: PathBuf,
    saved_config: Config,
}

impl<S: cairn_core::Storage> Database<S> {
    /// The folder the database lives in (holding its `.cairn`).
    pub fn dir(&self) -> &Path {
        self.config_path
            .parent()
            .and_then(Path::parent)
            .unwrap_or(&self.config_path)
    }
}

/// The chunk store of the database in `dir`.
pub fn store_dir(dir: &Path) -> PathBuf {
    dir.join(DIR).join("store")
}

impl<S: cairn_core::Storage> Database<S> {
    /// Opens the database in `dir` (relative to the host's current directory, as messages
    /// show it; empty for the current directory itself).
    pub async fn open<H: Host<Storage = S>>(host: &H, dir: &Path) -> Result<Self, DatabaseError> {
        let at = host.cwd().join(dir);
        recover(host, &at)?;
        let meta = at.join(DIR);
        if !host.is_dir(&meta) {
            return Err(DatabaseError::NotADatabase(dir.to_owned()));
        }
        let config_path = meta.join("config");
        let bytes = host
            .read_file(&config_path)
            .map_err(io_error(&config_path))?;
        let text = String::from_utf8_lossy(&bytes);
        let config = Config::decode(&text).map_err(|e| DatabaseError::Config {
            path: config_path.clone(),
            why: e.to_string(),
        })?;
        let store = ChunkStore::open(host.storage(&store_dir(&at))).await?;
        let mut repo = Repo::open(store, config.clone()).await?;
        repo.name_database_after(&at.to_string_lossy());
        Ok(Database {
            repo,
            config_path,
            saved_config: config,
        })
    }

    /// Writes the configuration back if a command changed it (checkout, remote add, ...).
    pub fn save_config<H: Host>(&mut self, host: &H) -> Result<(), DatabaseError> {
        if *self.repo.config() == self.saved_config {
            return Ok(());
        }
        replace_file(host, &self.config_path, &self.repo.config().encode())?;
        self.saved_config = self.repo.config().clone();
        Ok(())
    }
}

/// Writes a config file whole: beside it, fsynced, then renamed over it, so that a reader
/// never sees half of one.
pub fn replace_file<H: Host>(host: &H, path: &Path, text: &str) -> Result<(), DatabaseError> {
    let tmp = path.with_extension("tmp");
    host.write_file(&tmp, text.as_bytes(), true)
        .and_then(|()| host.rename(&tmp, path))
        .map_err(io_error(path))
}

/// The global configuration file (`config --global`): `$XDG_CONFIG_HOME/cairn/config`, else
/// `$HOME/.config/cairn/config`; none without either.
pub fn global_config_path<H: Host>(host: &H) -> Option<PathBuf> {
    let env = |k: &str| host.env(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let base = env("XDG_CONFIG_HOME").or_else(|| Some(env("HOME")?.join(".config")))?;
    Some(base.join("cairn").join("config"))
}

/// Who the global configuration says commits (nobody if it has no file).
pub fn global_user<H: Host>(host: &H) -> Result<User, DatabaseError> {
    let Some(path) = global_config_path(host) else {
        return Ok(User::default());
    };
    let bytes = match host.read_file(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(User::default()),
        Err(e) => return Err(io_error(&path)(e)),
    };
    User::decode(&String::from_utf8_lossy(&bytes)).map_err(|e| DatabaseError::Config {
        path,
        why: e.to_string(),
    })
}

/// Creates a database in `dir` (absolute), all or nothing.
pub async fn init<H: Host>(host: &H, dir: &Path) -> Result<(), DatabaseError> {
    recover(host, dir)?;
    if host.exists(&dir.join(DIR)) {
        return Err(DatabaseError::AlreadyExists(Path::new("").into()));
    }
    create_atomically(host, dir, false, |store_dir| async move {
        let config = Config::new(&new_id()?);
        let store = ChunkStore::open(host.storage(&store_dir)).await?;
        Repo::init(store, config.clone(), &signature(host, &config)?).await?;
        Ok::<_, DatabaseError>((config, ()))
    })
    .await
}

/// Whether `name` is `prefix` and the pid of another process that no longer runs: a folder a
/// process killed midway left.
pub fn abandoned<H: Host>(host: &H, name: &str, prefix: &str) -> bool {
    let pid = name
        .strip_prefix(prefix)
        .and_then(|p| p.parse::<u32>().ok());
    pid.is_some_and(|pid| pid != host.pid() && !host.process_runs(pid))
}

/// Finishes or undoes what a `create_atomically` that died left in `dir`, so that a database
/// never goes missing: a complete new database (its config is written last) takes the place
/// of a missing `.cairn`, else the old one goes back; then the leftovers are deleted. Folders
/// of a process that still runs are left alone: it may be building them right now.
pub fn recover<H: Host>(host: &H, dir: &Path) -> Result<(), DatabaseError> {
    let Ok(names) = host.list_dir(dir) else {
        return Ok(()); // no folder, nothing to recover
    };
    let mut left = Vec::new();
    for name in names {
        if abandoned(host, &name, NEW) || abandoned(host, &name, OLD) {
            left.push((name.starts_with(NEW), dir.join(&name)));
        }
    }
    let meta = dir.join(DIR);
    if !host.exists(&meta) {
        let complete = |(new, path): &&(bool, PathBuf)| *new && host.exists(&path.join("config"));
        let replacement = left
            .iter()
            .find(complete)
            .or_else(|| left.iter().find(|(new, _)| !new));
        if let Some((_, path)) = replacement {
            host.rename(path, &meta).map_err(io_error(&meta))?;
        }
    }
    for (_, path) in &left {
        if host.exists(path) {
            host.remove_dir_all(path).map_err(io_error(path))?;
        }
    }
    Ok(())
}

/// Creates a database in `dir/.cairn` (`dir` absolute) whose store `build` fills, all or
/// nothing: it is built in a folder beside, which replaces `.cairn` only once complete. With
/// `force` an existing database is replaced; without, it is an error. `build` gets the store
/// directory and returns the new config and whatever its caller wants to report. Whenever the
/// process dies, `dir` holds the old database or the new one, at once or after `recover`,
/// which every command runs first.
pub async fn create_atomically<H, T, E, F, Fut>(
    host: &H,
    dir: &Path,
    force: bool,
    build: F,
) -> Result<T, E>
where
    H: Host,
    E: From<DatabaseError>,
    F: FnOnce(PathBuf) -> Fut,
    Fut: Future<Output = Result<(Config, T), E>>,
{
    recover(host, dir)?;
    let meta = dir.join(DIR);
    if host.exists(&meta) && !force {
        let shown = dir.strip_prefix(host.cwd()).unwrap_or(dir);
        return Err(DatabaseError::ExistsUseForce(shown.to_owned()).into());
    }
    let created_dir = !host.exists(dir);
    host.create_dir_all(dir).map_err(io_error(dir))?;
    let tmp = dir.join(format!("{NEW}{}", host.pid()));
    let result = async {
        host.create_dir_all(&tmp.join("store"))
            .map_err(io_error(&tmp))?;
        let (config, value) = build(tmp.join("store")).await?;
        // The config goes last, whole (written beside, fsynced, renamed): its presence marks
        // the new database complete, so a half-written one must never bear its name.
        replace_file(host, &tmp.join("config"), &config.encode())?;
        if host.exists(&meta) {
            let old = dir.join(format!("{OLD}{}", host.pid()));
            host.rename(&meta, &old).map_err(io_error(&meta))?;
            if let Err(error) = host.rename(&tmp, &meta) {
                // Put the old one back; if even that fails, `recover` will.
                let _ = host.rename(&old, &meta);
                return Err(io_error(&meta)(error).into());
            }
            // The new database is in place: a failure to delete the old one is only litter,
            // which the next command's `recover` clears.
            let _ = host.remove_dir_all(&old);
        } else {
            host.rename(&tmp, &meta).map_err(io_error(&meta))?;
        }
        Ok(value)
    }
    .await;
    if result.is_err() {
        let _ = host.remove_dir_all(&tmp);
        if created_dir {
            let _ = host.remove_dir(dir);
        }
    }
    result
}

/// The author of a commit: CAIRN_USER_NAME / CAIRN_USER_EMAIL, else the repository's
/// `[user]` (`cairn config`), else the global one (`cairn config --global`), else the login
/// name, else `cairn`.
pub fn signature<H: Host>(host: &H, config: &Config) -> Result<Signature, DatabaseError> {
    let env = |k: &str| host.env(k).filter(|v| !v.is_empty());
    let global = global_user(host)?;
    let name = env("CAIRN_USER_NAME")
        .or_else(|| config.user_name.clone())
        .or(global.name)
        .or_else(|| env("USER"))
        .unwrap_or_else(|| "cairn".into());
    let email = env("CAIRN_USER_EMAIL")
        .or_else(|| config.user_email.clone())
        .or(global.email)
        .unwrap_or_else(|| format!("{name}@localhost"));
    Ok(Signature {
        name,
        email,
        time_ms: now_ms(host),
    })
}

/// Now, in milliseconds since the Unix epoch; `CAIRN_TIME_MS` fixes it, so that tests can make
/// the same commits twice (and compare stores byte for byte across implementations).
pub fn now_ms<H: Host>(host: &H) -> u64 {
    host.env("CAIRN_TIME_MS")
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| host.clock_ms())
}

/// A random database id (`cairn_core::id`).
pub fn new_id() -> Result<String, DatabaseError> {
    cairn_core::id::new_id().map_err(|e| DatabaseError::Random(e.to_string()))
}
