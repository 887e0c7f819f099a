#![no_main]
//! A table file's footer, index and records, read as the chunk store reads them. Each input
//! is tried as it is, and with a valid footer of each version appended for its bytes, so that
//! the index's layout checks and the records' decoding are reached behind the footer's
//! checksums.

use cairn_core::hash::Hash;
use cairn_core::table_file::{
    decode_index, decode_record, each_chunk_of_file, entry_len, Footer, Index, TableError,
    FOOTER_LEN, VERSION,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check(data);
    for version in 1..=VERSION {
        // The first byte picks how many of the last entry-sized groups are the index.
        let entry = entry_len(version);
        let count = usize::from(data.first().copied().unwrap_or(0)).min(data.len() / entry);
        let data_len = data.len() - count * entry;
        let footer = Footer {
            index_hash: Hash::of(&data[data_len..]),
            data_len: data_len as u64,
            chunk_count: count as u32,
            version,
        };
        let mut file = data.to_vec();
        file.extend_from_slice(&footer.encode());
        check(&file);
    }
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
    let searched = Index::from(entries.clone());
    for e in &entries {
        e.encode(footer.version, &mut again);
        assert!(e.offset + u64::from(e.len) <= footer.data_len);
        assert_eq!(searched.find(&e.hash), Some(*e));
        // Any record decodes to a chunk or an error, never a panic or an outsized allocation.
        let record = &file[e.offset as usize..(e.offset + u64::from(e.len)) as usize];
        if let Ok(decoded) = decode_record(footer.version, e, record) {
            let _ = e.chunk_in(&decoded);
        }
    }
    assert_eq!(again, index);
    // Reading the whole file chunk by chunk meets every entry once.
    let mut met = 0;
    let _ = each_chunk_of_file(footer.version, &entries, &file[..start], |_, _| {
        met += 1;
        Ok::<(), TableError>(())
    });
    assert_eq!(met, entries.len());
}
