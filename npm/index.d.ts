// Type declarations for cairn-db, written by hand (the wasm-bindgen ones are not shipped).
// These are the browser entry's; node.d.ts adds NodeFsAdapter for the Node entry.

/** A chunk's address: BLAKE3-160 of its bytes, as 32 base32 characters. */
export type Hash = string;

/**
 * Storage for one store: a flat namespace of immutable named objects (table files) plus one
 * small mutable object, the manifest, replaced only by compare-and-swap. The core calls these
 * methods; each may return a promise or a plain value.
 *
 * Contract (checked by `runConformance`):
 * - Missing objects and a missing manifest are `undefined` (or `null`), never an error.
 * - `put` is all-or-nothing: no reader ever sees a partial object. Names are content-derived,
 *   so a repeated `put` of a name carries the same bytes.
 * - `getRange` past the end of an object throws (or rejects with) an error whose
 *   `code === "OUT_OF_RANGE"` and whose `size` is the object's size in bytes; the core
 *   reports such a table file as truncated. Offsets and lengths are JS numbers; an offset
 *   beyond 2^53 can only be out of range.
 * - Names that are empty, longer than 128 bytes, start with '.', contain anything but
 *   `[A-Za-z0-9._-]`, or are `manifest` or `LOCK` are refused with `code === "INVALID_NAME"`.
 * - `swapManifest(expected, next)` writes `next` only if the current manifest's bytes equal
 *   `expected` (`undefined`: no manifest yet), atomically with respect to every other writer
 *   of the same store, and resolves to whether it did.
 * Any other thrown error or rejection reaches the caller as a `CairnError` with code "IO",
 * carrying the adapter's message.
 */
export interface StorageAdapter {
  get(name: string): Promise<Uint8Array | undefined | null> | Uint8Array | undefined | null;
  getRange(
    name: string,
    offset: number,
    length: number,
  ): Promise<Uint8Array | undefined | null> | Uint8Array | undefined | null;
  put(name: string, bytes: Uint8Array): Promise<void> | void;
  /** Every object but the manifest, in any order. `modifiedMs` is 0 where unknown. */
  list(): Promise<ObjectInfo[]> | ObjectInfo[];
  /** Deleting a missing object succeeds. */
  delete(name: string): Promise<void> | void;
  readManifest(): Promise<Uint8Array | undefined | null> | Uint8Array | undefined | null;
  swapManifest(expected: Uint8Array | undefined, next: Uint8Array): Promise<boolean> | boolean;
}

export interface ObjectInfo {
  name: string;
  size: number;
  /** Last modification, milliseconds since the Unix epoch. */
  modifiedMs: number;
}

/** The `code` of every error Cairn rejects or throws with. */
export type ErrorCode =
  /** The adapter failed (its message is kept). */
  | 'IO'
  /** A table file, chunk or manifest is damaged: bytes that do not match their hash, truncation. */
  | 'CORRUPT'
  /** The manifest lists a table file the storage lacks, or a commit names an absent root chunk. */
  | 'MISSING'
  /** Another writer moved the root first: `expected` and `actual` tell how. Reload and retry. */
  | 'CONFLICT'
  /** The manifest kept changing under a commit; try again later. */
  | 'BUSY'
  /** A malformed argument: a hash that is not 32 base32 characters, a chunk of 4 GiB or more. */
  | 'INVALID_ARGUMENT'
  /** `runConformance` found the adapter breaking the contract: `check` names the check. */
  | 'CONFORMANCE';

export interface CairnError extends Error {
  code: ErrorCode;
  /** CONFLICT: the root the caller expected. */
  expected?: Hash;
  /** CONFLICT: the root the store has. */
  actual?: Hash;
  /** CONFORMANCE: the check that failed. */
  check?: string;
}

export interface OpenOptions {
  /** New chunks go out as a table file once this many bytes have gathered (default 32 MiB). */
  tableTargetBytes?: number;
}

export interface TableInfo {
  /** The table file's object name: the base32 hash of its index. */
  name: string;
  chunkCount: number;
  size: number;
}

