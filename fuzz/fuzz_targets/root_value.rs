#![no_main]
//! Root value chunks (table names and schemas): whatever decodes encodes to the same bytes.

use cairn_core::db::root_value::RootValue;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cairn_fuzz::exact_round_trip(data, RootValue::decode, RootValue::encode);
});
