//! A database directory: `<dir>/.cairn/` with the chunk store in `store/` and the repository
//! configuration in `config`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use cairn_core::chunk_store::ChunkStore;
use cairn_core::repo::{Config, Repo, RepoError, Signature};
use cairn_core::{base32, StoreError};

use crate::{block_on, FsStorage};

pub const DIR: &str = ".cairn";

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
}

impl std::fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseError::NotADatabase(dir) if dir == Path::new(".") => write!(
                f,
                "the current directory is not a cairn database (no {DIR}/ here); run `cairn init` or change directory"
            ),
            DatabaseError::NotADatabase(dir) => write!(
                f,
                "{} is not a cairn database (no {DIR}/ here)",
                dir.display()
            ),
            DatabaseError::AlreadyExists(dir) => {
                write!(f, "{} already holds a cairn database", dir.display())
            }
            DatabaseError::ExistsUseForce(dir) => write!(
                f,
                "database '{}' already exists, use '--force' to overwrite",
                dir.strip_prefix(".").unwrap_or(dir).display()
            ),
            DatabaseError::Io { path, error } => write!(
                f,
                "{}: {error}",
                path.strip_prefix(".").unwrap_or(path).display()
            ),
            DatabaseError::Config { path, why } => write!(f, "{}: {why}", path.display()),
            DatabaseError::Repo(e) => e.fmt(f),
        }
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

/// An open database and where its configuration goes back to.
pub struct Database {
    pub repo: Repo<FsStorage>,
    config_path: PathBuf,
    saved_config: Config,
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> DatabaseError + '_ {
    move |error| DatabaseError::Io {
        path: path.to_owned(),
        error,
    }
}

impl Database {
    pub fn store_dir(dir: &Path) -> PathBuf {
        dir.join(DIR).join("store")
    }

    pub fn open(dir: &Path) -> Result<Database, DatabaseError> {
        recover(dir)?;
        let meta = dir.join(DIR);
        if !meta.is_dir() {
            return Err(DatabaseError::NotADatabase(dir.to_owned()));
        }
        let config_path = meta.join("config");
        let text = fs::read_to_string(&config_path).map_err(io_error(&config_path))?;
        let config = Config::decode(&text).map_err(|e| DatabaseError::Config {
            path: config_path.clone(),
            why: e.to_string(),
        })?;
        let store = block_on(ChunkStore::open(FsStorage::new(Self::store_dir(dir))))?;
        let repo = block_on(Repo::open(store, config.clone()))?;
        Ok(Database {
            repo,
            config_path,
            saved_config: config,
        })
    }

    /// Creates `<dir>/.cairn` and a new database in it, all or nothing.
    pub fn init(dir: &Path) -> Result<(), DatabaseError> {
        recover(dir)?;
        if dir.join(DIR).exists() {
            return Err(DatabaseError::AlreadyExists(dir.to_owned()));
        }
        create_atomically(dir, false, |store_dir| {
            let config = Config::new(&new_id());
            let store = block_on(ChunkStore::open(FsStorage::new(store_dir)))?;
            let author = signature(&config);
            block_on(Repo::init(store, config.clone(), &author))?;
            Ok::<_, DatabaseError>((config, ()))
        })
    }

    /// Writes the configuration back if a command changed it (checkout, remote add, ...).
    pub fn save_config(&mut self) -> Result<(), DatabaseError> {
        if *self.repo.config() == self.saved_config {
            return Ok(());
        }
        let text = self.repo.config().encode();
        let tmp = self.config_path.with_extension("tmp");
        fs::write(&tmp, text)
            .and_then(|()| fs::rename(&tmp, &self.config_path))
            .map_err(io_error(&self.config_path))?;
        self.saved_config = self.repo.config().clone();
        Ok(())
    }

    pub fn signature(&self) -> Signature {
        signature(self.repo.config())
    }
}

/// The author of a commit: CAIRN_USER_NAME / CAIRN_USER_EMAIL, else the repository's
/// `[user]`, else the login name.
pub fn signature(config: &Config) -> Signature {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let name = env("CAIRN_USER_NAME")
        .or_else(|| config.user_name.clone())
        .or_else(|| env("USER"))
        .unwrap_or_else(|| "cairn".into());
    let email = env("CAIRN_USER_EMAIL")
        .or_else(|| config.user_email.clone())
        .unwrap_or_else(|| format!("{name}@localhost"));
    Signature {
        name,
        email,
        time_ms: now_ms(),
    }
}

/// Writes a small file and fsyncs it, so that it is there whole after a crash.
fn write_durably(path: &Path, bytes: &[u8]) -> Result<(), DatabaseError> {
    use std::io::Write;
    let mut file = fs::File::create(path).map_err(io_error(path))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(io_error(path))
}