/**
 * Content-addressed chunks in table files over any `StorageAdapter`. Operations may be
 * started without awaiting the previous one; they run one writer (or many readers) at a time.
 */
export class ChunkStore {
  private constructor();
  /** Opens the store behind `adapter`; an empty storage is an empty store. */
  static open(adapter: StorageAdapter, options?: OpenOptions): Promise<ChunkStore>;
  /** The root hash as of the last open, commit or reload; 32 zeros while there is none. */
  readonly root: Hash;
  /** The manifest's table files as of the last open, commit or reload. */
  tables(): TableInfo[];
  /** Stores a chunk; resolves to its hash. It is readable at once, durable after `commit`. */
  put(chunk: Uint8Array): Promise<Hash>;
  /** The chunk's bytes, checked against its hash, or undefined if the store lacks it. */
  get(hash: Hash): Promise<Uint8Array | undefined>;
  hasMany(hashes: Hash[]): Promise<boolean[]>;
  /** Writes the chunks gathered in memory as a new table file, not yet named by the manifest. */
  flush(): Promise<void>;
  /**
   * Writes pending chunks and moves the root from `expectedRoot` to `newRoot` in one manifest
   * swap; rejects with CONFLICT if another writer moved the root first.
   */
  commit(expectedRoot: Hash, newRoot: Hash): Promise<void>;
  /** Re-reads the manifest to see other writers' commits. */
  reload(): Promise<void>;
  /** Releases the wasm memory now rather than at garbage collection. */
  free(): void;
}

export interface VerifyProblem {
  kind: 'manifest' | 'missingTable' | 'corruptTable' | 'corruptChunk' | 'missingRoot';
  /** The table file concerned, where there is one. */
  table?: string;
  /** The chunk concerned (corruptChunk) or the missing root (missingRoot). */
  hash?: Hash;
  message: string;
}

export interface VerifyReport {
  root: Hash;
  /** Table files the manifest lists. */
  tables: number;
  /** Chunks read and checked, in listed and orphan table files. */
  chunks: number;
  bytes: number;
  problems: VerifyProblem[];
  /** Table files in storage that the manifest does not list (left by interrupted writers). */
  orphans: string[];
}

/** A chunk's address. */
export function hash(bytes: Uint8Array): Hash;

/** Reads every table file of a store and checks every chunk against its hash. */
export function verify(adapter: StorageAdapter): Promise<VerifyReport>;

/**
 * The storage conformance suite against two adapters on one EMPTY store (as two processes or
 * tabs would hold it). Resolves to the names of the checks passed; rejects with CONFORMANCE.
 */
export function runConformance(a: StorageAdapter, b: StorageAdapter): Promise<string[]>;

/** An in-memory store, for tests and throwaway stores. */
export class MemoryAdapter implements StorageAdapter {
  constructor();
  /** Another adapter on the same store. */
  handle(): MemoryAdapter;
  get(name: string): Promise<Uint8Array | undefined>;
  getRange(name: string, offset: number, length: number): Promise<Uint8Array | undefined>;
  put(name: string, bytes: Uint8Array): Promise<void>;
  list(): Promise<ObjectInfo[]>;
  delete(name: string): Promise<void>;
  readManifest(): Promise<Uint8Array | undefined>;
  swapManifest(expected: Uint8Array | undefined, next: Uint8Array): Promise<boolean>;
}

/**
 * A store in the IndexedDB database `cairn:<name>`: the global `indexedDB`, or
 * `options.indexedDB` where there is none.
 */
export class IndexedDbAdapter implements StorageAdapter {
  constructor(name: string, options?: { indexedDB?: IDBFactory });
  readonly databaseName: string;
  /** Closes the connection; the next call opens it again. */
  close(): Promise<void>;
  get(name: string): Promise<Uint8Array | undefined>;
  getRange(name: string, offset: number, length: number): Promise<Uint8Array | undefined>;
  put(name: string, bytes: Uint8Array): Promise<void>;
  list(): Promise<ObjectInfo[]>;
  delete(name: string): Promise<void>;
  readManifest(): Promise<Uint8Array | undefined>;
  swapManifest(expected: Uint8Array | undefined, next: Uint8Array): Promise<boolean>;
}
