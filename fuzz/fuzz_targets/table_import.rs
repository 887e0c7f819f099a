#![no_main]
//! Table import (`core/src/import/`): any bytes as CSV or JSON, fed whole or cut in two at
//! any place, never panics, and both ways end the same (the same error, or the same table).

use cairn_core::chunk_store::ChunkStore;
use cairn_core::db::root_value::RootValue;
use cairn_core::import::{FileType, Import, Mode};
use cairn_core::MemoryStorage;
use libfuzzer_sys::fuzz_target;

fn import(data: &[u8], file_type: FileType, cut: usize) -> Result<RootValue, String> {
    let mut store = pollster::block_on(ChunkStore::open(MemoryStorage::default()))
        .map_err(|e| e.to_string())?;
    let mut root = RootValue::default();
    let mode = Mode::Create {
        primary_key: vec!["id".into()],
        force: false,
    };
    let mut import = Import::new(&root, "t", file_type, mode, None).map_err(|e| e.to_string())?;
    for piece in [&data[..cut], &data[cut..]] {
        pollster::block_on(import.feed(&mut store, piece)).map_err(|e| e.to_string())?;
    }
    pollster::block_on(import.finish(&mut store, &mut root)).map_err(|e| e.to_string())?;
    Ok(root)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, data)) = data.split_first() else {
        return;
    };
    let file_type = if first & 1 == 0 {
        FileType::Csv
    } else {
        FileType::Json
    };
    let cut = usize::from(first >> 1).min(data.len());
    assert_eq!(
        import(data, file_type, cut),
        import(data, file_type, data.len())
    );
});
