// Runs in Chromium, driven by ../browser.test.mjs: the Repo API on IndexedDB, in steps that
// a page reload separates. Each returns plain, serialisable results.

import { Repo } from '../../src/browser.js';

const FIXED = { now: () => 1_700_000_000_000, author: { name: 'Ada', email: 'ada@example.com' } };

/** Creates `idb://NAME`, commits, leaves a table uncommitted and syncs to `idb://NAME-backup`. */
export async function create(name) {
  const repo = await Repo.init(`idb://${name}`, FIXED);
  await repo.sql("create table t (id int primary key, name text); insert into t values (1, 'one'), (2, 'two')");
  const commit = await repo.commit({ message: 'first rows', all: true });
  await repo.createTag('v1');
  await repo.sql('create table not_committed (a int primary key)');
  await repo.addBackup('b', `idb://${name}-backup`);
  const sync = await repo.backupSync('b');
  await repo.addRemote('origin', `idb://${name}-remote`);
  await repo.push('origin', 'main');
  repo.close();
  const clone = await Repo.clone(`idb://${name}-remote`, `idb://${name}-clone`);
  const cloned = { tables: await clone.ls(), status: (await clone.status()).clean };
  clone.close();
  const missing = await Repo.backupSnapshots(`idb://${name}-nothing`).catch((e) => e.code);
  const notBackup = await Repo.clone(`idb://${name}-backup`, `idb://${name}-bad-clone`).catch((e) => e.code);
  const badCloneLeft = await Repo.open(`idb://${name}-bad-clone`).catch((e) => e.code);
  return { commit: commit.hash, snapshot: sync.snapshot.id, cloned, missing, notBackup, badCloneLeft };
}

async function describe(repo) {
  const [rows] = await repo.sql('select name from t');
  return {
    rows: rows.rows.flat(),
    untracked: (await repo.status()).untracked,
    tags: (await repo.tags()).map((t) => t.name),
    log: (await repo.log()).map((c) => c.message),
    backups: await repo.backups(),
  };
}

/** After a reload: what `idb://NAME` holds, a restore of its backup, and the backup as a file. */
export async function reopen(name) {
  const repo = await Repo.open(`idb://${name}`);
  const persisted = await describe(repo);
  repo.close();
  const { repo: restored, snapshot } = await Repo.backupRestore(`idb://${name}-backup`, `idb://${name}-restored`);
  const restoredState = await describe(restored);
  restored.close();
  const exists = await Repo.backupRestore(`idb://${name}-backup`, `idb://${name}-restored`).catch((e) => e.code);
  const file = await Repo.backupExport(`idb://${name}-backup`);
  const bytes = new Uint8Array(await new Response(file).arrayBuffer());
  // An export's stream, piped straight into a restore.
  const streamed = await Repo.backupRestoreFile(await Repo.backupExport(`idb://${name}-backup`), `idb://${name}-streamed`);
  const fromStream = await describe(streamed.repo);
  streamed.repo.close();
  return {
    persisted,
    restored: restoredState,
    snapshot: snapshot.id,
    exists,
    fileIsStream: file instanceof ReadableStream,
    fromStream,
    file: btoa(String.fromCharCode(...bytes)),
  };
}
