#![no_main]
//! The repository config's text: whatever decodes encodes to text that decodes to the same
//! config.

use cairn_core::repo::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(config) = Config::decode(text) {
        assert_eq!(Config::decode(&config.encode()), Ok(config));
    }
});
