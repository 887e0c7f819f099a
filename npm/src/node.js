// The package in Node: the wasm core, instantiated synchronously from the file beside it, and
// every adapter (IndexedDbAdapter works where an `indexedDB` factory is passed to it).

import { readFileSync } from 'node:fs';
import { initSync } from '../wasm/cairn_wasm.js';

initSync({ module: readFileSync(new URL('../wasm/cairn_wasm_bg.wasm', import.meta.url)) });

export { ChunkStore, hash, runConformance, verify } from '../wasm/cairn_wasm.js';
export { IndexedDbAdapter } from './adapters/indexeddb.js';
export { MemoryAdapter } from './adapters/memory.js';
export { NodeFsAdapter } from './adapters/node-fs.js';
