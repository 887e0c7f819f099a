// A backup sync from Node repairs a backup that lost a table file, and `repair: true` checks
// what the snapshot reaches (the Rust side: tests/repair.rs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Repo } from '../src/node.js';
import { tempDir } from './helpers.mjs';

const FIXED = { author: { name: 'Test', email: 'test@example.com' }, now: () => 1_700_000_000_000 };

const tableFiles = async (dir) => (await readdir(dir)).filter((n) => n.length === 32).sort();

test('a backup that lost a table file is repaired by the next sync from Node', async (t) => {
  const root = await tempDir(t);
  const at = (p) => `file://${join(root, p)}`;
  const repo = await Repo.init(at('db'), FIXED);
  await repo.sql('create table t (id int primary key, v text)');
  const rows = Array.from({ length: 500 }, (_, i) => `(${i}, 'row ${i}')`).join(', ');
  await repo.sql(`insert into t values ${rows}`);
  await repo.commit({ message: 'rows', all: true });
  await repo.addBackup('b', 'file://../b');
  await repo.backupSync('b');
  // The database's own files, copied whole by the first sync, go missing.
  const fromDb = await tableFiles(join(root, 'db/.cairn/store'));
  const gone = (await tableFiles(join(root, 'b'))).filter((n) => fromDb.includes(n));
  assert.ok(gone.length > 0);
  for (const name of gone) await rm(join(root, 'b', name));

  await repo.sql("insert into t values (1000, 'new')");
  const synced = await repo.backupSync('b');
  assert.equal(synced.synced, true);
  assert.deepEqual([...synced.damagedTables].sort(), gone);
  assert.equal(typeof synced.stats.repaired, 'number');

  const { repo: restored } = await Repo.backupRestore(at('b'), at('restored'));
  assert.deepEqual((await restored.sql('select count(*) from t'))[0].rows, [[501]]);

  // Nothing is left to write again: a repair of the up-to-date backup writes nothing.
  const again = await repo.backupSync('b', { repair: true });
  assert.equal(again.synced, false);
  assert.equal(again.stats.repaired, 0);
});

test('verify reads one slice of the table files with readDataSubset, and stops on an AbortSignal', async (t) => {
  const root = await tempDir(t);
  const at = (p) => `file://${join(root, p)}`;
  const repo = await Repo.init(at('db'), FIXED);
  await repo.sql('create table t (id int primary key)');
  for (let round = 0; round < 4; round++) {
    await repo.sql(`insert into t values ${Array.from({ length: 200 }, (_, i) => `(${round * 1000 + i})`).join(', ')}`);
    await repo.backupSyncUrl(at('b'));
  }
  const full = await Repo.verify(at('b'));
  assert.equal(full.subset, null);
  assert.equal(full.tablesRead, full.tables);
  let read = 0;
  for (const n of [1, 2]) {
    const slice = await Repo.verify(at('b'), { readDataSubset: `${n}/2` });
    assert.equal(slice.subset, `${n}/2`);
    assert.deepEqual(slice.problems, []);
    assert.deepEqual(slice.intact, full.intact);
    read += slice.tablesRead;
  }
  assert.equal(read, full.tables, 'the two slices read each table file once');
  await assert.rejects(Repo.verify(at('b'), { readDataSubset: '3/2' }), (e) => e.code === 'INVALID_ARGUMENT');
  const events = [];
  await Repo.verify(at('b'), { onProgress: (e) => events.push(e) });
  assert.equal(events.at(-1).chunksDone, events.at(-1).chunksTotal);
  await assert.rejects(Repo.verify(at('b'), { signal: AbortSignal.abort() }), (e) => e.name === 'AbortError');
});
