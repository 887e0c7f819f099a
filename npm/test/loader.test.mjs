// The browser entry's loader, run in Node: importing loads nothing (no top-level await), a
// failed load is an INIT_FAILED rejection that a later init may retry, and init takes a
// compiled WebAssembly.Module, as an app sharing one module across workers passes it. This
// file must not import the Node entry, which loads the core at import.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { hash, init, isCairnError, Repo } from '../src/browser.js';

const WASM = new URL('../dist/cairn_wasm_bg.wasm', import.meta.url);

test('the browser entry loads the core on init, once; before it, hash is NOT_INITIALIZED', async () => {
  assert.throws(() => hash(new Uint8Array(0)), (e) => isCairnError(e, 'NOT_INITIALIZED'));

  const failed = await init(new Uint8Array([0, 1, 2, 3])).catch((e) => e);
  assert.ok(isCairnError(failed, 'INIT_FAILED'), String(failed));
  assert.ok(failed.cause instanceof WebAssembly.CompileError);
  assert.throws(() => hash(new Uint8Array(0)), (e) => isCairnError(e, 'NOT_INITIALIZED'));

  const module = await WebAssembly.compile(await readFile(WASM));
  const loading = init(module);
  assert.equal(init(), loading, 'a second call while loading waits for the first');
  await loading;
  assert.equal(hash(new Uint8Array(0)), 'ls9kjeflv6gqd8209nl3dn6996dsm9e9');
  await init(new Uint8Array([0])); // loaded already: the source is not looked at

  const repo = await Repo.init('mem://loader');
  assert.deepEqual(await repo.ls(), []);
  await repo.close();
});
