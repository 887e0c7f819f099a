// The Repo API on the Node fs adapter (file://) and in memory (mem://): the seed tutorial,
// remotes, backups, backup files, the error codes, rows as objects, and closing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CairnError, Repo } from '../src/node.js';
import { MemoryAdapter } from '../src/adapters/memory.js';
import { tempDir } from './helpers.mjs';

const FIXED = { now: () => 1_700_000_000_000, author: { name: 'Ada', email: 'ada@example.com' } };

/** Rejects with a CairnError of `code`. */
async function fails(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.code, code, e.message);
    assert.ok(e instanceof CairnError);
    return true;
  });
}

test('the seed tutorial through the Repo API on file:// locations', async (t) => {
  const root = await tempDir(t);
  const at = (p) => `file://${join(root, p)}`;
  const repo = await Repo.init(at('repo1'), FIXED);
  assert.ok(existsSync(join(root, 'repo1/.cairn/store/manifest')));
  assert.ok(existsSync(join(root, 'repo1/.cairn/config')));

  await repo.sql('create table t (id int primary key, name varchar(20))');
  await repo.sql("insert into t values (1, 'one'), (2, 'two')");
  const first = await repo.commit({ message: 'first rows', all: true });
  assert.equal(first.message, 'first rows');
  assert.deepEqual(first.decorations, ['HEAD -> main']);
  assert.match(first.hash, /^[0-9a-v]{32}$/);

  await repo.createBranch('dev');
  await repo.addRemote('origin', 'file://../rem1');
  const pushed = await repo.push('origin', 'main');
  assert.equal(pushed.updated, true);
  assert.equal(pushed.new, first.hash);
  await repo.createTag('v1');
  await repo.sql('create table not_committed (a int primary key)');

  const events = [];
  await repo.addBackup('bac1', 'file://../backups/bac1');
  const sync = await repo.backupSync('bac1', { onProgress: (e) => events.push(e) });
  assert.equal(sync.synced, true);
  assert.ok(events.length > 0);
  assert.deepEqual(Object.keys(events[0]), ['phase', 'chunksDone', 'chunksTotal', 'bytesDone', 'bytesTotal']);
  assert.equal((await repo.backupSync('bac1')).synced, false, 'a second sync is up to date');
  assert.deepEqual((await repo.backupSnapshots('bac1')).map((s) => s.id), [sync.snapshot.id]);

  const { repo: restored, snapshot } = await Repo.backupRestore(at('backups/bac1'), at('repo2'));
  assert.equal(snapshot.id, sync.snapshot.id);
  const status = await restored.status();
  assert.deepEqual(status.untracked, ['not_committed']);
  const branches = await restored.branches({ all: true });
  assert.deepEqual(
    branches.map((b) => [b.name, b.current, b.remote]),
    [['dev', false, false], ['main', true, false], ['origin/main', false, true]],
  );
  assert.deepEqual((await restored.tags()).map((t) => t.name), ['v1']);
  assert.deepEqual(await restored.remotes(), []);
  assert.deepEqual(await restored.backups(), []);
  assert.notEqual(restored.id, repo.id);

  const clone = await Repo.clone(at('rem1'), at('clone1'));
  assert.deepEqual(await clone.ls(), ['t']);
  assert.deepEqual(await clone.remotes(), [{ name: 'origin', url: at('rem1') }]);
  await fails(Repo.clone(at('backups/bac1'), at('clone2')), 'IS_A_BACKUP');
  assert.ok(!existsSync(join(root, 'clone2')), 'a failed clone leaves nothing behind');
  for (const r of [repo, restored, clone]) r.close();
});

