// The wasm ChunkStore through its JS API: round trips, concurrency, and the error codes.

import { test } from 'node:test';
import { randomFillSync } from 'node:crypto';
import assert from 'node:assert/strict';
import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChunkStore, hash, MemoryAdapter, NodeFsAdapter, verify } from '../src/node.js';
import { chunkSet, data, EMPTY_ROOT } from './data.mjs';
import { tempDir } from './helpers.mjs';

const chunks = chunkSet(500);

/** A committed store of `chunks` in several table files; resolves to the root. */
async function fill(adapter) {
  const store = await ChunkStore.open(adapter, { tableTargetBytes: 32 * 1024 });
  const hashes = await Promise.all(chunks.map((c) => store.put(c))); // not awaited one by one
  const root = hashes.at(-1);
  await store.commit(EMPTY_ROOT, root);
  return { store, hashes, root };
}

test('hash is base32 BLAKE3-160', () => {
  // BLAKE3("abc") begins 6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85.
  assert.equal(hash(new TextEncoder().encode('abc')), 'cgrr7b1o8p8j7vtm7dqieekdml4cam26');
  assert.equal(hash(new Uint8Array(0)), 'ls9kjeflv6gqd8209nl3dn6996dsm9e9');
});

test('chunks round-trip across table files and a reopen', async () => {
  const adapter = new MemoryAdapter();
  const { store, hashes, root } = await fill(adapter);
  assert.equal(store.root, root);
  const tables = store.tables();
  assert.ok(tables.length >= 5, `${tables.length} table files`);
  assert.equal(tables.reduce((n, t) => n + t.chunkCount, 0), chunks.length);
  assert.deepEqual(hashes, chunks.map(hash));

  const reader = await ChunkStore.open(adapter.handle());
  assert.equal(reader.root, root);
  const back = await Promise.all(hashes.map((h) => reader.get(h)));
  back.forEach((bytes, i) => assert.deepEqual(bytes, chunks[i], `chunk ${i}`));
  // Arrays read may share a buffer: each is its own bytes still.
  back[0].fill(0xee);
  back.slice(1).forEach((bytes, i) => assert.deepEqual(bytes, chunks[i + 1], `chunk ${i + 1}`));
  const absent = hash(new TextEncoder().encode('never stored'));
  assert.equal(await reader.get(absent), undefined);
  assert.deepEqual(await reader.hasMany([hashes[0], absent, root]), [true, false, true]);

  const report = await verify(adapter);
  assert.deepEqual(report.problems, []);
  assert.deepEqual(report.orphans, []);
  assert.equal(report.chunks, chunks.length);
  assert.equal(report.root, root);
});

/**
 * A committed store of one table file of 9 MiB of random chunks: past the size a store reads
 * whole when it opens (8 MiB), so its blocks are read range by range.
 */
async function fillLarge(adapter) {
  const large = Array.from({ length: 144 }, () => randomFillSync(new Uint8Array(64 << 10)));
  const store = await ChunkStore.open(adapter);
  const hashes = [];
  for (const chunk of large) hashes.push(await store.put(chunk));
  await store.commit(EMPTY_ROOT, hashes.at(-1));
  store.free();
  return { large, hashes };
}

test('blocks of a table file NodeFsAdapter holds open come straight into the core', async (t) => {
  const dir = await tempDir(t);
  const { large, hashes } = await fillLarge(new NodeFsAdapter(dir));
  let now = 0;
  class Counting extends NodeFsAdapter {
    readRangeNow(name, offset, into) {
      const read = super.readRangeNow(name, offset, into);
      if (read !== undefined) now++;
      return read;
    }
  }
  const reader = await ChunkStore.open(new Counting(dir));
  for (const [i, h] of hashes.entries()) assert.deepEqual(await reader.get(h), large[i], `chunk ${i}`);
  assert.ok(now > 0, 'no block was read with readRangeNow');
});

test('a readRangeNow that answers another length fails with IO and says so', async () => {
  const adapter = new MemoryAdapter();
  const { hashes } = await fillLarge(adapter);
  const inner = adapter.handle();
  const short = new Proxy(inner, {
    get: (target, key) =>
      key === 'readRangeNow' ? (name, offset, into) => into.length - 1 : target[key].bind(target),
  });
  const reader = await ChunkStore.open(short);
  await assert.rejects(reader.get(hashes[0]), (e) => {
    assert.equal(e.code, 'IO');
    assert.match(e.message, /readRangeNow.*asked for \d+ bytes at \d+, answered \d+/);
    return true;
  });
});

