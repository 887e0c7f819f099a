#![no_main]
//! Manifests: whatever decodes encodes to a manifest that decodes to the same value. Each
//! input is tried as it is, and with a valid check line appended, so that the line parsing
//! behind the checksum is reached.

use cairn_core::hash::Hash;
use cairn_core::manifest::Manifest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check(data);
    let mut text = data.to_vec();
    if !text.ends_with(b"\n") {
        text.push(b'\n');
    }
    let line = format!("check {}\n", Hash::of(&text));
    text.extend_from_slice(line.as_bytes());
    check(&text);
});

fn check(bytes: &[u8]) {
    if let Ok(manifest) = Manifest::decode(bytes) {
        assert_eq!(Manifest::decode(&manifest.encode()), Ok(manifest));
    }
}
