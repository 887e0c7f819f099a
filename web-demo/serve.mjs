// The demo's static server: web-demo/ at `/`, and the cairn-db package's browser files (src/
// and the wasm build) at `/npm/`, on 127.0.0.1 only. Run `node web-demo/serve.mjs [PORT]
// [--with-cairn-serve]`: with the flag it also starts a real `cairn serve` (the native binary)
// on a new folder, allowing the page's origin, and tells the page where it is and a token for
// it at `/cairn-serve.json`, for the page's server panel.

import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { addToken, cairnBinary, startCairnServe } from './cairn-serve.mjs';

const DEMO = fileURLToPath(new URL('.', import.meta.url));
const NPM = fileURLToPath(new URL('../npm/', import.meta.url));
// Only what the page imports from the package: never its node_modules or tests.
const NPM_SERVED = ['dist'];

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

/**
 * Starts the server; resolves to it once it listens (port 0: any free port). What
 * `server.cairnServe` holds (see `withCairnServe`) is served at `/cairn-serve.json`.
 */
export async function serve(port = 0) {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url, 'http://localhost').pathname;
    if (path === '/cairn-serve.json' && server.cairnServe) {
      return response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(server.cairnServe));
    }
    const file = resolve(path);
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

/**
 * Starts `cairn serve` on `dir` (default: a new temporary folder) for the demo `server`: it
 * allows the page's origin, and the page learns its URL and a write token (made for it) from
 * `/cairn-serve.json`. It stops when the demo server closes. Resolves to { url, token, dir, log }.
 */
export async function withCairnServe(server, { dir, bin = cairnBinary() } = {}) {
  dir ??= await mkdtemp(join(tmpdir(), 'cairn-demo-served-'));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const token = addToken(bin, dir, 'write');
  const started = await startCairnServe(bin, dir, ['--cors-origin', origin]);
  server.cairnServe = { url: started.url, token };
  server.once('close', () => started.stop());
  return { url: started.url, token, dir, log: started.log };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const withServer = args.includes('--with-cairn-serve');
  const port = args.find((a) => !a.startsWith('--'));
  const server = await serve(Number(port ?? 8080));
  console.log(`Cairn demo on http://127.0.0.1:${server.address().port}/  (Ctrl-C to stop)`);
  if (withServer) {
    const { url, token, dir } = await withCairnServe(server);
    console.log(`cairn serve on ${url}, serving ${dir}; the page's server panel uses it.`);
    console.log(`From the command line: export CAIRN_TOKEN=${token}`);
    console.log(`  cairn backup restore ${url}/demo/backup restored   # what the page backed up`);
    console.log(`  cairn clone ${url}/demo/remote clone               # what the page pushed`);
  }
  // Ctrl-C closes the demo server, and with it cairn serve.
  process.once('SIGINT', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
