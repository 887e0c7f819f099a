// A store in a directory, in exactly the layout and locking protocol of the native adapter
// (bindings/native/src/fs_storage.rs), so Node and the `cairn` binary can share one store:
// table files named by their base32 hash, `manifest`, temporary files starting with '.', and a
// `LOCK` file created exclusively around every manifest swap.

import { link, lstat, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { checkName, checkRange, sameBytes } from './contract.js';

const MANIFEST = 'manifest';
const LOCK = 'LOCK';
// A lock older than this was left by a writer that died: a swap takes milliseconds.
const STALE_LOCK_MS = 60_000;
// How long a swap waits for another writer's lock before failing.
const LOCK_WAIT_MS = 30_000;
const MAX_PAUSE_MS = 50;

let tempCounter = 0;

function tempName(name) {
  const nanos = Number(process.hrtime.bigint() % 1_000_000_000n);
  return `.tmp-${name}-${process.pid}-${tempCounter++}-${nanos}`;
}

const missing = (e) => e.code === 'ENOENT';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class NodeFsAdapter {
  #dir;

  /** A store in `dir`, which need not exist until the first write. */
  constructor(dir) {
    this.#dir = dir;
  }

  get dir() {
    return this.#dir;
  }

  #path(name) {
    return join(this.#dir, name);
  }

  async get(name) {
    checkName(name);
    return this.#readOptional(name);
  }

  async getRange(name, offset, length) {
    checkName(name);
    let file;
    try {
      file = await open(this.#path(name), 'r');
    } catch (e) {
      if (missing(e)) return undefined;
      throw e;
    }
    try {
      checkRange(name, offset, length, (await file.stat()).size);
      const buffer = Buffer.allocUnsafe(length);
      for (let done = 0; done < length; ) {
        const { bytesRead } = await file.read(buffer, done, length - done, offset + done);
        if (bytesRead === 0) throw new Error(`'${name}' ended early at byte ${offset + done}`);
        done += bytesRead;
      }
      return buffer;
    } finally {
      await file.close();
    }
  }

  async put(name, bytes) {
    checkName(name);
    // Names are content-derived: a whole file of the same size already holds these bytes.
    const existing = await stat(this.#path(name)).catch(() => undefined);
    if (existing?.size === bytes.length) return;
    await this.#writeAtomic(name, bytes);
  }

  async list() {
    let entries;
    try {
      entries = await readdir(this.#dir, { withFileTypes: true });
    } catch (e) {
      if (missing(e)) return [];
      throw e;
    }
    const objects = [];
    for (const entry of entries) {
      const name = entry.name;
      // The manifest, the lock and temporary files are not objects.
      if (name === MANIFEST || name === LOCK || name.startsWith('.') || !entry.isFile()) continue;
      try {
        const info = await lstat(this.#path(name));
        objects.push({ name, size: info.size, modifiedMs: Math.floor(info.mtimeMs) });
      } catch (e) {
        if (!missing(e)) throw e; // deleted since readdir: no longer an object
      }
    }
    return objects;
  }

  async delete(name) {
    checkName(name);
    await unlink(this.#path(name)).catch((e) => {
      if (!missing(e)) throw e;
    });
  }

  async readManifest() {
    return this.#readOptional(MANIFEST);
  }

  async swapManifest(expected, next) {
    await mkdir(this.#dir, { recursive: true });
    const release = await this.#lock();
    try {
      if (!sameBytes(await this.#readOptional(MANIFEST), expected)) return false;
      await this.#writeAtomic(MANIFEST, next);
      return true;
    } finally {
      await release();
    }
  }

  async #readOptional(name) {
    try {
      return await readFile(this.#path(name));
    } catch (e) {
      if (missing(e)) return undefined;
      throw e;
    }
  }

  /** Temporary file, fsync, rename into place, fsync of the directory: old or new, never torn. */
  async #writeAtomic(name, bytes) {
    await mkdir(this.#dir, { recursive: true });
    const tmp = this.#path(tempName(name));
    try {
      const file = await open(tmp, 'wx');
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(tmp, this.#path(name));
      await syncDir(this.#dir);
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw e;
    }
  }

  /** Takes `LOCK`, breaking a stale one; resolves to the function that releases it. */
  async #lock() {
    const path = this.#path(LOCK);
    const started = Date.now();
    for (let pause = 1; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
      try {
        const file = await open(path, 'wx');
        try {
          await file.writeFile(`pid ${process.pid}\nhost ${hostname()}\ntime ${Date.now()}\n`);
        } finally {
          await file.close();
        }
        return () => unlink(path).catch(() => {});
      } catch (e) {
        if (e.code !== 'EEXIST') throw e;
      }
      const owner = await readFile(path, 'utf8').catch(() => '');
      if (await lockIsStale(path, owner)) {
        await this.#breakLock(path, owner);
        continue;
      }
      if (Date.now() - started > LOCK_WAIT_MS) {
        const who = owner.trim().replaceAll('\n', ', ');
        throw Object.assign(
          new Error(`the store is locked by another writer (${who}); if no cairn process is running, delete ${path}`),
          { code: 'LOCKED' },
        );
      }
      await sleep(pause);
    }
  }

  async #breakLock(path, owner) {
    // Move it aside first: of two processes breaking it, only one rename succeeds.
    const aside = this.#path(tempName('stale-lock'));
    try {
      await rename(path, aside);
    } catch {
      return;
    }
    // Another breaker may have replaced the stale lock with its live one between our read
    // and our rename: put a live lock back.
    if ((await readFile(aside, 'utf8').catch(() => '')) !== owner) {
      await link(aside, path).catch(() => {});
    }
    await unlink(aside).catch(() => {});
  }
}

/** Stale: its writer is a process on this host that no longer runs, or it is older than any swap. */
async function lockIsStale(path, owner) {
  const field = (key) => owner.split('\n').find((line) => line.startsWith(`${key} `))?.slice(key.length + 1);
  const pid = Number(field('pid'));
  if (field('host') === hostname() && Number.isSafeInteger(pid) && pid > 0 && !processAlive(pid)) return true;
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > STALE_LOCK_MS;
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM'; // it exists, owned by another user
  }
}

async function syncDir(dir) {
  // Windows cannot open a directory as a file; its renames are durable with the file's data.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
