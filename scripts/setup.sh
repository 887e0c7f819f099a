#!/usr/bin/env bash
# Installs what building and testing Cairn needs, on a fresh Debian machine or a developer's
# laptop. Idempotent: a second run finds everything in place and installs nothing.
#   - the wasm32 standard library: rustup's target, or Debian's rustc-web route (docs in
#     ../shared/TOOLCHAIN.md) where rustup cannot download it
#   - wasm-bindgen-cli at exactly the version Cargo.lock pins
#   - wasm-opt (Debian's binaryen), Debian's Chromium for the browser tests
#   - the npm packages of npm/ and web-demo/ from their committed lockfiles
#   - Ceph's MON, OSD and RADOS Gateway (Debian packages) for the s3:// tests, and Azurite
#     (npm, in scripts/emulators) for the az:// tests
# The nightly toolchain and cargo-fuzz, for fuzzing only, scripts/fuzz.sh installs itself.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

apt_updated=
apt_install() {
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  if [ -z "$apt_updated" ]; then
    $sudo apt-get update -qq >&2
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2
}

# Rust components the test command uses.
if command -v rustup >/dev/null; then
  for component in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$component" ||
      rustup component add "$component" >&2
  done
fi

# The wasm32 standard library.
if command -v rustup >/dev/null && rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  :
elif command -v rustup >/dev/null && rustup target add wasm32-unknown-unknown >&2; then
  say "installed rustup's wasm32-unknown-unknown target"
elif [ -d /usr/lib/rustlib/src/rust ] && command -v rust-lld >/dev/null; then
  :
else
  say "rustup cannot add wasm32; falling back to Debian's rustc-web (builds std from source)"
  apt_install rustc-web cargo-web rust-web-src lld-22
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (had: ${have:-none})"
  cargo install wasm-bindgen-cli --version "$want" --force >&2
fi
command -v wasm-opt >/dev/null || apt_install binaryen

# Ceph (MON, OSD, RADOS Gateway) for the s3:// tests, which start a throw-away cluster.
scripts/ceph.sh install
# restic: the retention tests compare `backup forget`'s engine with `restic forget`.
command -v restic >/dev/null || apt_install restic

# Node.js (the machine image has 20) and Chromium for the browser tests.
command -v node >/dev/null || apt_install nodejs npm
[ -x /usr/bin/chromium ] || apt_install chromium

# npm packages, reinstalled only when the lockfile changed since the last install.
for dir in npm web-demo scripts/emulators; do
  [ -f "$dir/package-lock.json" ] || continue
  if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
     [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund >&2)
  fi
done
