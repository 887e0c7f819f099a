// The package in the browser: the wasm core, fetched beside this module (bundlers follow the
// URL), the adapters that work in a browser, and the Repo API with `idb://` and `mem://`
// locations; backup files are Blobs.

import init from '../wasm/cairn_wasm.js';
import * as idb from './locations/idb.js';
import { platform, schemes } from './locations/index.js';

await init();
schemes.set('idb', idb);
platform.toFile = (parts) => new Blob(parts, { type: 'application/octet-stream' });

export * from './common.js';
