//! The command line's `Host` over `std`: files through `std::fs`, chunk stores through
//! `FsStorage`.

use std::fs;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use cairn_cli::host::Line;
use cairn_cli::Host;
use cairn_core::io::BoxFuture;

use cairn_cli::serve::ServeArgs;
use cairn_cli::url::{Bucket, HttpLocation};

use crate::fs_storage::private;
use crate::{FsStorage, NativeStorage};

#[derive(Default)]
pub struct NativeHost {
    /// The SQL shell's line editor, made at its first prompt.
    editor: std::sync::Mutex<Option<rustyline::DefaultEditor>>,
}

/// Set by Ctrl-C: long operations stop at their next batch and leave every store valid.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

impl NativeHost {
    /// Takes over Ctrl-C (SIGINT) for the life of the process: instead of dying mid-write,
    /// the command stops at its next check and exits 130. Short commands finish first.
    pub fn catch_interrupts() {
        // If a handler cannot be set, Ctrl-C still kills the process, which the stores'
        // crash safety covers.
        let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::Relaxed));
    }
}

impl Host for NativeHost {
    type Storage = NativeStorage;

    fn storage(&self, dir: &Path) -> NativeStorage {
        NativeStorage::Fs(FsStorage::new(dir))
    }

    fn bucket_storage(&self, bucket: &Bucket) -> Result<NativeStorage, String> {
        crate::object_storage(bucket).map(NativeStorage::Object)
    }

    fn http_storage(
        &self,
        location: &HttpLocation,
        token: Option<String>,
    ) -> Result<NativeStorage, String> {
        crate::HttpStorage::new(location, token).map(NativeStorage::Http)
    }

    fn serve(&self, args: ServeArgs) -> Result<String, String> {
        // Each served store is a folder store, so a served folder is a `file://` one too.
        cairn_server::run(
            args,
            std::sync::Arc::new(|dir| std::sync::Arc::new(FsStorage::new(dir))),
        )
    }

    fn cwd(&self) -> PathBuf {
        std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
    }

    fn env(&self, key: &str) -> Option<String> {
        std::env::var(key).ok()
    }

    fn clock_ms(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    }

    fn stdout(&self, text: &str) {
        let _ = io::stdout().write_all(text.as_bytes());
        let _ = io::stdout().flush();
    }

    fn stderr(&self, text: &str) {
        let _ = io::stderr().write_all(text.as_bytes());
    }

    fn stderr_is_terminal(&self) -> bool {
        io::stderr().is_terminal()
    }

    fn interrupted(&self) -> bool {
        INTERRUPTED.load(Ordering::Relaxed)
    }

    fn stdin_is_terminal(&self) -> bool {
        io::stdin().is_terminal()
    }

    fn read_password(&self, prompt: &str) -> Option<io::Result<String>> {
        io::stdin()
            .is_terminal()
            .then(|| rpassword::prompt_password(prompt))
    }

    fn read_stdin(&self) -> BoxFuture<'_, io::Result<String>> {
        Box::pin(async {
            let mut text = String::new();
            io::stdin().read_to_string(&mut text)?;
            Ok(text)
        })
    }

    fn read_line<'a>(
        &'a self,
        prompt: &'a str,
        history: Option<&'a Path>,
    ) -> BoxFuture<'a, io::Result<Line>> {
        use rustyline::error::ReadlineError;
        Box::pin(async move {
            let mut editor = self.editor.lock().unwrap_or_else(|e| e.into_inner());
            if editor.is_none() {
                let mut made = rustyline::DefaultEditor::new().map_err(io::Error::other)?;
                // A history file not there yet is made by the first line typed.
                if let Some(history) = history {
                    let _ = made.load_history(history);
                }
                *editor = Some(made);
            }
            let editor = editor.as_mut().expect("made above");
            match editor.readline(prompt) {
                Ok(line) => {
                    if !line.trim().is_empty() {
                        // History is a convenience: a line not saved is no reason to stop.
                        let _ = editor.add_history_entry(line.as_str());
                        if let Some(history) = history {
                            let _ = editor.append_history(history);
                        }
                    }
                    Ok(Line::Text(line))
                }
                Err(ReadlineError::Interrupted) => Ok(Line::Interrupted),
                Err(ReadlineError::Eof) => Ok(Line::End),
                Err(ReadlineError::Io(e)) => Err(e),
                Err(e) => Err(io::Error::other(e)),
            }
        })
    }

    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        fs::read(path)
    }

    fn read_file_at(&self, path: &Path, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        use std::io::{Seek, SeekFrom};
        let mut file = fs::File::open(path)?;
        file.seek(SeekFrom::Start(offset))?;
        let mut out = Vec::with_capacity(len);
        file.take(len as u64).read_to_end(&mut out)?;
        Ok(out)
    }

    fn append_file(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        fs::OpenOptions::new()
            .append(true)
            .open(path)?
            .write_all(bytes)
    }

    fn write_file(&self, path: &Path, bytes: &[u8], durable: bool) -> io::Result<()> {
        // Whatever is there goes first, then the file is made anew (O_EXCL): a symlink
        // planted at a temporary name is removed, never followed.
        match fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        let mut file = private::create_new(path)?;
        file.write_all(bytes)?;
        if durable {
            file.sync_all()?;
        }
        Ok(())
    }

    fn sync_file(&self, path: &Path) -> io::Result<()> {
        fs::File::open(path)?.sync_all()
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }

    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        private::create_dir_all(path)
    }

    fn remove_dir_all(&self, path: &Path) -> io::Result<()> {
        fs::remove_dir_all(path)
    }

    fn remove_dir(&self, path: &Path) -> io::Result<()> {
        fs::remove_dir(path)
    }

    fn remove_file(&self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }

    fn list_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        fs::read_dir(path)?
            .map(|e| Ok(e?.file_name().to_string_lossy().into_owned()))
            .collect()
    }

    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }

    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }

    fn pid(&self) -> u32 {
        std::process::id()
    }

    fn process_runs(&self, pid: u32) -> bool {
        if cfg!(target_os = "linux") {
            Path::new("/proc").join(pid.to_string()).exists()
        } else {
            true
        }
    }
}
