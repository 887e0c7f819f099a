// Type declarations for cairn-db, written by hand (the wasm-bindgen ones are not shipped).
// These are the browser entry's; node.d.ts (the Node entry, and `cairn-db/node` anywhere)
// adds NodeFsAdapter and gives backup files as Node Readables instead of web ReadableStreams.

// The well-known symbols of explicit resource management, for programs whose `lib` lacks
// `esnext.disposable` (the same declarations as @types/node's).
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
    readonly asyncDispose: unique symbol;
  }
}

/** A chunk's address: BLAKE3-160 of its bytes, as 32 base32 characters. */
export type Hash = string;

/**
 * Loads the WebAssembly core. Optional: every call that needs the core loads it on first use,
 * from the `.wasm` file beside the package (`cairn-db/wasm`). Call it first to load from
 * elsewhere (a URL, a fetched Response, the bytes, or a `WebAssembly.Module` compiled once
 * and posted to workers), to load early, or before `hash`, which is synchronous. The first
 * call decides the source; later ones resolve when it is loaded. Rejects with INIT_FAILED
 * (under a Content-Security-Policy, WebAssembly needs `'wasm-unsafe-eval'` in `script-src`);
 * a later call tries again. In Node the core is loaded at import and this resolves at once.
 * `options.network`, the same for the clients of `s3://`, `az://` and `http(s)://` stores, a
 * second module (`cairn-db/wasm-net`) loaded the first time such a store is opened (default:
 * beside the package's entry, `dist/`, or where a bundler put it); Node loads it from the package.
 */
export function init(
  wasm?: WasmSource,
  options?: { network?: WasmSource },
): Promise<void>;

/** Where a wasm module comes from: a URL, a fetched Response, the bytes, or a compiled module. */
export type WasmSource = URL | string | Response | Promise<Response> | BufferSource | WebAssembly.Module;

/**
 * Storage for one store: a flat namespace of immutable named objects (table files) plus one
 * small mutable object, the manifest, replaced only by compare-and-swap on its version. The
 * core calls these methods; each may return a promise or a plain value.
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
 *   `[A-Za-z0-9._-]`, or are `manifest`, `manifests` or `LOCK` are refused with
 *   `code === "INVALID_NAME"`.
 * - `readManifest()` gives the manifest's bytes and its version: an opaque string the adapter
 *   chooses, equal for two reads of one version, new at every swap (even of identical bytes).
 * - `swapManifest(expected, next)` writes `next` only if the current version is `expected`
 *   (`undefined`: no manifest yet), atomically with respect to every other writer of the same
 *   store in any process, tab or worker, and resolves to the new version; it resolves to
 *   `undefined` (or `null`) if it lost, and then nothing changed. A made-up `expected` loses.
 *   A rejection means the outcome is unknown. Decide it with the storage's own
 *   compare-and-swap (a transaction, a conditional write), never a lock that can go stale.
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
  /**
   * Optional: `getRange` of `into.length` bytes into `into`, synchronously, for an adapter
   * that can sometimes read without waiting (`NodeFsAdapter`, from a file it holds open):
   * returns (not as a promise) the number of bytes read, which must be `into.length`, or
   * undefined where it cannot read now (the core then calls `getRange`). `into` is a view of
   * the core's own memory, valid only during the call: fill it before returning, never keep
   * it, and call nothing of Cairn's meanwhile. Fails as `getRange` does.
   */
  readRangeNow?(name: string, offset: number, into: Uint8Array): number | undefined | null;
  put(name: string, bytes: Uint8Array): Promise<void> | void;
  /** Every object but the manifest, in any order. `modifiedMs` is 0 where unknown. */
  list(): Promise<ObjectInfo[]> | ObjectInfo[];
  /** Deleting a missing object succeeds. */
  delete(name: string): Promise<void> | void;
  readManifest(): Promise<ManifestRead | undefined | null> | ManifestRead | undefined | null;
  swapManifest(
    expected: string | undefined,
    next: Uint8Array,
  ): Promise<string | undefined | null> | string | undefined | null;
  /**
   * Optional: the temporary objects an interrupted writer left (a file written before its
   * rename), which gc deletes once older than its grace period. Adapters that write in place
   * leave it out.
   */
  temporaries?(): Promise<ObjectInfo[]> | ObjectInfo[];
  /** Deletes one of `temporaries()`; required with it. */
  deleteTemporary?(name: string): Promise<void> | void;
}

/** The manifest as read: its bytes and the version they are. */
export interface ManifestRead {
  bytes: Uint8Array;
  version: string;
}

export interface ObjectInfo {
  name: string;
  size: number;
  /** Last modification, milliseconds since the Unix epoch. */
  modifiedMs: number;
}

