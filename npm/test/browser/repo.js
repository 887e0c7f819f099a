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

/** A new IndexedDB database `name` holding one object store, as a closed tab's unpack leaves it. */
async function litter(name) {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onupgradeneeded = () => open.result.createObjectStore('objects');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  db.close();
}

/** The unpack databases there are now, by name. */
export const unpacks = async () =>
  (await indexedDB.databases()).map((d) => d.name).filter((n) => n.startsWith('cairn:#unpack-')).sort();

/**
 * A backup file of idb://NAME-backup restored from a stream that stops before its last byte
 * until the unpack has been looked at: where it is unpacked, what is deleted first (one a
 * closed tab left; not one whose page still holds its lock), and what is left after.
 */
export async function unpack(name) {
  const abandoned = 'cairn:#unpack-abandoned';
  const live = 'cairn:#unpack-live';
  await litter(abandoned);
  await litter(live);
  let release;
  await new Promise((held) => navigator.locks.request(live, () => new Promise((r) => held((release = r)))));
  const file = new Uint8Array(await new Response(await Repo.backupExport(`idb://${name}-backup`)).arrayBuffer());
  let during;
  // Pieces only as asked for: the second is asked for once the first has been unpacked.
  const pieces = [file.slice(0, -1), file.slice(-1)];
  const stream = new ReadableStream(
    {
      async pull(controller) {
        if (pieces.length === 1) during = await unpacks();
        if (pieces.length === 0) return controller.close();
        controller.enqueue(pieces.shift());
      },
    },
    { highWaterMark: 0 },
  );
  const { repo } = await Repo.backupRestoreFile(stream, `idb://${name}-unpacked`);
  const rows = (await repo.sql('select name from t'))[0].rows.flat();
  repo.close();
  const after = await unpacks();
  release();
  await new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(live);
    request.onsuccess = resolve;
    request.onerror = () => reject(request.error);
  });
  // Where a page has no Web Locks, nothing could tell its unpack from an abandoned one: the
  // file is unpacked in memory instead.
  Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });
  let withoutLocks;
  try {
    const restored = await Repo.backupRestoreFile(file, `idb://${name}-unpacked-in-memory`);
    withoutLocks = { rows: (await restored.repo.sql('select name from t'))[0].rows.flat(), left: await unpacks() };
    restored.repo.close();
  } finally {
    delete navigator.locks;
  }
  return { during, after, rows, withoutLocks };
}