test('sql, status, add, commit, log, diff, reset, checkout, tags, ls', async () => {
  const repo = await Repo.init('mem://api', FIXED);
  const [created, inserted] = await repo.sql(
    "create table t (id int primary key, name text, x double, big bigint); insert into t values (1, 'a', 1.5, 9007199254740993)",
  );
  assert.equal(created.affected, 0);
  assert.equal(inserted.affected, 1);
  const [rows] = await repo.sql('select * from t');
  assert.deepEqual(rows.columns, ['id', 'name', 'x', 'big']);
  assert.deepEqual(rows.rows, [[1, 'a', 1.5, 9007199254740993n]]);

  await fails(repo.commit({ message: 'nothing staged' }), 'NOTHING_TO_COMMIT');
  await repo.add('t');
  assert.deepEqual((await repo.status()).staged, [{ name: 't', change: 'new table' }]);
  const c1 = await repo.commit({ message: 'one' });
  await repo.sql("update t set name = 'b' where id = 1");
  const diff = await repo.diff();
  assert.deepEqual(diff[0].rows, [{ kind: 'modified', old: [1, 'a', 1.5, 9007199254740993n], new: [1, 'b', 1.5, 9007199254740993n] }]);
  assert.equal(diff[0].name, 't');
  await repo.add('.');
  assert.deepEqual((await repo.diff({ cached: true }))[0].name, 't');
  await repo.reset();
  assert.deepEqual((await repo.status()).unstaged, [{ name: 't', change: 'modified' }]);
  await repo.commit({ message: 'two', all: true });
  assert.deepEqual((await repo.log()).map((c) => c.message), ['two', 'one', 'Initialize data repository']);
  assert.deepEqual((await repo.log({ limit: 1, start: 'HEAD~1' })).map((c) => c.hash), [c1.hash]);

  await repo.checkout('feature', { create: true });
  assert.equal(repo.currentBranch, 'feature');
  await repo.sql('drop table t');
  await repo.commit({ message: 'drop', all: true });
  assert.deepEqual(await repo.ls(), []);
  assert.deepEqual(await repo.ls('main'), ['t']);
  await repo.checkout('main');
  await fails(repo.deleteBranch('main'), 'BRANCH_CHECKED_OUT');
  await fails(repo.deleteBranch('feature'), 'BRANCH_NOT_MERGED');
  await repo.deleteBranch('feature', { force: true });
  assert.equal(await repo.createTag('v1', 'HEAD~1'), c1.hash);
  assert.equal(await repo.resolve('v1'), c1.hash);
  assert.equal(await repo.reset({ hard: true, ref: 'v1' }), c1.hash);
  await repo.deleteTag('v1');
  assert.deepEqual(await repo.tags(), []);
  const pending = repo.status();
  repo.close();
  assert.equal((await pending).branch, 'main', 'an operation started before close completes');
  await fails(repo.status(), 'INVALID_ARGUMENT');
});