/** The `code` of every CairnError. */
export type ErrorCode =
  /** The adapter failed (its message is kept). */
  | 'IO'
  /** A table file, chunk or manifest is damaged: bytes that do not match their hash, truncation. */
  | 'CORRUPT'
  /** The manifest lists a table file the storage lacks, or a commit names an absent root chunk. */
  | 'MISSING'
  /**
   * Another writer (handle, process, tab) changed the store first, and nothing was written.
   * From a `ChunkStore`, `expected` and `actual` give the roots: reload and retry. From a
   * `Repo`, the message names what changed (`branch 'main'`, `the working set of 'main'`);
   * the handle already holds the new state, so running the operation again applies it there
   * (SQL statements are run again by themselves). A SQL COMMIT whose transaction began before
   * another writer changed the working set rolls it back with this code: run it again.
   */
  | 'CONFLICT'
  /** The manifest kept changing under a commit; try again later. */
  | 'BUSY'
  /** A malformed argument: a hash that is not 32 base32 characters, a chunk of 4 GiB or more. */
  | 'INVALID_ARGUMENT'
  /**
   * A `.cairnbak` file of a format version this build does not read, or a store recording
   * format parameters it does not know (made by a newer cairn).
   */
  | 'UNSUPPORTED_VERSION'
  /** `runConformance` found the adapter breaking the contract: `check` names the check. */
  | 'CONFORMANCE'
  /** The location holds no Cairn database (no `init`, or not a database store). */
  | 'NOT_A_DATABASE'
  /** Nothing at a URL that must exist (a remote to fetch from, a backup to restore). */
  | 'NOT_FOUND'
  /** A database, branch, tag, remote or backup of that name exists already. */
  | 'ALREADY_EXISTS'
  | 'BRANCH_NOT_FOUND'
  | 'TAG_NOT_FOUND'
  /** A name that is not a branch, tag, remote-tracking branch or commit. */
  | 'REF_NOT_FOUND'
  | 'TABLE_NOT_FOUND'
  | 'REMOTE_NOT_FOUND'
  | 'BACKUP_NOT_FOUND'
  /** A remote or backup URL that names the location of another remote or backup. */
  | 'ADDRESS_CONFLICT'
  /** The checked-out branch cannot be deleted. */
  | 'BRANCH_CHECKED_OUT'
  | 'NOTHING_TO_COMMIT'
  | 'UNCOMMITTED_CHANGES'
  /** A push that would drop commits from the remote's branch (use `force`). */
  | 'NON_FAST_FORWARD'
  /** A pull whose branch and remote branch both have commits the other lacks. */
  | 'DIVERGED'
  /** A merge of a commit that shares no history with the branch. */
  | 'NO_COMMON_HISTORY'
  /** Tables whose merge conflicts are not resolved yet (a merge made by the command line). */
  | 'MERGE_CONFLICTS'
  /** A merge made by the command line waits to be committed or aborted. */
  | 'MERGE_IN_PROGRESS'
  /**
   * A SQL transaction (BEGIN, or autocommit off, without COMMIT or ROLLBACK yet) is open on
   * this `Repo`, and the operation would write outside it: end the transaction first.
   */
  | 'TRANSACTION_OPEN'
  /** No merge is in progress, or a table has no conflicts. */
  | 'NO_MERGE'
  /** A branch with commits the current branch lacks, or uncommitted changes. */
  | 'BRANCH_NOT_MERGED'
  /** The remote has no branches. */
  | 'EMPTY_REMOTE'
  /** A remote operation or clone pointed at a backup. */
  | 'IS_A_BACKUP'
  /** A backup operation pointed at a database or remote. */
  | 'NOT_A_BACKUP'
  /** A backup sync from a database that does not own the backup. */
  | 'OWNED_BY_OTHER'
  /** The backup has no snapshots yet. */
  | 'NO_SNAPSHOTS'
  | 'SNAPSHOT_NOT_FOUND'
  /** A SQL statement failed (syntax, unsupported, type, constraint). */
  | 'SQL'
  /** A file to import is not the CSV or JSON it should be, or holds a value its column refuses (the message says where); or a table to export holds what the format cannot. */
  | 'INVALID_DATA'
  /** A long operation was stopped without a reason of its own. */
  | 'ABORTED'
  /** `hash` was called before the WebAssembly core was loaded (see `init`). */
  | 'NOT_INITIALIZED'
  /** The WebAssembly core could not be fetched, compiled or instantiated; `cause` says why. */
  | 'INIT_FAILED'
  /** From a built-in adapter's method called directly: a name the adapter contract refuses. */
  | 'INVALID_NAME'
  /** From a built-in adapter's `getRange` called directly: `size` is the object's size. */
  | 'OUT_OF_RANGE'
  /** The backup is encrypted and no `password` was given. */
  | 'PASSWORD_NEEDED'
  /** No key of the encrypted backup opens with the `password` given; nothing was written. */
  | 'WRONG_PASSWORD'
  /**
   * A `password` (or `encrypt`) for a backup that is not encrypted: it may have been replaced
   * by someone without the key. Encrypted backups are made in a new or empty location.
   */
  | 'NOT_ENCRYPTED';

/** The fields a CairnError of a code carries besides `code` and `message`. */
export interface CairnErrorFields {
  /** From a `ChunkStore` (and a Repo's store-level conflict): the roots. */
  CONFLICT: { expected?: Hash; actual?: Hash };
  /** The check that failed. */
  CONFORMANCE: { check: string };
  /** The id of the database that owns the backup. */
  OWNED_BY_OTHER: { owner: string };
  OUT_OF_RANGE: { size: number };
}

/**
 * What every failure of this package rejects (or, from `hash`, throws) with. Two exceptions
 * reach the caller as they are: what an `onProgress` callback throws, and an AbortSignal's
 * reason.
 */
export class CairnError extends Error {
  /** `fields`: the code's fields (`CairnErrorFields`), and `cause`. */
  constructor(code: ErrorCode, message: string, fields?: { cause?: unknown; [field: string]: unknown });
  code: ErrorCode;
  expected?: Hash;
  actual?: Hash;
  check?: string;
  owner?: string;
  size?: number;
}

/** A CairnError of one code, with its fields. */
export type CairnErrorOf<C extends ErrorCode> = CairnError & { code: C } & (C extends keyof CairnErrorFields
    ? CairnErrorFields[C]
    : unknown);

/** Every CairnError, as a union that a test of `code` narrows to the code's fields. */
export type AnyCairnError = { [C in ErrorCode]: CairnErrorOf<C> }[ErrorCode];

/** Whether `e` is a CairnError (of `code`, if given). */
export function isCairnError(e: unknown): e is AnyCairnError;
export function isCairnError<C extends ErrorCode>(e: unknown, code: C): e is CairnErrorOf<C>;

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
  /**
   * The chunk's bytes, checked against its hash, or undefined if the store lacks it. As with
   * Node's pooled `Buffer`s, a small chunk's array may be a view of an `ArrayBuffer` shared
   * with other arrays this returned (writing to it changes none of them): `slice()` one kept
   * long while others are dropped, to let the rest of its buffer go.
   */
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
  /** `free`, for `using`. */
  [Symbol.dispose](): void;
}

export interface VerifyProblem {
  kind:
    | 'manifest'
    | 'missingTable'
    | 'corruptTable'
    | 'corruptChunk'
    | 'missingRoot'
    | 'noManifest'
    | 'missingChunk'
    | 'undecodable';
  /** The table file concerned, where there is one. */
  table?: string;
  /** The chunk concerned (corruptChunk, missingChunk, undecodable) or the missing root. */
  hash?: Hash;
  message: string;
}

