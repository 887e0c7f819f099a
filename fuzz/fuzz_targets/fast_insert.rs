#![no_main]
//! The fast INSERT parser: where it accepts a statement, sqlparser reads the same values.

use cairn_core::fuzzing::{fast_insert, parsed_insert};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(fast) = fast_insert(sql) {
        match parsed_insert(sql) {
            Ok(slow) => assert_eq!(fast, slow, "{sql}"),
            Err(e) => panic!("the fast parser read {fast:?}, sqlparser said {e}: {sql}"),
        }
    }
});
