// Runs in Chromium, driven by ../indexeddb.test.mjs: IndexedDbAdapter's manifest record and
// versions, against records written straight into IndexedDB as older builds left them.
// Each export returns plain, serialisable results.

import { ChunkStore, IndexedDbAdapter } from '../../src/browser.js';

const text = (s) => new TextEncoder().encode(s);
const decode = (bytes) => new TextDecoder().decode(bytes);

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Opens `cairn:NAME` at `version` with `stores`, as an older build created it. */
async function openRaw(name, version, stores) {
  const request = indexedDB.open(`cairn:${name}`, version);
  request.onupgradeneeded = () => stores.forEach((s) => request.result.createObjectStore(s));
  return promised(request);
}

async function rawRecord(db, value) {
  const tx = db.transaction('manifest', 'readwrite');
  const store = tx.objectStore('manifest');
  const result = promised(value === undefined ? store.get('manifest') : store.put(value, 'manifest'));
  await new Promise((resolve) => (tx.oncomplete = resolve));
  return result;
}

const shown = (read) => read && { bytes: decode(read.bytes), version: read.version };

/** A layout-1 record (bare bytes) in a version 1 database: version 0, upgraded by its first swap. */
export async function legacy(name) {
  const old = await openRaw(name, 1, ['objects', 'manifest']);
  await rawRecord(old, text('cairn-manifest 1\nold\n'));
  old.close();

  const adapter = new IndexedDbAdapter(name);
  const before = shown(await adapter.readManifest());
  const fromNone = await adapter.swapManifest(undefined, text('new'));
  const fromOne = await adapter.swapManifest('1', text('new'));
  const fromZero = await adapter.swapManifest('0', text('new'));
  const again = await adapter.swapManifest('0', text('again'));
  const after = shown(await adapter.readManifest());
  await adapter.close();

  const db = await openRaw(name, 2, []);
  const record = await rawRecord(db);
  db.close();
  return {
    before,
    fromNone,
    fromOne,
    fromZero,
    again,
    after,
    record: { keys: Object.keys(record).sort(), bytes: decode(record.bytes), version: record.version },
  };
}

/** Versions count swaps, not content; two connections racing from one version: one wins. */
export async function versions(name) {
  const a = new IndexedDbAdapter(name);
  const b = new IndexedDbAdapter(name);
  const first = await a.swapManifest(undefined, text('m'));
  const same = await b.swapManifest(first, text('m'));
  const bogus = await a.swapManifest('not a version', text('x'));
  const races = [];
  let current = same;
  for (let round = 0; round < 20; round++) {
    const answers = await Promise.all([a.swapManifest(current, text(`a${round}`)), b.swapManifest(current, text(`b${round}`))]);
    const won = answers.filter((v) => v !== undefined);
    const read = shown(await a.readManifest());
    races.push({ won: won.length, readerSeesWinner: won.length === 1 && read.version === won[0] });
    current = read.version;
  }
  await b.close();
  await a.destroy();
  return { first, same, bogus, races, last: current };
}

/** A record of neither shape is an error that says so, on read and on swap. */
export async function damaged(name) {
  const adapter = new IndexedDbAdapter(name);
  await adapter.swapManifest(undefined, text('m')); // creates the database
  await adapter.close();
  const db = await openRaw(name, 2, []);
  await rawRecord(db, { bytes: 'not bytes', version: 1 });
  db.close();
  const read = await adapter.readManifest().then(String, (e) => e.message);
  const swap = await adapter.swapManifest('1', text('x')).then(String, (e) => e.message);
  const open = await ChunkStore.open(adapter).then(String, (e) => `${e.code} ${e.message}`);
  await adapter.destroy();
  return { read, swap, open };
}
