// The format's test vectors (tests/vectors/v1, the native twin is tests/vectors.rs): the wasm
// build must write the same bytes for the same steps, and read the native-written store.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ChunkStore, hash, MemoryAdapter, NodeFsAdapter, verify } from '../src/node.js';

const VECTORS = fileURLToPath(new URL('../../tests/vectors/v1/', import.meta.url));
const STORE = `${VECTORS}store`;
const vectors = JSON.parse(await readFile(`${VECTORS}vectors.json`, 'utf8'));
const chunks = vectors.chunks.map((c) => ({ bytes: Buffer.from(c.hex, 'hex'), hash: c.hash }));

test('every vector chunk hashes to its address', () => {
  for (const c of chunks) assert.equal(hash(c.bytes), c.hash);
});

test('replaying the steps writes the vector store byte for byte', async () => {
  const adapter = new MemoryAdapter();
  const store = await ChunkStore.open(adapter);
  for (const commit of vectors.commits) {
    for (const i of commit.chunks) await store.put(chunks[i].bytes);
    await store.commit(store.root, chunks[commit.root].hash);
  }
  const written = new Map([['manifest', (await adapter.readManifest()).bytes]]);
  for (const { name } of await adapter.list()) written.set(name, await adapter.get(name));

  const expected = (await readdir(STORE)).sort();
  assert.deepEqual([...written.keys()].sort(), expected);
  for (const name of expected) {
    const bytes = written.get(name);
    assert.ok(Buffer.from(bytes).equals(await readFile(`${STORE}/${name}`)), `${name} differs from the vector`);
    assert.deepEqual({ size: bytes.length, blake3_160: hash(bytes) }, vectors.files[name], name);
  }
});

test('the native-written vector store reads back through NodeFsAdapter', async () => {
  const adapter = new NodeFsAdapter(STORE);
  const store = await ChunkStore.open(adapter);
  assert.equal(store.root, chunks[vectors.commits.at(-1).root].hash);
  for (const c of chunks) assert.deepEqual(await store.get(c.hash), new Uint8Array(c.bytes));
  const report = await verify(adapter);
  assert.deepEqual(report.problems, []);
  assert.deepEqual(report.orphans, []);
  assert.equal(report.chunks, chunks.length);
});
