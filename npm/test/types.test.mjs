// The hand-written declarations (index.d.ts, node.d.ts) compile under `tsc --strict`, with a
// usage file that calls the public API as a user's code would.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

test('the TypeScript declarations compile with a strict user of every public call', () => {
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  const out = spawnSync(process.execPath, [tsc, '-p', 'test/types/tsconfig.json'], { cwd: PACKAGE, encoding: 'utf8' });
  assert.equal(out.status, 0, out.stdout + out.stderr);
});
