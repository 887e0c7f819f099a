//! `runCli`: the `cairn` command line (cairn-cli) over a JS host object, so the Node bin runs
//! the same parsing, verbs, messages and exit codes as the native binary. The host is
//! `CliHost` in npm/src/cli-host.js: Node's fs (synchronous, for the few small files and
//! folders), a storage adapter per store directory, the clock, the environment and stdio.

use std::io;
use std::path::{Path, PathBuf};

use cairn_cli::host::Line;
use cairn_cli::Host;
use cairn_core::io::BoxFuture;
use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use cairn_wasm_adapter::RustStoreAdapter;

use crate::js;
use crate::storage::{JsAdapter, JsStorage};

/// Runs `cairn ARGS` (without the program name) on `host`; resolves to the exit code.
#[wasm_bindgen(js_name = runCli)]
pub async fn run_cli(args: Vec<String>, host: JsValue) -> i32 {
    cairn_cli::main(&JsHost(host), args).await
}

struct JsHost(JsValue);

impl JsHost {
    /// Calls `host[name](...args)`; a throw becomes an io::Error that keeps Node's code.
    fn call(&self, name: &str, args: &[JsValue]) -> io::Result<JsValue> {
        let method = Reflect::get(&self.0, &JsValue::from_str(name))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| io::Error::other(format!("the CLI host has no function {name}")))?;
        let args: Array = args.iter().collect();
        method.apply(&self.0, &args).map_err(io_error)
    }

    fn path_call(&self, name: &str, path: &Path) -> io::Result<JsValue> {
        self.call(name, &[path_value(path)])
    }

    fn flag(&self, name: &str) -> bool {
        self.call(name, &[]).is_ok_and(|v| v.is_truthy())
    }

    fn text(&self, name: &str, text: &str) {
        let _ = self.call(name, &[JsValue::from_str(text)]);
    }
}

fn path_value(path: &Path) -> JsValue {
    JsValue::from_str(&path.to_string_lossy())
}

/// A JS error as an io::Error: `ENOENT` is `NotFound`, the rest keep their message.
fn io_error(e: JsValue) -> io::Error {
    let kind = match js::get(&e, "code").as_string().as_deref() {
        Some("ENOENT") => io::ErrorKind::NotFound,
        Some("EEXIST") => io::ErrorKind::AlreadyExists,
        _ => io::ErrorKind::Other,
    };
    io::Error::new(kind, js::describe(&e))
}

fn unit(result: io::Result<JsValue>) -> io::Result<()> {
    result.map(drop)
}

impl Host for JsHost {
    type Storage = JsStorage;

    /// The same client as the native CLI's, with the host's environment and files.
    fn bucket_storage(&self, bucket: &cairn_cli::url::Bucket) -> Result<JsStorage, String> {
        let env = self.call("environment", &[]).unwrap_or(JsValue::UNDEFINED);
        let read_file =
            |path: &str| js::text(self.call("readFile", &[JsValue::from_str(path)]).ok()?);
        let storage = cairn_object::open(bucket, js::settings(&env), &read_file)?;
        let adapter = JsValue::from(RustStoreAdapter::new(storage));
        Ok(JsStorage::new(adapter.unchecked_into::<JsAdapter>()))
    }

    fn http_storage(
        &self,
        location: &cairn_cli::url::HttpLocation,
        token: Option<String>,
    ) -> Result<JsStorage, String> {
        let storage = cairn_object::HttpStorage::new(location, token)?;
        let adapter = JsValue::from(RustStoreAdapter::new(storage));
        Ok(JsStorage::new(adapter.unchecked_into::<JsAdapter>()))
    }

    fn serve(&self, _args: cairn_cli::serve::ServeArgs) -> Result<String, String> {
        Err("cairn serve is not available from Node; use the native cairn".into())
    }

    fn storage(&self, dir: &Path) -> JsStorage {
        // The host makes a NodeFsAdapter, which cannot fail to be made.
        let adapter = self.path_call("storage", dir).unwrap_or(JsValue::UNDEFINED);
        JsStorage::new(adapter.unchecked_into::<JsAdapter>())
    }

    fn cwd(&self) -> PathBuf {
        let cwd = self.call("cwd", &[]).ok().and_then(|v| v.as_string());
        PathBuf::from(cwd.unwrap_or_else(|| "/".into()))
    }

