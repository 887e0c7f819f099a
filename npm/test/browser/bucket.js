// Runs in Chromium, driven by ../browser.test.mjs: an IndexedDB database backed up to S3
// (a local Ceph gateway that allows this page's origin) and restored from it.

import { Repo, setObjectStoreSettings } from '../../src/browser.js';

/** Backs `idb://NAME` up to `url` with `settings`, verifies, restores into `idb://NAME-back`. */
export async function backUp(name, url, settings) {
  setObjectStoreSettings(settings);
  const repo = await Repo.init(`idb://${name}`);
  await repo.sql("create table t (id int primary key, name text); insert into t values (1, 'one'), (2, 'two')");
  await repo.commit({ message: 'rows', all: true });
  await repo.sql("insert into t values (3, 'uncommitted')");
  await repo.addBackup('offsite', url);
  const progress = [];
  const sync = await repo.backupSync('offsite', { onProgress: (e) => progress.push(e) });
  const again = await repo.backupSync('offsite');
  const verified = await Repo.verify(url);
  repo.close();
  const { repo: restored } = await Repo.backupRestore(url, `idb://${name}-back`);
  const [rows] = await restored.sql('select name from t order by id');
  restored.close();
  const last = progress.at(-1);
  return {
    snapshot: sync.snapshot.id,
    again: again.synced,
    problems: verified.problems,
    rows: rows.rows.flat(),
    totalsTrue: last.chunksDone === last.chunksTotal,
  };
}

/** What a sync to `url` fails with: `{ code, message }`. */
export async function failure(name, url, settings) {
  setObjectStoreSettings(settings);
  const repo = await Repo.init(`idb://${name}`);
  await repo.sql('create table t (id int primary key)');
  await repo.commit({ message: 'one', all: true });
  const e = await repo.backupSyncUrl(url).catch((e) => e);
  repo.close();
  return { code: e.code, message: e.message };
}
