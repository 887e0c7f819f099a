// Headless Chromium for the browser tests and the IndexedDB bench: a read-only static server
// for a folder, and Debian's chromium driven by playwright-core (which cannot download one).

import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const NO_CHROMIUM = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (apt-get install chromium)`;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/**
 * Serves `root` read-only on a random loopback port (its node_modules only with `modules`);
 * resolves to `{ url, close }`.
 */
export async function serve(root, { modules = false } = {}) {
  const server = createServer(async (request, response) => {
    const path = normalize(join(root, decodeURIComponent(new URL(request.url, 'http://x').pathname)));
    try {
      const hidden = !modules && path.slice(root.length).split(sep).includes('node_modules');
      if (!path.startsWith(root) || hidden) throw new Error('outside');
      // Validators, as static hosts send them: a page loaded again revalidates, and Chromium
      // may reuse the wasm module's compiled code from its cache.
      const { mtimeMs, size } = await stat(path);
      const etag = `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
      const headers = { etag, 'cache-control': 'no-cache' };
      if (request.headers['if-none-match'] === etag) return response.writeHead(304, headers).end();
      const body = await readFile(path);
      response.writeHead(200, { ...headers, 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * Chromium with a fresh profile; `close()` closes it and removes the profile. `options` go to
 * playwright's launchPersistentContext (downloads, viewport, ...).
 */
export async function launch(options = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'cairn-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...options,
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
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** A new page that records uncaught errors and console errors into `problems`. */
export async function page(context, problems) {
  const p = await context.newPage();
  p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  p.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  return p;
}
