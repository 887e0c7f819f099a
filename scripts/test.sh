#!/usr/bin/env bash
# Every test: formatting, lints, the native suite, a short fuzzing pass, the wasm build and
# its Node and headless Chromium suites. Installs what is missing first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# Incremental state is gigabytes a run from a clean clone never reuses; set it to 1 to keep it.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# A run from a clean clone writes about 7 GB (target/, the fuzz builds, npm); on a full disk it
# fails later and obscurely (a write error, a Ceph MON that will not start), so warn first.
free_gib=$(df -Pk . | awk 'NR == 2 { print int($4 / 1048576) }')
[ "$free_gib" -ge 8 ] ||
  echo "scripts/test.sh: warning: $free_gib GiB free here; a run from a clean clone writes about 7 GB" >&2

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "set-up"
scripts/setup.sh

step "cargo fmt --check"
cargo fmt --all --check

step "clippy (native and wasm32), warnings denied"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p cairn-core -p cairn-object -p cairn-wasm -p cairn-wasm-net -p cairn-wasm-adapter --target wasm32-unknown-unknown --locked -- -D warnings
cargo clippy -p cairn-wasm --features cli --target wasm32-unknown-unknown --locked -- -D warnings

step "native tests"
cargo test --workspace --locked

# A short pass over every fuzz target from the committed corpus (docs/FUZZING.md): a decoder
# change that crashes on a known input fails here. The long runs are done by hand.
step "fuzz targets, 5 s each"
scripts/fuzz.sh 5

step "wasm build (the size profile, simd128)"
npm/scripts/build-wasm.sh

step "Node and headless Chromium tests of the wasm build"
(cd npm && npm test)

step "the demo page, walked in headless Chromium"
node --test web-demo/test/*.test.mjs