test('error codes', async (t) => {
  const root = await tempDir(t);
  const repo = await Repo.init('mem://errors', FIXED);
  await fails(Repo.init('mem://errors'), 'ALREADY_EXISTS');
  await fails(Repo.open('mem://nothing-here'), 'NOT_A_DATABASE');
  await fails(Repo.open(`file://${root}`), 'NOT_A_DATABASE');
  await fails(Repo.open('nope'), 'INVALID_ARGUMENT');
  await fails(Repo.open('ftp://x'), 'INVALID_ARGUMENT');
  await fails(repo.checkout('nope'), 'BRANCH_NOT_FOUND');
  await fails(repo.createBranch('main'), 'ALREADY_EXISTS');
  await fails(repo.createBranch('bad name'), 'INVALID_ARGUMENT');
  await fails(repo.deleteTag('nope'), 'TAG_NOT_FOUND');
  await fails(repo.resolve('nope'), 'REF_NOT_FOUND');
  await fails(repo.add('nope'), 'TABLE_NOT_FOUND');
  await fails(repo.sql('select * from nope'), 'TABLE_NOT_FOUND');
  await fails(repo.sql('selec 1'), 'SQL');
  await fails(repo.push('nope', 'main'), 'REMOTE_NOT_FOUND');
  await fails(repo.backupSync('nope'), 'BACKUP_NOT_FOUND');
  await fails(repo.removeBackup('nope'), 'BACKUP_NOT_FOUND');
  await fails(repo.fetch('origin'), 'REMOTE_NOT_FOUND');
  // Wrong argument types are refused before they reach the core.
  await fails(repo.sql(42), 'INVALID_ARGUMENT');
  await fails(repo.checkout(undefined), 'INVALID_ARGUMENT');
  await fails(repo.commit({ message: 5 }), 'INVALID_ARGUMENT');
  await fails(repo.log({ limit: -1 }), 'INVALID_ARGUMENT');
  await fails(repo.add([1]), 'INVALID_ARGUMENT');
  await fails(Repo.backupRestoreFile('not a file', 'mem://x'), 'INVALID_ARGUMENT');
  assert.equal((await repo.status()).branch, 'main', 'and the Repo still works');

  await repo.addRemote('origin', 'mem://errors-remote');
  await fails(repo.addRemote('origin', 'mem://other'), 'ALREADY_EXISTS');
  await fails(repo.addBackup('b', 'mem://errors-remote'), 'ADDRESS_CONFLICT');
  await fails(repo.pull('origin'), 'NOT_FOUND');
  await repo.push('origin', 'main');
  await fails(repo.pull('origin', 'nope'), 'BRANCH_NOT_FOUND');
  await repo.addBackup('b', 'mem://errors-backup');
  await fails(repo.backupSnapshots('b'), 'NOT_FOUND');
  await repo.backupSync('b');
  await fails(Repo.backupRestore('mem://errors-backup', 'mem://errors'), 'ALREADY_EXISTS');
  await fails(Repo.backupRestore('mem://errors-backup', 'mem://errors-2', { snapshot: 'zzzz' }), 'SNAPSHOT_NOT_FOUND');
  await fails(Repo.open('mem://errors-2'), 'NOT_A_DATABASE');
  await fails(Repo.backupRestore('mem://errors-remote', 'mem://errors-3'), 'NOT_A_BACKUP');
  await fails(Repo.backupSnapshots('mem://errors-remote'), 'NOT_A_BACKUP');
  await fails(repo.backupSyncUrl('mem://errors-remote'), 'NOT_A_BACKUP');
  await fails(repo.fetch('origin').then(() => Repo.clone('mem://errors-backup', 'mem://errors-4')), 'IS_A_BACKUP');
  await fails(repo.backupPrune('b', { keepLast: 0 }), 'INVALID_ARGUMENT');
  await fails(Repo.backupRestoreFile(new Uint8Array(40), 'mem://errors-5'), 'NOT_A_BACKUP');

  // A second database may not sync over another's backup.
  const other = await Repo.init('mem://errors-other', FIXED);
  await fails(other.backupSyncUrl('mem://errors-backup'), 'OWNED_BY_OTHER');

  // Diverged histories and pushes that would drop commits.
  const clone = await Repo.clone('mem://errors-remote', 'mem://errors-clone', FIXED);
  await clone.commit({ message: 'theirs', allowEmpty: true });
  await clone.push('origin', 'main');
  await repo.commit({ message: 'ours', allowEmpty: true });
  await fails(repo.push('origin', 'main'), 'NON_FAST_FORWARD');
  await fails(repo.pull('origin', 'main', { fastForwardOnly: true }), 'DIVERGED');
  assert.equal((await repo.push('origin', 'main', { force: true })).updated, true);
  await clone.fetch('origin');
  await clone.reset({ hard: true, ref: 'origin/main' });
  await clone.sql('create table x (a int primary key)');
  await clone.commit({ message: 'x', all: true });
  await clone.push('origin', 'main');
  await repo.sql('create table y (a int primary key)');
  await fails(repo.pull('origin', 'main'), 'UNCOMMITTED_CHANGES');
  for (const r of [repo, other, clone]) r.close();
});

