//! How long wrapping a master key for one passphrase takes with the default Argon2id
//! parameters (one derivation, as opening a store costs per key tried): the figure in
//! docs/FORMAT.md. `cargo run --release -p cairn-crypt --example kdf`
use std::time::Instant;

use cairn_crypt::keys::{wrap, MasterKey};
use cairn_crypt::KdfParams;

fn main() {
    let master = MasterKey::from_bytes([1; 32]);
    let mut times: Vec<f64> = (0..5)
        .map(|_| {
            let started = Instant::now();
            wrap(&master, b"passphrase", KdfParams::DEFAULT, "key-x").expect("wrap");
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!("argon2id m=64 MiB t=3 p=1: median {:.0} ms of 5", times[2]);
}
