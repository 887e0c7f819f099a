// The demo's static server: web-demo/ at `/`, and the cairn-db package's browser files (src/
// and the wasm build) at `/npm/`, on 127.0.0.1 only. Run `node web-demo/serve.mjs [port]`.

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DEMO = fileURLToPath(new URL('.', import.meta.url));
const NPM = fileURLToPath(new URL('../npm/', import.meta.url));
// Only what the page imports from the package: never its node_modules or tests.
const NPM_SERVED = ['src', 'wasm'];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

/** The file behind a URL path, or undefined for anything outside the served folders. */
function resolve(urlPath) {
  const path = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath);
  const [root, rest] = path.startsWith('/npm/') ? [NPM, path.slice('/npm/'.length)] : [DEMO, path];
  const file = normalize(join(root, rest));
  if (!file.startsWith(root)) return undefined;
  const parts = file.slice(root.length).split(sep);
  if (parts.includes('node_modules')) return undefined;
  if (root === NPM && !NPM_SERVED.includes(parts[0])) return undefined;
  return file;
}

/** Starts the server; resolves to it once it listens (port 0: any free port). */
export async function serve(port = 0) {
  const server = createServer(async (request, response) => {
    const file = resolve(new URL(request.url, 'http://localhost').pathname);
    const body = file && (await readFile(file).catch(() => undefined));
    if (!body) return response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      // The page is a demo of the code in this checkout: always serve the current build.
      'cache-control': 'no-store',
    });
    response.end(body);
  });
  await new Promise((done, fail) => server.once('error', fail).listen(port, '127.0.0.1', done));
  return server;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await serve(Number(process.argv[2] ?? 8080));
  console.log(`Cairn demo on http://127.0.0.1:${server.address().port}/  (Ctrl-C to stop)`);
}
