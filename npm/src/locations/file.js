// `file://PATH` in Node. A database is the directory PATH, in the native CLI's layout
// (`PATH/.cairn/store/`, `PATH/.cairn/config`), so both open one database; a remote or
// backup URL names the store directory itself. Relative paths resolve against the current
// directory, or for a database's remotes and backups against the database's directory.

import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NodeFsAdapter } from '../adapters/node-fs.js';
import { cairnError } from '../errors.js';

const DIR = '.cairn';

/** The absolute, normalized directory a path names (`resolve` removes `.` and `..`). */
export const place = (path, base) => resolve(base ?? '.', path);
export const absolute = place;

/** A filesystem failure as the IO error the API rejects with, keeping the message. */
async function io(operation) {
  try {
    return await operation;
  } catch (e) {
    throw cairnError('IO', e.message);
  }
}

export async function store(path, base, { create }) {
  const dir = place(path, base);
  if (!create && !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw cairnError('NOT_FOUND', `nothing at 'file://${path}': the directory does not exist`);
  }
  return new NodeFsAdapter(dir);
}

export function database(path) {
  const dir = place(path);
  const meta = join(dir, DIR);
  const configPath = join(meta, 'config');
  return {
    dir,
    adapter: new NodeFsAdapter(join(meta, 'store')),
    async readConfig() {
      try {
        return await readFile(configPath, 'utf8');
      } catch (e) {
        if (e.code === 'ENOENT') return undefined;
        throw cairnError('IO', `${configPath}: ${e.message}`);
      }
    },
    async writeConfig(text) {
      const tmp = join(meta, 'config.tmp');
      await io(writeFile(tmp, text));
      await io(rename(tmp, configPath));
    },
    /**
     * As the native `create_atomically`: the database is built in `.cairn-new-PID` beside and
     * replaces `.cairn` only once complete; a failure removes what it made.
     */
    async create(force, build) {
      if (existsSync(meta) && !force) {
        throw cairnError('ALREADY_EXISTS', `database '${path}' already exists, use '--force' to overwrite`);
      }
      const createdDir = !existsSync(dir);
      const tmp = join(dir, `.cairn-new-${process.pid}`);
      try {
        await io(mkdir(join(tmp, 'store'), { recursive: true }));
        const { config, value } = await build(new NodeFsAdapter(join(tmp, 'store')));
        await io(writeFile(join(tmp, 'config'), config));
        if (existsSync(meta)) {
          const old = join(dir, `.cairn-old-${process.pid}`);
          await io(rename(meta, old));
          await io(rename(tmp, meta));
          await io(rm(old, { recursive: true, force: true }));
        } else {
          await io(rename(tmp, meta));
        }
        return value;
      } catch (e) {
        await rm(tmp, { recursive: true, force: true });
        if (createdDir) await rmdir(dir).catch(() => {});
        throw e;
      }
    },
  };
}