test('restore: ALREADY_EXISTS unless force; a failed restore leaves nothing behind', async (t) => {
  const root = await tempDir(t);
  const repo = await Repo.init(`file://${root}/db`, FIXED);
  await repo.sql('create table t (a int primary key)');
  await repo.commit({ message: 'one', all: true });
  await repo.addBackup('b', 'file://../bk');
  const first = await repo.backupSync('b');
  await repo.sql('insert into t values (1)');
  await repo.commit({ message: 'two', all: true });
  await repo.backupSync('b');

  const into = `file://${root}/restored`;
  (await Repo.backupRestore(`file://${root}/bk`, into)).repo.close();
  await fails(Repo.backupRestore(`file://${root}/bk`, into), 'ALREADY_EXISTS');
  const { repo: older } = await Repo.backupRestore(`file://${root}/bk`, into, { force: true, snapshot: first.snapshot.id });
  assert.deepEqual((await older.log()).map((c) => c.message), ['one', 'Initialize data repository']);
  older.close();

  await fails(Repo.backupRestore(`file://${root}/nothing`, `file://${root}/r2`), 'NOT_FOUND');
  await fails(Repo.backupRestore(`file://${root}/bk`, `file://${root}/r3`, { snapshot: 'nope' }), 'SNAPSHOT_NOT_FOUND');
  assert.deepEqual((await readdir(root)).sort(), ['bk', 'db', 'restored']);
  await fails(Repo.backupRestore(`file://${root}/bk`, into, { force: true, snapshot: 'nope' }), 'SNAPSHOT_NOT_FOUND');
  assert.deepEqual((await readdir(join(root, 'restored'))).sort(), ['.cairn'], 'the old database stays');
  repo.close();
});

test('backup files, prune and verify', async () => {
  const repo = await Repo.init('mem://files', FIXED);
  await repo.addBackup('b', 'mem://files-backup');
  for (let i = 0; i < 3; i++) {
    await repo.sql(`create table t${i} (a int primary key)`);
    await repo.backupSync('b');
  }
  const snapshots = await repo.backupSnapshots('b');
  assert.equal(snapshots.length, 3);

  const file = new Uint8Array(Buffer.concat(await (await Repo.backupExport('mem://files-backup')).toArray()));
  assert.equal(new TextDecoder().decode(file.subarray(0, 8)), 'CAIRNBAK');
  const { repo: fromFile, snapshot } = await Repo.backupRestoreFile(file, 'mem://files-restored');
  assert.equal(snapshot.id, snapshots[2].id);
  assert.deepEqual(await fromFile.ls(), ['t0', 't1', 't2']);
  const one = new Uint8Array(Buffer.concat(await (await Repo.backupExport('mem://files-backup', { snapshot: snapshots[0].id })).toArray()));
  assert.ok(one.length < file.length);
  const { repo: fromOne } = await Repo.backupRestoreFile(one, 'mem://files-one');
  assert.deepEqual(await fromOne.ls(), ['t0']);

  const pruned = await repo.backupPrune('b', { keepLast: 1 });
  assert.equal(pruned.snapshotsRemoved, 2);
  assert.equal(pruned.snapshotsKept, 1);
  assert.deepEqual((await Repo.backupSnapshots('mem://files-backup')).map((s) => s.id), [snapshots[2].id]);
  const report = await Repo.verify('mem://files-backup');
  assert.deepEqual(report.problems, []);
  assert.deepEqual((await repo.verify()).problems, []);
  for (const r of [repo, fromFile, fromOne]) r.close();
});

test('a database is created over a remote or backup store only by a forced restore', async () => {
  const repo = await Repo.init('mem://over', FIXED);
  await repo.addBackup('b', 'mem://over-backup');
  await repo.backupSync('b');
  await repo.addRemote('origin', 'mem://over-remote');
  await repo.push('origin', 'main');
  for (const store of ['mem://over-backup', 'mem://over-remote']) {
    await fails(Repo.init(store), 'ALREADY_EXISTS');
    await fails(Repo.clone('mem://over-remote', store), 'ALREADY_EXISTS');
    await fails(Repo.backupRestore('mem://over-backup', store), 'ALREADY_EXISTS');
  }
  await assert.rejects(Repo.init('mem://over-backup'), /'mem:\/\/over-backup' holds a remote or backup store/);
  assert.equal((await Repo.backupSnapshots('mem://over-backup')).length, 1, 'the backup is intact');
  assert.equal((await repo.fetch('origin')).chunks, 0, 'the remote is intact');

  const { repo: restored } = await Repo.backupRestore('mem://over-backup', 'mem://over-remote', { force: true });
  assert.deepEqual((await restored.log()).map((c) => c.message), ['Initialize data repository']);
  for (const r of [repo, restored]) r.close();
});

