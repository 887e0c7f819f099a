// `idb://NAME` in browsers: the store in the IndexedDB database `cairn:NAME`; a database keeps
// its configuration in the same IndexedDB database (see docs/FORMAT.md, "IndexedDB layout").

import { IndexedDbAdapter } from '../adapters/indexeddb.js';
import { CairnError } from '../errors.js';
import { newId } from '../../dist/cairn_wasm.js';

export const place = (name) => name;
export const absolute = (name) => name;

export async function store(name, _base, { create }) {
  const adapter = new IndexedDbAdapter(name);
  // Opening an absent IndexedDB database would create it: look first.
  if (!create && !(await adapter.exists())) throw new CairnError('NOT_FOUND', `nothing at 'idb://${name}'`);
  return adapter;
}

/** Rejects a create at `idb://NAME` without `force` where a database or a store is. */
async function refuseOccupied(name, adapter) {
  if (!(await adapter.exists())) return;
  if ((await adapter.readConfig()) !== undefined) {
    throw new CairnError('ALREADY_EXISTS', `database 'idb://${name}' already exists, use 'force' to overwrite`);
  }
  if ((await adapter.readManifest()) !== undefined) {
    const why = 'holds a remote or backup store; only a restore with force replaces it';
    throw new CairnError('ALREADY_EXISTS', `'idb://${name}' ${why}`);
  }
}

export function database(name) {
  const adapter = new IndexedDbAdapter(name);
  return {
    adapter,
    /** Undefined where no database is, without leaving an empty IndexedDB database there. */
    readConfig: async () => ((await adapter.exists()) ? adapter.readConfig() : undefined),
    writeConfig: (text) => adapter.writeConfig(text),
    /**
     * IndexedDB databases cannot be renamed: the database is built in a staging one beside,
     * whose contents then replace the target's in one transaction. A failed build leaves the
     * target as it was; a reader sees the old database or the new one, never a mix.
     */
    async create(force, build) {
      if (!force) await refuseOccupied(name, adapter);
      const staging = new IndexedDbAdapter(`${name}#staging-${newId()}`);
      try {
        const { config, value } = await build(staging);
        await staging.writeConfig(config);
        if (!(await adapter.replaceWith(staging, { ifEmpty: !force }))) {
          throw new CairnError('ALREADY_EXISTS', `another writer created 'idb://${name}' while this one was built`);
        }
        return value;
      } finally {
        // One that cannot be deleted is only litter: no location names it.
        await staging.destroy().catch(() => {});
        await adapter.close();
      }
    },
  };
}
