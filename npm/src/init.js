// Loading the wasm core, once per realm. Nothing is loaded at import (a top-level await would
// keep the package out of Service Workers and worker bundles, and make a CSP failure kill the
// importing module graph): every entry point that needs the core awaits `init()`, which
// loads the wasm beside this package unless an earlier call was given another.

import load, { initSync } from '../dist/cairn_wasm.js';
import { boundary, CairnError } from './errors.js';

let loading; // the promise of the one instantiation, until it fails
let loaded = false;

/**
 * Where the network clients' module comes from (./locations/network.js): `source`, if `init`
 * was told; `loadNow(initSync)`, where the platform loads it synchronously (Node's entry).
 */
export const networkWasm = { source: undefined, loadNow: undefined };

/**
 * Loads the core from `wasm` (default: the file beside this package); idempotent. `network`:
 * where the network clients' module will come from, when first needed (the first call to name
 * it decides).
 */
export function init(wasm, { network } = {}) {
  networkWasm.source ??= network;
  loading ??= load({ module_or_path: wasm ?? rewritten(new URL('cairn-db/wasm', import.meta.url), 'cairn-db/wasm') }).then(
    () => {
      loaded = true;
    },
    (e) => {
      loading = undefined; // a later call may try again, with another source
      throw new CairnError('INIT_FAILED', `cannot load the Cairn WebAssembly module: ${e?.message ?? e}`, { cause: e });
    },
  );
  return loading;
}

/**
 * A wasm file's URL as a bundler rewrote it, or undefined (then the glue's default: the file
 * beside the glue). Bundlers rewrite `new URL(SPECIFIER, import.meta.url)` (written out where it
 * is used, so that they see it) to the asset's URL, and `specifier` names the file by package
 * specifier, not relative to this module: Vite 7's dev server pre-bundles the package into
 * `node_modules/.vite/deps/`, where the glue's relative URL no longer reaches the file, but it
 * still resolves `cairn-db/wasm` there. Where no bundler rewrote it (a plain import map, Node)
 * it is left ending in `/SPECIFIER`: unused.
 */
export function rewritten(url, specifier) {
  return url.pathname.endsWith(`/${specifier}`) ? undefined : url;
}

/** Instantiates the core from the wasm file's bytes, synchronously (Node). */
export function initFrom(bytes) {
  initSync({ module: bytes });
  loaded = true;
  loading = Promise.resolve();
}

/** For synchronous entry points, which cannot load the core themselves. */
export function assertReady(what) {
  if (!loaded) {
    const message = `${what} needs the WebAssembly module loaded first: await init() (or any other call)`;
    throw new CairnError('NOT_INITIALIZED', message);
  }
}

/** Runs `fn` once the core is loaded, converting the core's errors (see `boundary`). */
export const withCore = (fn) =>
  boundary(async () => {
    await init();
    return fn();
  });
