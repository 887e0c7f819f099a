// Node and the native `cairn` on one storage format: each opens and restores what the other
// wrote, and the same operations give byte-identical stores.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Repo } from '../src/node.js';
import { nativeCairn, runIn, tempDir } from './helpers.mjs';

const TIME = 1_700_000_000_000;
const ENV = { CAIRN_TIME_MS: String(TIME), CAIRN_USER_NAME: 'Ada', CAIRN_USER_EMAIL: 'ada@example.com' };
const FIXED = { now: () => TIME, author: { name: 'Ada', email: 'ada@example.com' } };

function native(cwd, ...args) {
  const out = runIn(cwd, [nativeCairn()], ['--quiet', ...args], ENV);
  assert.equal(out.status, 0, `cairn ${args.join(' ')}: ${out.stderr}`);
  return out.stdout;
}

/** Every file of a store directory, `manifests/` included: path -> bytes. */
async function files(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const paths = entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)));
  return Object.fromEntries(await Promise.all(paths.sort().map(async (p) => [p, await readFile(join(dir, p))])));
}

test('a database and backup written by the native CLI open and restore in Node', async (t) => {
  const root = await tempDir(t);
  const db = join(root, 'repo1');
  await mkdir(db);
  native(db, 'init');
  native(db, 'sql', '-q', "create table t (id int primary key, name text); insert into t values (1, 'one')");
  native(db, 'commit', '-a', '-m', 'first');
  native(db, 'tag', 'v1');
  native(db, 'sql', '-q', 'create table not_committed (a int primary key)');
  native(db, 'backup', 'add', 'bac1', 'file://../backups/bac1');
  native(db, 'backup', 'sync', 'bac1');

  const repo = await Repo.open(`file://${db}`);
  assert.deepEqual((await repo.status()).untracked, ['not_committed']);
  assert.deepEqual((await repo.log()).map((c) => c.message), ['first', 'Initialize data repository']);
  assert.deepEqual(await repo.backups(), [{ name: 'bac1', url: 'file://../backups/bac1' }]);
  assert.equal((await repo.backupSnapshots('bac1')).length, 1);
  // The backup's owner is the native database: Node syncs to it as the same database.
  assert.equal((await repo.backupSync('bac1')).synced, false);
  repo.close();

  const { repo: restored } = await Repo.backupRestore(`file://${root}/backups/bac1`, `file://${root}/repo2`);
  assert.deepEqual((await restored.status()).untracked, ['not_committed']);
  assert.deepEqual((await restored.tags()).map((t) => t.name), ['v1']);
  const [rows] = await restored.sql('select name from t');
  assert.deepEqual(rows.rows, [['one']]);
  restored.close();
});

test('a database, backup and backup file written by Node open and restore with the native CLI', async (t) => {
  const root = await tempDir(t);
  const repo = await Repo.init(`file://${root}/repo1`, FIXED);
  await repo.sql("create table t (id int primary key, name text); insert into t values (1, 'one')");
  await repo.commit({ message: 'first', all: true });
  await repo.createBranch('dev');
  await repo.sql('create table not_committed (a int primary key)');
  await repo.addBackup('bac1', 'file://../backups/bac1');
  await repo.backupSync('bac1');
  await writeFile(join(root, 'b.cairnbak'), await Repo.backupExport(`file://${root}/backups/bac1`));
  repo.close();

  const db = join(root, 'repo1');
  assert.match(native(db, 'status'), /Untracked files:[\s\S]*new table: {6}not_committed/);
  assert.match(native(db, 'backup', 'snapshots', 'bac1'), /^ID/);
  assert.match(native(db, 'fsck'), /no problems found/);
  for (const [source, target] of [['file://backups/bac1', 'repo2'], ['b.cairnbak', 'repo3']]) {
    assert.match(native(root, 'backup', 'restore', source, target), new RegExp(`into '${target}'`));
    const dir = join(root, target);
    assert.match(native(dir, 'status'), /new table: {6}not_committed/);
    assert.equal(native(dir, 'branch'), '  dev\n* main\n');
    assert.equal(native(dir, 'sql', '-q', 'select * from t', '-r', 'csv'), 'id,name\n1,one\n');
  }
});

test('the same operations give byte-identical stores natively and in Node', async (t) => {
  const root = await tempDir(t);
  const steps = [
    ['sql', '-q', 'create table t (id int primary key, name varchar(20), x double)'],
    ['sql', '-q', "insert into t values (1, 'one', 1.5), (2, 'two', 2), (3, null, -0.25)"],
    ['commit', '-a', '-m', 'first rows'],
    ['branch', 'dev'],
    ['tag', 'v1'],
    ['sql', '-q', "update t set name = 'uno' where id = 1"],
    ['commit', '-a', '-m', 'second'],
    ['push', 'origin', 'main'],
    ['sql', '-q', 'create table not_committed (a int primary key)'],
  ];
  const nativeDb = join(root, 'native');
  await mkdir(nativeDb);
  native(nativeDb, 'init');
  native(nativeDb, 'remote', 'add', 'origin', 'file://../native-remote');
  for (const step of steps) native(nativeDb, ...step);

  const repo = await Repo.init(`file://${root}/node`, FIXED);
  await repo.addRemote('origin', 'file://../node-remote');
  await repo.sql(steps[0][2]);
  await repo.sql(steps[1][2]);
  await repo.commit({ message: 'first rows', all: true });
  await repo.createBranch('dev');
  await repo.createTag('v1');
  await repo.sql(steps[5][2]);
  await repo.commit({ message: 'second', all: true });
  await repo.push('origin', 'main');
  await repo.sql(steps[8][2]);
  repo.close();

  const [a, b] = await Promise.all([files(join(nativeDb, '.cairn/store')), files(join(root, 'node/.cairn/store'))]);
  assert.deepEqual(Object.keys(b), Object.keys(a));
  assert.deepEqual(b, a);
  assert.deepEqual(await files(join(root, 'node-remote')), await files(join(root, 'native-remote')));
});
