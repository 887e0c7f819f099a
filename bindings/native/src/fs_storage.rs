//! A store in a directory: one file per table file, `manifest` for the manifest.
//!
//! Writes are crash-safe: a new object goes to a temporary file that is fsynced, renamed into
//! place, and followed by an fsync of the directory, so a crash leaves the old object or the
//! new one, never a torn one. The manifest swap is guarded by a `LOCK` file created
//! exclusively (the protocol in docs/FORMAT.md, shared with Node's adapter), so two processes
//! never both swap from the same manifest.

use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cairn_core::io::{check_name, BoxFuture, IoError, IoResult, ObjectInfo, Storage};

const MANIFEST: &str = "manifest";
const LOCK: &str = "LOCK";
/// A lock older than this is taken to be left by a writer that died; a swap takes milliseconds.
const STALE_LOCK: Duration = Duration::from_secs(60);
/// How long a swap waits for another process's lock before giving up with an error.
const LOCK_WAIT: Duration = Duration::from_secs(30);

pub struct FsStorage {
    dir: PathBuf,
}

impl FsStorage {
    /// A store in `dir`, which need not exist until the first write.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FsStorage { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Writes `data` to `name` atomically: temporary file, fsync, rename, fsync of the directory.
    fn write_atomic(&self, name: &str, data: &[u8]) -> io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        let tmp = self.path(&temp_name(name));
        let result = (|| {
            let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
            file.write_all(data)?;
            file.sync_all()?;
            fs::rename(&tmp, self.path(name))?;
            sync_dir(&self.dir)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    fn read_optional(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        match fs::read(self.path(name)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn read_range(&self, name: &str, offset: u64, len: u64) -> IoResult<Option<Vec<u8>>> {
        let fail = |e: io::Error| self.error("read", name, e);
        let mut file = match File::open(self.path(name)) {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(fail(e)),
        };
        let size = file.metadata().map_err(fail)?.len();
        match offset.checked_add(len) {
            Some(end) if end <= size => {}
            _ => {
                return Err(IoError::OutOfRange {
                    name: name.into(),
                    offset,
                    len,
                    size,
                })
            }
        }
        let mut buf = vec![0u8; len as usize];
        file.seek(SeekFrom::Start(offset)).map_err(fail)?;
        file.read_exact(&mut buf).map_err(fail)?;
        Ok(Some(buf))
    }

    fn list_objects(&self) -> io::Result<Vec<ObjectInfo>> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            // The manifest, the lock and temporary files are not objects.
            if name == MANIFEST || name == LOCK || name.starts_with('.') {
                continue;
            }
            let meta = entry.metadata()?;
            if !meta.is_file() {
                continue;
            }
            out.push(ObjectInfo {
                name,
                size: meta.len(),
                modified_ms: meta.modified().map(millis).unwrap_or(0),
            });
        }
        Ok(out)
    }

    fn swap(&self, expected: Option<&[u8]>, new: &[u8]) -> io::Result<bool> {
        fs::create_dir_all(&self.dir)?;
        let _lock = LockGuard::acquire(&self.dir)?;
        if self.read_optional(MANIFEST)?.as_deref() != expected {
            return Ok(false);
        }
        self.write_atomic(MANIFEST, new)?;
        Ok(true)
    }

    fn error(&self, op: &'static str, name: &str, e: io::Error) -> IoError {
        IoError::backend(op, name, format!("{} ({})", e, self.path(name).display()))
    }
}

impl Storage for FsStorage {
    fn get<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        Box::pin(async move {
            check_name(name)?;
            self.read_optional(name)
                .map_err(|e| self.error("read", name, e))
        })
    }

    fn get_range<'a>(
        &'a self,
        name: &'a str,
        offset: u64,
        len: u64,
    ) -> BoxFuture<'a, IoResult<Option<Vec<u8>>>> {
        Box::pin(async move {
            check_name(name)?;
            self.read_range(name, offset, len)
        })
    }

    fn put<'a>(&'a self, name: &'a str, data: &'a [u8]) -> BoxFuture<'a, IoResult<()>> {
        Box::pin(async move {
            check_name(name)?;
            // Names are content-derived: a whole file of the same size already holds these bytes.
            if fs::metadata(self.path(name)).is_ok_and(|m| m.len() == data.len() as u64) {
                return Ok(());
            }
            self.write_atomic(name, data)
                .map_err(|e| self.error("write", name, e))
        })
    }

    fn list(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
        Box::pin(async move { self.list_objects().map_err(|e| self.error("list", "", e)) })
    }

    fn delete<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
        Box::pin(async move {
            check_name(name)?;
            match fs::remove_file(self.path(name)) {
                Err(e) if e.kind() != ErrorKind::NotFound => Err(self.error("delete", name, e)),
                _ => Ok(()),
            }
        })
    }

    fn read_manifest(&self) -> BoxFuture<'_, IoResult<Option<Vec<u8>>>> {
        Box::pin(async move {
            self.read_optional(MANIFEST)
                .map_err(|e| self.error("read", MANIFEST, e))
        })
    }

    fn swap_manifest<'a>(
        &'a self,
        expected: Option<&'a [u8]>,
        new: &'a [u8],
    ) -> BoxFuture<'a, IoResult<bool>> {
        Box::pin(async move {
            self.swap(expected, new)
                .map_err(|e| self.error("manifest swap", MANIFEST, e))
        })
    }
}

