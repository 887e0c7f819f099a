// Repo.importTable and Repo.exportTable: the core's table import and export (the same as
// `cairn table import|export`), fed from strings, bytes, iterables and streams.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { CairnError, Repo } from '../src/node.js';

const FIXED = { now: () => 1_700_000_000_000, author: { name: 'Ada', email: 'ada@example.com' } };

const CSV = 'id,name,score\n1,"a, ""b""",1.5\n2,"",\n3,"x\ny",-2\n';

async function fails(promise, code, pattern) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof CairnError, String(e));
    assert.equal(e.code, code, e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

const rows = async (repo, query) => (await repo.sql(query, { rowMode: 'object' }))[0].rows;

test('importTable creates a table from CSV text, and exportTable gives it back', async () => {
  const repo = await Repo.init('mem://table-io-csv', FIXED);
  const summary = await repo.importTable('t', CSV, { mode: 'create', pk: 'id' });
  assert.deepEqual(summary, { rows: 3, inserted: 3, updated: 0, unchanged: 0 });
  assert.deepEqual(await rows(repo, 'select id, name, score from t order by id'), [
    { id: 1, name: 'a, "b"', score: '1.5' },
    { id: 2, name: '', score: null },
    { id: 3, name: 'x\ny', score: '-2.0' },
  ]);
  const csv = await repo.exportTable('t');
  assert.equal(csv, 'id,name,score\n1,"a, ""b""",1.5\n2,"",\n3,"x\ny",-2.0\n');
  const json = await repo.exportTable('t', { fileType: 'json' });
  assert.deepEqual(JSON.parse(json), {
    rows: [
      { id: 1, name: 'a, "b"', score: '1.5' },
      { id: 2, name: '', score: null },
      { id: 3, name: 'x\ny', score: '-2.0' },
    ],
  });
  // The round trip: the export imported into a new table exports the same.
  await repo.importTable('again', json, { mode: 'create', pk: ['id'], fileType: 'json' });
  assert.equal(await repo.exportTable('again'), csv);
  await repo.close();
});

test('importTable reads bytes, iterables, async iterables and streams, cut anywhere', async () => {
  const repo = await Repo.init('mem://table-io-pieces', FIXED);
  const bytes = new TextEncoder().encode(CSV);
  await repo.importTable('bytes', bytes, { mode: 'create', pk: 'id' });
  const expected = await repo.exportTable('bytes');
  const oneByOne = Array.from(bytes, (b) => new Uint8Array([b]));
  await repo.importTable('iterable', oneByOne, { mode: 'create', pk: 'id' });
  assert.equal(await repo.exportTable('iterable'), expected);
  async function* halves() {
    yield CSV.slice(0, 17);
    yield bytes.subarray(new TextEncoder().encode(CSV.slice(0, 17)).length);
  }
  await repo.importTable('asyncIterable', halves(), { mode: 'create', pk: 'id' });
  assert.equal(await repo.exportTable('asyncIterable'), expected);
  await repo.importTable('nodeStream', Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]), {
    mode: 'create',
    pk: 'id',
  });
  assert.equal(await repo.exportTable('nodeStream'), expected);
  const web = new ReadableStream({
    start(controller) {
      controller.enqueue(bytes.subarray(0, 30));
      controller.enqueue(bytes.subarray(30));
      controller.close();
    },
  });
  await repo.importTable('webStream', web, { mode: 'create', pk: 'id' });
  assert.equal(await repo.exportTable('webStream'), expected);
  // And the export as a stream of pieces.
  let streamed = '';
  for await (const piece of repo.exportTable('webStream', { stream: true })) streamed += piece;
  assert.equal(streamed, expected);
  await repo.close();
});

test('update and replace', async () => {
  const repo = await Repo.init('mem://table-io-modes', FIXED);
  await repo.importTable('t', CSV, { mode: 'create', pk: 'id' });
  const updated = await repo.importTable('t', 'id,score\n2,7\n4,8\n1,1.5\n', { mode: 'update' });
  assert.deepEqual(updated, { rows: 3, inserted: 1, updated: 1, unchanged: 1 });
  assert.deepEqual(await rows(repo, 'select id, name, score from t where id in (2, 4) order by id'), [
    { id: 2, name: '', score: '7.0' },
    { id: 4, name: null, score: '8.0' },
  ]);
  await repo.importTable('t', '{"rows":[{"id":9,"name":"nine"}]}', { mode: 'replace', fileType: 'json' });
  assert.deepEqual(await rows(repo, 'select id, name, score from t'), [{ id: 9, name: 'nine', score: null }]);
  await repo.close();
});

test('refusals have stable codes and change nothing', async () => {
  const repo = await Repo.init('mem://table-io-errors', FIXED);
  await fails(repo.importTable('t', CSV, { mode: 'create' }), 'INVALID_ARGUMENT', /primary key.*\{ pk:/);
  await repo.importTable('t', CSV, { mode: 'create', pk: 'id' });
  const before = await repo.exportTable('t');
  await fails(repo.importTable('t', CSV, { mode: 'create', pk: 'id' }), 'ALREADY_EXISTS', /force: true/);
  await fails(repo.importTable('nope', CSV, { mode: 'update' }), 'TABLE_NOT_FOUND', /mode: 'create'/);
  await fails(repo.importTable('t', 'id,score\n5,1\n6,abc\n', { mode: 'update' }), 'INVALID_DATA', /^line 3: 'abc'.*'score'/);
  await fails(repo.importTable('t', '{"rows":[{"id":5},{"id":"x"}]}', { mode: 'update', fileType: 'json' }), 'INVALID_DATA', /^row 2: /);
  await fails(repo.importTable('t', 'id,nope\n1,2\n', { mode: 'update' }), 'INVALID_DATA', /'nope'/);
  await fails(repo.importTable('t', 'id\n1\n1\n', { mode: 'replace' }), 'SQL', /duplicate primary key/);
  await fails(repo.importTable('t', CSV, { mode: 'upsert' }), 'INVALID_ARGUMENT');
  await fails(repo.importTable('t', CSV, { mode: 'update', fileType: 'xml' }), 'INVALID_ARGUMENT');
  await fails(repo.importTable('t', 42, { mode: 'update' }), 'INVALID_ARGUMENT');
  await fails(repo.exportTable('nope'), 'TABLE_NOT_FOUND');
  assert.equal(await repo.exportTable('t'), before);
  await repo.close();
});

test('importTable gives DEFAULT CURRENT_TIMESTAMP columns the file leaves out the repo clock', async () => {
  const repo = await Repo.init('mem://table-io-clock', FIXED);
  await repo.sql('create table t (id int primary key, name text, created datetime not null default current_timestamp)');
  await repo.importTable('t', 'id,name\n1,a\n', { mode: 'update' });
  // 1_700_000_000_000 ms is 2023-11-14 22:13:20 UTC.
  assert.deepEqual(await rows(repo, 'select id, created from t'), [{ id: 1, created: '2023-11-14 22:13:20' }]);
  await repo.close();
});
