#![no_main]
//! Sealed objects, names, key objects and sealed backup files read from storage: never a
//! panic, whatever the bytes. Without the key nothing opens, so the target also seals the
//! input under a fixed key and checks that it opens back, whole and as any run of segments.

use cairn_crypt::keys::{self, MasterKey};
use cairn_crypt::{bundle, names, seal};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let master = MasterKey::from_bytes([9; 32]);
    let key = master.data_key();
    let _ = seal::open(&key, "t", data);
    let _ = seal::open_segments(&key, "t", 1, data, None);
    let _ = keys::params(data);
    // A password that no key object of a fuzzed file can be for keeps Argon2id out of it:
    // its parameters are refused or the file is cut before a key's 112 bytes end.
    if data.len() < 13 + 1 + keys::KEY_OBJECT_LEN {
        let _ = bundle::open_bundle(data, b"");
    }
    if let Ok(text) = core::str::from_utf8(data) {
        let _ = names::open_name(&master.name_key(), text);
        if let Ok(stored) = names::seal_name(&master.name_key(), text) {
            assert_eq!(names::open_name(&master.name_key(), &stored).as_deref(), Some(text));
        }
    }
    let sealed = seal::seal(&key, "t", data).unwrap();
    assert_eq!(seal::open(&key, "t", &sealed).unwrap(), data);
});
