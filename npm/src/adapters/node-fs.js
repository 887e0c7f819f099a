// A store in a directory, in exactly the layout and manifest protocol of the native adapter
// (bindings/native/src/fs_storage.rs; docs/FORMAT.md, "Directory layout"), so Node and the
// `cairn` binary can share one store: table files named by their base32 hash, temporary files
// starting with '.', and the manifest's versions in `manifests/`, each a file named by its
// number. A swap publishes the next number with link(2), which fails if the name exists: of
// writers swapping from one version exactly one wins, in any process, without a lock.

import {
  closeSync,
  constants,
  fstatSync,
  fsync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  read,
  readdirSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  write,
} from 'node:fs';
import { lstat, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CairnError } from '../errors.js';
import { checkName, checkRange } from './contract.js';

// A layout-1 store's manifest; in a layout-2 store it holds STUB, which tells an older cairn
// to upgrade instead of letting it take the store for an empty one.
const LEGACY_MANIFEST = 'manifest';
const VERSIONS = 'manifests';
const STUB = Buffer.from(
  'cairn-manifest 2\nthis store keeps its manifest in manifests/ (directory layout 2): use a newer cairn\n',
);
const STUB_HEADER = Buffer.from('cairn-manifest 2');
// How many of the newest manifest versions a swap keeps.
const KEEP_VERSIONS = 64n;
// How many times a read retries when the newest version is deleted under it.
const READ_ATTEMPTS = 100;
// Version numbers are u64 in the native adapter: BigInt here, so both read the same names.
const U64_MAX = 2n ** 64n - 1n;
// Table files kept open for ranged reads: opening one costs three trips through libuv's thread
// pool (open, fstat, close) besides the read. Well under the 1,024 descriptors a process
// usually may have, and more than a store has table files between merges (a commit past 32
// merges the smallest).
const OPEN_FILES = 64;
// A file kept open is closed once unused for between one and two of these, so that adapters
// made for one operation (a backup sync) leave no descriptor for the garbage collector.
const IDLE_MS = 2000;

// Private to their owner whatever the umask, as the native adapter makes them: a store holds
// uncommitted rows, and a backup all of a database.
const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

let tempCounter = 0;

function tempName(name) {
  const nanos = Number(process.hrtime.bigint() % 1_000_000_000n);
  return `.tmp-${name}-${process.pid}-${tempCounter++}-${nanos}`;
}

const missing = (e) => e.code === 'ENOENT';

/** A version file's name as its number: decimal digits only, so temporary files never count. */
function parseVersion(name) {
  if (typeof name !== 'string' || !/^[0-9]+$/.test(name)) return undefined;
  const n = BigInt(name);
  return n > 0n && n <= U64_MAX ? n : undefined;
}

/** A version token as a number: 0 is a layout-1 manifest; files hold versions from 1. */
const parseToken = (token) => (token === '0' ? 0n : parseVersion(token));

const isStub = (bytes) => STUB_HEADER.equals(bytes.subarray(0, STUB_HEADER.length));

