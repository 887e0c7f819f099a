// NodeFsAdapter speaks the native adapter's on-disk layout and manifest protocol
// (bindings/native/src/fs_storage.rs; docs/FORMAT.md, "Directory layout"), so Node and the
// `cairn` binary can share a store.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, open, readdir, readFile, readlink, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ChunkStore, NodeFsAdapter } from '../src/node.js';
import { data, EMPTY_ROOT } from './data.mjs';
import { tempDir } from './helpers.mjs';
import { checkIncrements, INCREMENT_WRITER } from './increments.mjs';

const text = (s) => new TextEncoder().encode(s);
const decode = (bytes) => new TextDecoder().decode(bytes);
const BASE32_NAME = /^[0-9a-v]{32}$/;
// Byte for byte the native adapter's STUB.
const STUB = 'cairn-manifest 2\nthis store keeps its manifest in manifests/ (directory layout 2): use a newer cairn\n';
/** The file of manifest version `n`. */
const versionFile = (n) => String(n).padStart(20, '0');
const run = promisify(execFile);

/** The names in `dir/manifests`, sorted. */
const versionFiles = async (dir) => (await readdir(join(dir, 'manifests'))).sort();

test('a store written from Node has the native layout and no leftovers', async (t) => {
  const dir = await tempDir(t);
  const store = await ChunkStore.open(new NodeFsAdapter(dir), { tableTargetBytes: 4096 });
  let root;
  for (let i = 0; i < 20; i++) root = await store.put(data(i, 1000));
  await store.commit(EMPTY_ROOT, root);

  const names = (await readdir(dir)).sort();
  const tables = names.filter((n) => n !== 'manifest' && n !== 'manifests');
  assert.deepEqual(names, [...tables, 'manifest', 'manifests'].sort());
  assert.ok(tables.length >= 4 && tables.every((n) => BASE32_NAME.test(n)), names.join(' '));
  assert.deepEqual(tables, store.tables().map((t) => t.name));
  for (const { name, size } of store.tables()) assert.equal((await stat(join(dir, name))).size, size);

  // One commit, one swap: version 1, and the stub that turns an older cairn away.
  assert.deepEqual(await versionFiles(dir), ['00000000000000000001']);
  const manifest = await readFile(join(dir, 'manifests', '00000000000000000001'), 'utf8');
  assert.match(manifest, new RegExp(`^cairn-manifest 1\nlock [0-9a-v]{32}\nroot ${root}\n`));
  assert.equal(await readFile(join(dir, 'manifest'), 'utf8'), STUB);
});

test('list skips the manifest, manifests/, LOCK and dot files; bad names are refused', async (t) => {
  const dir = await tempDir(t);
  const adapter = new NodeFsAdapter(dir);
  await adapter.put('object', text('x'));
  assert.equal(await adapter.swapManifest(undefined, text('m')), '1');
  await writeFile(join(dir, '.tmp-partial'), 'partial');
  await writeFile(join(dir, 'LOCK'), 'pid 1\n');
  assert.deepEqual((await adapter.list()).map((o) => o.name), ['object']);
  for (const name of ['', 'manifest', 'manifests', 'LOCK', '.hidden', '../escape', 'a/b', 'sp ace']) {
    await assert.rejects(adapter.put(name, text('x')), { code: 'INVALID_NAME' }, name);
    await assert.rejects(adapter.get(name), { code: 'INVALID_NAME' }, name);
  }
  assert.equal(await adapter.get('absent'), undefined);
  await assert.rejects(adapter.getRange('object', 1, 1), { code: 'OUT_OF_RANGE', size: 1 });
});

