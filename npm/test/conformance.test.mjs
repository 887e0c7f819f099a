// The core's storage conformance suite, run through the wasm build against the Node adapters,
// and the wasm side's checks of what an adapter answers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkStore, MemoryAdapter, NodeFsAdapter, runConformance } from '../src/node.js';
import { EMPTY_ROOT } from './data.mjs';
import { tempDir } from './helpers.mjs';

const CHECKS = 11;

test('MemoryAdapter passes the conformance suite', async () => {
  const a = new MemoryAdapter();
  const passed = await runConformance(a, a.handle());
  assert.equal(passed.length, CHECKS, passed.join(', '));
});

test('NodeFsAdapter passes the conformance suite', async (t) => {
  const dir = await tempDir(t);
  const passed = await runConformance(new NodeFsAdapter(dir), new NodeFsAdapter(dir));
  assert.equal(passed.length, CHECKS, passed.join(', '));
});

test('an adapter that breaks the contract fails with CONFORMANCE and the check', async () => {
  // Swaps from whatever version is current instead of comparing: a lost-update bug.
  class CasIgnoringAdapter extends MemoryAdapter {
    async swapManifest(expected, next) {
      return super.swapManifest((await this.readManifest())?.version, next);
    }
  }
  const a = new CasIgnoringAdapter();
  await assert.rejects(runConformance(a, a.handle()), (e) => {
    assert.equal(e.code, 'CONFORMANCE');
    assert.equal(e.check, 'manifest compare-and-swap');
    assert.match(e.message, /expecting no manifest replaced one/);
    return true;
  });
});

test('an adapter answering in the wrong shape fails with IO and says what it returned', async () => {
  // Bare bytes and booleans: the contract before manifest versions.
  class BareBytesAdapter extends MemoryAdapter {
    async readManifest() {
      return (await super.readManifest())?.bytes;
    }
  }
  class BooleanSwapAdapter extends MemoryAdapter {
    async swapManifest(expected, next) {
      return (await super.swapManifest(expected, next)) !== undefined;
    }
  }
  const seeded = new BareBytesAdapter();
  await seeded.swapManifest(undefined, new Uint8Array([1]));
  await assert.rejects(ChunkStore.open(seeded), (e) => {
    assert.equal(e.code, 'IO');
    assert.match(e.message, /readManifest.*not \{ bytes: Uint8Array, version: string \} or undefined/);
    return true;
  });
  const store = await ChunkStore.open(new BooleanSwapAdapter());
  await assert.rejects(store.commit(EMPTY_ROOT, await store.put(new Uint8Array([1]))), (e) => {
    assert.equal(e.code, 'IO');
    assert.match(e.message, /swapManifest.*returned true, not the new version \(a string\) or undefined/);
    return true;
  });
});