export interface VerifyReport {
  root: Hash;
  /** Table files the manifest lists. */
  tables: number;
  /** Table files read whole (all of them unless `subset`). */
  tablesRead: number;
  /** The `readDataSubset` checked, as 'n/t'; null when every table file was read. */
  subset: string | null;
  /** Chunks read and checked, in listed and orphan table files. */
  chunks: number;
  bytes: number;
  problems: VerifyProblem[];
  /** Table files in storage that the manifest does not list (left by interrupted writers). */
  orphans: string[];
  /**
   * What the root names whose every chunk is present and whole: `branch 'main'`, `tag 'v1'`,
   * `the working set of 'main'`, `remote-tracking branch 'origin/main'` (a database or
   * remote), or `snapshot 1a2b3c4d` (a backup). These restore.
   */
  intact: string[];
  /** ... and those missing a chunk or holding a damaged one. */
  damaged: string[];
}

/**
 * A chunk's address. Synchronous, so it cannot load the core itself: it throws
 * NOT_INITIALIZED until `init()` (or any other call of this package) has resolved. In Node the
 * core is loaded at import.
 */
export function hash(bytes: Uint8Array): Hash;

/**
 * Reads every table file of a store and checks every chunk against its hash, then walks from
 * the root through every dataset or snapshot: `problems` empty means every one of them
 * restores.
 */
export function verify(adapter: StorageAdapter, options?: VerifyOptions): Promise<VerifyReport>;

export interface VerifyOptions extends ProgressOptions {
  /**
   * 'n/t': read the data of slice n of t of the table files (restic's --read-data-subset);
   * run 1/t ... t/t in turn and every byte is checked after t runs. Every tree node is still
   * read and walked, so a missing chunk is always found.
   */
  readDataSubset?: string;
}

/**
 * The storage conformance suite against two adapters on one EMPTY store (as two processes or
 * tabs would hold it). Resolves to the names of the checks passed; rejects with CONFORMANCE.
 */
export function runConformance(a: StorageAdapter, b: StorageAdapter): Promise<string[]>;

/**
 * The store at an `s3://BUCKET[/PREFIX][?endpoint=URL&region=R&path-style=true]` or
 * `az://CONTAINER[/PREFIX][?endpoint=URL]` URL, as an adapter (for `ChunkStore.open`,
 * `verify`, `runConformance`). Every Repo method that takes a URL takes these too. Requests
 * go through `fetch`, signed with the settings in force: in Node, the environment
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`,
 * `AWS_ENDPOINT_URL`, `AWS_PROFILE` with `~/.aws/credentials`; `AZURE_STORAGE_ACCOUNT_NAME`,
 * `AZURE_STORAGE_ACCOUNT_KEY`, `AZURE_STORAGE_SAS_KEY`), as the native CLI; in a browser, what
 * `setObjectStoreSettings` gave. In a browser the bucket must allow the page's origin (CORS)
 * and expose the `ETag` header. NOT_INITIALIZED before `init()`; INVALID_ARGUMENT for a
 * malformed URL or a URL with credentials in it. The client is a second wasm module
 * (`cairn-db/wasm-net`, beside the core's), loaded the first time a store across the network
 * is opened: in Node there and then; in a browser the adapter's first call waits for it, and
 * what the client refuses on opening (settings it cannot use) rejects that call instead.
 */
export function objectStore(url: string): StorageAdapter;

/**
 * Replaces the settings of the object stores opened from now on, environment-style:
 * `{ AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION }` (temporary
 * credentials from your backend, scoped to the bucket and prefix, are the way to give a
 * browser access) or `{ AZURE_STORAGE_ACCOUNT_NAME, AZURE_STORAGE_SAS_KEY }`.
 */
export function setObjectStoreSettings(settings: Record<string, string>): void;

/**
 * The store at an `http://HOST[:PORT]/PATH` or `https://...` URL: a store `cairn serve` serves
 * (PATH under its folder), as an adapter (for `ChunkStore.open`, `verify`, `runConformance`).
 * Every Repo method that takes a URL, or a remote or backup name, takes these too, with the
 * same `ServerOptions`. Requests go through `fetch`; in a browser the server must allow the
 * page's origin (`cairn serve --cors-origin ORIGIN`). NOT_INITIALIZED before `init()`;
 * INVALID_ARGUMENT for a malformed URL, a URL with credentials in it, or a token for plain
 * `http://` to another machine (in a browser, the last rejects the adapter's first call: the
 * client loads on first use, as for `objectStore`).
 */
export function httpStore(url: string, options?: ServerOptions): StorageAdapter;

/** How a call reaches a store on a `cairn serve` server (`http://` and `https://` URLs). */
export interface ServerOptions {
  /**
   * The token `cairn serve token add` printed, sent as `Authorization: Bearer`. Default: in
   * Node, the `CAIRN_TOKEN` environment variable (as the native CLI); in a browser, none. It
   * goes over plain `http://` only to this machine (localhost, 127.0.0.0/8, ::1).
   */
  token?: string;
  /**
   * Headers added to every request: an `Authorization` header instead of `token`, or what a
   * proxy in front of the server needs. The headers of the protocol itself (`Range`,
   * `If-Match`, ...) cannot be replaced.
   */
  headers?: Record<string, string>;
}

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
  readManifest(): Promise<ManifestRead | undefined>;
  swapManifest(expected: string | undefined, next: Uint8Array): Promise<string | undefined>;
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
  /** Whether the IndexedDB database exists; one that does not is not created. */
  exists(): Promise<boolean>;
  /** The configuration text of a database kept in this store (`idb://` locations), or undefined. */
  readConfig(): Promise<string | undefined>;
  writeConfig(text: string): Promise<void>;
  /** Deletes the whole IndexedDB database: objects, manifest and configuration. */
  destroy(): Promise<void>;
  get(name: string): Promise<Uint8Array | undefined>;
  getRange(name: string, offset: number, length: number): Promise<Uint8Array | undefined>;
  put(name: string, bytes: Uint8Array): Promise<void>;
  list(): Promise<ObjectInfo[]>;
  delete(name: string): Promise<void>;
  readManifest(): Promise<ManifestRead | undefined>;
  swapManifest(expected: string | undefined, next: Uint8Array): Promise<string | undefined>;
}

