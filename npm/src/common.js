// What both entries export: loading the core, its errors, the chunk store and its checks, the
// adapters that work everywhere, and the Repo API. The entries add their platform's adapter
// and locations.

import * as core from '../dist/cairn_wasm.js';
import { toCairnError } from './errors.js';
import { assertReady, withCore } from './init.js';
import { verifyStore } from './repo.js';

export { ChunkStore } from './chunk-store.js';
export { CairnError, isCairnError } from './errors.js';
export { init } from './init.js';
export { IndexedDbAdapter } from './adapters/indexeddb.js';
export { MemoryAdapter } from './adapters/memory.js';
export { Repo } from './repo.js';
export { objectStore, setObjectStoreSettings } from './locations/bucket.js';
export { httpStore } from './locations/http.js';

/** Synchronous, so it cannot load the core: NOT_INITIALIZED before `init()` has resolved. */
export function hash(bytes) {
  assertReady('hash()');
  try {
    return core.hash(bytes);
  } catch (e) {
    throw toCairnError(e);
  }
}

/** `options`: `{ readDataSubset: 'n/t', onProgress, signal }`. */
export function verify(adapter, options) {
  return withCore(() => verifyStore(adapter, options));
}

export function runConformance(a, b) {
  return withCore(() => core.runConformance(a, b));
}
