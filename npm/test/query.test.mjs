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

test('sql and query read history as the command line does: AS OF and the dolt_ system tables', async () => {
  let clock = 1_700_000_000_000;
  const repo = await Repo.init('mem://history', { author: { name: 'Ada' }, now: () => (clock += 1000) });
  await repo.sql("create table t (id int primary key, v text); insert into t values (1, 'one')");
  await repo.commit({ message: 'first', all: true });
  await repo.createTag('v1');
  await repo.sql("update t set v = 'uno' where id = 1");
  await repo.commit({ message: 'second', all: true });

  const [old] = await repo.sql("select v from t as of 'v1'");
  assert.deepEqual(old.rows, [['one']]);
  const streamed = [];
  for await (const [v] of repo.query("select v from t as of 'HEAD~1'")) streamed.push(v);
  assert.deepEqual(streamed, ['one']);

  const [log] = await repo.sql('select message, commit_order from dolt_log');
  assert.deepEqual(log.rows, [['second', 3], ['first', 2], ['Initialize data repository', 1]]);
  const [diff] = await repo.sql('select from_v, to_v, diff_type from dolt_diff_t order by to_commit_date');
  assert.deepEqual(diff.rows, [[null, 'one', 'added'], ['one', 'uno', 'modified']]);
  const [ranked] = await repo.sql(
    'select message, row_number() over (order by commit_order desc) from dolt_log order by 2');
  assert.deepEqual(ranked.rows.map((r) => r[0]), ['second', 'first', 'Initialize data repository']);

  await assert.rejects(repo.sql("select * from t as of 'nope'"), (e) => /nope/.test(e.message));
  // NOW() reads the repository's clock (the `now` option), once per statement.
  const [now] = await repo.sql('select year(now()), now() = current_timestamp, now() > date_sub(now(), interval 1 second)');
  assert.deepEqual([now.columns, now.rows], [
    ['year(now())', 'now() = current_timestamp', 'now() > date_sub(now(), INTERVAL 1 SECOND)'],
    [[2023, true, true]],
  ]);
  await repo.close();
});

test('SQL names the database after the location, and information_schema describes its tables', async () => {
  const repo = await Repo.init('mem://my-shop', { author: { name: 'Ada' }, now: () => 0 });
  await repo.sql('create table items (id int primary key, name varchar(20) not null)');
  const [db] = await repo.sql('select database()');
  assert.deepEqual(db.rows, [['my_shop']]);
  const [columns] = await repo.sql(
    'select column_name, data_type, is_nullable from information_schema.columns where table_schema = database() order by ordinal_position',
    { rowMode: 'object' },
  );
  // Result columns are named as the query writes them.
  assert.deepEqual(columns.rows, [
    { column_name: 'id', data_type: 'int', is_nullable: 'NO' },
    { column_name: 'name', data_type: 'varchar', is_nullable: 'NO' },
  ]);
  // The same store opened again is named the same; a name the store lacks is refused.
  const again = await Repo.open('mem://my-shop');
  assert.deepEqual((await again.sql('select count(*) from my_shop.items'))[0].rows, [[0]]);
  await assert.rejects(again.sql('use other'), /unknown database 'other'/);
});