    fn env(&self, key: &str) -> Option<String> {
        self.call("env", &[JsValue::from_str(key)])
            .ok()
            .and_then(|v| v.as_string())
    }

    fn clock_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }

    fn stdout(&self, text: &str) {
        self.text("stdout", text);
    }

    fn stderr(&self, text: &str) {
        self.text("stderr", text);
    }

    fn stderr_is_terminal(&self) -> bool {
        self.flag("stderrIsTerminal")
    }

    fn interrupted(&self) -> bool {
        self.flag("interrupted")
    }

    fn stdin_is_terminal(&self) -> bool {
        self.flag("stdinIsTerminal")
    }

    fn read_stdin(&self) -> BoxFuture<'_, io::Result<String>> {
        Box::pin(async move {
            let promise = self.call("readStdin", &[])?;
            let text = JsFuture::from(Promise::resolve(&promise))
                .await
                .map_err(io_error)?;
            text.as_string()
                .ok_or_else(|| io::Error::other("readStdin did not give a string"))
        })
    }

    /// JS's `readLine(prompt, historyPath)` resolves to `{ line }`, `{ interrupted: true }`
    /// (Ctrl-C) or null (end of input).
    fn read_line<'a>(
        &'a self,
        prompt: &'a str,
        history: Option<&'a Path>,
    ) -> BoxFuture<'a, io::Result<Line>> {
        Box::pin(async move {
            let history = history.map_or(JsValue::UNDEFINED, path_value);
            let promise = self.call("readLine", &[JsValue::from_str(prompt), history])?;
            let typed = JsFuture::from(Promise::resolve(&promise))
                .await
                .map_err(io_error)?;
            if typed.is_null() || typed.is_undefined() {
                return Ok(Line::End);
            }
            let field = |name| Reflect::get(&typed, &JsValue::from_str(name)).ok();
            if field("interrupted").is_some_and(|v| v.is_truthy()) {
                return Ok(Line::Interrupted);
            }
            match field("line").and_then(|l| l.as_string()) {
                Some(line) => Ok(Line::Text(line)),
                None => Err(io::Error::other("readLine did not give { line }")),
            }
        })
    }

    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        let bytes = self.path_call("readFile", path)?;
        Ok(Uint8Array::new(&bytes).to_vec())
    }

    fn read_file_at(&self, path: &Path, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        let args = [
            path_value(path),
            JsValue::from_f64(offset as f64),
            JsValue::from_f64(len as f64),
        ];
        let bytes = self.call("readFileAt", &args)?;
        Ok(Uint8Array::new(&bytes).to_vec())
    }

    fn append_file(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let args = [path_value(path), Uint8Array::from(bytes).into()];
        unit(self.call("appendFile", &args))
    }

    fn write_file(&self, path: &Path, bytes: &[u8], durable: bool) -> io::Result<()> {
        let args = [
            path_value(path),
            Uint8Array::from(bytes).into(),
            JsValue::from_bool(durable),
        ];
        unit(self.call("writeFile", &args))
    }

    fn sync_file(&self, path: &Path) -> io::Result<()> {
        unit(self.path_call("syncFile", path))
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        unit(self.call("rename", &[path_value(from), path_value(to)]))
    }

    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        unit(self.path_call("createDirAll", path))
    }

    fn remove_dir_all(&self, path: &Path) -> io::Result<()> {
        unit(self.path_call("removeDirAll", path))
    }

    fn remove_dir(&self, path: &Path) -> io::Result<()> {
        unit(self.path_call("removeDir", path))
    }

    fn remove_file(&self, path: &Path) -> io::Result<()> {
        unit(self.path_call("removeFile", path))
    }

    fn list_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        let names = self.path_call("listDir", path)?;
        Ok(Array::from(&names)
            .iter()
            .filter_map(|n| n.as_string())
            .collect())
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.path_call("isDir", path).is_ok_and(|v| v.is_truthy())
    }

    fn exists(&self, path: &Path) -> bool {
        self.path_call("exists", path).is_ok_and(|v| v.is_truthy())
    }

    fn pid(&self) -> u32 {
        self.call("pid", &[])
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0) as u32
    }

    fn process_runs(&self, pid: u32) -> bool {
        let pid = JsValue::from_f64(f64::from(pid));
        // Where the host cannot tell, the process is taken to run: its folders stay.
        self.call("processRuns", &[pid])
            .map_or(true, |v| v.is_truthy())
    }
}
