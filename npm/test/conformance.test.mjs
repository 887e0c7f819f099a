// The core's storage conformance suite, run through the wasm build against the Node adapters.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryAdapter, NodeFsAdapter, runConformance } from '../src/node.js';
import { tempDir } from './helpers.mjs';

const CHECKS = 10;

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
  // Answers every swap with "done" without comparing: a lost-update bug.
  class CasIgnoringAdapter extends MemoryAdapter {
    async swapManifest(expected, next) {
      await super.swapManifest(await this.readManifest(), next);
      return true;
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