// ---------------------------------------------------------------------------------------------
// Repositories: the Repo API.
//
// Locations. A database location is `mem://NAME` (a process-wide in-memory registry),
// `idb://NAME` (IndexedDB, browsers) or, in Node, `file://DIR` (the native CLI's layout:
// `DIR/.cairn/store/` and `DIR/.cairn/config`, so both open one database). A remote or backup
// URL names a store directly: `mem://NAME`, `idb://NAME`, `s3://...`, `az://...`,
// `http(s)://HOST/PATH` (a `cairn serve` server), or in Node `file://PATH` (the store
// directory itself). A relative `file://` URL of a remote or backup resolves against the
// database's directory, as the native CLI does.
// ---------------------------------------------------------------------------------------------

/** Who made a commit. */
export interface Author {
  name: string;
  email: string;
}

/**
 * A progress event of a long operation. Reading and checking table files (verify, and the
 * first half of a restore, a snapshot's export or a gc) and copying them whole know their
 * totals from the start. Copying chunks knows them from the start too where it follows that
 * reading; in a sync, a push or a fetch `chunksTotal` counts every chunk known to be missing
 * at the destination (it grows as the walk reads further, never shrinks), so `chunksDone /
 * chunksTotal` is the fraction to draw, and `bytesTotal` is the bytes copied so far.
 */
