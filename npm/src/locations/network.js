// The clients of stores across the network, `s3://`, `az://` and `http(s)://` (cairn-object,
// compiled to wasm), are a module of their own, dist/cairn_net_bg.wasm (bindings/wasm-net),
// loaded the first time such a store is opened: about 1.2 MB of code that a database kept in
// IndexedDB or a folder never runs (docs/BENCHMARKS.md, "The network clients in a module
// loaded on first use"). Its glue, a small script, is imported as the core's is (and bundled
// with it into dist/browser.js): a dynamic `import()` is refused in Service Workers, and
// Vite's default worker builds cannot split code.
// Node loads the file synchronously there and then. A page fetches it: the Repo API's URLs wait
// for it before they open the store; an adapter `objectStore()` or `httpStore()` returned at
// once waits for it on its first call (which rejects with what the open refused, if anything).

import load, * as net from '../../dist/cairn_net.js';
import { CairnError, toCairnError } from '../errors.js';
import { networkWasm, rewritten } from '../init.js';

/** The StorageAdapter methods a network store has (npm/index.d.ts). */
const METHODS = ['get', 'getRange', 'put', 'list', 'delete', 'readManifest', 'swapManifest'];

let loaded = false;
let loading; // the promise of the load, until it fails

/** Whether the module is loaded, loading it where that can be done at once. */
function loadedNow() {
  if (!loaded && networkWasm.loadNow) {
    networkWasm.loadNow(net.initSync);
    loaded = true;
  }
  return loaded;
}

function loadFile() {
  // Where `init` was told; else, as init.js finds the core's file, where a bundler rewrote
  // this URL; else beside the glue.
  const wasm = networkWasm.source ?? rewritten(new URL('cairn-db/wasm-net', import.meta.url), 'cairn-db/wasm-net');
  loading ??= load({ module_or_path: wasm }).then(
    () => {
      loaded = true;
    },
    (e) => {
      loading = undefined; // a later store may try again
      throw new CairnError('INIT_FAILED', `cannot load Cairn's network module (cairn_net_bg.wasm): ${e?.message ?? e}`, { cause: e });
    },
  );
  return loading;
}

/** The adapter `open(net)` opens with the module's exports, now; see the top of this file. */
export function networkStore(open) {
  if (loadedNow()) return opened(open);
  let adapter; // the promise of the opened store
  const ready = () => (adapter ??= loadFile().then(() => opened(open)));
  return Object.fromEntries(METHODS.map((name) => [name, async (...args) => (await ready())[name](...args)]));
}

/** Resolves to the adapter `open(net)` opens, once the module is loaded. */
export async function openNetworkStore(open) {
  if (!loadedNow()) await loadFile();
  return opened(open);
}

function opened(open) {
  try {
    return open(net);
  } catch (e) {
    throw toCairnError(e);
  }
}
