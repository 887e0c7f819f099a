// The package in the browser: the wasm core, fetched from beside this package on first use
// (bundlers follow the URL) or from where `init` says, the adapters that work in a browser,
// and the Repo API with `idb://` and `mem://` locations, and `s3://` and `az://` remotes and
// backups (settings from `setObjectStoreSettings`); backup files are web streams.

import { DATABASE_PREFIX, IndexedDbAdapter } from './adapters/indexeddb.js';
import * as idb from './locations/idb.js';
import { platform, schemes } from './locations/index.js';
import { newId } from '../dist/cairn_wasm.js';

schemes.set('idb', idb);

// A backup file is unpacked into an IndexedDB database of its own, not into memory, so that a
// tab holds about one table file of it at a time whatever the file's size. Each unpack holds
// a Web Lock named after its database while it lives; the browser releases a lock with its
// page, so one that a closed tab left behind is the next unpack's to delete (never one still
// in use, and nothing rests on a timeout). Where a page may not use IndexedDB or Web Locks (an
// opaque origin, a sandboxed frame), it is unpacked in memory as before.
const UNPACK = '#unpack-';
const inMemory = platform.staging;
if (typeof indexedDB !== 'undefined') {
  platform.staging = () => unpackInIndexedDb().catch(inMemory);
}

async function unpackInIndexedDb() {
  await deleteAbandonedUnpacks();
  const adapter = new IndexedDbAdapter(`${UNPACK}${newId()}`);
  // Held before the database exists, so that no other page ever sees it unheld.
  const release = await holdLock(adapter.databaseName);
  const remove = async () => {
    try {
      await adapter.destroy();
    } finally {
      release();
    }
  };
  try {
    await adapter.list(); // opens (creates) the database: refused here, not midway
  } catch (e) {
    await remove().catch(() => {});
    throw e;
  }
  return { adapter, remove };
}

/** Takes the Web Lock `name`; resolves to its release. */
function holdLock(name) {
  const locks = globalThis.navigator?.locks;
  if (!locks) throw new Error('no Web Locks here');
  return new Promise((granted, refused) => {
    locks.request(name, () => new Promise((release) => granted(release))).catch(refused);
  });
}

async function deleteAbandonedUnpacks() {
  const locks = globalThis.navigator?.locks;
  // Without either, nothing can tell an abandoned unpack from a live one: none is deleted.
  if (!locks || typeof indexedDB.databases !== 'function') return;
  const prefix = `${DATABASE_PREFIX}${UNPACK}`;
  for (const { name } of await indexedDB.databases()) {
    if (!name?.startsWith(prefix)) continue;
    await locks.request(name, { ifAvailable: true }, async (lock) => {
      // Litter that cannot be deleted now is tried again by the next unpack.
      if (lock) await new IndexedDbAdapter(name.slice(DATABASE_PREFIX.length)).destroy().catch(() => {});
    });
  }
}

export * from './common.js';