export interface SyncProgress {
  phase: 'checking table files' | 'copying table files' | 'copying chunks';
  chunksDone: number;
  chunksTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface ProgressOptions {
  /**
   * Called at least once per batch of work. What it throws stops the operation, which
   * rejects with that error (every store left as it was).
   */
  onProgress?: (event: SyncProgress) => void;
  /**
   * Stops the operation at its next batch: it rejects with the signal's reason (an
   * `AbortError` unless the caller gave another), every store left as it was.
   */
  signal?: AbortSignal;
}

/** @deprecated The DOM's name; use SyncProgress. */
export type ProgressEvent = SyncProgress;

/** Options of every call that opens or creates a database. */
export interface RepoOptions {
  /**
   * The author of commits; a missing field falls back to the config's `[user]`, then to
   * `cairn` and `<name>@localhost`.
   */
  author?: Partial<Author>;
  /** The clock for commits, backup snapshots, SQL's NOW() and DEFAULT CURRENT_TIMESTAMP (in SQL and imports), in ms since the epoch (default `Date.now`). */
  now?: () => number;
}

/** A SQL value: ints are numbers (bigints beyond 2^53), decimals (and bigint unsigned values past 2^63) strings of their exact digits, dates and times strings as MySQL prints them, blobs Uint8Arrays. */
export type SqlValue = null | number | bigint | string | boolean | Uint8Array;

/** A row as an object keyed by column name (`{ rowMode: 'object' }`). */
export type SqlRow = Record<string, SqlValue>;

export interface SqlOptions {
  /**
   * Values for the query's placeholders: an array for `?` (taken in order, across every
   * statement of the query), an object for `:name`. The core binds each value as one literal
   * whatever it spells, so they are safe to take from users. `undefined` is NULL.
   */
  params?: (SqlValue | undefined)[] | Record<string, SqlValue | undefined>;
  /**
   * Rows as arrays in column order (the default), or as objects keyed by column name; of
   * columns sharing a name, the last one's value is kept.
   */
  rowMode?: 'array' | 'object';
}

/** One statement's result: rows for SELECT and SHOW, `affected` for writes. */
export interface QueryResult<Row = SqlValue[]> {
  columns: string[];
  rows: Row[];
  /** Rows written, for INSERT, UPDATE, DELETE and DDL; absent for queries. */
  affected?: number;
}

/** A table import's or export's format: CSV (RFC 4180, a header row) or JSON (`{"rows": [...]}`). */
export type TableFileType = 'csv' | 'json';

/** Pieces of a file to import: UTF-8 bytes or text, in any split. */
export type ImportData =
  | string
  | Uint8Array
  | Iterable<string | Uint8Array>
  | AsyncIterable<string | Uint8Array>
  | ReadableStream<string | Uint8Array>;

export interface ImportOptions {
  /**
   * `'create'`: a new table, keyed by `pk`, its column types inferred from every value
   * (integers int or bigint, exact numbers decimal(p,s), numbers with an exponent double,
   * true/false bool, anything else text); `'update'`: insert the rows, or update the row of
   * the same key (columns the file lacks keep their values); `'replace'`: the table's rows
   * become the file's, its schema kept.
   */
  mode: 'create' | 'update' | 'replace';
  /** With `'create'`: the primary key's column, or columns. */
  pk?: string | string[];
  /** With `'create'`: replace a table of that name. */
  force?: boolean;
  /** Default `'csv'`. In CSV an empty field is NULL and `""` the empty string; in JSON, `null` and `""`. */
  fileType?: TableFileType;
}

/** What an import did (Dolt's summary). */
export interface ImportSummary {
  /** Records read from the file. */
  rows: number;
  inserted: number;
  /** Rows of a key the table had that changed (update). */
  updated: number;
  /** Rows equal to the one already there (update). */
  unchanged: number;
}

export interface ExportOptions {
  /** Default `'csv'`: a header row, NULL as an empty field, the empty string as `""`. JSON: `{"rows": [...]}`, decimals as strings. */
  fileType?: TableFileType;
  /** Give a ReadableStream of the text's pieces instead of the whole text. */
  stream?: boolean;
}

export type TableChange = 'new table' | 'modified' | 'deleted';

export interface TableStatus {
  name: string;
  change: TableChange;
}

export interface Status {
  branch: string;
  /** Staged root against the head commit's root. */
  staged: TableStatus[];
  /** Working root against the staged root, for tables the staged root has. */
  unstaged: TableStatus[];
  /** Tables in the working root that the staged root does not have. */
  untracked: string[];
  clean: boolean;
  /** While a merge is in progress, the tables it left with conflicts (empty once all are settled); null otherwise. */
  merging: string[] | null;
  /** The branch's upstream (`remote/branch`) and how the two differ, as `git status` says; null without one. */
  upstream: {
    name: string;
    /** The remote-tracking branch is missing (not fetched, or deleted on the remote). */
    gone: boolean;
    /** Commits the branch has and the upstream lacks. */
    ahead: number;
    /** Commits the upstream has and the branch lacks. */
    behind: number;
  } | null;
}

export interface Commit {
  hash: Hash;
  /** The root value committed. */
  root: Hash;
  parents: Hash[];
  author: string;
  email: string;
  timeMs: number;
  message: string;
  /** The names pointing at the commit, as `git log` decorates it: `HEAD -> main` first. */
  decorations: string[];
}

export type RowChange =
  | { kind: 'added'; row: SqlValue[] }
  | { kind: 'removed'; row: SqlValue[] }
  | { kind: 'modified'; old: SqlValue[]; new: SqlValue[] };

export interface TableDiff {
  name: string;
  change: TableChange;
  schemaChanged: boolean;
  /** The column names rows are shown in (the new schema, or the old one for a deleted table). */
  columns: string[];
  rows: RowChange[];
}

/** A branch, tag or remote-tracking branch (`remote/branch`) and the commit it points at. */
export interface Ref {
  name: string;
  hash: Hash;
}

export interface Branch extends Ref {
  /** Whether it is checked out (never for remote-tracking branches). */
  current: boolean;
  /** Whether it is a remote-tracking branch, named `remote/branch`. */
  remote: boolean;
}

/** A remote or backup: a name and the URL as given. */
export interface NamedUrl {
  name: string;
  url: string;
}

/** @deprecated The DOM's name; use NamedUrl. */
export type Location = NamedUrl;

export interface SyncStats {
  tableFiles: number;
  chunks: number;
  bytes: number;
  /** Of `chunks`, those a backup listed but had lost or damaged, written again by a sync. */
  repaired: number;
}

/** What a push changed: nothing (`updated: false`), or a branch moved from old to new. */
export interface Transfer {
  /** Whether any ref moved. */
  updated: boolean;
  /** The commit the branch (or tag) asked for was at (absent for a new one, or when it did not move). */
  old?: Hash;
  /** Where the ref asked for is now, if it moved. */
  new?: Hash;
  stats?: SyncStats;
  /** Push: every ref that moved on the remote, tags included. */
  refs?: RefUpdate[];
}

/** A branch or tag a push moved. */
export interface RefUpdate {
  name: string;
  kind: 'branch' | 'tag';
  /** Absent for a new one. */
  old?: Hash;
  new: Hash;
}

export interface PushOptions extends ProgressOptions, ServerOptions {
  /** Move a branch that is not a fast-forward, or a tag that points elsewhere there. */
  force?: boolean;
  /** Push every tag too. */
  tags?: boolean;
  /** The branch pushed follows the remote's from then on (`push -u`). */
  setUpstream?: boolean;
}

/** The remote branch a branch follows. */
export interface Upstream {
  remote: string;
  branch: string;
}

/**
 * What a merge, pull, revert or cherry-pick did: `upToDate` (nothing to merge), `fastForward`
 * (the branch moved to `commit`), `committed` (a new commit, `commit`), or `conflicts` (the
 * merge waits in the working set: see `conflicts(table)`, settle with `resolveConflicts`, then
 * `commit()`, or `abortMerge()`).
 */
export interface MergeResult {
  outcome: 'upToDate' | 'fastForward' | 'committed' | 'conflicts';
  /** The branch's new commit; null when up to date or waiting on conflicts. */
  commit: Hash | null;
  /** The tables left with conflicts. */
  conflicts: string[];
}

/** A pull's merge, with what its fetch copied. */
export interface PullResult extends MergeResult {
  stats: SyncStats;
}

/** Fast-forward options of merge and pull, as Git's `--ff-only` and `--no-ff`. */
export interface MergeOptions {
  /** false: always make a merge commit. Default true. */
  fastForward?: boolean;
  /** Fail with DIVERGED rather than make a merge commit. */
  fastForwardOnly?: boolean;
}

/** A conflicting row: its version in the merge base, ours and theirs (null: no such row there). */
export interface RowConflict {
  base: SqlValue[] | null;
  ours: SqlValue[] | null;
  theirs: SqlValue[] | null;
}

/**
 * A table's conflicts: rows (in the working table's `columns`), or a schema conflict given
 * as each side's CREATE TABLE statement (null: no such table there).
 */
export type TableConflicts =
  | { kind: 'rows'; columns: string[]; rows: RowConflict[] }
  | { kind: 'schema'; base: string | null; ours: string | null; theirs: string | null };

/** One snapshot of a backup. */
export interface Snapshot {
  /** What users type: 8 base32 characters. */
  id: string;
  /** When the sync ran, ms since the epoch. */
  timeMs: number;
  /** The database's dataset map at the time. */
  datasets: Hash;
  /** The branch checked out, checked out again by a restore. */
  head: string;
  /** The tags the sync was given, sorted (none for snapshots from before tags). */
  tags: string[];
  /** The sync's message, or `''`. */
  message: string;
  /** Bytes the sync wrote to the backup; null for snapshots from before this was recorded. */
  added: number | null;
  /** The id of the database that adopted the backup with this snapshot; null for a sync. */
  adoptedBy: string | null;
}

export interface BackupSyncResult {
  snapshot: Snapshot;
  /**
   * False when the latest snapshot already held the database's state (nothing written, but
   * what a repair wrote again: `stats.repaired`).
   */
  synced: boolean;
  stats: SyncStats;
  /**
   * The backup's table files found missing or unreadable: what the snapshot needed of them was
   * written again; older snapshots that used them may not restore (`verify` names them).
   */
  damagedTables: string[];
}

/** An encrypted backup's passphrase (docs/FORMAT.md, "Encrypted stores"). */
export interface PasswordOptions {
  /**
   * Opens an encrypted backup (or `.cairnbak` file); required for one, refused
   * (NOT_ENCRYPTED) for a backup that is not encrypted.
   */
  password?: string;
}

export interface BackupSyncOptions extends ProgressOptions, PasswordOptions {
  /** Make a new (empty) backup location an encrypted backup, with `password`. */
  encrypt?: boolean;
  /**
   * Read every chunk the snapshot reaches in the backup and write again any that is lost or
   * damaged (after `verify` found damage). Without it, only table files found missing or
   * unreadable are repaired.
   */
  repair?: boolean;
  /**
   * Tags for the snapshot, to find it by and keep it with `backupForget`'s `keepTags`: each 1 to
   * 100 characters without spaces, control characters or commas. A sync with tags or a message
   * always adds a snapshot, even when nothing changed since the last one.
   */
  tags?: string[];
  /** What the snapshot is for. */
  message?: string;
}

export interface Restored {
  repo: Repo;
  snapshot: Snapshot;
  stats: SyncStats;
  /**
   * The remotes whose remote-tracking branches came along. Their URLs are not in the backup:
   * `addRemote(name, url)` again to fetch from them.
   */
  remotes: string[];
  /** With `adopt`, the snapshot that records the adoption; else null. */
  adopted: Snapshot | null;
}

export interface RestoreOptions extends RepoOptions, ProgressOptions, ServerOptions {
  /** Restore this snapshot (an id from `backupSnapshots`) instead of the latest. */
  snapshot?: string;
  /** Replace a database at the location. */
  force?: boolean;
  /**
   * Make the new database the backup's writer, so that its syncs continue the backup's history
   * (after a disaster): the backup records the adoption as a snapshot, and the database it came
   * from can no longer sync there. Needs write access to the backup. If another database adopts
   * the backup, or its writer syncs, during the restore, CONFLICT and nothing is restored. Not
   * for `backupRestoreFile`.
   */
  adopt?: boolean;
}

/**
 * A retention policy, as restic's `forget` flags: what each part keeps is kept. Counts are
 * whole numbers, -1 for every one; at least one part must keep something (else
 * INVALID_ARGUMENT, as restic refuses an empty policy).
 */
export interface RetentionPolicy {
  keepLast?: number;
  /** The newest snapshot of each of the N newest hours (UTC) that have one. */
  keepHourly?: number;
  keepDaily?: number;
  /** ISO weeks. */
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
  /** Every snapshot newer than this before the newest one, as `'1y2m3d4h'`. */
  keepWithin?: string;
  /** Every snapshot carrying any of these tags. */
  keepTags?: string[];
}

export interface ForgetOptions extends ProgressOptions {
  /** Decide and report only; change nothing. */
  dryRun?: boolean;
  /** Also delete the data only the removed snapshots used, as `backupPrune` does. */
  prune?: boolean;
}

export interface ForgetResult {
  /**
   * The snapshots kept, newest first, each with restic's reasons (`'daily snapshot'`,
   * `'within 2d'`, `'tag pre-migration'`). The snapshot written last is always kept, the next
   * sync continuing from it: if the policy alone would drop it, its reason says so.
   */
  keep: { snapshot: Snapshot; reasons: string[] }[];
  /** The snapshots removed (or with `dryRun`, that would be), newest first. */
  remove: Snapshot[];
  dryRun: boolean;
  /** What the prune did, when `prune` ran one (only if something was removed); else null. */
  prune: { tableFilesWritten: number; tableFilesDeleted: number; bytesBefore: number; bytesAfter: number } | null;
}

/**
 * A backup export (`.cairnbak`) as `Repo.backupRestoreFile` takes it: whole, or as a stream of
 * pieces of any size, whichever the platform's `backupExport` gave (a ReadableStream in
 * browsers, a Readable, which is an async iterable, in Node), or a file read from disk or a
 * download (a Blob or File, read as a stream).
 */
export type BackupFile = Uint8Array | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * The static side of `Repo`: opening, creating and restoring databases, and the calls on a
 * remote or backup by URL. `File` is what `backupExport` resolves to: a web ReadableStream
 * from this entry, a Node Readable from the Node one (node.d.ts).
 */
export interface RepoStatic<File extends BackupFile> {
  readonly prototype: Repo;
  /**
   * Creates a database: branch `main` at an initial commit. ALREADY_EXISTS if one is there, or
   * (at `mem://` and `idb://`, where a database and a store share a name) a remote or backup.
   */
  init(location: string, options?: RepoOptions): Promise<Repo>;
  /** Opens a database; NOT_A_DATABASE if there is none (at `idb://`, creating nothing). */
  open(location: string, options?: RepoOptions): Promise<Repo>;
  /**
   * A new database from a remote: every branch and tag, `origin` set (a relative `file://`
   * URL is recorded absolute), the default branch checked out. A failure leaves nothing.
   * ALREADY_EXISTS as `init`.
   */
  clone(url: string, location: string, options?: RepoOptions & ProgressOptions & ServerOptions): Promise<Repo>;
  /**
   * A new database from a backup's latest snapshot (or `snapshot`): a new id, the snapshot's
   * branch checked out, no remotes or backups. Without `force`, ALREADY_EXISTS as `init`. A
   * failure leaves nothing behind (and with `force`, the old database as it was); the new
   * database replaces the old one whole (at `idb://` in one transaction, so that other tabs
   * see the old one or the new).
   */
  backupRestore(url: string, location: string, options?: RestoreOptions & PasswordOptions): Promise<Restored>;
  /** A backup's snapshots, oldest first. */
  backupSnapshots(url: string, options?: ServerOptions & PasswordOptions): Promise<Snapshot[]>;
  /** `backupPrune` of a backup by URL. */
  backupPrune(url: string, options: { keepLast: number } & ProgressOptions & ServerOptions & PasswordOptions): Promise<PruneResult>;
  /** `backupForget` of a backup by URL. */
  backupForget(url: string, policy: RetentionPolicy, options?: ForgetOptions & ServerOptions & PasswordOptions): Promise<ForgetResult>;
  /** Reads every table file of the store at `url` and checks every chunk. */
  verify(url: string, options?: VerifyOptions & ServerOptions & PasswordOptions): Promise<VerifyReport>;
  /**
   * A backup (or one snapshot of it) as one `.cairnbak` file, streamed: each piece (about
   * 1 MiB) is read from the backup, checked and made only when the stream's reader asks for
   * it, so memory stays flat whatever the backup's size (`new Response(stream).blob()` makes a
   * Blob of it; in Node, `pipeline(stream, createWriteStream(path))` a file). Progress and
   * `signal` follow the reading; a damaged chunk errors the stream. An encrypted backup's file
   * stays sealed (sealed whole, in memory).
   */
  backupExport(url: string, options?: ProgressOptions & ServerOptions & PasswordOptions & { snapshot?: string }): Promise<File>;
  /**
   * A new database from a `.cairnbak` file's latest snapshot; options as `backupRestore`. The
   * file is read piece by piece as it comes and unpacked (in Node into a temporary folder:
   * `.DIR.unpacked-PID` beside a `file://DIR` database, else in `os.tmpdir()`, which `TMPDIR`
   * sets; in a browser into a temporary IndexedDB database), so memory holds one table file at
   * a time; nothing is restored unless its checksum matches.
   */
  backupRestoreFile(
    file: BackupFile,
    location: string,
    options?: Omit<RestoreOptions, 'adopt'> & PasswordOptions,
  ): Promise<Restored>;
}

/**
 * A versioned database. Every method runs one operation against the store, starting from its
 * current state (what other handles, processes and tabs wrote is seen), and, where it changes
 * the configuration (checkout, remotes, backups), writes the configuration back. Operations
 * may be started without awaiting the previous one; they run in order.
 */
export interface Repo {
  /** The location this database was opened at. */
  readonly location: string;
  /** The checked-out branch. */
  readonly currentBranch: string;
  /** The database's id (a backup records it as its owner). */
  readonly id: string;