test("sql rows as arrays or, with { rowMode: 'object' }, as objects keyed by column", async () => {
  const repo = await Repo.init('mem://sql-rows', FIXED);
  const [created, inserted] = await repo.sql(
    "create table t (id int primary key, name text); insert into t values (1, 'one'), (2, null)",
    { rowMode: 'object' },
  );
  assert.deepEqual([created.rows, inserted.affected], [[], 2]);
  const query = 'select id, name from t order by id';
  assert.deepEqual((await repo.sql(query))[0].rows, [[1, 'one'], [2, null]]);
  assert.deepEqual((await repo.sql(query, { rowMode: 'array' }))[0].rows, [[1, 'one'], [2, null]]);
  const [objects] = await repo.sql(query, { rowMode: 'object' });
  assert.deepEqual(objects, { columns: ['id', 'name'], rows: [{ id: 1, name: 'one' }, { id: 2, name: null }] });

  // A column may be named anything, `__proto__` too: it is a key, not the prototype.
  const [odd] = await repo.sql('select id as __proto__, name as constructor from t where id = 1', { rowMode: 'object' });
  assert.equal(Object.getPrototypeOf(odd.rows[0]), Object.prototype);
  assert.deepEqual(Object.entries(odd.rows[0]), [['__proto__', 1], ['constructor', 'one']]);
  const [twice] = await repo.sql('select id as a, name as a from t where id = 1', { rowMode: 'object' });
  assert.deepEqual(twice.rows, [{ a: 'one' }], 'of two columns named alike, the last wins');

  await fails(repo.sql(query, { rowMode: 'columns' }), 'INVALID_ARGUMENT');
  await repo.close();
});

test('sql binds { params }: ? in order, :name by name, each value one literal', async () => {
  const repo = await Repo.init('mem://sql-params', FIXED);
  await repo.sql('create table t (id int primary key, name text, data blob)');
  const hostile = "x'); drop table t; --";
  const [inserted] = await repo.sql('insert into t values (?, ?, ?), (?, ?, null)', {
    params: [1, hostile, new Uint8Array([0, 255]), 2, null],
  });
  assert.equal(inserted.affected, 2);
  const [named] = await repo.sql('select id, name, data from t where name = :name or id = :id order by id', {
    params: { name: hostile, id: 2 },
    rowMode: 'object',
  });
  assert.deepEqual(named.rows, [
    { id: 1, name: hostile, data: new Uint8Array([0, 255]) },
    { id: 2, name: null, data: null },
  ]);
  // The values are in the options, so a bare array is refused rather than taken for them.
  await fails(repo.sql('select * from t where id = ?', [1]), 'INVALID_ARGUMENT');
  await fails(repo.sql('select * from t where id = ?', { params: 'one' }), 'INVALID_ARGUMENT');
  await fails(repo.sql('select * from t where id = ?'), 'SQL');
  assert.deepEqual((await repo.sql('select count(*) from t'))[0].rows, [[2]]);
  await repo.close();
});

