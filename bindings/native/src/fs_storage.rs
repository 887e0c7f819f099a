//! A store in a directory: one file per table file, and the manifest's versions in
//! `manifests/`.
//!
//! Writes are crash-safe: a new object goes to a temporary file that is fsynced, renamed into
//! place, and followed by an fsync of the directory, so a crash leaves the old object or the
//! new one, never a torn one.
//!
//! The manifest swap takes no lock. Version N of the manifest is the file `manifests/<N>`,
//! and the newest file is the manifest. A swap from version N writes its bytes to a temporary
//! file and publishes it as `manifests/<N+1>` with `link(2)`, which fails if that name exists:
//! of writers swapping from one version exactly one wins, in any process, and a writer paused
//! for any length of time inside its swap can only lose, never overwrite. Only the newest
//! `KEEP_VERSIONS` files are kept; see `swap` for why deleting older ones cannot fool a late
//! writer. Node's adapter (npm/src/adapters/node-fs.js) speaks the same protocol, which
//! docs/FORMAT.md describes byte by byte. (Chosen over `flock`: Node has no `flock`, a lock
//! held by a stopped process blocks every other writer, and the numbered-file CAS is what
//! Delta Lake and Iceberg use on object stores, so every backend has one shape.)

use std::fs::{self, File};
use std::io::{self, ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use cairn_core::io::{
    check_name, BoxFuture, IoError, IoResult, ManifestRead, ObjectInfo, Storage, Version,
};

/// The manifest of a store written before manifest versions (layout 1), read as version 0;
/// in a layout-2 store it holds `STUB`, so that an older cairn refuses the store clearly
/// instead of taking it for an empty one.
const LEGACY_MANIFEST: &str = "manifest";
const VERSIONS: &str = "manifests";
const STUB: &[u8] = b"cairn-manifest 2\nthis store keeps its manifest in manifests/ (directory layout 2): use a newer cairn\n";
/// How many of the newest manifest versions a swap keeps.
const KEEP_VERSIONS: u64 = 64;
/// How many times a read retries when the newest version is deleted under it.
const READ_ATTEMPTS: usize = 100;

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
        private::create_dir_all(&self.dir)?;
        let tmp = self.path(&temp_name(name));
        let result = (|| {
            let mut file = private::create_new(&tmp)?;
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

    /// `len` bytes at `offset` into `buf`, replacing what it held: its memory is reused, and
    /// not zeroed first. Whether the file exists.
    fn read_range(&self, name: &str, offset: u64, len: u64, buf: &mut Vec<u8>) -> IoResult<bool> {
        let fail = |e: io::Error| self.error("read", name, e);
        let mut file = match File::open(self.path(name)) {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
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
        buf.clear();
        buf.reserve_exact(len as usize);
        file.seek(SeekFrom::Start(offset)).map_err(fail)?;
        file.take(len).read_to_end(buf).map_err(fail)?;
        if buf.len() as u64 != len {
            return Err(fail(ErrorKind::UnexpectedEof.into()));
        }
        Ok(true)
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
            // The manifest, a layout-1 LOCK left behind, and temporary files are not objects;
            // `manifests/` is skipped below as a directory.
            if name == LEGACY_MANIFEST || name == "LOCK" || name.starts_with('.') {
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

    /// Temporary files in the store and in `manifests/`, named `.tmp-...` and
    /// `manifests/.tmp-...`.
    fn list_temporaries(&self) -> io::Result<Vec<ObjectInfo>> {
        let mut out = Vec::new();
        for (dir, prefix) in [(self.dir.clone(), ""), (self.versions_dir(), "manifests/")] {
            let entries = match fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) if e.kind() == ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            for entry in entries {
                let entry = entry?;
                let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                    continue;
                };
                if !name.starts_with(".tmp-") {
                    continue;
                }
                let Ok(meta) = entry.metadata() else {
                    continue; // gone since the listing
                };
                out.push(ObjectInfo {
                    name: format!("{prefix}{name}"),
                    size: meta.len(),
                    modified_ms: meta.modified().map(millis).unwrap_or(0),
                });
            }
        }
        Ok(out)
    }

    /// The path of a name `temporaries` gave, refusing anything else.
    fn temporary_path(&self, name: &str) -> IoResult<PathBuf> {
        let (dir, file) = match name.strip_prefix("manifests/") {
            Some(file) => (self.versions_dir(), file),
            None => (self.dir.clone(), name),
        };
        let ok = file.starts_with(".tmp-") && !file.contains(['/', '\\']) && !file.contains("..");
        if !ok {
            return Err(IoError::InvalidName(name.into()));
        }
        Ok(dir.join(file))
    }

    fn versions_dir(&self) -> PathBuf {
        self.dir.join(VERSIONS)
    }

    fn version_path(&self, n: u64) -> PathBuf {
        self.versions_dir().join(format!("{n:020}"))
    }

    /// The numbers of the manifest versions on disk, ascending.
    fn versions(&self) -> io::Result<Vec<u64>> {
        let entries = match fs::read_dir(self.versions_dir()) {
            Ok(entries) => entries,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        for entry in entries {
            if let Some(n) = entry?.file_name().to_str().and_then(parse_version) {
                out.push(n);
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// The current version: the newest file, else 0 for a layout-1 manifest, else none.
    fn current_version(&self) -> io::Result<Option<u64>> {
        if let Some(&n) = self.versions()?.last() {
            return Ok(Some(n));
        }
        Ok(match self.read_optional(LEGACY_MANIFEST)? {
            Some(bytes) if !bytes.starts_with(&STUB[..16]) => Some(0),
            _ => None,
        })
    }

    fn read_current(&self) -> io::Result<Option<(Vec<u8>, u64)>> {
        for _ in 0..READ_ATTEMPTS {
            match self.versions()?.last() {
                Some(&n) => match fs::read(self.version_path(n)) {
                    Ok(bytes) => return Ok(Some((bytes, n))),
                    // Swaps since the listing deleted it: a newer version exists.
                    Err(e) if e.kind() == ErrorKind::NotFound => continue,
                    Err(e) => return Err(e),
                },
                None => match self.read_optional(LEGACY_MANIFEST)? {
                    None => return Ok(None),
                    Some(bytes) if !bytes.starts_with(&STUB[..16]) => return Ok(Some((bytes, 0))),
                    // The stub is written after version 1: list again.
                    Some(_) => continue,
                },
            }
        }
        Err(io::Error::other(format!(
            "{} says the manifest is in {VERSIONS}/, but no version could be read there",
            self.path(LEGACY_MANIFEST).display()
        )))
    }

    /// Publishes `new` as the version after `expected`, if `expected` is current.
    ///
    /// Why deleting old versions cannot make a late writer's `link` succeed wrongly: a swap
    /// deletes version v only after publishing a version above v + KEEP_VERSIONS, and the
    /// newest version is never deleted. So if `manifests/<N+1>` was free because it had been
    /// deleted, a version above N+1+KEEP_VERSIONS exists by the time the link succeeds, and
    /// the check after the link sees it. A link followed by no such version is a true win.
    fn swap(&self, expected: Option<&Version>, new: &[u8]) -> io::Result<Option<u64>> {
        let expected = match expected {
            None => None,
            // Version 0 is a layout-1 manifest; files hold versions from 1.
            Some(v) if v.0 == "0" => Some(0),
            Some(v) => match parse_version(&v.0) {
                Some(n) => Some(n),
                None => return Ok(None),
            },
        };
        if self.current_version()? != expected {
            return Ok(None);
        }
        let target = expected.map_or(1, |n| n + 1);
        let dir = self.versions_dir();
        private::create_dir_all(&dir)?;
        let tmp = dir.join(temp_name("manifest"));
        let published = (|| {
            let mut file = private::create_new(&tmp)?;
            file.write_all(new)?;
            file.sync_all()?;
            stop_for_test();
            match fs::hard_link(&tmp, self.version_path(target)) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
                Err(e) => Err(e),
            }
        })();
        let _ = fs::remove_file(&tmp);
        if !published? {
            return Ok(None);
        }
        sync_dir(&dir)?;
        let versions = self.versions()?;
        if versions.last().is_some_and(|&n| n > target + KEEP_VERSIONS) {
            return Err(io::Error::other(format!(
                "this writer was paused while other writers moved the store on by more than \
                 {KEEP_VERSIONS} versions; whether its change was recorded is unknown, so look \
                 before running it again"
            )));
        }
        if target == 1 {
            // Best effort: only an older cairn reads it, to be told to upgrade.
            let _ = self.write_atomic(LEGACY_MANIFEST, STUB);
        }
        for &old in versions.iter().take_while(|&&n| n + KEEP_VERSIONS < target) {
            let _ = fs::remove_file(self.version_path(old));
        }
        Ok(Some(target))
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
            let mut buf = Vec::new();
            Ok(self.read_range(name, offset, len, &mut buf)?.then_some(buf))
        })
    }

    fn get_range_into<'a>(
        &'a self,
        name: &'a str,
        offset: u64,
        len: u64,
        buf: &'a mut Vec<u8>,
    ) -> BoxFuture<'a, IoResult<bool>> {
        Box::pin(async move {
            check_name(name)?;
            self.read_range(name, offset, len, buf)
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

    fn temporaries(&self) -> BoxFuture<'_, IoResult<Vec<ObjectInfo>>> {
        Box::pin(async move {
            self.list_temporaries()
                .map_err(|e| self.error("list", "", e))
        })
    }

    fn delete_temporary<'a>(&'a self, name: &'a str) -> BoxFuture<'a, IoResult<()>> {
        Box::pin(async move {
            let path = self.temporary_path(name)?;
            match fs::remove_file(&path) {
                Err(e) if e.kind() != ErrorKind::NotFound => Err(self.error("delete", name, e)),
                _ => Ok(()),
            }
        })
    }

    fn read_manifest(&self) -> BoxFuture<'_, IoResult<Option<ManifestRead>>> {
        Box::pin(async move {
            let current = self
                .read_current()
                .map_err(|e| self.error("read", VERSIONS, e))?;
            Ok(current.map(|(bytes, n)| ManifestRead {
                bytes,
                version: Version(n.to_string()),
            }))
        })
    }

    fn swap_manifest<'a>(
        &'a self,
        expected: Option<&'a Version>,
        new: &'a [u8],
    ) -> BoxFuture<'a, IoResult<Option<Version>>> {
        Box::pin(async move {
            let swapped = self
                .swap(expected, new)
                .map_err(|e| self.error("manifest swap", VERSIONS, e))?;
            Ok(swapped.map(|n| Version(n.to_string())))
        })
    }
}

/// Tests of paused writers set `CAIRN_TEST_STOP_IN_SWAP` to a file path: the process's first
/// swap writes its pid there and stops itself with SIGSTOP just before publishing, exactly
/// where a Ctrl-Z, a laptop's sleep or a slow disk would leave it.
fn stop_for_test() {
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let Some(marker) = std::env::var_os("CAIRN_TEST_STOP_IN_SWAP") else {
        return;
    };
    if DONE.swap(true, Ordering::SeqCst) {
        return;
    }
    let pid = std::process::id().to_string();
    let _ = fs::write(marker, &pid);
    let _ = std::process::Command::new("kill")
        .args(["-STOP", &pid])
        .status();
}

/// A version file's name: decimal digits only, so temporary files never count.
fn parse_version(name: &str) -> Option<u64> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    name.parse().ok().filter(|&n| n > 0)
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

/// Files and folders only their owner can read, whatever the umask: a store holds
/// uncommitted rows, and a backup all of a database.
pub mod private {
    use std::fs::{self, File, OpenOptions};
    use std::io;
    use std::path::Path;

    #[cfg(unix)]
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};

    /// Creates a file that must not exist yet, readable and writable by its owner only.
    pub fn create_new(path: &Path) -> io::Result<File> {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        options.mode(0o600);
        options.open(path)
    }

    /// Creates a folder and its missing parents, each open to its owner only.
    pub fn create_dir_all(path: &Path) -> io::Result<()> {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        builder.mode(0o700);
        builder.create(path)
    }
}
