// IndexedDbAdapter's manifest record in headless Chromium: versions, a two-connection race,
// a layout-1 record (bare bytes) read as version 0 and upgraded, and a damaged record.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch, NO_CHROMIUM, page as newPage, serve } from './chromium.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

test('IndexedDbAdapter: manifest versions, layout-1 records and damaged records', { skip: NO_CHROMIUM, timeout: 120_000 }, async (t) => {
  const server = await serve(ROOT);
  t.after(server.close);
  const chromium = await launch();
  t.after(chromium.close);
  const problems = [];
  const page = await newPage(chromium.context, problems);
  await page.goto(`${server.url}/test/browser/blank.html`);
  const stamp = Date.now();
  const step = (fn) =>
    page.evaluate(
      async ([fn, name]) => (await import('./idb-manifest.js'))[fn](name).catch((e) => ({ error: `${e.code} ${e.stack}` })),
      [fn, `${fn}-${stamp}`],
    );

  const legacy = await step('legacy');
  assert.equal(legacy.error, undefined, legacy.error);
  assert.deepEqual(legacy.before, { bytes: 'cairn-manifest 1\nold\n', version: '0' });
  assert.equal(legacy.fromNone, undefined);
  assert.equal(legacy.fromOne, undefined);
  assert.equal(legacy.fromZero, '1');
  assert.equal(legacy.again, undefined);
  assert.deepEqual(legacy.after, { bytes: 'new', version: '1' });
  assert.deepEqual(legacy.record, { keys: ['bytes', 'version'], bytes: 'new', version: 1 });

  const versions = await step('versions');
  assert.equal(versions.error, undefined, versions.error);
  assert.equal(versions.first, '1');
  assert.equal(versions.same, '2', 'identical bytes are a new version');
  assert.equal(versions.bogus, undefined);
  assert.deepEqual(versions.races, Array(20).fill({ won: 1, readerSeesWinner: true }));
  assert.equal(versions.last, '22');

  const damaged = await step('damaged');
  assert.equal(damaged.error, undefined, damaged.error);
  const why = /the manifest record of cairn:damaged-\d+ is neither \{ bytes, version \} nor a Uint8Array/;
  assert.match(damaged.read, why);
  assert.match(damaged.swap, why);
  assert.match(damaged.open, /^IO /);
  assert.match(damaged.open, why);
  assert.deepEqual(problems, []);
});
