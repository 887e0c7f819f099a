#![no_main]
//! Working set chunks: whatever decodes encodes to the same bytes.

use cairn_core::db::working_set::WorkingSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cairn_fuzz::exact_round_trip(data, WorkingSet::decode, WorkingSet::encode);
});
