// Type declarations for cairn-db's Node entry: everything in index.d.ts, and NodeFsAdapter.

import type { ObjectInfo, StorageAdapter } from './index.js';

export * from './index.js';

/**
 * A store in a directory, in the native `cairn` layout and locking protocol, so Node and native
 * processes can share it. A swap that waits 30 s for another writer's LOCK fails with the
 * adapter error code "LOCKED" (an "IO" error through ChunkStore).
 */
export class NodeFsAdapter implements StorageAdapter {
  /** `dir` need not exist until the first write. */
  constructor(dir: string);
  readonly dir: string;
  get(name: string): Promise<Uint8Array | undefined>;
  getRange(name: string, offset: number, length: number): Promise<Uint8Array | undefined>;
  put(name: string, bytes: Uint8Array): Promise<void>;
  list(): Promise<ObjectInfo[]>;
  delete(name: string): Promise<void>;
  readManifest(): Promise<Uint8Array | undefined>;
  swapManifest(expected: Uint8Array | undefined, next: Uint8Array): Promise<boolean>;
}
