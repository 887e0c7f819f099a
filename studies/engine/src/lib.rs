//! GlueSQL over its own in-memory store: the engine alone, with no storage cost beneath it.

use gluesql_core::prelude::{Glue, Payload};
use gluesql_memory_storage::MemoryStorage;

pub type Engine = Glue<MemoryStorage>;

pub fn engine() -> Engine {
    Glue::new(MemoryStorage::default())
}

/// Runs `sql`; the rows of its last SELECT (0 for other statements).
pub fn rows(glue: &mut Engine, sql: &str) -> Result<usize, String> {
    let payloads = glue.execute(sql).map_err(|e| e.to_string())?;
    Ok(match payloads.last() {
        Some(Payload::Select { rows, .. }) => rows.len(),
        _ => 0,
    })
}

/// The wasm module's one export, so that the linker keeps the whole engine: runs the UTF-8
/// SQL at `ptr` (`len` bytes) in a fresh engine; the rows of its last SELECT, or -1.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn run(ptr: *const u8, len: usize) -> i64 {
    // SAFETY: the caller passes a buffer of `len` bytes it owns in this module's memory.
    let bytes = unsafe { core::slice::from_raw_parts(ptr, len) };
    let Ok(sql) = core::str::from_utf8(bytes) else {
        return -1;
    };
    rows(&mut engine(), sql).map_or(-1, |n| n as i64)
}

/// Memory for the caller's SQL text.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut buf = Vec::<u8>::with_capacity(len);
    let ptr = buf.as_mut_ptr();
    core::mem::forget(buf);
    ptr
}
