// Runs in Chromium, driven by bench.mjs: a backup sync of a 100,000-row database from one
// IndexedDB database to another. Resolves to the sync's milliseconds.

import { Repo } from '../src/browser.js';
import { CREATE, insertRows } from './rows.js';

export async function backupSync(name, rows) {
  const repo = await Repo.init(`idb://${name}`);
  await repo.sql(CREATE);
  await repo.sql(insertRows(rows));
  await repo.commit({ message: 'rows', all: true });
  const started = performance.now();
  await repo.backupSyncUrl(`idb://${name}-backup`);
  const ms = performance.now() - started;
  repo.close();
  return ms;
}
