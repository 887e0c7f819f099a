// The package in Node: the wasm core, instantiated synchronously at import from the file
// beside it (or found from a bundle of it), so `hash` works at once and `init()` resolves at
// once; every adapter (IndexedDbAdapter works where an `indexedDB` factory is passed to it),
// and the Repo API with `file://` and `mem://` locations, and `s3://` and `az://` remotes and
// backups.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { CairnError } from './errors.js';
import { initFrom } from './init.js';
import { source } from './locations/bucket.js';
import * as file from './locations/file.js';
import { schemes } from './locations/index.js';

initFrom(wasmBytes());
schemes.set('file', file);
// s3:// and az:// take their credentials from the environment, as the native CLI does.
source.env = process.env;
source.readFile = (path) => readFileSync(path, 'utf8');

export * from './common.js';
export { NodeFsAdapter } from './adapters/node-fs.js';

/**
 * The wasm file: beside this package; or, where a bundler (`esbuild --platform=node`) moved
 * this code away from it, where Node resolves `cairn-db/wasm` from the bundle (its project's
 * node_modules), else beside the bundle itself.
 */
function wasmBytes() {
  // An ES module has import.meta.url; a CommonJS bundle of this one has __filename instead.
  const here = import.meta.url ?? (typeof __filename === 'string' ? pathToFileURL(__filename).href : undefined);
  const places = [
    () => new URL('../wasm/cairn_wasm_bg.wasm', here),
    () => pathToFileURL(createRequire(here).resolve('cairn-db/wasm')),
    () => new URL('cairn_wasm_bg.wasm', here),
  ];
  const tried = [];
  for (const place of places) {
    try {
      return readFileSync(place());
    } catch (e) {
      tried.push(e.message);
    }
  }
  throw new CairnError('INIT_FAILED', `cannot find the Cairn WebAssembly module (cairn-db/wasm): ${tried.join('; ')}`);
}
