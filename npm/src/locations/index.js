// URLs and locations. A URL is `scheme://path`; each scheme (mem, and per platform file or
// idb) is a module the entry point registers, with:
//   store(path, base, { create, token, headers })
//                                  resolves to the StorageAdapter of a remote or backup
//                                  store; without `create`, rejects with NOT_FOUND where
//                                  nothing is; `token` and `headers` reach a server's store
//   place(path, base)              a canonical name, so that two spellings compare equal
//   absolute(path, base)           the URL as recorded by clone (relative paths resolved)
//   database(path)                 a database location: { adapter, readConfig(),
//                                  writeConfig(text), create(force, build) }
//   check(path)                    optional: throws if the rest of the URL is malformed
// A database location may also have `staging()`: where a backup file is unpacked before its
// restore there, as `platform.staging()` below.
// `base` is the directory of the database a remote or backup belongs to (file:// only).

import { MemoryAdapter } from '../adapters/memory.js';
import { CairnError } from '../errors.js';
import { scheme as bucket } from './bucket.js';
import { scheme as served } from './http.js';
import * as memory from './memory.js';

export const schemes = new Map([
  ['mem', memory],
  ['s3', bucket('s3')],
  ['az', bucket('az')],
  ['http', served('http')],
  ['https', served('https')],
]);

/**
 * How the platform hands out and takes in a `.cairnbak` file. Unless an entry replaces them:
 *   toStream(next, free)  a web ReadableStream of the pieces `next()` resolves to (undefined at
 *                         the end), asking for one only when its reader wants one; `free()`
 *                         once it ends, fails or is cancelled
 *   staging()             where a file is unpacked before its restore, unless the database's
 *                         location says: { adapter, remove() }
 */
export const platform = {
  toStream(next, free) {
    return new ReadableStream(
      {
        async pull(controller) {
          try {
            const piece = await next();
            if (piece !== undefined) return controller.enqueue(piece);
            free();
            controller.close();
          } catch (e) {
            free();
            throw e;
          }
        },
        cancel: free,
      },
      // No piece is made before a read asks for it.
      { highWaterMark: 0 },
    );
  },
  async staging() {
    return { adapter: new MemoryAdapter(), remove: async () => {} };
  },
};

function parse(url) {
  const at = typeof url === 'string' ? url.indexOf('://') : -1;
  if (at < 0) {
    throw new CairnError('INVALID_ARGUMENT', `invalid URL '${url}': expected SCHEME://PATH (${[...schemes.keys()].join(', ')})`);
  }
  const name = url.slice(0, at).toLowerCase();
  const scheme = schemes.get(name);
  if (!scheme) {
    throw new CairnError('INVALID_ARGUMENT', `invalid URL '${url}': the scheme '${name}' is not supported here`);
  }
  const path = url.slice(at + 3);
  if (!path) throw new CairnError('INVALID_ARGUMENT', `invalid URL '${url}': it names no path`);
  return { name, scheme, path };
}

/** Checks that a URL parses and names a supported scheme, without touching the place. */
export function checkUrl(url) {
  const { scheme, path } = parse(url);
  scheme.check?.(path);
}

/**
 * Resolves to the store a remote or backup URL names. `options`: `create`, and the
 * credentials of a server's store, `token` and `headers` (a call's own options pass through).
 */
export async function openStore(url, base, { create = false, token, headers } = {}) {
  const { scheme, path } = parse(url);
  return scheme.store(path, base, { create, token, headers });
}

/** Whether two URLs name one place, seen from `base` (the native CLI's `same_place`). */
export function samePlace(base) {
  return (a, b) => {
    try {
      const [x, y] = [parse(a), parse(b)];
      return x.name === y.name && x.scheme.place(x.path, base) === y.scheme.place(y.path, base);
    } catch {
      return a === b;
    }
  };
}

/** The URL with a relative path made absolute, as `clone` records its origin. */
export function absoluteUrl(url, base) {
  const { name, scheme, path } = parse(url);
  return `${name}://${scheme.absolute(path, base)}`;
}

/** A database location: `mem://NAME`, `idb://NAME`, `file://DIR`. */
export function databaseAt(location) {
  const { scheme, path } = parse(location);
  return scheme.database(path);
}
