#!/usr/bin/env bash
# Builds the package's three wasm modules into npm/dist/ (a build product, gitignored), each a
# `--target web` glue NAME.js beside NAME_bg.wasm: the core (cairn-wasm) as cairn_wasm and the
# network clients (bindings/wasm-net), which the core's adapters load on first use, as
# cairn_net, both in npm/dist/; the core with the command line (its `cli` feature), for the
# Node bin, in npm/dist/cli/. Then npm/dist/browser.js beside them, the browser entry and both
# glues as one module (scripts/build-bundle.mjs). Installs nothing; scripts/setup.sh does.
#
# cargo (rustup's wasm32 target; else Debian's rustc-web building std, see shared
# TOOLCHAIN.md) with the workspace's `wasm` profile (built for size), then wasm-bindgen and
# wasm-opt.
set -euo pipefail

npm_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$npm_dir/.." && pwd)"
out="$npm_dir/dist"

# BLAKE3's wasm32_simd code needs the simd128 target feature; getrandom's wasm_js backend
# its cfg (RUSTFLAGS replaces .cargo/config.toml's, so it is repeated here).
export RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }-C target-feature=+simd128 --cfg getrandom_backend=\"wasm_js\""
# The npm `binaryen` devDependency's wasm-opt before any other.
export PATH="$npm_dir/node_modules/.bin:$PATH"

# The wasm-opt arguments (for all three modules), kept once in cairn-wasm's Cargo.toml.
read -r -a opt_args <<<"$(sed -n 's/^wasm-opt = \[\(.*\)\]$/\1/p' "$root/bindings/wasm/Cargo.toml" | tr -d '",')"

# Binaryen 108 (Debian's) exports the wrong table for wasm-bindgen's externrefs; 132 is checked.
wasm_opt_usable() {
  local version
  version="$(wasm-opt --version 2>/dev/null | awk '{print $3}')" || return 1
  [[ "$version" =~ ^[0-9]+$ ]] && ((version >= 132))
}

has_rustup_target() {
  command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown
}

rm -rf "$out"
mkdir -p "$out"
# Present until the build ends (npm/test/bundlers.test.mjs waits for it to go).
touch "$out/.building"
started=$SECONDS
if ! wasm_opt_usable; then
  echo "build-wasm: no wasm-opt >= 132 on PATH (run npm ci); the .wasm stays unoptimised" >&2
  skip_opt=1
fi

cargo_build() {
  if has_rustup_target; then
    cargo build --manifest-path "$root/Cargo.toml" --profile wasm --target wasm32-unknown-unknown "$@"
  else
    RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
      /usr/bin/cargo build --manifest-path "$root/Cargo.toml" --profile wasm \
      --target wasm32-unknown-unknown -Z build-std=std,panic_abort "$@"
  fi
}

# wasm-bindgen on cargo's $1.wasm, into $2 as $3.js and $3_bg.wasm.
bindgen() {
  wasm-bindgen --target web --no-typescript --out-dir "$2" --out-name "$3" \
    "${CARGO_TARGET_DIR:-$root/target}/wasm32-unknown-unknown/wasm/$1.wasm"
}

# The core and the network clients in one cargo run, so that they share one build of every
# dependency (cargo unifies features within a run; the command line's build has the same
# dependencies); then the core again, with the command line, into the same target file.
cargo_build -p cairn-wasm -p cairn-wasm-net
bindgen cairn_wasm "$out" cairn_wasm
bindgen cairn_wasm_net "$out" cairn_net
cargo_build -p cairn-wasm --features cli
bindgen cairn_wasm "$out/cli" cairn_wasm
modules=("$out/cairn_wasm_bg.wasm" "$out/cairn_net_bg.wasm" "$out/cli/cairn_wasm_bg.wasm")
if [[ -z "${skip_opt:-}" ]]; then
  # The optimisations side by side: most of a build's time, and one core each.
  pids=()
  for module in "${modules[@]}"; do
    wasm-opt "${opt_args[@]}" "$module" -o "$module" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
fi
for module in "${modules[@]}"; do echo "build-wasm: ${module#"$npm_dir/"}: $(wc -c <"$module") bytes" >&2; done
# The browser entry, bundled beside them (npm/dist/browser.js): one build step makes the package.
node "$npm_dir/scripts/build-bundle.mjs"
rm "$out/.building"
echo "build-wasm: done in $((SECONDS - started)) s" >&2
