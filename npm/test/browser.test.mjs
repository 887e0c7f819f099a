// The package's browser entry in headless Chromium: the conformance suite on IndexedDB, a
// ChunkStore round trip, and the Repo API on IndexedDB (persisted across a reload, backed up,
// restored, exported as a file that the native CLI restores). Serves the npm folder from
// 127.0.0.1 and drives Debian's chromium with playwright-core (see chromium.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, NO_CHROMIUM, page as newPage, serve } from './chromium.mjs';
import { nativeCairn, runIn, tempDir } from './helpers.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Chromium and the npm folder served, both closed when `t` ends. */
async function browser(t) {
  const server = await serve(ROOT);
  t.after(server.close);
  const chromium = await launch();
  t.after(chromium.close);
  return { base: server.url, context: chromium.context };
}

test(
  'browser: IndexedDB conformance and a chunk store round trip',
  { skip: NO_CHROMIUM, timeout: 180_000 },
  async (t) => {
    const { base, context } = await browser(t);
    const problems = [];
    const page = await newPage(context, problems);
    await page.goto(`${base}/test/browser/index.html`);
    const ready = await page
      .waitForFunction(() => window.cairnResults !== undefined, null, { timeout: 30_000 })
      .catch(() => false);
    assert.ok(ready, `the test page did not start: ${problems.join('; ') || 'no error reported'}`);
    const results = await page.evaluate(() => window.cairnResults);
    assert.equal(results.error, undefined, results.error);

    assert.equal(results.conformance.length, 11, results.conformance.join(', '));
    const trip = results.roundTrip;
    assert.ok(trip.tables >= 5, `${trip.tables} table files`);
    assert.ok(trip.rootMatches);
    assert.equal(trip.chunksBack, trip.chunks);
    assert.deepEqual(trip.verify.problems, []);
    assert.deepEqual(trip.verify.orphans, []);
    assert.equal(trip.verify.chunks, trip.chunks);
    assert.equal(trip.badHashCode, 'INVALID_ARGUMENT');
    assert.equal(results.hashAbc, 'cgrr7b1o8p8j7vtm7dqieekdml4cam26');
    assert.deepEqual(problems, []);
  },
);

test(
  'browser: a Repo on IndexedDB persists across a reload, backs up, restores and exports a file the native CLI restores',
  { skip: NO_CHROMIUM, timeout: 300_000 },
  async (t) => {
    const { base, context } = await browser(t);
    const problems = [];
    const page = await newPage(context, problems);
    await page.goto(`${base}/test/browser/blank.html`);
    const name = `repo-${Date.now()}`;
    const step = (fn) =>
      page.evaluate(
        async ([fn, name]) => (await import('./repo.js'))[fn](name).catch((e) => ({ error: `${e.code} ${e.stack}` })),
        [fn, name],
      );
    const created = await step('create');
    assert.equal(created.error, undefined, created.error);
    assert.deepEqual(created.cloned, { tables: ['t'], status: true }, 'a clone has the commits, not the working set');
    assert.equal(created.missing, 'NOT_FOUND');
    assert.equal(created.notBackup, 'IS_A_BACKUP');
    assert.equal(created.badCloneLeft, 'NOT_A_DATABASE', 'a failed clone leaves nothing behind');

    await page.reload();
    const after = await step('reopen');
    assert.equal(after.error, undefined, after.error);
    for (const state of [after.persisted, after.restored]) {
      assert.deepEqual(state.rows, ['one', 'two']);
      assert.match(state.status, /Untracked files:[\s\S]*new table: {6}not_committed/);
      assert.deepEqual(state.tags, ['v1']);
      assert.deepEqual(state.log, ['first rows', 'Initialize data repository']);
    }
    assert.deepEqual(after.persisted.backups, [{ name: 'b', url: `idb://${name}-backup` }]);
    assert.deepEqual(after.restored.backups, []);
    assert.equal(after.snapshot, created.snapshot);
    assert.equal(after.exists, 'ALREADY_EXISTS');
    assert.ok(after.fileIsBlob);

    // The browser's backup file, restored by the native CLI.
    const dir = await tempDir(t);
    await writeFile(join(dir, 'browser.cairnbak'), Buffer.from(after.file, 'base64'));
    const restore = runIn(dir, [nativeCairn()], ['--quiet', 'backup', 'restore', 'browser.cairnbak', 'db']);
    assert.equal(restore.status, 0, restore.stderr);
    const status = runIn(join(dir, 'db'), [nativeCairn()], ['status']);
    assert.match(status.stdout, /new table: {6}not_committed/);
    const rows = runIn(join(dir, 'db'), [nativeCairn()], ['sql', '-q', 'select name from t', '-r', 'csv']);
    assert.equal(rows.stdout, 'name\none\ntwo\n');
    assert.deepEqual(problems, []);
  },
);
