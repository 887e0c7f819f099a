//! What the command line needs from the machine it runs on: storage for a directory, the
//! current directory, the environment, a clock, standard streams, and a few file
//! and folder operations. The native binary implements it over `std` (bindings/native), the
//! Node bin over Node's fs through the wasm build (bindings/wasm), so both run this one CLI.

use std::io;
use std::path::{Path, PathBuf};

use cairn_core::io::{BoxFuture, Storage};

/// What the user typed at a prompt.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    Text(String),
    /// Ctrl-C: the statement being typed is dropped.
    Interrupted,
    /// Ctrl-D, or the end of input.
    End,
}

pub trait Host {
    type Storage: Storage + 'static;

    /// The storage of a chunk store in directory `dir`, which need not exist until written.
    fn storage(&self, dir: &Path) -> Self::Storage;
    /// The storage of a chunk store in an S3 bucket, or why this host has none.
    fn bucket_storage(&self, bucket: &crate::url::Bucket) -> Result<Self::Storage, String>;
    /// The storage of a store on a `cairn serve` server, sending `token` with each request,
    /// or why this host has none.
    fn http_storage(
        &self,
        location: &crate::url::HttpLocation,
        token: Option<String>,
    ) -> Result<Self::Storage, String>;
    /// Runs `cairn serve` (until stopped) or one of its token commands; answers what to
    /// print, or why it failed.
    fn serve(&self, args: crate::serve::ServeArgs) -> Result<String, String>;
    /// The current directory, absolute.
    fn cwd(&self) -> PathBuf;
    fn env(&self, key: &str) -> Option<String>;
    /// Milliseconds since the Unix epoch, from the real clock.
    fn clock_ms(&self) -> u64;

    fn stdout(&self, text: &str);
    fn stderr(&self, text: &str);
    fn stderr_is_terminal(&self) -> bool;
    /// Whether the user asked to stop (Ctrl-C): long operations check it once per batch.
    fn interrupted(&self) -> bool;
    fn stdin_is_terminal(&self) -> bool;
    fn read_stdin(&self) -> BoxFuture<'_, io::Result<String>>;
    /// A passphrase typed on the terminal after `prompt`, not echoed; `None` where there is no
    /// terminal to ask (or no way to ask without echo).
    fn read_password(&self, _prompt: &str) -> Option<io::Result<String>> {
        None
    }

    /// A line typed at the interactive SQL shell after `prompt`, with line editing and the
    /// history kept in the file `history`, if any (read at the first call; each line typed
    /// is added).
    fn read_line<'a>(
        &'a self,
        prompt: &'a str,
        history: Option<&'a Path>,
    ) -> BoxFuture<'a, io::Result<Line>>;

    /// The whole file; `NotFound` if there is none.
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Up to `len` bytes of a file from `offset` (fewer at its end, none past it), so a large
    /// file is read in pieces. This default reads the whole file each time: hosts override it.
    fn read_file_at(&self, path: &Path, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        let bytes = self.read_file(path)?;
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        let end = start.saturating_add(len).min(bytes.len());
        Ok(bytes[start..end].to_vec())
    }
    /// Adds bytes to the end of an existing file. This default rewrites the whole file:
    /// hosts override it.
    fn append_file(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut all = self.read_file(path)?;
        all.extend_from_slice(bytes);
        self.write_file(path, &all, false)
    }
    /// Writes a whole file, made anew: whatever was at `path` (a stale file, a planted
    /// symlink) is removed first and never followed; `durable` fsyncs it before answering.
    fn write_file(&self, path: &Path, bytes: &[u8], durable: bool) -> io::Result<()>;
    /// Makes what was written to a file durable (fsync), before it is renamed into place.
    fn sync_file(&self, path: &Path) -> io::Result<()>;
    /// Renames a file or folder, replacing a file at `to`.
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    fn create_dir_all(&self, path: &Path) -> io::Result<()>;
    fn remove_dir_all(&self, path: &Path) -> io::Result<()>;
    /// Removes an empty folder.
    fn remove_dir(&self, path: &Path) -> io::Result<()>;
    fn remove_file(&self, path: &Path) -> io::Result<()>;
    /// The names in a folder; `NotFound` if there is none.
    fn list_dir(&self, path: &Path) -> io::Result<Vec<String>>;
    fn is_dir(&self, path: &Path) -> bool;
    fn exists(&self, path: &Path) -> bool;

    /// This process's id, which names the folders it builds.
    fn pid(&self) -> u32;
    /// Whether a process runs; where that cannot be told, it is taken to run.
    fn process_runs(&self, pid: u32) -> bool;
}
