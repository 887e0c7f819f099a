// The package where web developers put it, without configuration: the packed tarball installed
// into a fresh project per case, a tiny app (test/bundlers/app: a table created, a row inserted
// and read back, in mem:// and, in browsers, idb://) built and run with Vite 7 and 8 (dev
// server and build), esbuild (for Node and for the browser), webpack 5, a plain import map, a
// dedicated and a module Service Worker, Bun and Deno. Browser cases run in headless Chromium
// on a loopback server. The one step beyond running the tool is esbuild's for the browser: it
// copies no asset, so the wasm file is copied beside the bundle.
//
// The bundlers are installed once per run into a temporary folder, from the lockfile in
// test/bundlers/tools (npm's cache makes later runs quick). Bun and Deno come from their npm
// packages, which ship the binaries; where either cannot be installed or run, its case is
// skipped, saying why.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch, NO_CHROMIUM, page as newPage, serve } from './chromium.mjs';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = fileURLToPath(new URL('bundlers/', import.meta.url));
const RUNTIMES = { bun: 'bun@1.4.5', deno: 'deno@2.9.6' };

// What the app reports, where it ran.
const PAGE_AND_WORKER = [
  { where: 'page', mem: [[1]], idb: [[1]], network: 'INVALID_ARGUMENT' },
  { where: 'worker', mem: [[1]], idb: [[1]], network: 'INVALID_ARGUMENT' },
];
const SERVICE_WORKER = [{ where: 'service-worker', mem: [[1]], idb: [[1]], network: 'INVALID_ARGUMENT' }];
const SERVER = [{ where: 'server', mem: [[1]], network: 'INVALID_ARGUMENT' }];

let dir; // the run's temporary folder
let tarball;
let tools; // the folder whose node_modules has the bundlers
const runtimes = {}; // name -> { bin, version } or { skip: reason }
let chromium;
const closers = []; // servers and processes, closed after the cases

/** Runs a program to its end (bounded), resolving to its stdout; rejects with its output. */
function run(program, args, { cwd, env = {}, timeout = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const options = { cwd, env: { ...process.env, ...env }, timeout, killSignal: 'SIGKILL', maxBuffer: 64 << 20 };
    execFile(program, args, options, (error, stdout, stderr) => {
      if (error) {
        const how = error.killed ? `killed after ${timeout} ms` : `exit ${error.code}`;
        reject(new Error(`${program} ${args.join(' ')} (in ${cwd}): ${how}\n${stdout}\n${stderr}`));
      } else resolve(stdout);
    });
  });
}

const npm = (cwd, ...args) => run('npm', [...args, '--no-audit', '--no-fund'], { cwd, timeout: 240_000 });

/** Waits (bounded) until npm/dist holds a finished build: another build may be under way. */
async function wasmBuilt() {
  const files = ['cairn_wasm.js', 'cairn_wasm_bg.wasm'].map((f) => join(PACKAGE, 'dist', f));
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      const times = await Promise.all(files.map(async (f) => (await stat(f)).mtimeMs));
      // build-wasm.sh leaves this marker there until it ends.
      const building = await stat(join(PACKAGE, 'dist', '.building')).then(() => true, () => false);
      if (!building && Date.now() - Math.max(...times) > 3_000) return;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error('npm/dist has no finished build: run npm/scripts/build-wasm.sh');
    await sleep(1_000);
  }
}

/** A new project: package.json, the fixture folders' files (later ones win), the tarball installed. */
async function project(name, fixtures = ['app']) {
  const root = join(dir, name);
  await mkdir(root);
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: `app-${name}`, private: true, type: 'module' }));
  for (const fixture of fixtures) await cp(join(FIXTURES, fixture), root, { recursive: true });
  await npm(root, 'install', '--offline', '--ignore-scripts', tarball);
  return root;
}

/** Installs a runtime from its npm package: { bin } if it then runs, else { skip: why }. */
async function installRuntime(name) {
  const where = join(dir, `runtime-${name}`);
  try {
    await mkdir(where);
    await writeFile(join(where, 'package.json'), JSON.stringify({ name: `runtime-${name}`, private: true }));
    await npm(where, 'install', '--prefer-offline', '--ignore-scripts', RUNTIMES[name]);
    // The runtime's own postinstall, and no other package's (Bun's links its platform's binary).
    const installed = join(where, 'node_modules', name);
    const { scripts } = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
    if (scripts?.postinstall) await run('sh', ['-c', scripts.postinstall], { cwd: installed, timeout: 60_000 });
    const bin = join(where, 'node_modules', '.bin', name);
    const version = (await run(bin, ['--version'], { cwd: where, timeout: 30_000 })).split('\n')[0].trim();
    return { bin, version };
  } catch (e) {
    const why = e.message.trim().replaceAll('\n', ' | ').slice(0, 500);
    return { skip: `${RUNTIMES[name]} cannot be installed or run here: ${why}` };
  }
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer().on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/**
 * Starts a long-running program in its own process group, stopped (the group) after the cases,
 * and waits, bounded, for `ready` in its output.
 */
async function start(program, args, { cwd, ready, timeout = 60_000 }) {
  const env = { ...process.env, NO_COLOR: '1' };
  const child = spawn(program, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // gone already
      }
      const ended = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!ended) process.kill(-child.pid, 'SIGKILL'); // and with it whatever it started
    }
  };
  closers.push(stop);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${program} not ready in ${timeout} ms:\n${output}`)), timeout);
    const look = (chunk) => {
      output += chunk;
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${program} exited (${code}) before it was ready:\n${output}`));
    });
  });
}

