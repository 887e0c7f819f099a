// `mem://NAME`: stores and databases in a process-wide registry of MemoryAdapters, gone when
// the process (or page) ends.

import { MemoryAdapter } from '../adapters/memory.js';
import { CairnError } from '../errors.js';

// name -> { adapter, config }: `config` is the text of a database's configuration; a remote
// or backup store has none.
const registry = new Map();

const entry = (name) => {
  if (!registry.has(name)) registry.set(name, { adapter: new MemoryAdapter(), config: undefined });
  return registry.get(name);
};

export async function store(name, _base, { create }) {
  if (!create && !registry.has(name)) throw new CairnError('NOT_FOUND', `nothing at 'mem://${name}'`);
  return entry(name).adapter.handle();
}

export const place = (name) => name;
export const absolute = (name) => name;

/** Rejects a create at `mem://NAME` without `force` where a database or a store is. */
async function refuseOccupied(name) {
  const found = registry.get(name);
  if (found?.config !== undefined) throw new CairnError('ALREADY_EXISTS', `database 'mem://${name}' already exists`);
  if (found && (await found.adapter.readManifest()) !== undefined) {
    const why = 'holds a remote or backup store; only a restore with force replaces it';
    throw new CairnError('ALREADY_EXISTS', `'mem://${name}' ${why}`);
  }
}

export function database(name) {
  const adapter = registry.get(name)?.adapter.handle();
  return {
    adapter,
    async readConfig() {
      return registry.get(name)?.config;
    },
    async writeConfig(text) {
      entry(name).config = text;
    },
    /**
     * Builds the database in a fresh store, which replaces the registry's only once built.
     * Without `force` it looks again then: another create may have finished meanwhile.
     */
    async create(force, build) {
      if (!force) await refuseOccupied(name);
      const fresh = new MemoryAdapter();
      const { config, value } = await build(fresh.handle());
      if (!force) await refuseOccupied(name);
      registry.set(name, { adapter: fresh, config });
      return value;
    },
  };
}