test('decimals, dates and unsigned bigints come out exact, as text, and go back in', async () => {
  const repo = await Repo.init('mem://sql-types', FIXED);
  await repo.sql('create table p (id bigint unsigned primary key, price decimal(7,2), day date, t tinyint)');
  await repo.sql("insert into p values (18446744073709551615, 0.1 + 0.2, '2024-02-29', 127)");
  const [read] = await repo.sql('select price, day from p');
  // What came out binds back in: a decimal's text rounds to the scale, a datetime's to its date.
  await repo.sql('insert into p values (?, ?, ?, ?)', { params: [1, '-1.555', '2024-03-01 10:00', -128] });
  await repo.sql('insert into p values (2, ?, ?, 0)', { params: read.rows[0] });
  const [rows] = await repo.sql('select * from p');
  assert.deepEqual(rows.rows, [
    [1, '-1.56', '2024-03-01', -128],
    [2, '0.30', '2024-02-29', 0],
    ['18446744073709551615', '0.30', '2024-02-29', 127],
  ]);
  await fails(repo.sql('insert into p values (3, 123456.7, null, 0)'), 'SQL');
  await fails(repo.sql('insert into p values (3, 1, null, 300)'), 'SQL');
  await fails(repo.sql("insert into p values (3, 1, '2023-02-29', 0)"), 'SQL');
  await repo.close();
});

test('close() waits for the operations started before it, frees the handle, and is what await using calls', async () => {
  const repo = await Repo.init('mem://closing', FIXED);
  const writes = ['create table t (id int primary key)', 'insert into t values (1)'].map((q) => repo.sql(q));
  const settled = [];
  writes.forEach((w, i) => w.then(() => settled.push(i)));
  const closed = repo.close();
  assert.equal(repo.close(), closed, 'closing again is the same close');
  await closed;
  assert.deepEqual(settled, [0, 1], 'the writes settled before close resolved');
  await fails(repo.sql('select 1'), 'INVALID_ARGUMENT');

  const reopened = await Repo.open('mem://closing', FIXED);
  assert.deepEqual((await reopened.sql('select id from t'))[0].rows, [[1]], 'the writes were not cut short');
  const pending = reopened.status();
  await reopened[Symbol.asyncDispose]();
  assert.equal((await pending).branch, 'main');
  await fails(reopened.status(), 'INVALID_ARGUMENT');
});

test('commit with amend replaces the last commit, keeping its message unless given', async () => {
  const repo = await Repo.init('mem://amend', FIXED);
  await repo.sql('create table t (id int primary key)');
  const first = await repo.commit({ message: 'table', all: true });
  await repo.sql('insert into t values (1)');
  await repo.commit({ message: 'one row', all: true });
  await repo.sql('insert into t values (2)');
  const amended = await repo.commit({ all: true, amend: true });
  assert.equal(amended.message, 'one row');
  assert.deepEqual(amended.parents, [first.hash]);
  const renamed = await repo.commit({ message: 'two rows', amend: true });
  assert.deepEqual(renamed.parents, [first.hash]);
  assert.deepEqual((await repo.log()).map((c) => c.message).slice(0, 2), ['two rows', 'table']);
  const [count] = await repo.sql("select count(*) from t as of 'HEAD'");
  assert.deepEqual(count.rows, [[2]]);
});

test('an operation reads the manifest once, to start from the current root', async (t) => {
  // Each read is a transaction in IndexedDB and a directory listing on disk, paid on every call.
  const repo = await Repo.init('mem://manifest-reads', FIXED);
  await repo.sql('create table t (id int primary key)');
  const read = MemoryAdapter.prototype.readManifest;
  let reads = 0;
  MemoryAdapter.prototype.readManifest = function () {
    reads++;
    return read.call(this);
  };
  t.after(() => {
    MemoryAdapter.prototype.readManifest = read;
  });
  assert.deepEqual((await repo.sql('select count(*) from t'))[0].rows, [[0]]);
  assert.equal(reads, 1, 'a query');
  await repo.status();
  assert.equal(reads, 2, 'a status');
  const other = await Repo.open('mem://manifest-reads', FIXED);
  await other.sql('insert into t values (1)');
  reads = 0;
  assert.deepEqual((await repo.sql('select count(*) from t'))[0].rows, [[1]], 'it sees what another handle wrote');
  assert.equal(reads, 1);
  await Promise.all([repo.close(), other.close()]);
});
