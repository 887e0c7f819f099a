// Benchmarks of the wasm build in Node (and one in Chromium). Prints one TSV line per case to
// stdout — `case<TAB>runtime<TAB>value<TAB>unit` — with the case names the native bench uses,
// so the two join into one table; progress goes to stderr. MB is 10^6 bytes.

import { randomFillSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChunkStore, hash, MemoryAdapter, NodeFsAdapter, Repo } from '../src/node.js';
import { launch, NO_CHROMIUM, serve } from '../test/chromium.mjs';
import { CREATE, insertRows } from './rows.js';

const TOTAL = 64 << 20;
const CHUNK = 4 << 10;
const EMPTY_ROOT = '0'.repeat(32);

const buffer = randomFillSync(new Uint8Array(TOTAL));
const chunks = Array.from({ length: TOTAL / CHUNK }, (_, i) => buffer.subarray(i * CHUNK, (i + 1) * CHUNK));

function line(name, value, unit, runtime = 'node-wasm') {
  process.stdout.write(`${name}\t${runtime}\t${value.toFixed(1)}\t${unit}\n`);
}

function report(name, seconds) {
  line(name, TOTAL / 1e6 / seconds, 'MB/s');
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

const ROWS = 1_000_000;

/** The million-row database through SQL on the Node fs adapter, then backup syncs of it. */
async function database(dir) {
  console.error('bench: 1,000,000-row database, backup sync');
  const options = { now: () => 1, author: { name: 'bench', email: 'bench@example.com' } };
  const repo = await Repo.init(`file://${join(dir, 'db')}`, options);
  await repo.sql(CREATE);
  const sql = insertRows(ROWS);
  const insert = await time(async () => {
    await repo.sql(sql);
    await repo.commit({ message: 'rows', all: true });
  });
  line('insert 1,000,000 rows (one statement) and commit', ROWS / insert, 'rows/s');
  const backup = `file://${join(dir, 'backup')}`;
  line('backup sync, 1M-row database (first)', (await time(() => repo.backupSyncUrl(backup))) * 1e3, 'ms');
  await repo.sql("update t set b = 'changed' where id = 500000");
  line('backup sync after a one-row change', (await time(() => repo.backupSyncUrl(backup))) * 1e3, 'ms');
  repo.close();
}

/** A backup sync of 100,000 rows between two IndexedDB databases in headless Chromium. */
async function indexedDb() {
  if (NO_CHROMIUM) return console.error(`bench: IndexedDB skipped: ${NO_CHROMIUM}`);
  console.error('bench: IndexedDB backup sync in Chromium');
  const server = await serve(fileURLToPath(new URL('..', import.meta.url)));
  const chromium = await launch();
  try {
    const page = await chromium.context.newPage();
    await page.goto(`${server.url}/test/browser/blank.html`);
    const ms = await page.evaluate(async (rows) => (await import('/bench/idb.js')).backupSync('bench', rows), 100_000);
    line('IndexedDB backup sync, 100k rows', ms, 'ms', 'chromium-wasm');
  } finally {
    await chromium.close();
    await server.close();
  }
}

const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-'));
try {
  const fs = await storeCases(`filesystem (${dir})`, new NodeFsAdapter(join(dir, 'store')));
  report('chunk store write, filesystem', fs.write);
  report('chunk store read, filesystem', fs.read);
  await database(dir);
} finally {
  await rm(dir, { recursive: true, force: true });
}
await indexedDb();