/** Serves a folder on a random loopback port until the run ends: its URL. */
async function served(root) {
  const server = await serve(root, { modules: true });
  closers.push(server.close);
  return server.url;
}

/** Opens `url` in Chromium and waits (bounded) for the page's `window.result`; no errors allowed. */
async function visit(url) {
  const problems = [];
  const page = await newPage(chromium.context, problems);
  try {
    page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
    await page.goto(url, { timeout: 30_000 });
    try {
      await page.waitForFunction(() => window.result !== undefined, null, { timeout: 60_000, polling: 200 });
    } catch (e) {
      assert.fail(`${url}: no result (${e.message.split('\n')[0]}); ${problems.join('; ')}`);
    }
    return { result: await page.evaluate(() => window.result), problems };
  } finally {
    await page.close();
  }
}

async function assertPage(url, expected) {
  const { result, problems } = await visit(url);
  assert.deepEqual(result, expected, JSON.stringify(result, null, 1));
  assert.deepEqual(problems, []);
}

const browserCase = (name, fn) =>
  test(name, { timeout: 180_000 }, async (t) => {
    if (NO_CHROMIUM) return t.skip(NO_CHROMIUM);
    const started = Date.now();
    await fn(t);
    t.diagnostic(`${name}: ${Date.now() - started} ms`);
  });

before(
  async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-bundlers-'));
    await wasmBuilt();
    // Without the prepack script: it rebuilds the wasm, which other tests are reading.
    const packed = await npm(PACKAGE, 'pack', '--json', '--ignore-scripts', '--pack-destination', dir);
    const [{ filename, files }] = JSON.parse(packed);
    for (const f of ['dist/browser.js', 'dist/cairn_wasm.js', 'dist/cairn_wasm_bg.wasm', 'dist/cairn_net.js', 'dist/cairn_net_bg.wasm']) {
      assert.ok(files.some((p) => p.path === f), `${f} is packed`);
    }
    tarball = join(dir, filename);

    tools = join(dir, 'tools');
    await mkdir(tools);
    for (const f of ['package.json', 'package-lock.json']) await copyFile(join(FIXTURES, 'tools', f), join(tools, f));
    // Once per run, all at once, running no install script (esbuild's and the runtimes'
    // binaries come in optional dependencies) but for Bun's own (see installRuntime).
    // `npm install`, which keeps to the lockfile, not `npm ci`: that refuses a lockfile
    // without Vite 8's optional napi-windows-process-start-time, which the registry lacks.
    const [, bun, deno] = await Promise.all([
      npm(tools, 'install', '--prefer-offline', '--ignore-scripts'),
      installRuntime('bun'),
      installRuntime('deno'),
      NO_CHROMIUM ? undefined : launch().then((c) => (chromium = c)),
    ]);
    Object.assign(runtimes, { bun, deno });
  },
  { timeout: 600_000 },
);

