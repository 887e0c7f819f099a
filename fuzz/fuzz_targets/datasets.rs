#![no_main]
//! The store's dataset map: whatever decodes encodes to the same bytes.

use cairn_core::db::datasets::Datasets;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cairn_fuzz::exact_round_trip(data, Datasets::decode, Datasets::encode);
});