/// Now, in milliseconds since the Unix epoch; `CAIRN_TIME_MS` fixes it, so that tests can make
/// the same commits twice (and compare stores byte for byte across implementations).
pub fn now_ms() -> u64 {
    if let Some(fixed) = std::env::var("CAIRN_TIME_MS")
        .ok()
        .and_then(|t| t.parse().ok())
    {
        return fixed;
    }
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// A random database id: 20 bytes, base32, like a chunk address.
pub fn new_id() -> String {
    let mut bytes = [0u8; 20];
    if getrandom::fill(&mut bytes).is_err() {
        // No entropy source: the clock and pid still make ids that differ in practice.
        let seed = format!("{}-{}", now_ms(), std::process::id());
        bytes = cairn_core::Hash::of(seed.as_bytes()).0;
    }
    base32::encode(&bytes)
}

/// Where a database is built, and where the one it replaces waits to be deleted: beside
/// `.cairn`, named with the pid of the process doing it.
const NEW: &str = ".cairn-new-";
const OLD: &str = ".cairn-old-";

/// Finishes or undoes what a `create_atomically` that died left in `dir`, so that a database
/// never goes missing: a complete new database (its config is written last) takes the place
/// of a missing `.cairn`, else the old one goes back; then the leftovers are deleted. Folders
/// of a process that still runs are left alone: it may be building them right now.
pub fn recover(dir: &Path) -> Result<(), DatabaseError> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(()); // no folder, nothing to recover
    };
    let mut left = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name.strip_prefix(NEW).or_else(|| name.strip_prefix(OLD));
        if let Some(pid) = pid.and_then(|p| p.parse::<u32>().ok()) {
            if pid != std::process::id() && !process_runs(pid) {
                left.push((name.starts_with(NEW), entry.path()));
            }
        }
    }
    let meta = dir.join(DIR);
    if !meta.exists() {
        let complete = |(new, path): &&(bool, PathBuf)| *new && path.join("config").exists();
        let replacement = left
            .iter()
            .find(complete)
            .or_else(|| left.iter().find(|(new, _)| !new));
        if let Some((_, path)) = replacement {
            fs::rename(path, &meta).map_err(io_error(&meta))?;
        }
    }
    for (_, path) in &left {
        if path.exists() {
            fs::remove_dir_all(path).map_err(io_error(path))?;
        }
    }
    Ok(())
}

/// Whether a process runs; where that cannot be told, it is taken to run (its folders stay).
fn process_runs(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Creates a database in `dir/.cairn` whose store `build` fills, all or nothing: it is built in
/// a temporary folder beside, which replaces `.cairn` only once complete. With `force` an
/// existing database is replaced; without, it is an error. `build` returns the new config and
/// whatever its caller wants to report. Whenever the process dies, `dir` holds the old
/// database or the new one, at once or after `recover`, which every command runs first.
pub fn create_atomically<T, E: From<DatabaseError>>(
    dir: &Path,
    force: bool,
    build: impl FnOnce(&Path) -> Result<(Config, T), E>,
) -> Result<T, E> {
    recover(dir)?;
    let meta = dir.join(DIR);
    if meta.exists() && !force {
        return Err(DatabaseError::ExistsUseForce(dir.to_owned()).into());
    }
    let created_dir = !dir.exists();
    fs::create_dir_all(dir).map_err(io_error(dir))?;
    let tmp = dir.join(format!("{NEW}{}", std::process::id()));
    let result = (|| {
        fs::create_dir_all(tmp.join("store")).map_err(io_error(&tmp))?;
        let (config, value) = build(&tmp.join("store"))?;
        // The config goes last, durably: its presence marks the new database complete.
        write_durably(&tmp.join("config"), config.encode().as_bytes())?;
        if meta.exists() {
            let old = dir.join(format!("{OLD}{}", std::process::id()));
            fs::rename(&meta, &old).map_err(io_error(&meta))?;
            if let Err(error) = fs::rename(&tmp, &meta) {
                // Put the old one back; if even that fails, `recover` will.
                let _ = fs::rename(&old, &meta);
                return Err(io_error(&meta)(error).into());
            }
            // The new database is in place: a failure to delete the old one is only litter,
            // which the next command's `recover` clears.
            let _ = fs::remove_dir_all(&old);
        } else {
            fs::rename(&tmp, &meta).map_err(io_error(&meta))?;
        }
        Ok(value)
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
        if created_dir {
            let _ = fs::remove_dir(dir);
        }
    }
    result
}
