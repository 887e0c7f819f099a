// Benchmarks of the wasm build in Node (and one in Chromium). Prints one TSV line per case to
// stdout — `case<TAB>runtime<TAB>value<TAB>unit` — with the case names the native bench uses,
// so the two join into one table; progress goes to stderr. MB is 10^6 bytes.

import { randomFillSync } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

const median = (samples) => samples.toSorted((a, b) => a - b)[samples.length >> 1];

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

/**
 * Writes the 64 MiB of chunks into a fresh store, then reads each back from the store
 * opened again; the fastest of three such round trips each, as the native bench measures.
 */
async function storeCases(label, freshAdapter) {
  console.error(`bench: chunk store write and read, ${label}`);
  let write = Infinity;
  let read = Infinity;
  for (let run = 0; run < 3; run++) {
    const adapter = await freshAdapter();
    const hashes = [];
    write = Math.min(
      write,
      await time(async () => {
        const store = await ChunkStore.open(adapter);
        for (const chunk of chunks) hashes.push(await store.put(chunk));
        await store.commit(EMPTY_ROOT, hashes.at(-1));
        store.free();
      }),
    );
    const store = await ChunkStore.open(adapter);
    read = Math.min(
      read,
      await time(async () => {
        for (const h of hashes) {
          if ((await store.get(h))?.length !== CHUNK) throw new Error(`chunk ${h} did not read back`);
        }
      }),
    );
    store.free();
    await adapter.close?.();
  }
  return { write, read };
}

console.error('bench: hashing');
report('blake3 one 64 MiB buffer', await time(() => hash(buffer), 3));
report('chunk hashing, 4 KiB chunks', await time(() => chunks.forEach(hash), 3));

const memory = await storeCases('memory', () => new MemoryAdapter());
report('chunk store write, memory (64 MiB of 4 KiB chunks)', memory.write);
report('chunk store read, memory', memory.read);

const ROWS = 1_000_000;
// How many first backup syncs, each into a fresh folder: one sample was mostly the disk's
// fsyncs of the moment (docs/BENCHMARKS.md).
const SYNC_RUNS = 5;

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
  // Into fresh folders SYNC_RUNS times, the median counting, as the native bench does.
  const backup = (k) => `file://${join(dir, `backup-${k}`)}`;
  const firsts = [];
  for (let k = 0; k < SYNC_RUNS; k++) firsts.push(await time(() => repo.backupSyncUrl(backup(k))));
  line('backup sync, 1M-row database (first)', median(firsts) * 1e3, 'ms');
  await repo.sql("update t set b = 'changed' where id = 500000");
  line('backup sync after a one-row change', (await time(() => repo.backupSyncUrl(backup(0)))) * 1e3, 'ms');
  repo.close();
}