test('a second writer sees the first through reload, and a stale commit is a CONFLICT', async () => {
  const adapter = new MemoryAdapter();
  const one = await ChunkStore.open(adapter);
  const two = await ChunkStore.open(adapter.handle());
  const first = await one.put(data(1, 10));
  await one.commit(EMPTY_ROOT, first);
  const second = await two.put(data(2, 10));
  await assert.rejects(two.commit(EMPTY_ROOT, second), (e) => {
    assert.equal(e.code, 'CONFLICT');
    assert.equal(e.expected, EMPTY_ROOT);
    assert.equal(e.actual, first);
    return true;
  });
  // The lost swap reloaded the manifest: the root getter shows the winner's.
  assert.equal(two.root, first);
  await two.commit(first, second);
  await one.reload();
  assert.equal(one.root, second);
  assert.deepEqual(await one.get(first), data(1, 10));
});

test('bad arguments are INVALID_ARGUMENT, an absent root is MISSING', async () => {
  const store = await ChunkStore.open(new MemoryAdapter());
  for (const bad of ['', 'xyz', 'z'.repeat(32)]) {
    await assert.rejects(store.get(bad), { code: 'INVALID_ARGUMENT' });
  }
  await assert.rejects(store.hasMany([EMPTY_ROOT, 'nope']), { code: 'INVALID_ARGUMENT' });
  // Wrong types from JS are refused, not converted or trapped on.
  for (const bad of [5, undefined, [1, 2]]) await assert.rejects(store.get(bad), { code: 'INVALID_ARGUMENT' });
  for (const bad of ['abc', [1, 2], undefined]) await assert.rejects(store.put(bad), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => hash('abc'), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(ChunkStore.open({ get() {} }), { code: 'INVALID_ARGUMENT', message: /getRange\(\) method/ });
  await assert.rejects(ChunkStore.open(new MemoryAdapter(), { tableTargetBytes: 0 }), { code: 'INVALID_ARGUMENT' });
  const absent = hash(new TextEncoder().encode('absent'));
  await assert.rejects(store.commit(EMPTY_ROOT, absent), { code: 'MISSING' });
});

test('adapter failures are IO errors that keep the adapter message', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'not-a-directory');
  await writeFile(file, 'x');
  await assert.rejects(ChunkStore.open(new NodeFsAdapter(file)), (e) => {
    assert.equal(e.code, 'IO');
    assert.match(e.message, /ENOTDIR/);
    return true;
  });
});

test('damaged table files are CORRUPT, and verify names them', async (t) => {
  const dir = await tempDir(t);
  const adapter = new NodeFsAdapter(dir);
  const { hashes } = await fill(adapter);
  const [victim, cut] = (await readdir(dir)).filter((n) => n !== 'manifest' && n !== 'manifests');

  // One flipped byte at the start of the records: the block of the first chunks written
  // into that file, and so every chunk in it; the other file's chunks still read.
  const bytes = await readFile(join(dir, victim));
  bytes[0] ^= 0xff;
  await writeFile(join(dir, victim), bytes);
  const store = await ChunkStore.open(adapter);
  const results = await Promise.allSettled(hashes.map((h) => store.get(h)));
  const corrupt = results.filter((r) => r.status === 'rejected');
  assert.ok(corrupt.length >= 1 && corrupt.length < hashes.length, `${corrupt.length} of ${hashes.length}`);
  assert.ok(corrupt.every((r) => r.reason.code === 'CORRUPT'));
  const report = await verify(adapter);
  assert.deepEqual(
    report.problems.map((p) => [p.kind, p.table]),
    corrupt.map(() => ['corruptChunk', victim]),
  );

  // A truncated file no longer opens.
  await truncate(join(dir, cut), 100);
  await assert.rejects(ChunkStore.open(adapter), { code: 'CORRUPT' });
  // (The damaged block holds the root chunk too: verify also says the root is missing.)
  const kinds = new Set((await verify(adapter)).problems.map((p) => p.kind));
  assert.ok(kinds.has('corruptChunk') && kinds.has('corruptTable'), [...kinds].join());
});