/** The descriptors this process has open on files in `dir` (Linux), else undefined. */
async function descriptorsIn(dir) {
  if (process.platform !== 'linux') return undefined;
  const links = await Promise.all((await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return links.filter((l) => l.startsWith(`${dir}/`)).length;
}

test('ranged reads keep a bounded number of files open, and close releases them', async (t) => {
  const dir = await tempDir(t);
  const adapter = new NodeFsAdapter(dir);
  const names = Array.from({ length: 70 }, (_, i) => `object${i}`);
  for (const name of names) await adapter.put(name, text(`bytes of ${name}`));
  for (let round = 0; round < 2; round++) {
    const read = await Promise.all(names.map((name) => adapter.getRange(name, 9, name.length)));
    assert.deepEqual(read.map(decode), names);
  }
  // At most 64 stay open, however many were read.
  assert.equal(adapter.openFiles, 64);
  const open = await descriptorsIn(dir);
  if (open !== undefined) assert.equal(open, 64);
  // Reading one again opens nothing more.
  assert.equal(decode(await adapter.getRange('object69', 0, 5)), 'bytes');
  assert.equal(adapter.openFiles, 64);
  await adapter.close();
  assert.equal(adapter.openFiles, 0);
  assert.equal(await descriptorsIn(dir) ?? 0, 0);
  // Closed, it still reads: the file opens again.
  assert.equal(decode(await adapter.getRange('object0', 0, 5)), 'bytes');
  assert.equal(adapter.openFiles, 1);
  await adapter.close();
});

test('readRangeNow reads from a file held open, and answers undefined for one that is not', async (t) => {
  const dir = await tempDir(t);
  const adapter = new NodeFsAdapter(dir);
  await adapter.put('object', text('0123456789'));
  const into = new Uint8Array(5);
  assert.equal(adapter.readRangeNow('object', 2, into), undefined, 'not open yet');
  assert.equal(adapter.readRangeNow('missing', 2, into), undefined);
  assert.equal(decode(await adapter.getRange('object', 0, 1)), '0');
  assert.equal(adapter.readRangeNow('object', 2, into), 5);
  assert.equal(decode(into), '23456');
  assert.throws(() => adapter.readRangeNow('object', 8, into), { code: 'OUT_OF_RANGE', size: 10 });
  // Cut short in place while open: out of range at the size it has now.
  await truncate(join(dir, 'object'), 4);
  assert.throws(() => adapter.readRangeNow('object', 2, into), { code: 'OUT_OF_RANGE', size: 4 });
  await adapter.close();
  assert.equal(adapter.readRangeNow('object', 0, into), undefined, 'closed');
});

test('a file kept open is let go when deleted or replaced, and a missing one is never kept', async (t) => {
  const dir = await tempDir(t);
  const adapter = new NodeFsAdapter(dir);
  await adapter.put('gone', text('deleted by this adapter'));
  await adapter.put('elsewhere', text('deleted by another process'));
  await adapter.put('short', text('damaged'));
  for (const name of ['gone', 'elsewhere', 'short']) await adapter.getRange(name, 0, 1);
  assert.equal(adapter.openFiles, 3);

  // A read under way when the file is deleted still reads it (POSIX); then it is missing.
  const reading = adapter.getRange('gone', 0, 7);
  await adapter.delete('gone');
  assert.equal(decode(await reading), 'deleted');
  assert.equal(await adapter.getRange('gone', 0, 7), undefined);
  // Deleted by someone else (a gc in another process), the open file still reads the bytes
  // its content-addressed name promises.
  await unlink(join(dir, 'elsewhere'));
  assert.equal(decode(await adapter.getRange('elsewhere', 0, 7)), 'deleted');
  // Written again at another size (a repair of a damaged file): the new file is read.
  await adapter.put('short', text('repaired in full'));
  assert.equal(decode(await adapter.getRange('short', 0, 16)), 'repaired in full');

  // Missing when first read, then written: the new file is read, not a remembered absence.
  assert.equal(await adapter.getRange('later', 0, 1), undefined);
  await adapter.put('later', text('here now'));
  assert.equal(decode(await adapter.getRange('later', 0, 8)), 'here now');
  await adapter.close();
});

test('files kept open close by themselves once unused for a while', async (t) => {
  const dir = await tempDir(t);
  const adapter = new NodeFsAdapter(dir);
  await adapter.put('object', text('x'));
  await adapter.getRange('object', 0, 1);
  assert.equal(adapter.openFiles, 1);
  // Unused for two idle periods (2 s each) at most.
  await new Promise((resolve) => setTimeout(resolve, 4500));
  assert.equal(adapter.openFiles, 0);
  assert.equal(await descriptorsIn(dir) ?? 0, 0);
});

test('each swap is the next numbered file; stale and made-up versions lose', async (t) => {
  const dir = await tempDir(t);
  const a = new NodeFsAdapter(dir);
  const b = new NodeFsAdapter(dir);
  assert.equal(await a.readManifest(), undefined);
  assert.equal(await a.swapManifest('0', text('m0')), undefined, 'version 0 is only a layout-1 manifest');
  assert.equal(await a.swapManifest(undefined, text('m1')), '1');
  assert.equal(await b.swapManifest(undefined, text('other')), undefined);
  assert.equal(await b.swapManifest('1', text('m2')), '2');
  for (const bogus of ['1', '3', '0', 'x', '', '-2', '2.0', '99999999999999999999']) {
    assert.equal(await a.swapManifest(bogus, text('lost')), undefined, bogus);
  }
  // The same bytes again are a new version.
  assert.equal(await a.swapManifest('2', text('m2')), '3');
  const read = await b.readManifest();
  assert.deepEqual({ bytes: decode(read.bytes), version: read.version }, { bytes: 'm2', version: '3' });

  assert.deepEqual(await versionFiles(dir), [1, 2, 3].map(versionFile));
  assert.equal(await readFile(join(dir, 'manifests', versionFile(2)), 'utf8'), 'm2');
  // No temporary file is left, in the store or in manifests/.
  assert.deepEqual((await readdir(dir)).sort(), ['manifest', 'manifests']);
  assert.equal(await readFile(join(dir, 'manifest'), 'utf8'), STUB);
});

test('a swap keeps the newest 64 versions before its own and deletes older ones', async (t) => {
  const dir = await tempDir(t);
  const adapter = new NodeFsAdapter(dir);
  let version;
  for (let i = 1; i <= 100; i++) {
    version = await adapter.swapManifest(version, text(`m${i}`));
    assert.equal(version, String(i));
  }
  // Swapping in version 100 deleted every version below 100 - 64.
  const kept = Array.from({ length: 65 }, (_, i) => versionFile(36 + i));
  assert.deepEqual(await versionFiles(dir), kept);
  assert.equal(decode((await adapter.readManifest()).bytes), 'm100');
  assert.equal(await adapter.swapManifest('99', text('stale')), undefined);
});

test('a layout-1 store (a bare manifest and a leftover LOCK) opens as version 0 and upgrades on its first swap', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'manifest'), 'cairn-manifest 1\nold\n');
  await writeFile(join(dir, 'LOCK'), 'pid 99999999\nhost elsewhere\ntime 0\n');
  await writeFile(join(dir, 'object'), 'x');
  const adapter = new NodeFsAdapter(dir);
  const read = await adapter.readManifest();
  assert.deepEqual({ bytes: decode(read.bytes), version: read.version }, { bytes: 'cairn-manifest 1\nold\n', version: '0' });
  assert.deepEqual((await adapter.list()).map((o) => o.name), ['object']);

  // Only a swap from version 0 replaces it; the LOCK neither blocks nor goes away.
  assert.equal(await adapter.swapManifest(undefined, text('new')), undefined);
  assert.equal(await adapter.swapManifest('1', text('new')), undefined);
  assert.equal(await adapter.swapManifest('00', text('new')), undefined, 'only "0" is version 0');
  assert.equal(await adapter.swapManifest('0', text('new')), '1');
  assert.deepEqual((await readdir(dir)).sort(), ['LOCK', 'manifest', 'manifests', 'object']);
  assert.deepEqual(await versionFiles(dir), [versionFile(1)]);
  assert.equal(await readFile(join(dir, 'manifest'), 'utf8'), STUB);
  const after = await adapter.readManifest();
  assert.deepEqual({ bytes: decode(after.bytes), version: after.version }, { bytes: 'new', version: '1' });
  assert.equal(await adapter.swapManifest('0', text('again')), undefined);
});

