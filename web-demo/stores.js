// Reading the demo's remote and backup stores and the databases it compares, and destroying a
// database. These are the page's only uses of the stores outside the open database.

import { Repo } from 'cairn-db';

const idbName = (url) => `cairn:${url.replace(/^idb:\/\//, '')}`;

/**
 * Runs `read` on the store at `url`, or gives `empty` where nothing is there yet: no IndexedDB
 * database (asked first: for an absent idb:// store the API's NOT_FOUND arrives wrapped as IO),
 * or one of the error `codes` that mean an empty store.
 */
async function orEmpty(url, read, empty, codes) {
  if (!(await indexedDB.databases()).some((d) => d.name === idbName(url))) return empty;
  try {
    return await read();
  } catch (error) {
    if (codes.includes(error.code)) return empty;
    throw error;
  }
}

// The API reads a remote's refs only by fetching them, so a private in-memory database of the
// page fetches from the remote to show what it holds; fetches after the first are incremental.
let viewer;

/** The branches and tags a remote holds; none where nothing was pushed yet. */
export async function readRemote(url) {
  if (!viewer) {
    const repo = await Repo.init('mem://remote-viewer');
    await repo.addRemote('origin', url);
    viewer = repo;
  }
  return orEmpty(
    url,
    async () => {
      await viewer.fetch('origin');
      const tracked = (await viewer.branches({ all: true })).filter((b) => b.remote);
      const branches = tracked.map((b) => ({ name: b.name.replace(/^origin\//, ''), hash: b.hash }));
      return { branches, tags: await viewer.tags() };
    },
    { branches: [], tags: [] },
    ['EMPTY_REMOTE'],
  );
}

/** A backup's snapshots, oldest first; none where nothing was synced yet. */
export async function readSnapshots(url) {
  return orEmpty(url, () => Repo.backupSnapshots(url), [], ['NO_SNAPSHOTS']);
}

/**
 * What tells a restored database from a clone: { branches, tags, changes, backups }, where
 * `changes` are the uncommitted rows (the working set against HEAD, per table). Undefined
 * where no database is (any more).
 */
export async function readSummary(location) {
  let repo;
  try {
    repo = await Repo.open(location);
  } catch (error) {
    if (error.code === 'NOT_A_DATABASE') return undefined;
    throw error;
  }
  try {
    const [branches, tags, changes, backups] = await Promise.all([
      repo.branches({ all: true }),
      repo.tags(),
      repo.diff({ ref: 'HEAD' }),
      repo.backups(),
    ]);
    return { branch: repo.currentBranch, branches, tags, changes, backups };
  } finally {
    repo.close();
  }
}

/** Deletes a database's IndexedDB store: the "rm -rf" of the story. */
export async function destroyDatabase(location) {
  await new Promise((done, fail) => {
    const request = indexedDB.deleteDatabase(idbName(location));
    request.onsuccess = () => done();
    request.onerror = () => fail(request.error);
    request.onblocked = () => fail(new Error(`${location} is open in another tab: close it there first.`));
  });
}
