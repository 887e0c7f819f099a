// Node and native writers racing on one store directory: both speak the manifest-version
// protocol (numbered files published with link(2)), so no update is lost across them.

import { test } from 'node:test';
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from './helpers.mjs';
import { checkIncrements, INCREMENT_WRITER } from './increments.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** The native `cairn-test-writer` (tests/bin/test_writer.rs), built by cargo. */
function nativeWriter() {
  const args = ['build', '--quiet', '-p', 'cairn-tests', '--bin', 'cairn-test-writer'];
  const built = spawnSync('cargo', args, { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`cargo build failed: ${built.stderr}`);
  return join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug', 'cairn-test-writer');
}

test('Node and native writers in four processes lose no update and never win from one version twice', { timeout: 600_000 }, async (t) => {
  const native = nativeWriter();
  const dir = await tempDir(t);
  // The native writers start faster and run longer, so the Node ones start in their midst.
  const outputs = await Promise.all([
    run(native, ['increment', dir, '100']),
    run(process.execPath, [INCREMENT_WRITER, dir, '50']),
    run(native, ['increment', dir, '100']),
    run(process.execPath, [INCREMENT_WRITER, dir, '50']),
  ]);
  await checkIncrements(dir, outputs.map(({ stdout }) => stdout), 300);
});
