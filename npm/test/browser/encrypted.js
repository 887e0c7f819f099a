// Runs in Chromium, driven by ../browser.test.mjs: encrypted backups in IndexedDB, sealed by
// the wasm core, and sealed .cairnbak files carried between the page and the native CLI.

import { Repo } from '../../src/browser.js';
import { unpacks } from './repo.js';

/**
 * Restores the sealed backup file `bytes` (made natively) into `idb://NAME` with `password`;
 * also what it fails with without one, and the unpacks left. Resolves to `{ refused, rows, left }`.
 */
export async function restoreFile(name, bytes, password) {
  const file = new Uint8Array(bytes);
  const refused = await Repo.backupRestoreFile(file, `idb://${name}-none`).catch((e) => e.code);
  const left = await unpacks();
  const { repo } = await Repo.backupRestoreFile(file, `idb://${name}`, { password });
  const [rows] = await repo.sql('select v from t order by id');
  repo.close();
  return { refused, rows: rows.rows.flat(), left };
}

/**
 * Makes `idb://NAME`, syncs it to the encrypted backup `idb://NAME-enc`, restores that in the
 * page, and exports it: resolves to `{ rows, wrong, file }` (the sealed file's bytes).
 */
export async function backUp(name, password) {
  const repo = await Repo.init(`idb://${name}`);
  await repo.sql("create table t (id int primary key, v text); insert into t values (1, 'from the page')");
  await repo.commit({ message: 'rows', all: true });
  await repo.backupSyncUrl(`idb://${name}-enc`, { password, encrypt: true });
  repo.close();
  const wrong = await Repo.backupSnapshots(`idb://${name}-enc`, { password: 'wrong' }).catch((e) => e.code);
  const { repo: back } = await Repo.backupRestore(`idb://${name}-enc`, `idb://${name}-back`, { password });
  const [rows] = await back.sql('select v from t');
  back.close();
  const file = await Repo.backupExport(`idb://${name}-enc`, { password });
  return { rows: rows.rows.flat(), wrong, file: [...new Uint8Array(await new Response(file).arrayBuffer())] };
}
