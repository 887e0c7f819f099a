// A store in the browser: one IndexedDB database per store, named `cairn:<name>`.
//
// Objects are kept as Blobs so that a ranged read (one chunk out of a 32 MiB table file)
// reads only that slice instead of cloning the whole object out of the database. The
// manifest record carries a version number; the swap reads it, compares the version and
// writes inside one readwrite transaction, which IndexedDB serialises against every other
// tab's and worker's transaction on the same store.
//
// A database (a store with a configuration, `idb://NAME` in the Repo API) keeps its
// configuration text in a third object store of the same IndexedDB database; plain remote
// and backup stores leave it empty. The layout is in docs/FORMAT.md, "IndexedDB layout".

import { checkName, checkRange } from './contract.js';

// Version 2 added the `config` object store; a version 1 database is upgraded in place.
const VERSION = 2;
const OBJECTS = 'objects';
const MANIFEST = 'manifest';
const MANIFEST_KEY = 'manifest';
const CONFIG = 'config';
const CONFIG_KEY = 'config';
/** What a store's name is prefixed with to name its IndexedDB database. */
export const DATABASE_PREFIX = 'cairn:';

/** What an open that creates nothing (`exists`) rejects with where there is no database. */
class AbsentDatabase extends Error {
  constructor(name) {
    super(`there is no IndexedDB database ${name}`);
  }
}

export class IndexedDbAdapter {
  #databaseName;
  #factory;
  #db;

  /** The store `name`; `options.indexedDB` replaces the global factory (workers, tests). */
  constructor(name, options = {}) {
    this.#databaseName = `${DATABASE_PREFIX}${name}`;
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
    const record = await this.#request(MANIFEST, 'readonly', (store) => store.get(MANIFEST_KEY));
    if (record === undefined) return undefined;
    const { bytes, version } = this.#versioned(record);
    return { bytes, version: String(version) };
  }

  async swapManifest(expected, next) {
    const bytes = new Uint8Array(next);
    return this.#transaction(MANIFEST, 'readwrite', (store, done, fail) => {
      const request = store.get(MANIFEST_KEY);
      request.onsuccess = () => {
        let current;
        try {
          current = request.result === undefined ? undefined : this.#versioned(request.result).version;
        } catch (e) {
          return fail(e);
        }
        if ((current === undefined ? undefined : String(current)) !== (expected ?? undefined)) return done(undefined);
        const version = (current ?? 0) + 1;
        store.put({ bytes, version }, MANIFEST_KEY);
        done(String(version));
      };
    });
  }

  /** A manifest record as `{ bytes, version }`; a layout-1 record, bare bytes, is version 0. */
  #versioned(record) {
    if (record instanceof Uint8Array) return { bytes: record, version: 0 };
    if (record?.bytes instanceof Uint8Array && Number.isSafeInteger(record.version) && record.version > 0) return record;
    throw new Error(`the manifest record of ${this.#databaseName} is neither { bytes, version } nor a Uint8Array`);
  }

  /** The configuration text of the database in this store, or undefined. */
  async readConfig() {
    return this.#request(CONFIG, 'readonly', (store) => store.get(CONFIG_KEY));
  }

  async writeConfig(text) {
    await this.#request(CONFIG, 'readwrite', (store) => store.put(text, CONFIG_KEY));
  }

  /**
   * Replaces this store's objects, manifest and config with `source`'s (another
   * IndexedDbAdapter) in one readwrite transaction, so that every reader sees the old
   * contents or the new, never a mix. With `ifEmpty`, it replaces nothing and resolves to
   * false where this store holds a config or a manifest. The manifest's version goes on from
   * this store's, so a writer still holding a version of the old contents loses its swap.
   */
  async replaceWith(source, { ifEmpty = false } = {}) {
    const { objects, manifest, config } = await source.#contents();
    const stores = [OBJECTS, MANIFEST, CONFIG];
    return this.#transaction(stores, 'readwrite', ([objectStore, manifestStore, configStore], done) => {
      const current = manifestStore.get(MANIFEST_KEY);
      const currentConfig = configStore.get(CONFIG_KEY);
      currentConfig.onsuccess = () => {
        if (ifEmpty && (current.result !== undefined || currentConfig.result !== undefined)) return done(false);
        // A layout-1 or unreadable record counts as version 0: any version after it is new.
        const version = Number.isSafeInteger(current.result?.version) ? current.result.version : 0;
        [objectStore, manifestStore, configStore].forEach((store) => store.clear());
        objects.forEach(({ name, record }) => objectStore.put(record, name));
        if (manifest) manifestStore.put({ bytes: manifest.bytes, version: version + 1 }, MANIFEST_KEY);
        if (config !== undefined) configStore.put(config, CONFIG_KEY);
        done(true);
      };
    });
  }

  /** Every object record (Blobs, not their bytes), the manifest and the config, as of one moment. */
  async #contents() {
    const stores = [OBJECTS, MANIFEST, CONFIG];
    const raw = await this.#transaction(stores, 'readonly', ([objectStore, manifestStore, configStore], done) => {
      const names = objectStore.getAllKeys();
      const records = objectStore.getAll();
      const manifest = manifestStore.get(MANIFEST_KEY);
      const config = configStore.get(CONFIG_KEY);
      config.onsuccess = () =>
        done({ names: names.result, records: records.result, manifest: manifest.result, config: config.result });
    });
    return {
      objects: raw.records.map((record, i) => ({ name: raw.names[i], record })),
      manifest: raw.manifest && this.#versioned(raw.manifest),
      config: raw.config,
    };
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

  /**
   * Whether the IndexedDB database exists, found by opening it: the open of an absent one is
   * aborted in its upgrade from version 0, which leaves nothing behind, and the connection to
   * one that exists serves the calls after. (`indexedDB.databases()`, the other way to tell,
   * is missing from some browsers and took longer than this open.)
   */
  async exists() {
    try {
      await this.#open({ onlyExisting: true });
      return true;
    } catch (e) {
      if (e instanceof AbsentDatabase) return false;
      throw e;
    }
  }

  #open({ onlyExisting = false } = {}) {
    this.#db ??= new Promise((resolve, reject) => {
      const request = this.#factory.open(this.#databaseName, VERSION);
      let absent = false;
      request.onupgradeneeded = (event) => {
        if (onlyExisting && event.oldVersion === 0) {
          absent = true;
          request.transaction.abort();
          return;
        }
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
      request.onerror = () => reject(absent ? new AbsentDatabase(this.#databaseName) : request.error);
    }).catch((e) => {
      this.#db = undefined;
      throw e;
    });
    return this.#db;
  }

  /**
   * Runs `body(store, done, fail)` in one transaction; resolves to the value passed to `done`
   * once the transaction has committed, so a write is reported only when it is durable.
   * `fail(error)` aborts it and rejects with `error`. Given an array of store names, `body`
   * gets an array of stores, all in the one transaction.
   */
  async #transaction(storeNames, mode, body) {
    const db = await this.#open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(storeNames, mode, { durability: mode === 'readwrite' ? 'strict' : 'default' });
      let result, failure;
      tx.oncomplete = () => resolve(result);
      tx.onabort = () => reject(failure ?? tx.error ?? new Error(`IndexedDB transaction on ${this.#databaseName} aborted`));
      const fail = (error) => {
        failure = error;
        tx.abort();
      };
      try {
        body(
          Array.isArray(storeNames) ? storeNames.map((name) => tx.objectStore(name)) : tx.objectStore(storeNames),
          (value) => {
            result = value;
          },
          fail,
        );
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
