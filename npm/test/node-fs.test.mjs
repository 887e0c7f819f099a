// NodeFsAdapter speaks the native adapter's on-disk layout and LOCK protocol
// (bindings/native/src/fs_storage.rs), so Node and the `cairn` binary can share a store.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ChunkStore, NodeFsAdapter } from '../src/node.js';
import { data, EMPTY_ROOT } from './data.mjs';
import { tempDir } from './helpers.mjs';

const text = (s) => new TextEncoder().encode(s);
const BASE32_NAME = /^[0-9a-v]{32}$/;

test('a store written from Node has the native layout and no leftovers', async (t) => {
  const dir = await tempDir(t);
  const store = await ChunkStore.open(new NodeFsAdapter(dir), { tableTargetBytes: 4096 });
  let root;
  for (let i = 0; i < 20; i++) root = await store.put(data(i, 1000));
  await store.commit(EMPTY_ROOT, root);

  const names = (await readdir(dir)).sort();
  assert.ok(names.includes('manifest'));
  const tables = names.filter((n) => n !== 'manifest');
  assert.ok(tables.length >= 4 && tables.every((n) => BASE32_NAME.test(n)), names.join(' '));
  assert.deepEqual(tables, store.tables().map((t) => t.name));
  const manifest = await readFile(join(dir, 'manifest'), 'utf8');
  assert.match(manifest, new RegExp(`^cairn-manifest 1\nlock [0-9a-v]{32}\nroot ${root}\n`));
  for (const { name, size } of store.tables()) assert.equal((await stat(join(dir, name))).size, size);
});

test('list skips the manifest, LOCK and dot files; bad names are refused', async (t) => {
  const dir = await tempDir(t);
  const adapter = new NodeFsAdapter(dir);
  await adapter.put('object', text('x'));
  await adapter.swapManifest(undefined, text('m'));
  await writeFile(join(dir, '.tmp-partial'), 'partial');
  await writeFile(join(dir, 'LOCK'), 'pid 1\n');
  assert.deepEqual((await adapter.list()).map((o) => o.name), ['object']);
  for (const name of ['', 'manifest', 'LOCK', '.hidden', '../escape', 'a/b', 'sp ace']) {
    await assert.rejects(adapter.put(name, text('x')), { code: 'INVALID_NAME' }, name);
    await assert.rejects(adapter.get(name), { code: 'INVALID_NAME' }, name);
  }
  assert.equal(await adapter.get('absent'), undefined);
  await assert.rejects(adapter.getRange('object', 1, 1), { code: 'OUT_OF_RANGE', size: 1 });
});

test('a swap takes and removes LOCK with the native owner line', async (t) => {
  const dir = await tempDir(t);
  const adapter = new NodeFsAdapter(dir);
  // Watch the lock while a swap holds it, through a second adapter's view of the directory.
  const seen = [];
  const poll = setInterval(() => readFile(join(dir, 'LOCK'), 'utf8').then((s) => s && seen.push(s), () => {}), 0);
  for (let i = 0; i < 50; i++) await adapter.swapManifest(i ? text(`m${i - 1}`) : undefined, text(`m${i}`));
  clearInterval(poll);
  assert.deepEqual(await readdir(dir), ['manifest']);
  assert.equal(await readFile(join(dir, 'manifest'), 'utf8'), 'm49');
  assert.ok(seen.length > 0, 'never saw the lock');
  for (const owner of seen) {
    assert.match(owner, new RegExp(`^pid ${process.pid}\nhost ${hostname()}\ntime \\d+\n$`));
  }
});

test('a stale LOCK is broken: dead owner on this host, or older than 60 s', async (t) => {
  const dir = await tempDir(t);
  const adapter = new NodeFsAdapter(dir);
  const lock = join(dir, 'LOCK');
  // A pid that cannot be running: beyond Linux's pid_max.
  await writeFile(lock, `pid 99999999\nhost ${hostname()}\ntime ${Date.now()}\n`);
  assert.equal(await adapter.swapManifest(undefined, text('a')), true);

  await writeFile(lock, `pid ${process.pid}\nhost ${hostname()}\ntime 0\n`);
  const old = new Date(Date.now() - 61_000);
  await utimes(lock, old, old);
  assert.equal(await adapter.swapManifest(text('a'), text('b')), true);
  assert.deepEqual(await readdir(dir), ['manifest']);
});

test('a live LOCK makes a swap wait for it', async (t) => {
  const dir = await tempDir(t);
  const adapter = new NodeFsAdapter(dir);
  const lock = join(dir, 'LOCK');
  await writeFile(lock, `pid ${process.pid}\nhost ${hostname()}\ntime ${Date.now()}\n`);
  let done = false;
  const swap = adapter.swapManifest(undefined, text('after')).then((ok) => (done = ok));
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(done, false, 'the swap went ahead under a live lock');
  await unlink(lock);
  await swap;
  assert.equal(done, true);
});

test('swaps from several processes lose no update', async (t) => {
  const dir = await tempDir(t);
  const child = `
    import { NodeFsAdapter } from ${JSON.stringify(new URL('../src/adapters/node-fs.js', import.meta.url).href)};
    const adapter = new NodeFsAdapter(process.argv[1]);
    for (let i = 0; i < 25; i++) {
      for (;;) {
        const current = await adapter.readManifest();
        const n = current ? Number(new TextDecoder().decode(current)) : 0;
        if (await adapter.swapManifest(current, new TextEncoder().encode(String(n + 1)))) break;
      }
    }`;
  const run = promisify(execFile);
  await Promise.all([1, 2, 3].map(() => run(process.execPath, ['--input-type=module', '-e', child, dir])));
  assert.equal(await readFile(join(dir, 'manifest'), 'utf8'), '75');
  assert.deepEqual(await readdir(dir), ['manifest']);
});
