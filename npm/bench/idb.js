// Runs in Chromium, driven by bench.mjs: IndexedDB databases made, synced, exported and
// restored through the package, each step timed in milliseconds.

import { Repo } from '../src/browser.js';
import { CREATE, insertRows } from './rows.js';

/** A database of `rows` rows at idb://`name`, committed; resolves to its milliseconds. */
export async function create(name, rows) {
  const started = performance.now();
  const repo = await Repo.init(`idb://${name}`);
  await repo.sql(CREATE);
  await repo.sql(insertRows(rows));
  await repo.commit({ message: 'rows', all: true });
  repo.close();
  return performance.now() - started;
}

/** A backup sync of idb://`name` to idb://`name`-backup. */
export async function backupSync(name) {
  const repo = await Repo.open(`idb://${name}`);
  const started = performance.now();
  await repo.backupSyncUrl(`idb://${name}-backup`);
  const ms = performance.now() - started;
  repo.close();
  return ms;
}

/** One object store of files in IndexedDB, so an exported file outlives the page that made it. */
async function files(mode, use) {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('bench-files');
    open.onupgradeneeded = () => open.result.createObjectStore('files');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  try {
    const tx = db.transaction('files', mode);
    const request = use(tx.objectStore('files'));
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    return request.result;
  } finally {
    db.close();
  }
}

/** idb://`name`-backup exported as a file (a Blob, as a download would keep it), kept for `restoreFile`. */
export async function exportFile(name) {
  const started = performance.now();
  const file = await new Response(await Repo.backupExport(`idb://${name}-backup`)).blob();
  const ms = performance.now() - started;
  await files('readwrite', (store) => store.put(file, name));
  return { ms, bytes: file.size };
}

/** The file `exportFile` kept restored into idb://`name`-restored, and its row count read back. */
export async function restoreFile(name) {
  const file = await files('readonly', (store) => store.get(name));
  const started = performance.now();
  const { repo } = await Repo.backupRestoreFile(file.stream(), `idb://${name}-restored`);
  const [{ rows }] = await repo.sql('select count(*) from t');
  repo.close();
  return { ms: performance.now() - started, rows: Number(rows[0][0]) };
}
