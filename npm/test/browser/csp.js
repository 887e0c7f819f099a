// Runs in Chromium under a Content-Security-Policy, driven by ../browser.test.mjs (csp.html
// allows WebAssembly, csp-strict.html does not): the package imports either way, and a load
// the policy refuses is an INIT_FAILED rejection the page can catch.

import { hash, init, isCairnError, Repo } from '../../src/browser.js';

async function run() {
  const outcome = (promise) =>
    promise.then(
      () => 'ok',
      (e) => (isCairnError(e) ? e.code : `not a CairnError: ${e}`),
    );
  // The wasm's URL as an app gives it, here the package's own file.
  const loaded = await outcome(init(new URL('../../dist/cairn_wasm_bg.wasm', import.meta.url)));
  const repo = await outcome(Repo.init(`mem://csp-${Date.now()}`));
  let hashed;
  try {
    hashed = hash(new Uint8Array(0));
  } catch (e) {
    hashed = e.code;
  }
  return { loaded, repo, hashed };
}

window.cspResults = run().catch((e) => ({ error: String(e) }));