/// Holds `LOCK` for the length of a manifest swap; removes it when dropped.
struct LockGuard {
    path: PathBuf,
}

impl LockGuard {
    fn acquire(dir: &Path) -> io::Result<LockGuard> {
        let path = dir.join(LOCK);
        let started = SystemTime::now();
        let mut pause = Duration::from_millis(1);
        loop {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    let owner = format!(
                        "pid {}\nhost {}\ntime {}\n",
                        std::process::id(),
                        hostname(),
                        millis(SystemTime::now())
                    );
                    file.write_all(owner.as_bytes())?;
                    return Ok(LockGuard { path });
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
            let owner = fs::read_to_string(&path).unwrap_or_default();
            if lock_is_stale(&path, &owner) {
                // Move it aside first: of two processes breaking it, only one rename succeeds.
                let aside = dir.join(temp_name("stale-lock"));
                if fs::rename(&path, &aside).is_ok() {
                    // Another breaker may have replaced the stale lock with its live one
                    // between our read and our rename: put a live lock back.
                    if fs::read_to_string(&aside).unwrap_or_default() != owner {
                        let _ = fs::hard_link(&aside, &path);
                    }
                    let _ = fs::remove_file(aside);
                }
                continue;
            }
            if started.elapsed().unwrap_or_default() > LOCK_WAIT {
                return Err(io::Error::new(
                    ErrorKind::WouldBlock,
                    format!(
                        "the store is locked by another writer ({}); if no cairn process is running, delete {}",
                        owner.trim().replace('\n', ", "),
                        path.display()
                    ),
                ));
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// A lock is stale when its writer is a process on this host that no longer runs, or when it
/// is older than any swap could take.
fn lock_is_stale(path: &Path, owner: &str) -> bool {
    let field = |key: &str| {
        owner
            .lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(' '))
            .map(str::to_owned)
    };
    if let (Some(pid), Some(host)) = (field("pid"), field("host")) {
        if host == hostname()
            && cfg!(target_os = "linux")
            && !Path::new("/proc").join(&pid).exists()
        {
            return true;
        }
    }
    let age = fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok());
    age.is_some_and(|age| age > STALE_LOCK)
}

fn hostname() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_default()
}

fn temp_name(name: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        ".tmp-{name}-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

fn millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Windows cannot open a directory as a file; its renames are durable with the file's data.
    Ok(())
}
