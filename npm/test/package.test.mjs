// The package as a user installs it: `npm pack`, the tarball installed offline into a new
// project, then imported from there by name in Node (and required, and its subpaths and
// `cairn` bin run), and in a browser page through an import map.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, NO_CHROMIUM, page as newPage, serve } from './chromium.mjs';
import { runIn, tempDir } from './helpers.mjs';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const npm = (cwd, ...args) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const USE = `
import { CairnError, hash, Repo } from 'cairn-db';
const repo = await Repo.init('mem://packaged');
await repo.sql("create table t (a int primary key); insert into t values (7)");
const commit = await repo.commit({ message: 'packaged', all: true });
const [rows] = await repo.sql('select a from t');
const missing = await Repo.open('mem://absent').catch((e) => e);
export const result = {
  hash: hash(new TextEncoder().encode('abc')),
  rows: rows.rows,
  message: commit.message,
  error: [missing instanceof CairnError, missing.code],
};
`;

// Node only: the subpaths, and require() of the ESM package (Node ^20.19 and >=22.12, as
// "engines" says: the versions that require() ES modules without a flag).
const SUBPATHS = `
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
const require = createRequire(import.meta.url);
const wasm = readFileSync(fileURLToPath(import.meta.resolve('cairn-db/wasm')));
const { NodeFsAdapter } = await import('cairn-db/node');
const required = require('cairn-db');
const imported = await import('cairn-db');
console.log(JSON.stringify({
  wasmMagic: [...wasm.subarray(0, 4)],
  name: require('cairn-db/package.json').name,
  nodeEntry: NodeFsAdapter === imported.NodeFsAdapter,
  required: required.CairnError === imported.CairnError,
}));
`;

test('npm pack, install the tarball offline, import it in Node and in a browser', { timeout: 300_000 }, async (t) => {
  const dir = await tempDir(t);
  // Without the prepack script: it rebuilds the wasm, which other tests are reading.
  const [{ filename, files }] = JSON.parse(npm(PACKAGE, 'pack', '--json', '--ignore-scripts', '--pack-destination', dir));
  const packed = files.map((f) => f.path);
  const wanted = ['bin/cairn.js', 'src/node.js', 'src/browser.js', 'dist/browser.js', 'src/repo.js', 'index.d.ts', 'node.d.ts'];
  for (const required of [...wanted, 'dist/cairn_wasm_bg.wasm', 'dist/cairn_net_bg.wasm', 'dist/cli/cairn_wasm_bg.wasm', 'LICENSE-MIT', 'LICENSE-APACHE']) {
    assert.ok(packed.includes(required), `${required} is packed`);
  }
  assert.ok(!packed.some((p) => p.startsWith('test/') || p.startsWith('bench/')), 'no tests or benches packed');

  const project = join(dir, 'project');
  await mkdir(project);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'user', private: true, type: 'module' }));
  npm(project, 'install', '--offline', '--no-audit', '--no-fund', join(dir, filename));
  await writeFile(join(project, 'use.js'), USE);
  const out = runIn(project, [process.execPath], ['--input-type=module', '-e', "const { result } = await import('./use.js'); console.log(JSON.stringify(result))"]);
  assert.equal(out.status, 0, out.stderr);
  const expected = {
    hash: 'cgrr7b1o8p8j7vtm7dqieekdml4cam26',
    rows: [[7]],
    message: 'packaged',
    error: [true, 'NOT_A_DATABASE'],
  };
  assert.deepEqual(JSON.parse(out.stdout), expected);
  await writeFile(join(project, 'subpaths.js'), SUBPATHS);
  const subpaths = runIn(project, [process.execPath], ['subpaths.js']);
  assert.equal(subpaths.status, 0, subpaths.stderr);
  const wasmMagic = [0, 0x61, 0x73, 0x6d];
  assert.deepEqual(JSON.parse(subpaths.stdout), { wasmMagic, name: 'cairn-db', nodeEntry: true, required: true });
  const help = runIn(project, [join(project, 'node_modules/.bin/cairn')], ['--help']);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: cairn/);

  if (NO_CHROMIUM) return t.diagnostic(`browser import skipped: ${NO_CHROMIUM}`);
  await writeFile(
    join(project, 'index.html'),
    `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "cairn-db": "./node_modules/cairn-db/dist/browser.js" } }</script>
<script type="module">import('./use.js').then((m) => (window.result = m.result), (e) => (window.result = { error: String(e) }));</script>`,
  );
  const server = await serve(project, { modules: true });
  t.after(server.close);
  const chromium = await launch();
  t.after(chromium.close);
  const problems = [];
  const page = await newPage(chromium.context, problems);
  await page.goto(`${server.url}/index.html`);
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 30_000 });
  assert.deepEqual(await page.evaluate(() => window.result), expected);
  assert.deepEqual(problems, []);
});
