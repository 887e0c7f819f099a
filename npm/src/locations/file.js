// `file://PATH` in Node. A database is the directory PATH, in the native CLI's layout
// (`PATH/.cairn/store/`, `PATH/.cairn/config`), so both open one database; a remote or
// backup URL names the store directory itself. Relative paths resolve against the current
// directory, or for a database's remotes and backups against the database's directory.

import { existsSync, statSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { NodeFsAdapter } from '../adapters/node-fs.js';
import { CairnError } from '../errors.js';

const DIR = '.cairn';
// Where a database is built, and where the one it replaces waits to be deleted: beside
// `.cairn`, named with the pid of the process doing it (the native CLI's names).
const NEW = '.cairn-new-';
const OLD = '.cairn-old-';

/** The absolute, normalized directory a path names (`resolve` removes `.` and `..`). */
export const place = (path, base) => resolve(base ?? '.', path);
export const absolute = place;

/** A filesystem failure as the IO error the API rejects with, keeping the message. */
async function io(operation) {
  try {
    return await operation;
  } catch (e) {
    throw new CairnError('IO', e.message);
  }
}

export async function store(path, base, { create }) {
  const dir = place(path, base);
  if (!create && !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new CairnError('NOT_FOUND', `nothing at 'file://${path}': the directory does not exist`);
  }
  return new NodeFsAdapter(dir);
}

/** Whether a process runs: signal 0 only checks (EPERM: it runs, as another user). */
function runs(pid) {
  if (pid === 0) return false; // no process; kill(0) would signal our own group
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Whether `name` is `prefix` and the pid of another process that no longer runs. */
function abandoned(name, prefix) {
  const rest = name.slice(prefix.length);
  // The pid as Rust parses a u32.
  if (!name.startsWith(prefix) || !/^\+?\d+$/.test(rest)) return false;
  const pid = Number(rest);
  return pid <= 0xffffffff && pid !== process.pid && !runs(pid);
}

/** The `.cairn-new-PID` and `.cairn-old-PID` folders in `names` of processes that no longer run. */
function leftovers(dir, names) {
  return names.flatMap((name) => {
    const prefix = [NEW, OLD].find((p) => abandoned(name, p));
    return prefix ? [{ isNew: prefix === NEW, path: join(dir, name) }] : [];
  });
}

/**
 * The native `recover`: finishes or undoes what a create that died left in `dir`, so that a
 * database never goes missing. A complete new database (its config is written last) takes
 * the place of a missing `.cairn`, else the old one goes back; then the leftovers are deleted.
 * Folders of a process that still runs are left alone: it may be building them right now.
 */
async function recover(dir) {
  const names = await readdir(dir).catch(() => undefined);
  if (!names) return; // no folder, nothing to recover
  const left = leftovers(dir, names);
  const meta = join(dir, DIR);
  if (!existsSync(meta)) {
    const replacement =
      left.find((l) => l.isNew && existsSync(join(l.path, 'config'))) ?? left.find((l) => !l.isNew);
    if (replacement) await io(rename(replacement.path, meta));
  }
  for (const { path } of left) await io(rm(path, { recursive: true, force: true }));
}

/**
 * Writes a small file beside its name, fsyncs it and renames it into place, so that the name
 * only ever holds the whole file (the config marks a new database complete).
 */
async function writeDurably(path, text) {
  const partial = `${path}.tmp`;
  const file = await io(open(partial, 'w', 0o600));
  try {
    await io(file.writeFile(text));
    await io(file.sync());
  } finally {
    await file.close();
  }
  await io(rename(partial, path));
}

/** Moves the complete `tmp` to `meta`; an old database there goes aside first and back on failure. */
async function replace(dir, meta, tmp) {
  if (!existsSync(meta)) return io(rename(tmp, meta));
  const old = join(dir, `${OLD}${process.pid}`);
  await io(rename(meta, old));
  try {
    await rename(tmp, meta);
  } catch (e) {
    // Put the old one back; if even that fails, the next `recover` will.
    await rename(old, meta).catch(() => {});
    throw new CairnError('IO', `${meta}: ${e.message}`);
  }
  // The new database is in place: an old one left behind is only litter for `recover`.
  await rm(old, { recursive: true, force: true }).catch(() => {});
}

export function database(path) {
  const dir = place(path);
  const meta = join(dir, DIR);
  const configPath = join(meta, 'config');
  return {
    dir,
    adapter: new NodeFsAdapter(join(meta, 'store')),
    /** Opening recovers first, as every native command does. */
    async readConfig() {
      await recover(dir);
      try {
        return await readFile(configPath, 'utf8');
      } catch (e) {
        if (e.code === 'ENOENT') return undefined;
        throw new CairnError('IO', `${configPath}: ${e.message}`);
      }
    },
    async writeConfig(text) {
      const tmp = join(meta, 'config.tmp');
      await io(writeFile(tmp, text, { mode: 0o600 }));
      await io(rename(tmp, configPath));
    },
    /**
     * Where a backup file is unpacked before its restore here, as the native CLI does: the
     * folder `.NAME.unpacked-PID` beside `dir`, on the disk the database goes to (a system's
     * temporary folder may be memory). Those that processes no longer running left (killed
     * midway) are deleted first; `remove()` deletes this one.
     */
    async staging() {
      const [parent, prefix] = [dirname(dir), `.${basename(dir)}.unpacked-`];
      const names = await readdir(parent).catch(() => []);
      for (const name of names.filter((n) => abandoned(n, prefix))) {
        await io(rm(join(parent, name), { recursive: true, force: true }));
      }
      const unpacked = join(parent, `${prefix}${process.pid}`);
      const remove = () => rm(unpacked, { recursive: true, force: true });
      // A folder of this name is a leftover of a process of this id, long gone.
      await io(remove());
      await io(mkdir(unpacked, { recursive: true, mode: 0o700 }));
      return { adapter: new NodeFsAdapter(unpacked), remove };
    },
    /**
     * The native `create_atomically`: the database is built in `.cairn-new-PID` beside, its
     * config written last and fsynced to mark it complete, and replaces `.cairn` only then;
     * a failure removes what it made. Whenever the process dies, `dir` holds the old
     * database or the new one, at once or after `recover`.
     */
    async create(force, build) {
      await recover(dir);
      if (existsSync(meta) && !force) {
        throw new CairnError('ALREADY_EXISTS', `database '${path}' already exists, use 'force' to overwrite`);
      }
      const createdDir = !existsSync(dir);
      const tmp = join(dir, `${NEW}${process.pid}`);
      try {
        await io(mkdir(join(tmp, 'store'), { recursive: true, mode: 0o700 }));
        const { config, value } = await build(new NodeFsAdapter(join(tmp, 'store')));
        await writeDurably(join(tmp, 'config'), config);
        await replace(dir, meta, tmp);
        return value;
      } catch (e) {
        await rm(tmp, { recursive: true, force: true });
        if (createdDir) await rmdir(dir).catch(() => {});
        throw e;
      }
    },
  };
}
