#!/usr/bin/env bash
# Builds bindings/wasm into npm/wasm/ (a build product, gitignored): cairn_wasm.js, the
# `--target web` loader, and cairn_wasm_bg.wasm; the same with the command line in
# npm/wasm/cli/, for the Node bin; then npm/dist/browser.js, the browser entry as one module
# (scripts/build-bundle.mjs). Installs nothing; scripts/setup.sh does.
#
# Route 1, rustup's wasm32 target and wasm-pack: wasm-pack builds and runs wasm-bindgen.
# Route 2, otherwise (see shared TOOLCHAIN.md): cargo (Debian's rustc-web building std when
# rustup has no wasm32 target), then wasm-bindgen by hand. Either way wasm-opt runs last.
set -euo pipefail

npm_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$npm_dir/.." && pwd)"
crate="$root/bindings/wasm"
out="$npm_dir/wasm"

# BLAKE3's wasm32_simd code needs the simd128 target feature; getrandom's wasm_js backend
# its cfg (RUSTFLAGS replaces .cargo/config.toml's, so it is repeated here).
export RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }-C target-feature=+simd128 --cfg getrandom_backend=\"wasm_js\""
# The npm `binaryen` devDependency's wasm-opt before any other.
export PATH="$npm_dir/node_modules/.bin:$PATH"

# The wasm-opt arguments, kept once in the crate's wasm-pack metadata.
read -r -a opt_args <<<"$(sed -n 's/^wasm-opt = \[\(.*\)\]$/\1/p' "$crate/Cargo.toml" | tr -d '",')"

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
started=$SECONDS
if ! wasm_opt_usable; then
  echo "build-wasm: no wasm-opt >= 132 on PATH (run npm ci); the .wasm stays unoptimised" >&2
  skip_opt=1
fi

# One build of the crate into $1 (the glue and an unoptimised .wasm), with cargo's arguments
# $2...; built one after the other, as both land in the same target/ file.
build() {
  local dir="$1"
  shift
  if has_rustup_target && command -v wasm-pack >/dev/null; then
    wasm-pack build "$crate" --release --target web --out-dir "$dir" --out-name cairn_wasm \
      --no-pack --no-typescript --no-opt -- "$@"
  else
    if has_rustup_target; then
      cargo build --manifest-path "$root/Cargo.toml" -p cairn-wasm --release --target wasm32-unknown-unknown "$@"
    else
      RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
        /usr/bin/cargo build --manifest-path "$root/Cargo.toml" -p cairn-wasm --release \
        --target wasm32-unknown-unknown -Z build-std=std,panic_abort "$@"
    fi
    local target_dir="${CARGO_TARGET_DIR:-$root/target}"
    wasm-bindgen --target web --no-typescript --out-dir "$dir" --out-name cairn_wasm \
      "$target_dir/wasm32-unknown-unknown/release/cairn_wasm.wasm"
  fi
  # wasm-pack's catch-all .gitignore would hide the build from `npm pack`.
  rm -f "$dir/.gitignore"
}

# The module of the package's API, in Node and every page; and the Node bin's, with the command
# line (the `cli` feature), which pages never load.
build "$out"
build "$out/cli" --features cli
if [[ -z "${skip_opt:-}" ]]; then
  # The two optimisations side by side: most of a build's time, and one core each.
  pids=()
  for dir in "$out" "$out/cli"; do
    wasm-opt "${opt_args[@]}" "$dir/cairn_wasm_bg.wasm" -o "$dir/cairn_wasm_bg.wasm" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
fi
echo "build-wasm: $(wc -c <"$out/cairn_wasm_bg.wasm") bytes (the command line's: $(wc -c <"$out/cli/cairn_wasm_bg.wasm")) in $((SECONDS - started)) s -> $out" >&2
# The browser entry, bundled beside it (npm/dist/browser.js): one build step makes the package.
node "$npm_dir/scripts/build-bundle.mjs"
