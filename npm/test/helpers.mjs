// Node-only test helpers.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory, removed when the test `t` ends. */
export async function tempDir(t) {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
