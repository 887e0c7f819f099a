// A store in the browser: one IndexedDB database per store, named `cairn:<name>`.
//
// Objects are kept as Blobs so that a ranged read (one chunk out of a 32 MiB table file)
// reads only that slice instead of cloning the whole object out of the database. The
// manifest swap reads, compares and writes inside one readwrite transaction, which IndexedDB
// serialises against every other tab's transaction on the same store.
//
// A database (a store with a configuration, `idb://NAME` in the Repo API) keeps its
// configuration text in a third object store of the same IndexedDB database; plain remote
// and backup stores leave it empty. The layout is in docs/FORMAT.md, "IndexedDB layout".

import { checkName, checkRange, sameBytes } from './contract.js';

// Version 2 added the `config` object store; a version 1 database is upgraded in place.
const VERSION = 2;
const OBJECTS = 'objects';
const MANIFEST = 'manifest';
const MANIFEST_KEY = 'manifest';
const CONFIG = 'config';
const CONFIG_KEY = 'config';

export class IndexedDbAdapter {
  #databaseName;
  #factory;
  #db;

  /** The store `name`; `options.indexedDB` replaces the global factory (workers, tests). */
  constructor(name, options = {}) {
    this.#databaseName = `cairn:${name}`;
    this.#factory = options.indexedDB ?? globalThis.indexedDB;
  }

  get databaseName() {
    return this.#databaseName;
  }

  /** Closes the connection; the next call opens it again. */
  async close() {
    const db = this.#db;
    this.#db = undefined;
    (await db?.catch(() => undefined))?.close();
  }

  async get(name) {
    checkName(name);
    const record = await this.#request(OBJECTS, 'readonly', (store) => store.get(name));
    return record && new Uint8Array(await record.blob.arrayBuffer());
  }

  async getRange(name, offset, length) {
    checkName(name);
    const record = await this.#request(OBJECTS, 'readonly', (store) => store.get(name));
    if (!record) return undefined;
    checkRange(name, offset, length, record.size);
    return new Uint8Array(await record.blob.slice(offset, offset + length).arrayBuffer());
  }

  async put(name, bytes) {
    checkName(name);
    const record = { blob: new Blob([bytes]), size: bytes.length, modifiedMs: Date.now() };
    await this.#request(OBJECTS, 'readwrite', (store) => store.put(record, name));
  }

  async list() {
    return this.#transaction(OBJECTS, 'readonly', (store, done) => {
      const keys = store.getAllKeys();
      const records = store.getAll();
      records.onsuccess = () =>
        done(records.result.map(({ size, modifiedMs }, i) => ({ name: keys.result[i], size, modifiedMs })));
    });
  }

  async delete(name) {
    checkName(name);
    await this.#request(OBJECTS, 'readwrite', (store) => store.delete(name));
  }

  async readManifest() {
    return this.#request(MANIFEST, 'readonly', (store) => store.get(MANIFEST_KEY));
  }

  async swapManifest(expected, next) {
    const copy = new Uint8Array(next);
    return this.#transaction(MANIFEST, 'readwrite', (store, done) => {
      const current = store.get(MANIFEST_KEY);
      current.onsuccess = () => {
        if (!sameBytes(current.result, expected)) return done(false);
        store.put(copy, MANIFEST_KEY);
        done(true);
      };
    });
  }

  /** The configuration text of the database in this store, or undefined. */
  async readConfig() {
    return this.#request(CONFIG, 'readonly', (store) => store.get(CONFIG_KEY));
  }

  async writeConfig(text) {
    await this.#request(CONFIG, 'readwrite', (store) => store.put(text, CONFIG_KEY));
  }

  /** Deletes the whole IndexedDB database: every object, the manifest and the config. */
  async destroy() {
    await this.close();
    await new Promise((resolve, reject) => {
      const request = this.#factory.deleteDatabase(this.#databaseName);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
  }

  #open() {
    this.#db ??= new Promise((resolve, reject) => {
      const request = this.#factory.open(this.#databaseName, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        for (const name of [OBJECTS, MANIFEST, CONFIG]) {
          if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
        }
      };
      request.onsuccess = () => {
        const db = request.result;
        // Let a deletion or upgrade elsewhere proceed; the next call reopens.
        db.onversionchange = () => {
          db.close();
          this.#db = undefined;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
    }).catch((e) => {
      this.#db = undefined;
      throw e;
    });
    return this.#db;
  }

  /**
   * Runs `body(store, done)` in one transaction; resolves to the value passed to `done` once
   * the transaction has committed, so a write is reported only when it is durable.
   */
  async #transaction(storeName, mode, body) {
    const db = await this.#open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(storeName, mode, { durability: mode === 'readwrite' ? 'strict' : 'default' });
      let result;
      tx.oncomplete = () => resolve(result);
      tx.onabort = () => reject(tx.error ?? new Error(`IndexedDB transaction on ${this.#databaseName} aborted`));
      try {
        body(tx.objectStore(storeName), (value) => {
          result = value;
        });
      } catch (e) {
        tx.abort();
        reject(e);
      }
    });
  }

  /** One request in its own transaction; resolves to the request's result. */
  #request(storeName, mode, makeRequest) {
    return this.#transaction(storeName, mode, (store, done) => {
      const request = makeRequest(store);
      request.onsuccess = () => done(request.result);
    });
  }
}
