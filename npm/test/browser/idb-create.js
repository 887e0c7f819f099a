// Runs in Chromium, driven by ../browser.test.mjs: what creating and opening `idb://`
// databases leaves in IndexedDB. Each export returns plain, serialisable results.

import { Repo } from '../../src/browser.js';

const AUTHOR = { author: { name: 'Ada', email: 'ada@example.com' } };

const databases = async () => (await indexedDB.databases()).map((d) => d.name);
const code = (promise) => promise.then(() => 'resolved', (e) => e.code);

async function ids(repo) {
  const [result] = await repo.sql('select id from t');
  return result.rows.map(([id]) => id).sort((x, y) => x - y);
}

/** Opening a missing name rejects and leaves no IndexedDB database behind. */
export async function missing(name) {
  const opened = await code(Repo.open(`idb://${name}`));
  return { opened, left: (await databases()).filter((d) => d.startsWith(`cairn:${name}`)) };
}

/**
 * `missing` in a browser without `indexedDB.databases()` (Firefox before 126): hidden here
 * for the call.
 */
export async function missingUnlisted(name) {
  const listing = Object.getOwnPropertyDescriptor(IDBFactory.prototype, 'databases');
  delete IDBFactory.prototype.databases;
  let opened;
  try {
    opened = await code(Repo.open(`idb://${name}`));
  } finally {
    Object.defineProperty(IDBFactory.prototype, 'databases', listing);
  }
  return { opened, left: (await databases()).filter((d) => d.startsWith(`cairn:${name}`)) };
}

/**
 * A database with a backup and a remote; creates refused over the stores; a failed clone; a
 * failed and then a successful forced restore over the database while a handle holds it open.
 */
export async function overwrite(name) {
  const [backup, remote] = [`idb://${name}-backup`, `idb://${name}-remote`];
  const repo = await Repo.init(`idb://${name}`, AUTHOR);
  await repo.sql('create table t (id int primary key); insert into t values (1)');
  await repo.commit({ message: 'one', all: true });
  await repo.addBackup('b', backup);
  await repo.backupSync('b');
  await repo.addRemote('origin', remote);
  await repo.push('origin', 'main');

  const refused = [];
  for (const store of [backup, remote]) {
    refused.push(await code(Repo.init(store)));
    refused.push(await code(Repo.clone(remote, store)));
    refused.push(await code(Repo.backupRestore(backup, store)));
  }
  const badClone = await code(Repo.clone(backup, `idb://${name}-bad-clone`));
  const snapshots = (await Repo.backupSnapshots(backup)).length;

  await repo.sql('insert into t values (2)');
  await repo.commit({ message: 'two', all: true });
  const failed = await code(Repo.backupRestore(backup, `idb://${name}`, { force: true, snapshot: 'nope' }));
  const kept = await ids(repo);
  const { repo: restored } = await Repo.backupRestore(backup, `idb://${name}`, { force: true });
  const result = {
    refused,
    badClone,
    snapshots,
    failed,
    kept,
    restored: await ids(restored),
    seenByOpenHandle: await ids(repo),
    left: (await databases()).filter((d) => d.startsWith(`cairn:${name}`)).sort(),
  };
  for (const r of [repo, restored]) r.close();
  return result;
}

/** The ids in `t` of `idb://NAME`, opened afresh (after a page reload). */
export async function reopen(name) {
  const repo = await Repo.open(`idb://${name}`);
  const result = { ids: await ids(repo), verify: (await repo.verify()).problems };
  repo.close();
  return result;
}
