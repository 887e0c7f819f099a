#![no_main]
//! The store's dataset map: whatever decodes encodes to the same bytes, except that a map
//! written before format parameters were recorded (docs/FORMAT.md) gains the record at its end.

use cairn_core::db::datasets::Datasets;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(map) = Datasets::decode(data) else {
        return;
    };
    let encoded = map.encode();
    if encoded != data {
        assert!(
            encoded.starts_with(data),
            "{map:?} encodes to other bytes, not just with the parameters added"
        );
        assert_eq!(Datasets::decode(&encoded).as_ref(), Ok(&map));
    }
    assert!(cairn_core::db::kind::refs(data).is_ok(), "decodes, but its references do not");
});
