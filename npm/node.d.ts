// Type declarations for cairn-db's Node entry (`cairn-db` under Node's resolution, and
// `cairn-db/node` under any, such as TypeScript's "bundler"): everything in index.d.ts, with
// backup exports as Node Readables, and NodeFsAdapter.

import type { ManifestRead, ObjectInfo, Repo as RepoInstance, RepoStatic, StorageAdapter } from './index.js';

export * from './index.js';

// These shadow index.d.ts's Repo (local exports win over `export *`).
export type Repo = RepoInstance;
export const Repo: RepoStatic<BackupReadable>;

/**
 * The Node `stream.Readable` that `Repo.backupExport` resolves to here, declared by what it
 * offers so that these types need no @types/node: an async iterable of the file's pieces
 * (Uint8Arrays), to `pipe` or hand to `stream.pipeline`, `destroy` to stop early.
 */
export interface BackupReadable extends AsyncIterable<Uint8Array> {
  pipe<T>(destination: T, options?: { end?: boolean }): T;
  destroy(error?: Error): this;
  on(event: 'data', listener: (piece: Uint8Array) => void): this;
  on(event: 'end' | 'close', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

/**
 * A store in a directory, in the native `cairn` layout and manifest protocol (the manifest's
 * versions as numbered files in `manifests/`, published with link(2); no lock), so Node and
 * native processes can share it. A version token is the version file's number in decimal.
 */
export class NodeFsAdapter implements StorageAdapter {
  /** `dir` need not exist until the first write. */
  constructor(dir: string);
  readonly dir: string;
  get(name: string): Promise<Uint8Array | undefined>;
  getRange(name: string, offset: number, length: number): Promise<Uint8Array | undefined>;
  /** Reads into `into` now from a file held open, else undefined (`StorageAdapter.readRangeNow`). */
  readRangeNow(name: string, offset: number, into: Uint8Array): number | undefined;
  put(name: string, bytes: Uint8Array): Promise<void>;
  list(): Promise<ObjectInfo[]>;
  delete(name: string): Promise<void>;
  readManifest(): Promise<ManifestRead | undefined>;
  swapManifest(expected: string | undefined, next: Uint8Array): Promise<string | undefined>;
  temporaries(): Promise<ObjectInfo[]>;
  deleteTemporary(name: string): Promise<void>;
  /**
   * Closes the table files kept open for ranged reads (at most 64, each closed by itself
   * after about 2 s unused); a later read opens them again. `Repo.close()` calls it.
   */
  close(): Promise<void>;
  /** How many table files are open for reading now. */
  readonly openFiles: number;
}