  /**
   * Re-reads the store to see what other handles, processes and tabs wrote. Every operation
   * starts from the current state anyway (and a write from a stale one rejects with CONFLICT,
   * naming what changed, or for SQL runs again), so reload is rarely needed.
   */
  reload(): Promise<void>;
  /**
   * Runs SQL statements against the working set; one result per statement. Values go in
   * `options.params`, never into the text: `sql('select * from t where id = ?', { params: [1] })`.
   * A transaction (`BEGIN` ... `COMMIT` or `ROLLBACK`) may span calls: the statements between
   * read and write its own state (so do `queryPage`'s), saved only by COMMIT; meanwhile this
   * Repo's other writes reject with TRANSACTION_OPEN. See docs/SQL.md, "Transactions".
   * Dolt's procedures commit, branch and merge from a script, signed with the `author` option
   * (or the config's user): `sql("insert ...; call dolt_commit('-am', 'rows')")`. See
   * docs/SQL.md, "Version control from SQL".
   */
  sql(query: string, options?: SqlOptions & { rowMode?: 'array' }): Promise<QueryResult[]>;
  sql(query: string, options: SqlOptions & { rowMode: 'object' }): Promise<QueryResult<SqlRow>[]>;
  sql(query: string, options?: SqlOptions): Promise<QueryResult<SqlValue[] | SqlRow>[]>;
  /**
   * Streams one SELECT's rows without holding the whole result: `for await (const row of
   * repo.query('select * from t'))`. Every page reads the working set as it was at the first
   * one. Rows come a page (`pageSize`, default 1000) at a time where they follow the primary
   * key; a query that needs its whole result first (ORDER BY another column, COUNT, LIMIT)
   * comes as one page.
   */
  query(query: string, options?: SqlOptions & { rowMode?: 'array'; pageSize?: number }): AsyncGenerator<SqlValue[]>;
  query(query: string, options: SqlOptions & { rowMode: 'object'; pageSize?: number }): AsyncGenerator<SqlRow>;
  status(): Promise<Status>;
  /**
   * Imports CSV or JSON into `table` of the working set, as `cairn table import` does,
   * reading `data` piece by piece. Values are checked as INSERT checks them; the first one
   * refused rejects with INVALID_DATA naming its line (CSV) or row (JSON), and nothing is
   * imported.
   */
  importTable(table: string, data: ImportData, options: ImportOptions): Promise<ImportSummary>;
  /** Every row of `table` in the working set, in primary-key order, as CSV or JSON text. */
  exportTable(table: string, options: ExportOptions & { stream: true }): ReadableStream<string>;
  exportTable(table: string, options?: ExportOptions & { stream?: false }): Promise<string>;
  /** Stages tables: names, or '.' for every change. */
  add(tables: string | string[]): Promise<void>;
  /**
   * Commits the staged tables (with `all`, every change). NOTHING_TO_COMMIT unless `allowEmpty`.
   * With `amend`, the new commit replaces the branch's last one (its parents, and its message
   * unless `message` gives another), as `git commit --amend` does.
   */
  commit(options?: { message?: string; all?: boolean; allowEmpty?: boolean; amend?: boolean }): Promise<Commit>;
  /** Commits from `start` (default HEAD) following first parents, newest first. */
  log(options?: { start?: string; limit?: number }): Promise<Commit[]>;
  /** Local branches, and with `all` the remote-tracking ones after them. */
  branches(options?: { all?: boolean }): Promise<Branch[]>;
  /** Creates a branch at `start` (default HEAD); resolves to its commit. */
  createBranch(name: string, start?: string): Promise<Hash>;
  /** Deletes a branch; BRANCH_NOT_MERGED (or UNCOMMITTED_CHANGES on it) unless `force`, as `branch -d` and `-D`. */
  deleteBranch(name: string, options?: { force?: boolean }): Promise<void>;
  /**
   * Merges `ref` into the current branch: a fast-forward where possible, else a three-way merge,
   * cell by cell, that commits (`message`, default "Merge ...") or leaves conflicts to settle.
   */
  merge(ref: string, options?: MergeOptions & { message?: string }): Promise<MergeResult>;
  /** Drops the merge in progress and its conflicts: back to the branch's commit. */
  abortMerge(): Promise<void>;
  /** The conflicts the merge in progress left in `table`. */
  conflicts(table: string): Promise<TableConflicts>;
  /** Settles `table`'s conflicts with our side, their side, or (neither) the rows as edited now. */
  resolveConflicts(table: string, options?: { ours?: boolean; theirs?: boolean }): Promise<void>;
  /** Commits the inverse of commit `ref`'s changes. */
  revert(ref: string): Promise<MergeResult>;
  /** Commits commit `ref`'s changes again on the current branch. */
  cherryPick(ref: string): Promise<MergeResult>;
  /** Switches branch; with `create`, creates it at `start` (default HEAD, bringing uncommitted work). */
  checkout(name: string, options?: { create?: boolean; start?: string }): Promise<void>;
  tags(): Promise<Ref[]>;
  /** Tags `ref` (default HEAD); resolves to the commit tagged. */
  createTag(name: string, ref?: string): Promise<Hash>;
  deleteTag(name: string): Promise<void>;
  /**
   * Without `hard`, unstages everything. With `hard`, moves the branch to `ref` (default HEAD)
   * and discards uncommitted changes; resolves to the commit it is now at.
   */
  reset(options?: { hard?: boolean; ref?: string }): Promise<Hash | undefined>;
  /** Working against staged; `cached`: staged against HEAD; `ref`: working against ref. */
  diff(options?: { cached?: boolean; ref?: string }): Promise<TableDiff[]>;
  /** Tables in the working set, or at `ref`. */
  ls(ref?: string): Promise<string[]>;
  /** Resolves a branch, tag, `remote/branch`, `HEAD~N` or commit hash to a commit. */
  resolve(ref: string): Promise<Hash>;