test(
  'a writer paused inside its swap while others moved on by more than 64 versions fails: the outcome is unknown',
  { skip: process.platform === 'win32' && 'needs a named pipe' },
  async (t) => {
    const dir = await tempDir(t);
    // A layout-1 manifest that is a named pipe: the swap's version check blocks reading it
    // until the test writes it, which pauses the writer after it listed no versions.
    const fifo = join(dir, 'manifest');
    await run('mkfifo', [fifo]);
    const paused = new NodeFsAdapter(dir).swapManifest('0', text('late'));
    const pipe = await open(fifo, 'w'); // returns once the writer has opened it to read
    // Meanwhile other writers reached version 66 and deleted versions up to 1.
    await mkdir(join(dir, 'manifests'));
    await writeFile(join(dir, 'manifests', versionFile(66)), 'newest');
    await pipe.write('cairn-manifest 1\n');
    await pipe.close();
    // Version 1 was free again, so the link succeeded; the listing after it must notice.
    await assert.rejects(paused, /whether its change was recorded is unknown/);
    const read = await new NodeFsAdapter(dir).readManifest();
    assert.deepEqual({ bytes: decode(read.bytes), version: read.version }, { bytes: 'newest', version: '66' });
  },
);

test(
  'a named pipe in an object\'s place does not stop the thread that reads it',
  { skip: process.platform === 'win32' && 'needs a named pipe' },
  async (t) => {
    const dir = await tempDir(t);
    const fifo = join(dir, 'object');
    await run('mkfifo', [fifo]);
    let done = false;
    const read = new NodeFsAdapter(dir).get('object').finally(() => {
      done = true;
    });
    // This thread still runs while the read waits for a writer: it opens the pipe to write.
    const pipe = await open(fifo, 'w');
    assert.equal(done, false);
    await pipe.write('bytes');
    await pipe.close();
    assert.equal(decode(await read), 'bytes');
  },
);

test('writers in several processes lose no update and never win from one version twice', async (t) => {
  const dir = await tempDir(t);
  const outputs = await Promise.all([1, 2, 3, 4].map(() => run(process.execPath, [INCREMENT_WRITER, dir, '25'])));
  await checkIncrements(dir, outputs.map(({ stdout }) => stdout), 100);
  assert.deepEqual((await readdir(dir)).sort(), ['manifest', 'manifests']);
  assert.ok((await versionFiles(dir)).every((n) => /^\d{20}$/.test(n)), 'a temporary file was left in manifests/');
});
