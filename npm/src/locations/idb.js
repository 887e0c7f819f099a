// `idb://NAME` in browsers: the store in the IndexedDB database `cairn:NAME`; a database keeps
// its configuration in the same IndexedDB database (see docs/FORMAT.md, "IndexedDB layout").

import { IndexedDbAdapter } from '../adapters/indexeddb.js';
import { cairnError } from '../errors.js';

export const place = (name) => name;
export const absolute = (name) => name;

/** Whether the IndexedDB database exists, where the browser can tell (`databases()`). */
async function exists(adapter) {
  if (typeof indexedDB?.databases !== 'function') return true;
  return (await indexedDB.databases()).some((d) => d.name === adapter.databaseName);
}

export async function store(name, _base, { create }) {
  const adapter = new IndexedDbAdapter(name);
  // Opening an absent IndexedDB database would create it: look first.
  if (!create && !(await exists(adapter))) throw cairnError('NOT_FOUND', `nothing at 'idb://${name}'`);
  return adapter;
}

export function database(name) {
  const adapter = new IndexedDbAdapter(name);
  return {
    adapter,
    readConfig: () => adapter.readConfig(),
    writeConfig: (text) => adapter.writeConfig(text),
    /**
     * IndexedDB databases cannot be renamed, so the database is built in place and deleted
     * again if the build fails; with `force` an existing one is deleted first.
     */
    async create(force, build) {
      if ((await adapter.readConfig()) !== undefined) {
        if (!force) throw cairnError('ALREADY_EXISTS', `database 'idb://${name}' already exists, use 'force' to overwrite`);
      }
      await adapter.destroy();
      try {
        const { config, value } = await build(adapter);
        await adapter.writeConfig(config);
        return value;
      } catch (e) {
        await adapter.destroy().catch(() => {});
        throw e;
      }
    },
  };
}
