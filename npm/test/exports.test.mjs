// The hand-written declarations against the JS they describe: every value export, class
// member and error code declared in index.d.ts and node.d.ts exists at runtime, and every
// one at runtime is declared (types.test.mjs only checks the declarations against themselves).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as bundled from '../dist/browser.js';
import { bundle, OUTFILE } from '../scripts/build-bundle.mjs';
import * as browser from '../src/browser.js';
import { errorCodes } from '../src/errors.js';
import * as node from '../src/node.js';

const read = (path) => readFile(new URL(path, import.meta.url), 'utf8');
const [INDEX, NODE] = await Promise.all([read('../index.d.ts'), read('../node.d.ts')]);

// Members the package's own modules call but users have no use for.
const INTERNAL = { IndexedDbAdapter: ['replaceWith'] };

const sorted = (names) => [...new Set(names)].sort();

/** The names a .d.ts exports as values: classes, functions and consts. */
const valueExports = (dts) => sorted([...dts.matchAll(/^export (?:declare )?(?:class|function|const) (\w+)/gm)].map((m) => m[1]));

/** The body of the top-level block `export <head> {`, up to its closing `}` at column 0. */
function block(dts, head) {
  const start = dts.indexOf(`export ${head}`);
  assert.ok(start >= 0, `${head} is declared`);
  return dts.slice(start, dts.indexOf('\n}', start));
}

/** A block's members: { static, name, method } for `  [static] [readonly] name(` or `name:`. */
function declaredMembers(body) {
  const members = [...body.matchAll(/^ {2}(static )?(readonly )?(\w+|\[Symbol\.\w+\])\??([(<:])/gm)];
  return members
    .filter((m) => m[3] !== 'constructor' && (m[4] !== ':' || m[2])) // plain fields are instance data
    .map((m) => ({ static: Boolean(m[1]), name: m[3], method: m[4] !== ':' }));
}

const key = (name) => (name.startsWith('[Symbol.') ? Symbol[name.slice(8, -1)] : name);
const show = (k) => (typeof k === 'symbol' ? `[${k.description}]` : k);

/** The methods and accessors a class or prototype has of its own. */
function runtimeMembers(object, skip) {
  return Reflect.ownKeys(object).filter((k) => {
    const d = Object.getOwnPropertyDescriptor(object, k);
    return !skip.includes(k) && (d.get || typeof d.value === 'function');
  });
}

function checkMembers(name, Class, declared) {
  for (const m of declared) {
    const where = m.static ? Class : Class.prototype;
    const d = Object.getOwnPropertyDescriptor(where, key(m.name));
    assert.ok(d, `${name}${m.static ? '.' : '#'}${m.name} exists`);
    if (m.method) assert.equal(typeof d.value, 'function', `${name}${m.static ? '.' : '#'}${m.name} is a method`);
  }
  const internal = INTERNAL[name] ?? [];
  for (const [statics, where] of [[true, Class], [false, Class.prototype]]) {
    const names = declared.filter((m) => m.static === statics).map((m) => key(m.name));
    const extra = runtimeMembers(where, ['constructor', 'prototype', ...internal]).filter((k) => !names.includes(k));
    assert.deepEqual(extra.map(show), [], `${name}: undeclared ${statics ? 'static ' : ''}members`);
  }
}

test('every value export is declared, and every declared one exists', () => {
  const own = valueExports(NODE);
  assert.ok(NODE.includes("export * from './index.js';"));
  assert.deepEqual(sorted(Object.keys(browser)), valueExports(INDEX));
  assert.deepEqual(sorted(Object.keys(node)), sorted([...valueExports(INDEX), ...own]));
  for (const name of own) assert.ok(NODE.includes(`export class ${name}`) || name === 'Repo', name);
});

test('every class member is declared, and every declared one exists', () => {
  for (const [dts, entry] of [
    [INDEX, browser],
    [NODE, node],
  ]) {
    for (const [, name] of dts.matchAll(/^export class (\w+)/gm)) {
      checkMembers(name, entry[name], declaredMembers(block(dts, `class ${name}`)));
    }
  }
  // Repo is declared as an instance interface and its static side (see RepoStatic).
  const statics = declaredMembers(block(INDEX, 'interface RepoStatic')).map((m) => ({ ...m, static: true }));
  const instance = declaredMembers(block(INDEX, 'interface Repo {'));
  checkMembers('Repo', node.Repo, [...statics.filter((m) => m.name !== 'prototype'), ...instance]);
});

test('ErrorCode lists exactly the codes CairnError is made with, the core\'s among them', async () => {
  const uncommented = INDEX.replace(/\/\*[\s\S]*?\*\//g, '');
  const union = uncommented.match(/^export type ErrorCode =([^;]*);/m)[1];
  const declared = sorted([...union.matchAll(/'(\w+)'/g)].map((m) => m[1]));
  assert.deepEqual(declared, sorted(errorCodes()));
  const core = await read('../../bindings/wasm/src/error.rs');
  const fromCore = sorted([...core.matchAll(/"([A-Z][A-Z_]+)"/g)].map((m) => m[1]));
  assert.ok(fromCore.length > 20, 'the core names its codes');
  assert.deepEqual(fromCore.filter((c) => !declared.includes(c)), []);
});

test('dist/browser.js, the browser entry, is src/browser.js bundled as src/ is now', async () => {
  const built = await read(`../${OUTFILE}`);
  assert.ok(built === (await bundle({ write: false })), `${OUTFILE} is older than src/: npm run build:bundle`);
  assert.deepEqual(sorted(Object.keys(bundled)), sorted(Object.keys(browser)));
  const { exports } = JSON.parse(await read('../package.json'));
  assert.equal(exports['.'].browser.default, `./${OUTFILE}`);
  assert.equal(exports['.'].default, `./${OUTFILE}`);
});

test("the command line and the network clients are not in the module the API and pages load", async () => {
  const api = await import('../dist/cairn_wasm.js');
  const net = await import('../dist/cairn_net.js');
  const cli = await import('../dist/cli/cairn_wasm.js');
  assert.equal(api.runCli, undefined);
  assert.equal(typeof cli.runCli, 'function');
  assert.equal(api.openObjectStore, undefined);
  assert.equal(api.openHttpStore, undefined);
  assert.deepEqual([typeof net.openObjectStore, typeof net.openHttpStore], ['function', 'function']);
  assert.ok(!(await read('../bin/cairn.js')).includes("'../dist/cairn_wasm.js'"), 'the bin loads dist/cli/, not the API module');
});