/** Chromium's renderer processes that this process started (Linux's /proc). */
function renderers() {
  const parent = new Map();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const ours = (pid) => {
    for (let p = pid; p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  return [...parent.keys()].filter((pid) => {
    try {
      return ours(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
    } catch {
      return false;
    }
  });
}

/** Starts the renderers' peak resident size anew (the kernel's clear_refs). */
function resetPeaks() {
  for (const pid of renderers()) writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** The largest renderer's peak resident size since `resetPeaks`, in MiB: the tab's memory. */
function peakMiB() {
  const kib = renderers().map((pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0));
  return Math.max(0, ...kib) / 1024;
}

/**
 * In headless Chromium: a backup sync of 100,000 rows between two IndexedDB databases; then a
 * 1,000,000-row database made, synced, exported as a file and restored, each step's time and
 * the tab's peak memory; then navigations to a page that shows a query's result from it.
 */
async function indexedDb() {
  if (NO_CHROMIUM) return console.error(`bench: IndexedDB skipped: ${NO_CHROMIUM}`);
  const server = await serve(fileURLToPath(new URL('..', import.meta.url)));
  const chromium = await launch();
  try {
    // Each step in a page of its own, so that its renderer's peak is that step's: a wasm
    // module's memory never shrinks.
    const inPage = async (name, ...args) => {
      const page = await chromium.context.newPage();
      try {
        await page.goto(`${server.url}/test/browser/blank.html`);
        resetPeaks();
        const result = await page.evaluate(async ([name, args]) => (await import('/bench/idb.js'))[name](...args), [name, args]);
        return { result, peak: peakMiB() };
      } finally {
        await page.close();
      }
    };

    console.error('bench: IndexedDB backup sync in Chromium');
    await inPage('create', 'bench', 100_000);
    line('IndexedDB backup sync, 100k rows', (await inPage('backupSync', 'bench')).result, 'ms', 'chromium-wasm');

    console.error('bench: IndexedDB, 1,000,000 rows in Chromium');
    const step = async (name, run, check = () => {}) => {
      const { result, peak } = await run();
      check(result);
      line(`IndexedDB 1M rows: ${name}`, typeof result === 'number' ? result : result.ms, 'ms', 'chromium-wasm');
      line(`IndexedDB 1M rows: ${name}, the tab's peak memory`, peak, 'MiB', 'chromium-wasm');
    };
    await step('insert and commit', () => inPage('create', 'bench1m', ROWS));
    await step('backup sync to another database', () => inPage('backupSync', 'bench1m'));
    await step('export the backup as a file', () => inPage('exportFile', 'bench1m'));
    await step('restore from the file', () => inPage('restoreFile', 'bench1m'), ({ rows }) => {
      if (rows !== ROWS) throw new Error(`the restored database has ${rows} rows`);
    });

    // First visits, with nothing cached, then return visits: the server sends validators, as
    // static hosts do, so Chromium may reuse what it cached (the module's compiled code among
    // it). Each visit is one sample of a shared machine, so each kind is the median of five;
    // before each first visit but the first, the browser's cache is cleared (CDP's
    // Network.clearBrowserCache; IndexedDB stays). A first visit stays open a while, as a
    // reader would, which lets Chromium keep the module's code for the return visits.
    console.error('bench: navigation to the first query result in Chromium');
    const visit = async (stay, clearCache = false) => {
      const tab = await chromium.context.newPage();
      if (clearCache) {
        const cdp = await chromium.context.newCDPSession(tab);
        await cdp.send('Network.clearBrowserCache');
        await cdp.detach();
      }
      await tab.goto(`${server.url}/bench/first-result.html?db=bench1m`);
      const result = await (await tab.waitForFunction(() => window.firstResult)).jsonValue();
      await new Promise((resolve) => setTimeout(resolve, stay));
      await tab.close();
      if (result.error || result.rows?.[0]?.[0] !== 500) throw new Error(`first-result.html: ${JSON.stringify(result)}`);
      return result;
    };
    const median = (visits, key) => visits.map((t) => t[key]).sort((a, b) => a - b)[2];
    const firsts = [];
    for (let i = 0; i < 5; i++) firsts.push(await visit(5_000, i > 0));
    console.error(`bench: first visits ${firsts.map((t) => t.ms).join(', ')} ms (the first with nothing cached yet)`);
    line('browser: first visit, navigation to first query result, localhost (median of 5)', median(firsts, 'ms'), 'ms', 'chromium-wasm');
    line('of it: the package and its wasm module loaded (first visit, median of 5)', median(firsts, 'loaded'), 'ms', 'chromium-wasm');
    const returns = [];
    for (let i = 0; i < 5; i++) returns.push(await visit(0));
    line('browser: return visit, navigation to first query result, localhost (median of 5)', median(returns, 'ms'), 'ms', 'chromium-wasm');
    line('of it: the package and its wasm module loaded (return visit, median of 5)', median(returns, 'loaded'), 'ms', 'chromium-wasm');
  } finally {
    await chromium.close();
    await server.close();
  }
}

const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-'));
try {
  const fs = await storeCases(`filesystem (${dir})`, async () => {
    const store = join(dir, 'store');
    await rm(store, { recursive: true, force: true });
    return new NodeFsAdapter(store);
  });
  report('chunk store write, filesystem', fs.write);
  report('chunk store read, filesystem', fs.read);
  await database(dir);
} finally {
  await rm(dir, { recursive: true, force: true });
}
await indexedDb();
