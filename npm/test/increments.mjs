// The race tests' counter: writer processes that each add one to a counter manifest
// ("count N") a number of times, and the check of what they left.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Node writer: `node INCREMENT_WRITER DIR COUNT` (see increment.mjs). */
export const INCREMENT_WRITER = fileURLToPath(new URL('increment.mjs', import.meta.url));

/**
 * Checks the store `dir` after increment writers (increment.mjs, `cairn-test-writer
 * increment`) printed `outputs`: `total` increments in all, the newest version is `total` and
 * holds `count <total>`, and every version from none to total - 1 was won from exactly once.
 */
export async function checkIncrements(dir, outputs, total) {
  const wonFrom = outputs.flatMap((out) => out.split('\n').filter(Boolean));
  assert.equal(wonFrom.length, total);
  const newest = (await readdir(join(dir, 'manifests'))).filter((n) => /^\d{20}$/.test(n)).sort().at(-1);
  assert.equal(Number(newest), total);
  assert.equal(await readFile(join(dir, 'manifests', newest), 'utf8'), `count ${total}`);
  const expected = ['none', ...Array.from({ length: total - 1 }, (_, i) => String(i + 1))];
  assert.deepEqual([...wonFrom].sort(), expected.sort(), 'a version was won from twice, or never');
}