  remotes(): Promise<NamedUrl[]>;
  addRemote(name: string, url: string): Promise<void>;
  /** Removes a remote and its remote-tracking branches. */
  removeRemote(name: string): Promise<void>;
  /**
   * Pushes as `cairn push [--tags] [-u] REMOTE REF` does: `ref`, a branch or a tag (default:
   * the current branch, unless only `tags` are pushed), and with `tags` every tag. A branch
   * moves only by fast-forward and a tag only where the remote lacks it, else
   * NON_FAST_FORWARD or ALREADY_EXISTS, unless `force`. `setUpstream`: the branch pushed
   * follows the remote's from then on. `remote` undefined: the current branch's upstream's
   * (BRANCH_NOT_FOUND without one).
   */
  push(remote: string | undefined, ref?: string, options?: PushOptions): Promise<Transfer>;
  /** The remote branch `branch` (default: the current one) follows, or null. */
  upstream(branch?: string): Promise<Upstream | null>;
  /** Makes `branch` follow `remote`'s branch of the same name (as `push -u` does). */
  setUpstream(branch: string, remote: string): Promise<void>;
  /** A setting of this database's config (`user.name`, `user.email`, `remote.NAME.url`, ...), or undefined, as `cairn config KEY`. */
  getConfig(key: string): Promise<string | undefined>;
  /** Every setting of this database's config, as `cairn config --list`. */
  listConfig(): Promise<Record<string, string>>;
  /** Sets `user.name` or `user.email` in this database's config: who commits when no `author` option is given. */
  setConfig(key: 'user.name' | 'user.email', value: string): Promise<void>;
  /** Removes `user.name` or `user.email`; INVALID_ARGUMENT if it is not set. */
  unsetConfig(key: 'user.name' | 'user.email'): Promise<void>;
  /** Copies every branch and tag of a remote, updating the remote-tracking branches. */
  fetch(remote?: string, options?: ProgressOptions & ServerOptions): Promise<SyncStats>;
  /** Fetches, then merges `remote/branch` (default: the current branch's name) as `merge` does. */
  pull(remote: string, branch?: string, options?: ProgressOptions & ServerOptions & MergeOptions): Promise<PullResult>;

