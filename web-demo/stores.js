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
  const idb = url.startsWith('idb://');
  if (idb && !(await indexedDB.databases()).some((d) => d.name === idbName(url))) return empty;
  try {
    return await read();
  } catch (error) {
    if (codes.includes(error.code)) return empty;
    throw error;
  }
}

// The API reads a remote's refs only by fetching them, so a private in-memory database of the
// page per remote fetches from it to show what it holds; fetches after the first are
// incremental.
const viewers = new Map();

async function viewerOf(url) {
  if (!viewers.has(url)) {
    const repo = await Repo.init(`mem://remote-viewer-${viewers.size}`);
    await repo.addRemote('origin', url);
    viewers.set(url, repo);
  }
  return viewers.get(url);
}

/**
 * The branches and tags a remote holds; none where nothing was pushed yet. `options`: how to
 * reach a server's store (`{ token }`).
 */
export async function readRemote(url, options) {
  const viewer = await viewerOf(url);
  return orEmpty(
    url,
    async () => {
      await viewer.fetch('origin', options);
      const tracked = (await viewer.branches({ all: true })).filter((b) => b.remote);
      const branches = tracked.map((b) => ({ name: b.name.replace(/^origin\//, ''), hash: b.hash }));
      return { branches, tags: await viewer.tags() };
    },
    { branches: [], tags: [] },
    ['EMPTY_REMOTE'],
  );
}

/** A backup's snapshots, oldest first; none where nothing was synced yet. `options` as readRemote's. */
export async function readSnapshots(url, options) {
  return orEmpty(url, () => Repo.backupSnapshots(url, options), [], ['NO_SNAPSHOTS']);
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
