// `http://HOST[:PORT]/PATH` and `https://...`: a store on a `cairn serve` server
// (docs/PROTOCOL.md), for remotes and backups, in Node and the browser. The client is the
// native CLI's (cairn-object's HttpStorage, compiled to wasm in the network module,
// ./network.js) sending through `fetch`; this module only supplies the credentials.
//
// The token is `options.token`, else (in Node) `CAIRN_TOKEN` from the environment, as for the
// native CLI. `options.headers` adds headers to every request (an `Authorization` header
// instead of a token, or a proxy's). A page's origin must be allowed by the server
// (`cairn serve --cors-origin ORIGIN`).

import * as core from '../../dist/cairn_wasm.js';
import { CairnError, toCairnError } from '../errors.js';
import { assertReady } from '../init.js';
import { source } from './bucket.js';
import { networkStore, openNetworkStore } from './network.js';

function checkCredentials(token, headers) {
  if (token !== undefined && typeof token !== 'string') {
    throw new CairnError('INVALID_ARGUMENT', 'token is a string (one that `cairn serve token add` printed)');
  }
  const plain = headers !== null && typeof headers === 'object' && !Array.isArray(headers);
  if (headers !== undefined && !(plain && Object.values(headers).every((v) => typeof v === 'string'))) {
    throw new CairnError('INVALID_ARGUMENT', 'headers is an object of header names and string values');
  }
}

/** How the network module opens `url` with these credentials, once they and the URL check out. */
function opener(url, { token, headers } = {}) {
  checkCredentials(token, headers);
  // An Authorization header is the token; the environment's is only the default.
  const authorized = Object.keys(headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
  const sent = token ?? (authorized ? undefined : source.env.CAIRN_TOKEN);
  try {
    core.httpStorePlace(url); // a malformed URL is refused here, before any module loads
  } catch (e) {
    throw toCairnError(e);
  }
  return (net) => net.openHttpStore(url, sent, headers);
}

/** The store adapter of an `http://` or `https://` URL (for a ChunkStore, or `verify`). */
export function httpStore(url, options) {
  assertReady('httpStore()');
  return networkStore(opener(url, options));
}

/** The scheme module (see ./index.js) of `http` or `https`. */
export function scheme(name) {
  const url = (path) => `${name}://${path}`;
  return {
    // A server has no "nothing here" to refuse: a path without a store is an empty one.
    store: async (path, _base, credentials) => openNetworkStore(opener(url(path), credentials)),
    place: (path) => core.httpStorePlace(url(path)),
    absolute: (path) => path,
    check: (path) => core.httpStorePlace(url(path)),
    database() {
      throw new CairnError('INVALID_ARGUMENT', `a database lives in a folder or in IndexedDB; ${name}:// holds remotes and backups`);
    },
  };
}
