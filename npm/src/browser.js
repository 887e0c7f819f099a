// The package in the browser: the wasm core, fetched from beside this package on first use
// (bundlers follow the URL) or from where `init` says, the adapters that work in a browser,
// and the Repo API with `idb://` and `mem://` locations, and `s3://` and `az://` remotes and
// backups (settings from `setObjectStoreSettings`); backup files are web streams.

import * as idb from './locations/idb.js';
import { schemes } from './locations/index.js';

schemes.set('idb', idb);

export * from './common.js';
