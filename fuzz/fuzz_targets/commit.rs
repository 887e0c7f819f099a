#![no_main]
//! Commit chunks: whatever decodes encodes to the same bytes.

use cairn_core::db::commit::Commit;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cairn_fuzz::exact_round_trip(data, Commit::decode, Commit::encode);
});
