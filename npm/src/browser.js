// The package in the browser: the wasm core, fetched beside this module (bundlers follow the
// URL), and the adapters that work in a browser.

import init from '../wasm/cairn_wasm.js';

await init();

export { ChunkStore, hash, runConformance, verify } from '../wasm/cairn_wasm.js';
export { MemoryAdapter } from './adapters/memory.js';
export { IndexedDbAdapter } from './adapters/indexeddb.js';
