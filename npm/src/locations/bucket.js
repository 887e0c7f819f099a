// `s3://BUCKET[/PREFIX][?endpoint=URL&region=R&path-style=true]` and `az://CONTAINER[/PREFIX]`
// for remotes and backups, in Node and the browser: the native CLI's client (cairn-object,
// compiled to wasm in the network module, ./network.js) sending its requests through `fetch`.
// URL parsing, signing, retries and the manifest swap all happen in Rust; this module only
// supplies the settings.
//
// Settings are environment-style names (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
// `AWS_SESSION_TOKEN`, `AWS_REGION`, `AWS_ENDPOINT_URL`, `AWS_PROFILE`,
// `AZURE_STORAGE_ACCOUNT_NAME`, `AZURE_STORAGE_ACCOUNT_KEY`, `AZURE_STORAGE_SAS_KEY`, ...).
// Node reads them from `process.env` (and `AWS_PROFILE`'s shared files); a browser has none
// until the app calls `setObjectStoreSettings`.

import * as core from '../../dist/cairn_wasm.js';
import { CairnError, toCairnError } from '../errors.js';
import { assertReady } from '../init.js';
import { networkStore, openNetworkStore } from './network.js';

/** Where settings come from: `{ env, readFile }`, replaced by each platform's entry. */
export const source = { env: {}, readFile: undefined };

/** The settings given to the next stores opened, instead of the platform's own. */
export function setObjectStoreSettings(settings) {
  if (settings === null || typeof settings !== 'object') {
    throw new CairnError('INVALID_ARGUMENT', 'setObjectStoreSettings takes an object of settings, such as { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY }');
  }
  source.env = { ...settings };
  source.readFile = undefined;
}

/** How the network module opens `url` with the settings now in force, once the URL checks out. */
function opener(url) {
  try {
    core.objectStorePlace(url); // a malformed URL is refused here, before any module loads
  } catch (e) {
    throw toCairnError(e);
  }
  const { env, readFile } = source;
  return (net) => net.openObjectStore(url, env, readFile);
}

/** The store adapter of an `s3://` or `az://` URL (for a ChunkStore, or `verify`). */
export function objectStore(url) {
  assertReady('objectStore()');
  return networkStore(opener(url));
}

/** The scheme module (see ./index.js) of `s3` or `az`. */
export function scheme(name) {
  const url = (path) => `${name}://${path}`;
  return {
    // A bucket has no "nothing here" to refuse: an empty prefix is an empty store.
    store: async (path) => openNetworkStore(opener(url(path))),
    place: (path) => core.objectStorePlace(url(path)),
    absolute: (path) => path,
    check: (path) => core.objectStorePlace(url(path)),
    database() {
      throw new CairnError('INVALID_ARGUMENT', `a database lives in a folder or in IndexedDB; ${name}:// holds remotes and backups`);
    },
  };
}
