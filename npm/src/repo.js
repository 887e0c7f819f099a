// The Repo API (class `Repo` in index.d.ts) over the wasm `Repo`: resolves locations and URLs
// to adapters, keeps the configuration where the location stores it, supplies the clock and
// authors. Every decision about the data, and new ids, are the core's. Every method loads the
// core first and turns the core's errors into CairnErrors.

import { backupForget, backupPrune, backupSnapshots, bundleReader, bundleWriter, openBackupStore, Repo as Core, newId, verify } from '../dist/cairn_wasm.js';

import { boundary, CairnError } from './errors.js';
import { withCore } from './init.js';
import { absoluteUrl, checkUrl, databaseAt, openStore, platform, samePlace } from './locations/index.js';

/** The core's verify of the store behind `adapter`; `options`: `{ readDataSubset: 'n/t', onProgress, signal }`. */
export function verifyStore(adapter, { readDataSubset, onProgress, signal } = {}) {
  return verify(adapter, readDataSubset, onProgress, signal);
}

const clock = (options) => options?.now ?? Date.now;

/**
 * The store of a backup at `url`, as the core opens it: sealed with `password` when it is
 * encrypted (`encrypt`: a new, empty one is made encrypted). The sealing is the wasm core's.
 */
async function backupAt(url, base, { token, headers, password, encrypt } = {}, create = false) {
  const store = await openStore(url, base, { create, token, headers });
  return openBackupStore(store, password, encrypt === true);
}

/** Where a remote or backup URL, relative or absolute, is seen from: the database directory. */
const baseOf = (at) => at.dir;

/** The URL of a configured remote or backup, or the core's error for a missing one. */
function urlOf(list, name, code, what) {
  const found = list.find((l) => l.name === name);
  if (!found) throw new CairnError(code, `${what} '${name}' not found`);
  return found.url;
}

/** Builds a new database at `location` (all or nothing); resolves to the open Repo and `value`. */
async function create(location, force, options, build) {
  const at = databaseAt(location);
  const value = await at.create(force, build);
  return { repo: await Repo.open(location, options), value };
}

/** Restores from `src`; `adoptUrl`: the backup's absolute URL, when the new database adopts it. */
async function restoreFrom(src, location, options = {}, adoptUrl = undefined) {
  const { repo, value } = await create(location, options.force, options, async (dst) => {
    const now = clock(options)();
    const restored = await Core.backupRestore(src, dst, options.snapshot, newId(), adoptUrl, now, options.onProgress, options.signal);
    return { config: restored.config, value: restored };
  });
  const { snapshot, stats, remotes, adopted } = value;
  return { repo, snapshot, stats, remotes, adopted };
}

/**
 * The pieces of a backup file as an async iterable: a Uint8Array whole, a Blob or web
 * ReadableStream read piece by piece, a Node Readable or any async iterable as it is.
 */
function piecesOf(file) {
  if (file instanceof Uint8Array) return [file];
  if (typeof file?.stream === 'function' && typeof file?.arrayBuffer === 'function') return piecesOf(file.stream());
  if (typeof file?.getReader === 'function') {
    return {
      async *[Symbol.asyncIterator]() {
        const reader = file.getReader();
        try {
          for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value;
        } finally {
          // A stream that failed midway is cancelled, not left locked.
          await reader.cancel().catch(() => {});
          reader.releaseLock();
        }
      },
    };
  }
  if (typeof file?.[Symbol.asyncIterator] === 'function') return file;
  throw new CairnError('INVALID_ARGUMENT', 'a backup file is a Uint8Array, a Blob, a ReadableStream or a Node Readable');
}

/** The core's fast-forward mode from merge and pull options, as Git's --ff-only and --no-ff. */
function fastForwardMode({ fastForward = true, fastForwardOnly = false }) {
  return fastForwardOnly ? 'only' : fastForward ? 'allow' : 'never';
}

export class Repo {
  #core;
  #at;
  #location;
  #options;
  #config;
  #queue = Promise.resolve();
  #closed = false;

