// The package in Node: the wasm core, instantiated synchronously at import from the file
// beside it (or found from a bundle of it), so `hash` works at once and `init()` resolves at
// once; every adapter (IndexedDbAdapter works where an `indexedDB` factory is passed to it),
// and the Repo API with `file://` and `mem://` locations, and `s3://` and `az://` remotes and
// backups.

import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { NodeFsAdapter } from './adapters/node-fs.js';
import { CairnError } from './errors.js';
import { initFrom, networkWasm } from './init.js';
import { source } from './locations/bucket.js';
import * as file from './locations/file.js';
import { platform, schemes } from './locations/index.js';

initFrom(wasmBytes('../dist/cairn_wasm_bg.wasm', 'cairn-db/wasm'));
// The network clients' module, loaded when the first store across the network is opened.
networkWasm.loadNow = (initSync) => initSync({ module: wasmBytes('../dist/cairn_net_bg.wasm', 'cairn-db/wasm-net') });
schemes.set('file', file);
// s3:// and az:// take their credentials from the environment, as the native CLI does.
source.env = process.env;
source.readFile = (path) => readFileSync(path, 'utf8');
// Backup files are Node streams; one is unpacked in a folder (beside a file:// database, else a
// private temporary one), so that memory holds one table file at a time whatever its size.
platform.toStream = (next, free) =>
  new Readable({
    read() {
      next().then(
        (piece) => {
          if (piece === undefined) free();
          this.push(piece ?? null);
        },
        (e) => this.destroy(e),
      );
    },
    destroy(error, done) {
      free();
      done(error);
    },
  });
platform.staging = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-unpack-'));
  return { adapter: new NodeFsAdapter(dir), remove: () => rm(dir, { recursive: true, force: true }) };
};

export * from './common.js';
export { NodeFsAdapter } from './adapters/node-fs.js';

/**
 * A wasm file of the package: at `inPackage` (relative to this file); or, where a bundler
 * (`esbuild --platform=node`) moved this code away from it, where Node resolves `specifier`
 * from the bundle (its project's node_modules), else the file of that name beside the bundle.
 */
function wasmBytes(inPackage, specifier) {
  // An ES module has import.meta.url; a CommonJS bundle of this one has __filename instead.
  const here = import.meta.url ?? (typeof __filename === 'string' ? pathToFileURL(__filename).href : undefined);
  const places = [
    () => new URL(inPackage, here),
    () => pathToFileURL(createRequire(here).resolve(specifier)),
    () => new URL(inPackage.slice(inPackage.lastIndexOf('/') + 1), here),
  ];
  const tried = [];
  for (const place of places) {
    try {
      return readFileSync(place());
    } catch (e) {
      tried.push(e.message);
    }
  }
  throw new CairnError('INIT_FAILED', `cannot find the Cairn WebAssembly module (${specifier}): ${tried.join('; ')}`);
}
