// repo.query streams a SELECT a page at a time, every page from the state of the first.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Repo } from '../src/node.js';

test('query streams rows in pages from one state, as arrays or objects', async () => {
  const repo = await Repo.init('mem://query', { author: { name: 'Ada' }, now: () => 0 });
  const rows = Array.from({ length: 5000 }, (_, i) => `(${i}, 'v${i}')`).join(',');
  await repo.sql(`create table t (id int primary key, v text); insert into t values ${rows}`);

  const seen = [];
  for await (const row of repo.query('select id from t where id >= ?', { params: [10], pageSize: 100 })) {
    if (seen.length === 50) await repo.sql('insert into t values (9999, :v)', { params: { v: 'late' } });
    seen.push(row[0]);
  }
  assert.equal(seen.length, 4990, 'a row written while streaming is not in the stream');
  assert.deepEqual(seen.slice(0, 3), [10, 11, 12]);
  assert.ok(seen.every((id, i) => i === 0 || id > seen[i - 1]), 'in key order');

  const objects = [];
  for await (const row of repo.query('select id, v from t where id < 3', { rowMode: 'object', pageSize: 2 })) {
    objects.push(row);
  }
  assert.deepEqual(objects, [{ id: 0, v: 'v0' }, { id: 1, v: 'v1' }, { id: 2, v: 'v2' }]);

  const desc = [];
  for await (const [id] of repo.query('select id from t order by id desc limit 2')) desc.push(id);
  assert.deepEqual(desc, [9999, 4999]);

  await assert.rejects(async () => {
    for await (const _ of repo.query('delete from t')) void _;
  }, { code: 'SQL' });
  await repo.close();
});