  constructor(token, core, at, location, options, config) {
    if (token !== Repo.#token) throw new TypeError('use Repo.init, Repo.open or Repo.clone');
    [this.#core, this.#at, this.#location, this.#options, this.#config] = [core, at, location, options, config];
    // SQL's DATABASE() is named after the location, as the command line names it after the folder.
    core.nameDatabaseAfter(String(location));
  }

  static #token = Symbol('Repo');

  static init(location, options = {}) {
    return withCore(async () => {
      const now = clock(options)();
      const author = { name: options.author?.name ?? 'cairn', email: options.author?.email };
      author.email ??= `${author.name}@localhost`;
      const made = create(location, false, options, async (adapter) => {
        const core = await Core.init(adapter, newId(), author.name, author.email, now);
        const { text } = await core.config();
        core.free();
        return { config: text };
      });
      const { repo } = await made.catch(async (e) => {
        // The location's message offers `force`, which init has not; one about a store stays.
        const database = e.code === 'ALREADY_EXISTS' && (await databaseAt(location).readConfig()) !== undefined;
        throw database ? new CairnError(e.code, `${location} already holds a cairn database`) : e;
      });
      return repo;
    });
  }

  static open(location, options = {}) {
    return withCore(async () => {
      const at = databaseAt(location);
      const text = await at.readConfig();
      if (text === undefined) {
        throw new CairnError('NOT_A_DATABASE', `${location} is not a cairn database (run init, or open another location)`);
      }
      const core = await Core.open(at.adapter, text);
      return new Repo(Repo.#token, core, at, location, options, await core.config());
    });
  }

  static clone(url, location, options = {}) {
    return withCore(async () => {
      const remote = await openStore(url, undefined, options);
      const origin = absoluteUrl(url, undefined);
      const { repo } = await create(location, false, options, async (adapter) => {
        const core = await Core.clone(adapter, remote, origin, newId(), options.onProgress, options.signal);
        const { text } = await core.config();
        core.free();
        return { config: text };
      });
      return repo;
    });
  }

  static backupRestore(url, location, options = {}) {
    return withCore(async () => {
      // The new database syncs from its own location: it remembers the backup absolutely.
      const adoptUrl = options.adopt === true ? absoluteUrl(url, undefined) : undefined;
      return restoreFrom(await backupAt(url, undefined, options), location, options, adoptUrl);
    });
  }

  static backupRestoreFile(file, location, options = {}) {
    return withCore(async () => {
      const pieces = piecesOf(file);
      if (options.adopt === true) {
        throw new CairnError('INVALID_ARGUMENT', 'a backup file cannot be adopted: adopt the backup it was exported from, by its URL');
      }
      // Unpacked where the database goes when its location says where (a folder beside it).
      const at = databaseAt(location);
      const staging = await (at.staging?.() ?? platform.staging());
      try {
        const reader = await bundleReader(staging.adapter, options.password);
        try {
          for await (const piece of pieces) {
            if (!(piece instanceof Uint8Array)) {
              throw new CairnError('INVALID_ARGUMENT', `a backup file's stream gives Uint8Arrays, not ${typeof piece}`);
            }
            await reader.push(piece);
          }
          await reader.finish();
        } catch (e) {
          await reader.abort();
          throw e;
        } finally {
          reader.free();
        }
        return await restoreFrom(staging.adapter, location, options);
      } finally {
        await staging.remove();
      }
    });
  }

  static backupSnapshots(url, options) {
    return withCore(async () => backupSnapshots(await backupAt(url, undefined, options)));
  }

  static backupPrune(url, options) {
    return withCore(async () => prune(await backupAt(url, undefined, options), options));
  }

  static backupForget(url, policy, options) {
    return withCore(async () => forget(await backupAt(url, undefined, options), policy, options));
  }

  static verify(url, options) {
    return withCore(async () => verifyStore(await backupAt(url, undefined, options), options));
  }

  static backupExport(url, options = {}) {
    return withCore(async () => {
      const store = await openStore(url, undefined, options);
      const writer = await bundleWriter(store, options.snapshot, options.onProgress, options.signal, options.password);
      // Pieces are made only as the consumer reads: the core reads the store no further ahead.
      let freed = false;
      const free = () => {
        if (!freed) writer.free();
        freed = true;
      };
      return platform.toStream(() => boundary(() => writer.next()), free);
    });
  }

  get location() {
    return this.#location;
  }

  get currentBranch() {
    return this.#config.head;
  }

  get id() {
    return this.#config.id;
  }

  /** Runs `op(core)` after every earlier operation; writes the configuration back if it changed. */
  #run(op) {
    if (this.#closed) return Promise.reject(new CairnError('INVALID_ARGUMENT', `the Repo at ${this.#location} is closed`));
    const result = this.#queue.then(() =>
      boundary(async () => {
        try {
          return await op(this.#core);
        } finally {
          const config = await this.#core.config();
          if (config.text !== this.#config.text) await this.#at.writeConfig(config.text);
          this.#config = config;
        }
      }),
    );
    this.#queue = result.catch(() => {});
    return result;
  }

  /** Who makes a new commit, and when: the core's author arguments (name, email, time). */
  #signature() {
    const given = this.#options.author ?? {};
    const name = given.name ?? this.#config.userName ?? 'cairn';
    const email = given.email ?? this.#config.userEmail ?? `${name}@localhost`;
    return [name, email, clock(this.#options)()];
  }

  /** Resolves to the store at a URL, seen from this database; `token` and `headers` from a call's options. */
  #store(url, create, { token, headers } = {}) {
    return openStore(url, baseOf(this.#at), { create, token, headers });
  }

  #remote(name, create, options) {
    return this.#store(urlOf(this.#config.remotes, name, 'REMOTE_NOT_FOUND', 'remote'), create, options);
  }

  /** A configured backup's name, or a URL: resolves to its store. */
  #backup(nameOrUrl, create, options) {
    const url = nameOrUrl.includes('://')
      ? nameOrUrl
      : urlOf(this.#config.backups, nameOrUrl, 'BACKUP_NOT_FOUND', 'backup');
    return backupAt(url, baseOf(this.#at), options, create);
  }

  /** Re-reads the store; every operation does so first, so this is rarely needed. */
  reload() {
    return this.#run((core) => core.reload());
  }

  /** `params` are bound by the core to the statements' tokens, never spliced into the text. */
  sql(query, options = {}) {
    if (Array.isArray(options)) {
      return Promise.reject(new CairnError('INVALID_ARGUMENT', 'bound values go in the options: sql(query, { params })'));
    }
    const { params, rowMode = 'array' } = options ?? {};
    if (rowMode !== 'array' && rowMode !== 'object') {
      const message = `rowMode is 'array' or 'object', not ${JSON.stringify(rowMode)}`;
      return Promise.reject(new CairnError('INVALID_ARGUMENT', message));
    }
    return this.#run(async (core) => {
      const results = await core.sql(query, params, ...this.#signature());
      return rowMode === 'array' ? results : results.map(withObjectRows);
    });
  }

  /**
   * Streams one SELECT's rows, a page at a time, all from the working set as it was at the
   * first page: `for await (const row of repo.query(sql))`.
   */
  async *query(query, options = {}) {
    const { params, rowMode = 'array', pageSize = 1000 } = options ?? {};
    if (rowMode !== 'array' && rowMode !== 'object') {
      throw new CairnError('INVALID_ARGUMENT', `rowMode is 'array' or 'object', not ${JSON.stringify(rowMode)}`);
    }
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 2 ** 32 - 1) {
      throw new CairnError('INVALID_ARGUMENT', `pageSize must be a whole number from 1, got ${pageSize}`);
    }
    let at;
    let after;
    // Every page reads the first page's state, and its time.
    const now = clock(this.#options)();
    do {
      const page = await this.#run((core) => core.queryPage(query, params, at, after, pageSize, now));
      ({ at, after } = page);
      yield* rowMode === 'array' ? page.rows : withObjectRows(page).rows;
    } while (after !== undefined);
  }

  status() {
    return this.#run((core) => core.status());
  }

  /**
   * Imports CSV or JSON into `table` of the working set, as `cairn table import` does (the
   * core's one implementation): `data` is a string, a Uint8Array, an iterable or async
   * iterable of those (a Node stream), or a ReadableStream of them, read piece by piece.
   */
  importTable(table, data, options = {}) {
    const { mode, pk, force = false, fileType = 'csv' } = options ?? {};
    const keys = typeof pk === 'string' ? [pk] : pk;
    // The clock DEFAULT CURRENT_TIMESTAMP columns the file leaves out take.
    const now = clock(this.#options)();
    return this.#run((core) => core.importTable(table, fileType, mode, keys, force === true, pieces(data), now));
  }

  /**
   * A table of the working set as CSV or JSON text, in primary-key order, as `cairn table
   * export` writes it: resolves to the text, or with `{ stream: true }` is a ReadableStream
   * of its pieces.
   */
  exportTable(table, options = {}) {
    const { fileType = 'csv', stream = false } = options ?? {};
    if (!stream) {
      return this.#run(async (core) => {
        const text = [];
        await core.exportTable(table, fileType, (piece) => text.push(piece));
        return text.join('');
      });
    }
    return new ReadableStream({
      start: (controller) => {
        const written = this.#run((core) => core.exportTable(table, fileType, (piece) => controller.enqueue(piece)));
        written.then(
          () => controller.close(),
          (e) => controller.error(e),
        );
      },
    });
  }

  add(tables) {
    const all = tables === '.' || (Array.isArray(tables) && tables.includes('.'));
    return this.#run((core) => core.add(all ? undefined : [tables].flat()));
  }

  commit({ message = '', all = false, allowEmpty = false, amend = false } = {}) {
    const author = this.#signature();
    return this.#run((core) => core.commit(message, all, allowEmpty, amend, ...author));
  }

  log({ start, limit } = {}) {
    return this.#run((core) => core.log(start, limit));
  }

  branches({ all = false } = {}) {
    return this.#run(async (core) => {
      const head = this.#config.head;
      const local = (await core.branches()).map((b) => ({ ...b, current: b.name === head, remote: false }));
      const remote = all ? (await core.remoteBranches()).map((b) => ({ ...b, current: false, remote: true })) : [];
      return [...local, ...remote];
    });
  }

  createBranch(name, start) {
    return this.#run((core) => core.createBranch(name, start));
  }

  deleteBranch(name, { force = false } = {}) {
    return this.#run((core) => core.deleteBranch(name, force));
  }

  merge(ref, options = {}) {
    const mode = fastForwardMode(options);
    const author = this.#signature();
    return this.#run((core) => core.merge(ref, mode, options.message, ...author));
  }

  abortMerge() {
    return this.#run((core) => core.abortMerge());
  }

  conflicts(table) {
    return this.#run((core) => core.conflicts(table));
  }

  resolveConflicts(table, { ours = false, theirs = false } = {}) {
    if (ours && theirs) {
      return Promise.reject(new CairnError('INVALID_ARGUMENT', 'resolveConflicts takes { ours: true } or { theirs: true }, not both'));
    }
    return this.#run((core) => core.resolveConflicts(table, ours ? 'ours' : theirs ? 'theirs' : 'edited'));
  }

  revert(ref) {
    const author = this.#signature();
    return this.#run((core) => core.revert(ref, ...author));
  }

  cherryPick(ref) {
    const author = this.#signature();
    return this.#run((core) => core.cherryPick(ref, ...author));
  }

  checkout(name, { create = false, start } = {}) {
    return this.#run((core) => (create ? core.checkoutNew(name, start) : core.checkout(name)));
  }

  tags() {
    return this.#run((core) => core.tags());
  }

  createTag(name, ref) {
    return this.#run((core) => core.createTag(name, ref));
  }

  deleteTag(name) {
    return this.#run((core) => core.deleteTag(name));
  }

  reset({ hard = false, ref } = {}) {
    if (ref !== undefined && !hard) {
      return Promise.reject(new CairnError('INVALID_ARGUMENT', 'reset to a ref needs hard: true'));
    }
    return this.#run((core) => (hard ? core.resetHard(ref) : core.resetSoft()));
  }

  diff({ cached = false, ref } = {}) {
    return this.#run((core) => core.diff(cached, ref));
  }

  ls(ref) {
    return this.#run((core) => core.ls(ref));
  }

  resolve(ref) {
    return this.#run((core) => core.resolve(ref));
  }

  remotes() {
    return this.#run(async () => this.#config.remotes.map((r) => ({ ...r })));
  }

  addRemote(name, url) {
    return this.#run((core) => {
      checkUrl(url);
      return core.addRemote(name, url, samePlace(baseOf(this.#at)));
    });
  }

  removeRemote(name) {
    return this.#run((core) => core.removeRemote(name));
  }

  /**
   * As `cairn push [--tags] [-u] REMOTE REF`: `ref` a branch or a tag (default: the current
   * branch, unless only `tags` are pushed), with `tags` every tag too, with `setUpstream` the
   * branch follows the remote from then on; `remote` undefined is the current branch's
   * upstream's.
   */
  push(remote, ref, options = {}) {
    const { force = false, tags = false, setUpstream = false, onProgress, signal } = options ?? {};
    return this.#run(async (core) => {
      const name = remote ?? (await core.upstream(undefined, true)).remote;
      const store = await this.#remote(name, true, options);
      return core.push(name, store, ref, force === true, tags === true, setUpstream === true, onProgress, signal);
    });
  }

  /** The remote branch `branch` (default: the current one) follows, `{ remote, branch }`, or null. */
  upstream(branch) {
    return this.#run((core) => core.upstream(branch, false));
  }

  /** Makes `branch` follow `remote`'s branch of its name, for `push` and `pull` without a remote. */
  setUpstream(branch, remote) {
    return this.#run((core) => core.setUpstream(branch, remote));
  }

  /** A setting of this database's config (`user.name`, `user.email`, `remote.NAME.url`...), or undefined. */
  getConfig(key) {
    return this.#run((core) => core.configGet(key));
  }

  /** Every setting of this database's config, as `cairn config --list`: `{ key: value }`. */
  listConfig() {
    return this.#run((core) => core.configList());
  }

  /** Sets `user.name` or `user.email` in this database's config (who commits, unless `author` is given). */
  setConfig(key, value) {
    if (typeof value !== 'string') {
      return Promise.reject(new CairnError('INVALID_ARGUMENT', `a config value is a string, got ${typeof value}`));
    }
    return this.#run((core) => core.configSet(key, value));
  }

  /** Removes `user.name` or `user.email` from this database's config; INVALID_ARGUMENT if not set. */
  unsetConfig(key) {
    return this.#run((core) => core.configSet(key, undefined));
  }

  fetch(remote = 'origin', options = {}) {
    const { onProgress, signal } = options;
    return this.#run(async (core) => core.fetch(remote, await this.#remote(remote, false, options), onProgress, signal));
  }

  pull(remote, branch, options = {}) {
    const { onProgress, signal } = options;
    const mode = fastForwardMode(options);
    const author = this.#signature();
    return this.#run(async (core) =>
      core.pull(remote, await this.#remote(remote, false, options), branch, mode, ...author, onProgress, signal),
    );
  }

  backups() {
    return this.#run(async () => this.#config.backups.map((b) => ({ ...b })));
  }

  addBackup(name, url) {
    return this.#run((core) => {
      checkUrl(url);
      return core.addBackup(name, url, samePlace(baseOf(this.#at)));
    });
  }

  removeBackup(name) {
    return this.#run((core) => core.removeBackup(name));
  }

  backupSync(name, options = {}) {
    return this.#run(async (core) => {
      const url = urlOf(this.#config.backups, name, 'BACKUP_NOT_FOUND', 'backup');
      return this.#backupSync(core, url, options);
    });
  }

  backupSyncUrl(url, options = {}) {
    return this.#run((core) => this.#backupSync(core, url, options));
  }

  async #backupSync(core, url, options) {
    const { onProgress, signal, repair = false, tags, message } = options;
    const store = await this.#backup(url, true, options);
    return core.backupSync(store, url, clock(this.#options)(), repair === true, tags, message, onProgress, signal);
  }

  backupSnapshots(nameOrUrl, options) {
    return this.#run(async () => backupSnapshots(await this.#backup(nameOrUrl, false, options)));
  }

  backupPrune(nameOrUrl, options) {
    return this.#run(async () => prune(await this.#backup(nameOrUrl, false, options), { now: this.#options.now, ...options }));
  }

  backupForget(nameOrUrl, policy, options) {
    return this.#run(async () => forget(await this.#backup(nameOrUrl, false, options), policy, { now: this.#options.now, ...options }));
  }

  verify(options) {
    return this.#run(() => verifyStore(this.#at.adapter, options));
  }

  /** Resolves once the operations already started have settled and the handle is freed. */
  close() {
    if (!this.#closed) {
      this.#closed = true;
      this.#queue = this.#queue.then(() => {
        this.#core.free();
        return this.#at.adapter.close?.();
      });
    }
    return this.#queue;
  }
}
// `await using repo = await Repo.open(...)` closes it, where the runtime has the symbol.
if (Symbol.asyncDispose) Repo.prototype[Symbol.asyncDispose] = Repo.prototype.close;

const encoder = new TextEncoder();

/** One piece of import data as bytes: text is UTF-8. */
function asBytes(piece) {
  if (typeof piece === 'string') return encoder.encode(piece);
  if (piece instanceof Uint8Array) return piece;
  if (ArrayBuffer.isView(piece)) return new Uint8Array(piece.buffer, piece.byteOffset, piece.byteLength);
  if (piece instanceof ArrayBuffer) return new Uint8Array(piece);
  throw new CairnError('INVALID_ARGUMENT', `import data is text or bytes (a string or a Uint8Array), got ${typeof piece}`);
}

/** Import data as the core reads it: a function resolving to the next piece, null at the end. */
function pieces(data) {
  if (typeof data === 'string' || ArrayBuffer.isView(data) || data instanceof ArrayBuffer) {
    let given = false;
    return async () => (given ? null : ((given = true), asBytes(data)));
  }
  if (typeof data?.getReader === 'function') {
    const reader = data.getReader();
    return async () => {
      const { done, value } = await reader.read();
      return done ? null : asBytes(value);
    };
  }
  const iterator = data?.[Symbol.asyncIterator]?.() ?? data?.[Symbol.iterator]?.();
  if (typeof iterator?.next !== 'function') {
    throw new CairnError('INVALID_ARGUMENT', 'import data is a string, a Uint8Array, an (async) iterable of them or a ReadableStream');
  }
  return async () => {
    const { done, value } = await iterator.next();
    return done ? null : asBytes(value);
  };
}

/**
 * A result with each row as an object keyed by column name. Of columns sharing a name (`a.id,
 * b.id`), the last wins, as in node-postgres and better-sqlite3; `fromEntries` defines every
 * key as an own property, so a column named `__proto__` is a plain key too.
 */
function withObjectRows({ columns, rows, ...rest }) {
  return { columns, rows: rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]]))), ...rest };
}

function prune(adapter, { keepLast, onProgress, signal, now } = {}) {
  if (!Number.isInteger(keepLast) || keepLast < 0 || keepLast > 2 ** 32 - 1) {
    return Promise.reject(new CairnError('INVALID_ARGUMENT', `keepLast must be a whole number, got ${keepLast}`));
  }
  return backupPrune(adapter, keepLast, (now ?? Date.now)(), undefined, onProgress, signal);
}

/** The core's forget: the policy goes as given, for the core to check. */
function forget(adapter, policy, { dryRun = false, prune = false, onProgress, signal, now } = {}) {
  return backupForget(adapter, policy, dryRun === true, prune === true, (now ?? Date.now)(), onProgress, signal);
}
