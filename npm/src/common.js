// What both entries export: the wasm core's functions and classes, the adapters that work
// everywhere, and the Repo API. The entries add their platform's adapter and locations.

export { ChunkStore, hash, runConformance, verify } from '../wasm/cairn_wasm.js';
export { IndexedDbAdapter } from './adapters/indexeddb.js';
export { MemoryAdapter } from './adapters/memory.js';
export { Repo } from './repo.js';
