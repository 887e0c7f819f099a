// ChunkStore (index.d.ts) over the wasm one: loads the core on open, and turns the core's
// errors into CairnErrors.

import { ChunkStore as Core } from '../dist/cairn_wasm.js';
import { boundary } from './errors.js';
import { withCore } from './init.js';

export class ChunkStore {
  #core;

  constructor(token, core) {
    if (token !== ChunkStore.#token) throw new TypeError('use ChunkStore.open');
    this.#core = core;
  }

  static #token = Symbol('ChunkStore');

  static open(adapter, options) {
    return withCore(async () => new ChunkStore(ChunkStore.#token, await Core.open(adapter, options)));
  }

  get root() {
    return this.#core.root;
  }

  tables() {
    return this.#core.tables();
  }

  put(chunk) {
    return boundary(() => this.#core.put(chunk));
  }

  get(hash) {
    return boundary(() => this.#core.get(hash));
  }

  hasMany(hashes) {
    return boundary(() => this.#core.hasMany(hashes));
  }

  flush() {
    return boundary(() => this.#core.flush());
  }

  commit(expectedRoot, newRoot) {
    return boundary(() => this.#core.commit(expectedRoot, newRoot));
  }

  reload() {
    return boundary(() => this.#core.reload());
  }

  free() {
    this.#core.free();
  }
}
// `using store = await ChunkStore.open(...)` frees it, where the runtime has the symbol.
if (Symbol.dispose) ChunkStore.prototype[Symbol.dispose] = ChunkStore.prototype.free;