  backups(): Promise<NamedUrl[]>;
  addBackup(name: string, url: string): Promise<void>;
  /** Forgets a backup; its contents stay where they are. */
  removeBackup(name: string): Promise<void>;
  /** Adds a snapshot of the whole database to the named backup, copying only what it lacks. */
  backupSync(name: string, options?: BackupSyncOptions & ServerOptions): Promise<BackupSyncResult>;
  /** `backupSync` to a URL that is not configured as a backup. */
  backupSyncUrl(url: string, options?: BackupSyncOptions & ServerOptions): Promise<BackupSyncResult>;
  /** A backup's snapshots (by configured name or URL), oldest first. */
  backupSnapshots(nameOrUrl: string, options?: ServerOptions & PasswordOptions): Promise<Snapshot[]>;
  /**
   * Drops all but the newest `keepLast` snapshots of a backup (by configured name or URL) and
   * deletes the table files only they used, and files an interrupted sync left 15 minutes ago.
   */
  backupPrune(nameOrUrl: string, options: { keepLast: number } & ProgressOptions & ServerOptions & PasswordOptions): Promise<PruneResult>;
  /**
   * Removes the snapshots of a backup (by configured name or URL) that a retention policy does
   * not keep, with restic's semantics (UTC calendar periods), never the one written last;
   * with `prune`, also the data only they used.
   */
  backupForget(nameOrUrl: string, policy: RetentionPolicy, options?: ForgetOptions & ServerOptions & PasswordOptions): Promise<ForgetResult>;
  /** Checks every chunk of this database's store. */
  verify(options?: VerifyOptions): Promise<VerifyReport>;
  /**
   * Releases the wasm memory once the operations already started have settled, and resolves
   * then; later calls reject with INVALID_ARGUMENT. Closing twice is harmless.
   */
  close(): Promise<void>;
  /** `close`, for `await using repo = await Repo.open(...)`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Repo's static side; a Repo comes only from it (`init`, `open`, `clone`, the restores). */
export const Repo: RepoStatic<ReadableStream<Uint8Array>>;

export interface PruneResult {
  snapshotsRemoved: number;
  snapshotsKept: number;
  /** Table files the kept snapshots' chunks were rewritten into. */
  tableFilesWritten: number;
  tableFilesDeleted: number;
  /** The backup's live table files' size before and after. */
  bytesBefore: number;
  bytesAfter: number;
}

