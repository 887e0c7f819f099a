#![no_main]
//! A table file's footer, index and records, read as the chunk store reads them. Each input
//! is tried as it is, and with a valid (version 2) footer appended for its bytes, so that the
//! index's layout checks and the records' decoding are reached behind the footer's checksums.

use cairn_core::hash::Hash;
use cairn_core::table_file::{chunk_of, decode_index, find, Footer, ENTRY_LEN, FOOTER_LEN, VERSION};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check(data);
    // The first byte picks how many of the last 32-byte groups are the index.
    let count = usize::from(data.first().copied().unwrap_or(0)).min(data.len() / ENTRY_LEN);
    let data_len = data.len() - count * ENTRY_LEN;
    let footer = Footer {
        index_hash: Hash::of(&data[data_len..]),
        data_len: data_len as u64,
        chunk_count: count as u32,
        version: VERSION,
    };
    let mut file = data.to_vec();
    file.extend_from_slice(&footer.encode());
    check(&file);
});

fn check(file: &[u8]) {
    let tail = &file[file.len().saturating_sub(FOOTER_LEN)..];
    let Ok(footer) = Footer::decode(tail, file.len() as u64) else {
        return;
    };
    assert_eq!(footer.encode(), tail);
    assert_eq!(footer.file_len(), file.len() as u64);
    let start = footer.data_len as usize;
    let index = &file[start..start + footer.index_len() as usize];
    let Ok(entries) = decode_index(index, &footer) else {
        return;
    };
    // The index is canonical, and every record it names lies in the data section.
    let mut again = Vec::with_capacity(index.len());
    for e in &entries {
        again.extend_from_slice(&e.hash.0);
        again.extend_from_slice(&e.offset.to_le_bytes());
        again.extend_from_slice(&e.len.to_le_bytes());
        assert!(e.offset + u64::from(e.len) <= footer.data_len);
        assert_eq!(find(&entries, &e.hash), Some(*e));
        // Any record decodes to a chunk or an error, never a panic or an outsized allocation.
        let record = &file[e.offset as usize..(e.offset + u64::from(e.len)) as usize];
        let _ = chunk_of(footer.version, e, record);
    }
    assert_eq!(again, index);
}