export class NodeFsAdapter {
  #dir;
  /**
   * Table files open for ranged reads, the least recently used first: name -> { ready,
   * users, used, dropped }, `ready` resolving to `{ handle, size }` or undefined (missing).
   * A table file's name is its content's hash, so it never changes under its name; a file
   * replaced (a repair) or deleted is dropped here first, and a read already under way on
   * a deleted file still reads its bytes (POSIX).
   */
  #open = new Map();
  #sweeper;

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
    return this.#readOptional(name, readWhole);
  }

  async getRange(name, offset, length) {
    checkName(name);
    const entry = this.#acquire(name);
    try {
      const file = await entry.ready;
      if (file === undefined) return undefined;
      checkRange(name, offset, length, file.size);
      const buffer = Buffer.allocUnsafe(length);
      readAt(name, file, buffer, offset);
      return buffer;
    } finally {
      this.#release(entry);
    }
  }

  /**
   * `getRange` of `into.length` bytes into `into`, in this call: their number, or undefined
   * where the file is not open for reading yet (a `getRange` opens it). The core reads so into
   * its own memory, with no buffer between and no promise (StorageAdapter.readRangeNow).
   */
  readRangeNow(name, offset, into) {
    checkName(name);
    const entry = this.#open.get(name);
    if (entry?.file === undefined || entry.dropped) return undefined;
    this.#open.delete(name); // to the end: the most recently used
    this.#open.set(name, entry);
    entry.used = true;
    checkRange(name, offset, into.length, entry.file.size);
    readAt(name, entry.file, into, offset);
    return into.length;
  }

  /** Closes the files kept open for reading; a later read opens them again. */
  async close() {
    clearTimeout(this.#sweeper);
    this.#sweeper = undefined;
    await Promise.all([...this.#open.keys()].map((name) => this.#drop(name)));
  }

  /** How many files are open for reading now (for tests). */
  get openFiles() {
    return this.#open.size;
  }

  /** The open file `name`, opened on first use; every call is paired with `#release`. */
  #acquire(name) {
    let entry = this.#open.get(name);
    if (entry === undefined) {
      const ready = open(this.#path(name), 'r').then(
        async (handle) => {
          try {
            return { handle, size: (await handle.stat()).size };
          } catch (e) {
            await handle.close();
            throw e;
          }
        },
        (e) => {
          if (missing(e)) return undefined;
          throw e;
        },
      );
      entry = { ready, file: undefined, users: 0, used: true, dropped: false };
      // A missing or unreadable file is not kept: it may be written later.
      ready.then(
        (file) => (file === undefined ? this.#forget(name, entry) : (entry.file = file)),
        () => this.#forget(name, entry),
      );
      while (this.#open.size >= OPEN_FILES) this.#drop(this.#open.keys().next().value);
      this.#sweeper ??= setTimeout(() => this.#sweep(), IDLE_MS).unref();
    } else {
      this.#open.delete(name); // to the end: the most recently used
    }
    this.#open.set(name, entry);
    entry.users++;
    entry.used = true;
    return entry;
  }

  #release(entry) {
    entry.users--;
    if (entry.dropped && entry.users === 0) closeFile(entry);
  }

  #forget(name, entry) {
    if (this.#open.get(name) === entry) this.#open.delete(name);
  }

  /** Stops keeping `name` open; it closes once its reads under way are done. */
  async #drop(name) {
    const entry = this.#open.get(name);
    if (entry === undefined) return;
    this.#open.delete(name);
    entry.dropped = true;
    if (entry.users === 0) await closeFile(entry);
  }

  /** Closes the files unused since the last sweep. */
  #sweep() {
    this.#sweeper = undefined;
    for (const [name, entry] of [...this.#open]) {
      if (entry.used) entry.used = false;
      else this.#drop(name);
    }
    if (this.#open.size > 0) this.#sweeper = setTimeout(() => this.#sweep(), IDLE_MS).unref();
  }

  async put(name, bytes) {
    checkName(name);
    // Names are content-derived: a whole file of the same size already holds these bytes.
    let existing;
    try {
      existing = statSync(this.#path(name), { throwIfNoEntry: false });
    } catch {
      // Unreadable: written again, as a missing file is.
    }
    if (existing?.size === bytes.length) return;
    await this.#writeAtomic(name, bytes);
    // A file of another size was damaged: read the new one from now on.
    await this.#drop(name);
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
      // The manifest, a layout-1 LOCK left behind, and temporary files are not objects;
      // `manifests/` is not a file.
      if (name === LEGACY_MANIFEST || name === 'LOCK' || name.startsWith('.') || !entry.isFile()) continue;
      // In this thread: one trip through the thread pool a file made listing a backup of many
      // files slow, and lstat(2) takes microseconds.
      const info = lstatSync(this.#path(name), { throwIfNoEntry: false });
      // Deleted since readdir: no longer an object.
      if (info !== undefined) objects.push({ name, size: info.size, modifiedMs: Math.floor(info.mtimeMs) });
    }
    return objects;
  }

  async delete(name) {
    checkName(name);
    await this.#drop(name);
    await unlink(this.#path(name)).catch((e) => {
      if (!missing(e)) throw e;
    });
  }

  /** The temporary files an interrupted writer left, in the store and in `manifests/`. */
  async temporaries() {
    const out = [];
    for (const [dir, prefix] of [[this.#dir, ''], [this.#path(VERSIONS), `${VERSIONS}/`]]) {
      let names;
      try {
        names = await readdir(dir);
      } catch (e) {
        if (missing(e)) continue;
        throw e;
      }
      for (const name of names.filter((n) => n.startsWith('.tmp-'))) {
        const info = await lstat(join(dir, name)).catch(() => undefined); // gone since readdir
        if (info) out.push({ name: prefix + name, size: info.size, modifiedMs: Math.floor(info.mtimeMs) });
      }
    }
    return out;
  }

  /** Deletes one of `temporaries()`, refusing any other name. */
  async deleteTemporary(name) {
    const inVersions = name.startsWith(`${VERSIONS}/`);
    const file = inVersions ? name.slice(VERSIONS.length + 1) : name;
    if (!file.startsWith('.tmp-') || /[/\\]|\.\./.test(file)) {
      throw new CairnError('INVALID_NAME', `invalid temporary name ${JSON.stringify(name)}`);
    }
    await unlink(join(inVersions ? this.#path(VERSIONS) : this.#dir, file)).catch((e) => {
      if (!missing(e)) throw e;
    });
  }

  async readManifest() {
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      const newest = (await this.#versions()).at(-1);
      if (newest !== undefined) {
        try {
          return { bytes: await readFile(this.#versionPath(newest)), version: newest.toString() };
        } catch (e) {
          // Swaps since the listing deleted it: a newer version exists.
          if (missing(e)) continue;
          throw e;
        }
      }
      const legacy = await this.#readOptional(LEGACY_MANIFEST);
      if (legacy === undefined) return undefined;
      if (!isStub(legacy)) return { bytes: legacy, version: '0' };
      // The stub is written after version 1: list again.
    }
    throw new Error(
      `${this.#path(LEGACY_MANIFEST)} says the manifest is in ${VERSIONS}/, but no version could be read there`,
    );
  }

  /**
   * Publishes `next` as the version after `expected`, if `expected` is current; resolves to
   * the new version, or undefined if the swap lost.
   *
   * Why deleting old versions cannot make a late writer's link succeed wrongly: a swap deletes
   * version v only after publishing a version above v + KEEP_VERSIONS, and the newest version
   * is never deleted. So if `manifests/<N+1>` was free because it had been deleted, a version
   * above N+1+KEEP_VERSIONS exists by the time the link succeeds, and the listing after the
   * link sees it. A link followed by no such version is a true win.
   */
  async swapManifest(expected, next) {
    const from = expected == null ? undefined : parseToken(expected);
    if (expected != null && from === undefined) return undefined; // not a version of any store
    if ((await this.#currentVersion()) !== from) return undefined;
    const target = (from ?? 0n) + 1n;
    const dir = this.#path(VERSIONS);
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
    const tmp = join(dir, tempName('manifest'));
    let published;
    try {
      await writeNewFile(tmp, next);
      try {
        linkSync(tmp, this.#versionPath(target));
        published = true;
      } catch (e) {
        if (e.code !== 'EEXIST') throw e;
        published = false;
      }
    } finally {
      unlinkQuietly(tmp);
    }
    if (!published) return undefined;
    await syncDir(dir);
    const versions = await this.#versions();
    if (versions.at(-1) > target + KEEP_VERSIONS) {
      throw new Error(
        `this writer was paused while other writers moved the store on by more than ${KEEP_VERSIONS} versions; ` +
          'whether its change was recorded is unknown, so look before running it again',
      );
    }
    if (target === 1n) {
      // Best effort: only an older cairn reads it, to be told to upgrade.
      await this.#writeAtomic(LEGACY_MANIFEST, STUB).catch(() => {});
    }
    for (const old of versions) {
      if (old + KEEP_VERSIONS >= target) break;
      unlinkQuietly(this.#versionPath(old));
    }
    return target.toString();
  }

  #versionPath(n) {
    return join(this.#dir, VERSIONS, n.toString().padStart(20, '0'));
  }

  /** The numbers of the manifest versions on disk, ascending. */
  async #versions() {
    let names;
    try {
      names = readdirSync(this.#path(VERSIONS));
    } catch (e) {
      if (missing(e)) return [];
      throw e;
    }
    return names
      .map(parseVersion)
      .filter((n) => n !== undefined)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The current version: the newest file, else 0 for a layout-1 manifest, else undefined. */
  async #currentVersion() {
    const newest = (await this.#versions()).at(-1);
    if (newest !== undefined) return newest;
    const legacy = await this.#readOptional(LEGACY_MANIFEST);
    return legacy !== undefined && !isStub(legacy) ? 0n : undefined;
  }

  async #readOptional(name, reader = readFile) {
    try {
      return await reader(this.#path(name));
    } catch (e) {
      if (missing(e)) return undefined;
      throw e;
    }
  }

  /** Temporary file, fsync, rename into place, fsync of the directory: old or new, never torn. */
  async #writeAtomic(name, bytes) {
    mkdirSync(this.#dir, { recursive: true, mode: PRIVATE_DIR });
    const tmp = this.#path(tempName(name));
    try {
      await writeNewFile(tmp, bytes);
      renameSync(tmp, this.#path(name));
      await syncDir(this.#dir);
    } catch (e) {
      unlinkQuietly(tmp);
      throw e;
    }
  }
}

/** Closes a file `#drop` let go of, if it was opened. Never rejects: nothing is lost when a
 * file opened for reading fails to close. */
async function closeFile(entry) {
  const file = await entry.ready.catch(() => undefined);
  await file?.handle.close().catch(() => {});
}

/**
 * Fills `buffer` from `offset` of the open `file`, in this thread: a ranged read is one block
 * (128 KiB) of a file the page cache most likely holds, which pread(2) returns in 15-40 µs,
 * while a trip through libuv's thread pool took 100-300 µs here, and decoding that block in
 * wasm blocks this thread longer than the read does (docs/BENCHMARKS.md, "Node reads in the
 * caller's thread").
 */
function readAt(name, file, buffer, offset) {
  for (let done = 0; done < buffer.length; ) {
    const bytesRead = readSync(file.handle.fd, buffer, done, buffer.length - done, offset + done);
    if (bytesRead === 0) {
      // Cut short since it was opened (damaged in place): OUT_OF_RANGE, as a fresh open says.
      checkRange(name, offset, buffer.length, fstatSync(file.handle.fd).size);
      throw new Error(`'${name}' ended early at byte ${offset + done}`);
    }
    done += bytesRead;
  }
}

// Writing a file takes few system calls, each made where it costs least. Opening, closing,
// renaming, linking and listing a directory take microseconds and are made in this thread: a
// trip through libuv's thread pool took 100-300 µs each (docs/BENCHMARKS.md, "Node reads in
// the caller's thread"), and a put made ten. The bytes and fsync, which wait for the disk, go
// through the pool, by descriptor: a file's bytes in one read or write, not readFile's and
// FileHandle.writeFile's 512 KiB pieces (docs/BENCHMARKS.md, "Node writes with fewer trips").

/** The bytes of the file at `path`, read in one trip (readFile reads 512 KiB a trip). */
async function readWhole(path) {
  // Non-blocking: opening a named pipe that a hostile store put in a file's place would wait
  // for a writer and stop this thread; a regular file opens the same either way.
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = fstatSync(fd);
    // Not a regular file, whose size says nothing of what reads give: as readFile reads it.
    if (!info.isFile()) return await readFile(path);
    const size = info.size;
    // Not from Buffer's shared pool: a buffer of its own, as readFile gives.
    const buffer = Buffer.allocUnsafeSlow(size);
    let done = 0;
    while (done < size) {
      const bytesRead = await new Promise((resolve, reject) =>
        read(fd, buffer, done, size - done, done, (e, n) => (e ? reject(e) : resolve(n))),
      );
      if (bytesRead === 0) break; // cut short since fstat: what there is, as readFile gives
      done += bytesRead;
    }
    return done === size ? buffer : buffer.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

/** Creates `path` (never an existing file), private to the user, with its bytes on disk. */
async function writeNewFile(path, bytes) {
  const fd = openSync(path, 'wx', PRIVATE_FILE);
  try {
    for (let done = 0; done < bytes.length; ) {
      done += await new Promise((resolve, reject) =>
        write(fd, bytes, done, bytes.length - done, null, (e, written) => (e ? reject(e) : resolve(written))),
      );
    }
    await syncFd(fd);
  } finally {
    closeSync(fd);
  }
}

async function syncDir(dir) {
  // Windows cannot open a directory as a file; its renames are durable with the file's data.
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    await syncFd(fd);
  } finally {
    closeSync(fd);
  }
}

function syncFd(fd) {
  return new Promise((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
}

/** Deletes `path` if it can; what is left is a temporary file a later clean-up finds. */
function unlinkQuietly(path) {
  try {
    unlinkSync(path);
  } catch {
    // Missing, or not ours to delete.
  }
}