after(async () => {
  await chromium?.close();
  await Promise.allSettled(closers.map((close) => close()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

const vite = (major) => join(tools, 'node_modules', `vite${major}`, 'bin', 'vite.js');

for (const major of [7, 8]) {
  browserCase(`Vite ${major} dev server, in Chromium (page and worker)`, async () => {
    const root = await project(`vite${major}-dev`);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    await start(process.execPath, [vite(major), '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
      cwd: root,
      ready: new RegExp(url.replaceAll('.', '\\.')),
    });
    await assertPage(`${url}/`, PAGE_AND_WORKER);
  });

  browserCase(`Vite ${major} build, served statically, in Chromium (page and worker)`, async () => {
    const root = await project(`vite${major}-build`);
    await run(process.execPath, [vite(major), 'build'], { cwd: root });
    const wasm = (await readdir(join(root, 'dist', 'assets'))).filter((f) => f.endsWith('.wasm'));
    assert.equal(wasm.length, 2, `two wasm assets, the core and the network module: ${wasm}`);
    await assertPage(`${await served(join(root, 'dist'))}/index.html`, PAGE_AND_WORKER);
  });
}

test('esbuild bundles for Node (ESM and CommonJS), run with node', { timeout: 120_000 }, async () => {
  const root = await project('esbuild-node');
  const esbuild = join(tools, 'node_modules', '.bin', 'esbuild');
  for (const [format, out] of [['esm', 'app.mjs'], ['cjs', 'app.cjs']]) {
    const args = ['node.js', '--bundle', '--platform=node', `--format=${format}`, `--outfile=dist/${out}`];
    await run(esbuild, args, { cwd: root });
    const stdout = await run(process.execPath, [join('dist', out)], { cwd: root });
    assert.deepEqual(JSON.parse(stdout), SERVER, `${format} bundle`);
  }
  // Deployed without node_modules: the wasm files copied beside the bundle are found there.
  const alone = join(dir, 'esbuild-node-alone');
  await mkdir(alone);
  const modules = ['node_modules/cairn-db/dist/cairn_wasm_bg.wasm', 'node_modules/cairn-db/dist/cairn_net_bg.wasm'];
  for (const f of ['dist/app.mjs', 'dist/app.cjs', ...modules]) {
    await copyFile(join(root, f), join(alone, f.split('/').pop()));
  }
  for (const out of ['app.mjs', 'app.cjs']) {
    assert.deepEqual(JSON.parse(await run(process.execPath, [out], { cwd: alone })), SERVER, `${out} alone`);
  }
});

browserCase('esbuild bundle for the browser, in Chromium (page and worker)', async () => {
  const root = await project('esbuild-browser');
  const esbuild = join(tools, 'node_modules', '.bin', 'esbuild');
  await run(esbuild, ['main.js', 'worker.js', '--bundle', '--format=esm', '--outdir=dist'], { cwd: root });
  await copyFile(join(root, 'index.html'), join(root, 'dist', 'index.html'));
  // esbuild copies no file that code names by `new URL(..., import.meta.url)`: the one step it
  // needs is the wasm files beside the bundle, where the loaders look by default.
  for (const wasm of ['cairn_wasm_bg.wasm', 'cairn_net_bg.wasm']) {
    await copyFile(join(root, 'node_modules/cairn-db/dist', wasm), join(root, 'dist', wasm));
  }
  await assertPage(`${await served(join(root, 'dist'))}/index.html`, PAGE_AND_WORKER);
});

browserCase('webpack 5 bundle, in Chromium (page and worker)', async () => {
  const root = await project('webpack');
  // webpack's defaults (no webpack-cli, so through its API): only the entry and output named.
  const build = `
    import webpack from 'webpack';
    const root = ${JSON.stringify(root)};
    webpack({ mode: 'production', context: root, entry: './main.js', output: { path: root + '/dist' } }, (error, stats) => {
      if (error) throw error;
      if (stats.hasErrors()) {
        console.error(stats.toString({ all: false, errors: true }));
        process.exitCode = 1;
      }
    });`;
  await run(process.execPath, ['--input-type=module', '-e', build], { cwd: tools });
  // webpack's output is a classic script (it finds its public path through currentScript).
  const html = '<!doctype html>\n<meta charset="utf-8">\n<link rel="icon" href="data:,">\n<script src="main.js"></script>\n';
  await writeFile(join(root, 'dist', 'index.html'), html);
  const wasm = (await readdir(join(root, 'dist'))).filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 2, `two wasm assets, the core and the network module: ${wasm}`);
  await assertPage(`${await served(join(root, 'dist'))}/index.html`, PAGE_AND_WORKER);
});

browserCase('a plain import map, a dedicated worker and a module Service Worker, in Chromium', async () => {
  const root = await project('plain', ['app', 'plain']);
  const url = await served(root);
  await assertPage(`${url}/index.html`, PAGE_AND_WORKER);
  await assertPage(`${url}/sw.html`, SERVICE_WORKER);
});

for (const name of ['bun', 'deno']) {
  test(`${name[0].toUpperCase()}${name.slice(1)} runs the app`, { timeout: 120_000 }, async (t) => {
    const runtime = runtimes[name];
    if (runtime?.skip) return t.skip(runtime.skip);
    t.diagnostic(`${name} ${runtime.version}`);
    const root = await project(name);
    const args = name === 'deno' ? ['run', '--allow-read', '--allow-env', 'node.js'] : ['node.js'];
    const env = { DENO_DIR: join(dir, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', DO_NOT_TRACK: '1' };
    assert.deepEqual(JSON.parse(await run(runtime.bin, args, { cwd: root, env })), SERVER);
  });
}
