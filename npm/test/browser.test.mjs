// The package's browser entry in headless Chromium: the conformance suite on IndexedDB and a
// ChunkStore round trip. Serves the npm folder from 127.0.0.1 and drives Debian's chromium
// with playwright-core (which cannot download a browser here).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { tempDir } from './helpers.mjs';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/** Serves the npm folder read-only on a random loopback port; resolves to its base URL. */
async function serve(t) {
  const server = createServer(async (request, response) => {
    const path = normalize(join(ROOT, decodeURIComponent(new URL(request.url, 'http://x').pathname)));
    try {
      if (!path.startsWith(ROOT) || path.split(sep).includes('node_modules')) throw new Error('outside');
      const body = await readFile(path);
      response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${server.address().port}`;
}

test(
  'browser: IndexedDB conformance and a chunk store round trip',
  { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (apt-get install chromium)`, timeout: 180_000 },
  async (t) => {
    const base = await serve(t);
    const context = await chromium.launchPersistentContext(await tempDir(t), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    let results;
    const problems = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
      await page.goto(`${base}/test/browser/index.html`);
      const ready = await page
        .waitForFunction(() => window.cairnResults !== undefined, null, { timeout: 30_000 })
        .catch(() => false);
      assert.ok(ready, `the test page did not start: ${problems.join('; ') || 'no error reported'}`);
      results = await page.evaluate(() => window.cairnResults);
    } finally {
      // Before the profile directory is removed.
      await context.close();
    }
    assert.equal(results.error, undefined, results.error);

    assert.equal(results.conformance.length, 10, results.conformance.join(', '));
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
