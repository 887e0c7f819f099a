#![no_main]
//! Prolly tree node chunks: whatever decodes has lookups that agree with its order and
//! encodes to the same bytes.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let by_kind = cairn_core::db::kind::refs(data);
    if let Ok(again) = cairn_core::fuzzing::reencode_node(data) {
        assert_eq!(again, data);
        assert!(by_kind.is_ok());
    }
});
