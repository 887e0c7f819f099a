// Peak memory of a backup file round trip in Node: `Repo.backupExport` of the backup at URL
// piped to a file, then `Repo.backupRestoreFile` of that file read as a stream. The peak is
// the process's resident size sampled every 5 ms (the wasm memory and Node's buffers are
// both in it), less the resident size before the first call.
//
// Usage: node --max-old-space-size=64 npm/bench/backup-file-memory.mjs file:///path/to/backup

import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Repo } from '../src/node.js';

const url = process.argv[2];
const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-file-'));
const MiB = 1 << 20;

async function peak(name, fn) {
  const base = process.memoryUsage().rss;
  let top = base;
  const timer = setInterval(() => (top = Math.max(top, process.memoryUsage().rss)), 5);
  const started = performance.now();
  await fn();
  clearInterval(timer);
  top = Math.max(top, process.memoryUsage().rss);
  const ms = performance.now() - started;
  console.log(`| ${name} | ${ms.toFixed(0)} ms | ${(top / MiB).toFixed(1)} MiB | ${((top - base) / MiB).toFixed(1)} MiB |`);
}

try {
  const file = join(dir, 'b.cairnbak');
  console.log('| case (Node) | wall time | peak resident | growth |');
  console.log('|---|---:|---:|---:|');
  await peak('export to a file', async () => pipeline(await Repo.backupExport(url), createWriteStream(file)));
  await peak('restore from the file', async () => {
    const { repo } = await Repo.backupRestoreFile(createReadStream(file), `file://${join(dir, 'restored')}`);
    await repo.close();
  });
  console.log(`\nthe file: ${((await stat(file)).size / MiB).toFixed(1)} MiB`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
