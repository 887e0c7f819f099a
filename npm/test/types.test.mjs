// The hand-written declarations (index.d.ts, node.d.ts) compile under `tsc --strict`, with
// usage files that call the public API as a user's code would, resolved through the
// package's own `exports` under both Node's and bundlers' resolution.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

for (const [resolution, config] of [
  ['nodenext', 'test/types/tsconfig.json'],
  ['bundler', 'test/types/tsconfig.bundler.json'],
]) {
  test(`the TypeScript declarations compile with a strict user (moduleResolution ${resolution})`, () => {
    const out = spawnSync(process.execPath, [tsc, '-p', config], { cwd: PACKAGE, encoding: 'utf8' });
    assert.equal(out.status, 0, out.stdout + out.stderr);
  });
}
