// Benchmarks of the wasm build in Node. Prints one TSV line per case to stdout —
// `case<TAB>node-wasm<TAB>value<TAB>unit` — with the case names the native bench uses, so
// the two join into one table; progress goes to stderr. MB is 10^6 bytes.

import { randomFillSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChunkStore, hash, MemoryAdapter, NodeFsAdapter } from '../src/node.js';

const TOTAL = 64 << 20;
const CHUNK = 4 << 10;
const EMPTY_ROOT = '0'.repeat(32);

const buffer = randomFillSync(new Uint8Array(TOTAL));
const chunks = Array.from({ length: TOTAL / CHUNK }, (_, i) => buffer.subarray(i * CHUNK, (i + 1) * CHUNK));

function report(name, seconds) {
  process.stdout.write(`${name}\tnode-wasm\t${(TOTAL / 1e6 / seconds).toFixed(1)}\tMB/s\n`);
}

/** Seconds `run` takes; with `repeat`, the fastest of that many runs after one warm-up. */
async function time(run, repeat = 1) {
  if (repeat > 1) await run();
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    await run();
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}

async function storeCases(label, adapter) {
  console.error(`bench: chunk store write and read, ${label}`);
  const hashes = [];
  const write = await time(async () => {
    const store = await ChunkStore.open(adapter);
    for (const chunk of chunks) hashes.push(await store.put(chunk));
    await store.commit(EMPTY_ROOT, hashes.at(-1));
    store.free();
  });
  const read = await time(async () => {
    const store = await ChunkStore.open(adapter);
    for (const h of hashes) {
      if ((await store.get(h))?.length !== CHUNK) throw new Error(`chunk ${h} did not read back`);
    }
    store.free();
  });
  return { write, read };
}

console.error('bench: hashing');
report('blake3 one 64 MiB buffer', await time(() => hash(buffer), 3));
report('chunk hashing, 4 KiB chunks', await time(() => chunks.forEach(hash), 3));

const memory = await storeCases('memory', new MemoryAdapter());
report('chunk store write, memory (64 MiB of 4 KiB chunks)', memory.write);
report('chunk store read, memory', memory.read);

const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-'));
try {
  const fs = await storeCases(`filesystem (${dir})`, new NodeFsAdapter(dir));
  report('chunk store write, filesystem', fs.write);
  report('chunk store read, filesystem', fs.read);
} finally {
  await rm(dir, { recursive: true, force: true });
}
