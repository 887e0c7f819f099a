#![no_main]
//! A backup's root chunk: whatever decodes encodes to the same bytes.

use cairn_core::backup::BackupRoot;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cairn_fuzz::exact_round_trip(data, BackupRoot::decode, BackupRoot::encode);
});
