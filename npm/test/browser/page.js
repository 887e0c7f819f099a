// Runs in Chromium, driven by ../browser.test.mjs: the package's browser entry against
// IndexedDB. Leaves a promise of plain, serialisable results in window.cairnResults.

import { ChunkStore, hash, IndexedDbAdapter, runConformance, verify } from '../../src/browser.js';
import { chunkSet, EMPTY_ROOT } from '../data.mjs';

const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

async function roundTrip(name) {
  const chunks = chunkSet(300);
  const writerAdapter = new IndexedDbAdapter(name);
  const writer = await ChunkStore.open(writerAdapter, { tableTargetBytes: 16 * 1024 });
  const hashes = await Promise.all(chunks.map((c) => writer.put(c)));
  const root = hashes.at(-1);
  await writer.commit(EMPTY_ROOT, root);
  const tables = writer.tables().length;
  writer.free();
  await writerAdapter.close();

  // A new adapter and connection, as a page reload would have.
  const adapter = new IndexedDbAdapter(name);
  const reader = await ChunkStore.open(adapter);
  const back = await Promise.all(hashes.map((h) => reader.get(h)));
  return {
    tables,
    rootMatches: reader.root === root,
    chunksBack: back.filter((bytes, i) => bytes && equal(bytes, chunks[i])).length,
    chunks: chunks.length,
    verify: await verify(adapter),
    badHashCode: await reader.get('not a hash').catch((e) => e.code),
  };
}

async function run() {
  const stamp = Date.now();
  const conformance = `conformance-${stamp}`;
  return {
    conformance: await runConformance(new IndexedDbAdapter(conformance), new IndexedDbAdapter(conformance)),
    roundTrip: await roundTrip(`round-trip-${stamp}`),
    hashAbc: hash(new TextEncoder().encode('abc')),
  };
}

window.cairnResults = run().catch((e) => ({ error: `${e.code ?? ''} ${e.stack ?? e}` }));
