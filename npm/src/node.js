// The package in Node: the wasm core, instantiated synchronously at import from the file
// beside it (so `hash` works at once and `init()` resolves at once), every adapter
// (IndexedDbAdapter works where an `indexedDB` factory is passed to it), and the Repo API
// with `file://` and `mem://` locations.

import { readFileSync } from 'node:fs';
import { initFrom } from './init.js';
import * as file from './locations/file.js';
import { schemes } from './locations/index.js';

initFrom(readFileSync(new URL('../wasm/cairn_wasm_bg.wasm', import.meta.url)));
schemes.set('file', file);

export * from './common.js';
export { NodeFsAdapter } from './adapters/node-fs.js';
