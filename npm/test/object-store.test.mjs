// s3:// from Node: the wasm core's object-store client (the native CLI's, sending through
// `fetch`) against a real S3, a throw-away Ceph RADOS Gateway on 127.0.0.1 started by
// scripts/ceph.sh, and az:// against Azurite. Each test has its own bucket or prefix.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isCairnError, objectStore, Repo, runConformance, verify } from '../src/node.js';
import { createBucket, NODE_CAIRN, runIn, startServer, tempDir } from './helpers.mjs';

let ceph;
before(async () => {
  ceph = await startServer('scripts/ceph.sh');
  // The Node API reads credentials from the environment, as the native CLI does.
  Object.assign(process.env, ceph.env);
});
after(() => ceph?.stop());

const s3 = (bucket, prefix) => `s3://${bucket}/${prefix}?endpoint=${ceph.env.AWS_ENDPOINT_URL}&path-style=true`;

test('the storage conformance suite passes on Ceph, the CAS race included', async () => {
  createBucket(ceph.env, 'node-conformance');
  const passed = await runConformance(objectStore(s3('node-conformance', 'one')), objectStore(s3('node-conformance', 'one')));
  assert.ok(passed.length > 5, `${passed}`);
  assert.ok(passed.includes('of writers swapping from one version exactly one wins'), `the CAS race ran: ${passed}`);
});

test('a database backs up to s3://, verifies, and restores elsewhere, with true progress totals', async (t) => {
  createBucket(ceph.env, 'node-backups');
  const root = await tempDir(t);
  const repo = await Repo.init(`file://${root}/db`);
  await repo.sql('create table t (id int primary key, name varchar(20))');
  await repo.sql("insert into t values (1, 'one'), (2, 'two')");
  await repo.commit({ message: 'rows', all: true });
  await repo.sql("insert into t values (3, 'uncommitted')");

  const url = s3('node-backups', 'team/db');
  await repo.addBackup('offsite', url);
  const events = [];
  const sync = await repo.backupSync('offsite', { onProgress: (e) => events.push(e) });
  assert.equal(sync.synced, true);
  const last = events.at(-1);
  assert.equal(last.chunksDone, last.chunksTotal, 'the totals are what was done');
  assert.equal((await repo.backupSync('offsite')).synced, false, 'an unchanged database is up to date');
  assert.deepEqual((await repo.backupSnapshots('offsite')).map((s) => s.id), [sync.snapshot.id]);
  assert.deepEqual((await Repo.verify(url)).problems, []);
  assert.deepEqual((await verify(objectStore(url))).problems, []);

  // Another spelling of the same place is the same backup.
  await assert.rejects(repo.addBackup('again', s3('node-backups', 'team//db/')), (e) => isCairnError(e));

  const { repo: restored } = await Repo.backupRestore(url, `file://${root}/restored`);
  const rows = await restored.sql('select id, name from t order by id');
  assert.deepEqual(rows.at(-1).rows, [
    [1, 'one'],
    [2, 'two'],
    [3, 'uncommitted'],
  ]);
  repo.close();
  restored.close();
});

test('an aborted sync leaves the backup valid, and the next one completes it', async (t) => {
  createBucket(ceph.env, 'node-abort');
  const root = await tempDir(t);
  const repo = await Repo.init(`file://${root}/db`);
  await repo.sql('create table t (id int primary key, v varchar(40))');
  await repo.commit({ message: 'empty table', all: true });
  const url = s3('node-abort', 'db');
  const first = await repo.backupSyncUrl(url);
  const values = Array.from({ length: 3000 }, (_, i) => `(${i}, 'value number ${i}')`).join(', ');
  await repo.sql(`insert into t values ${values}`);
  await repo.commit({ message: 'rows', all: true });
  const stop = new AbortController();
  const stopped = repo.backupSyncUrl(url, { signal: stop.signal, onProgress: () => stop.abort(new Error('stop here')) });
  await assert.rejects(stopped, /stop here/);
  assert.deepEqual((await Repo.verify(url)).problems, [], 'what an aborted sync left verifies');
  assert.deepEqual((await repo.backupSnapshots(url)).map((s) => s.id), [first.snapshot.id]);
  const sync = await repo.backupSyncUrl(url);
  assert.equal(sync.synced, true);
  assert.deepEqual((await Repo.verify(url)).problems, []);
  assert.equal((await repo.backupSnapshots(url)).length, 2);
  repo.close();
});

test('bad URLs and wrong credentials are one-line errors that change nothing', async (t) => {
  createBucket(ceph.env, 'node-errors');
  assert.throws(() => objectStore('s3://AKIA:secret@node-errors/x'), (e) => e.code === 'INVALID_ARGUMENT' && /credentials do not go in a URL/.test(e.message));
  assert.throws(() => objectStore('s3://Bad_Bucket/x'), (e) => e.code === 'INVALID_ARGUMENT');
  const root = await tempDir(t);
  const repo = await Repo.init(`file://${root}/db`);
  await repo.sql('create table t (id int primary key)');
  await repo.commit({ message: 'one', all: true });
  await assert.rejects(repo.addBackup('bad', 's3://b/x?secret=1'), (e) => e.code === 'INVALID_ARGUMENT');
  const missing = await repo.backupSyncUrl(s3('no-such-bucket', 'x')).catch((e) => e);
  assert.equal(missing.code, 'IO');
  assert.match(missing.message, /bucket does not exist/);
  assert.doesNotMatch(missing.message, /\n/);

  const secret = process.env.AWS_SECRET_ACCESS_KEY;
  process.env.AWS_SECRET_ACCESS_KEY = 'wrong';
  try {
    const refused = await repo.backupSyncUrl(s3('node-errors', 'x')).catch((e) => e);
    assert.equal(refused.code, 'IO');
    assert.match(refused.message, /refused the credentials/);
  } finally {
    process.env.AWS_SECRET_ACCESS_KEY = secret;
  }
  // Nothing was written by the failed syncs.
  assert.equal((await repo.backupSnapshots(s3('node-errors', 'x')).catch((e) => e)).code, 'NO_SNAPSHOTS');
  repo.close();
});

test('the Node cairn bin backs up to s3:// and restores from it, as the native one does', async (t) => {
  createBucket(ceph.env, 'node-cli');
  const root = await tempDir(t);
  const run = (cwd, ...args) => {
    const out = runIn(cwd, NODE_CAIRN, args, ceph.env);
    assert.equal(out.status, 0, `cairn ${args.join(' ')}: ${out.stderr}`);
    return out.stdout;
  };
  await Repo.init(`file://${root}/db`).then((r) => r.close());
  run(`${root}/db`, 'sql', '-q', 'create table t (id int primary key)');
  run(`${root}/db`, 'sql', '-q', 'insert into t values (7)');
  run(`${root}/db`, 'commit', '-am', 'seven');
  const url = s3('node-cli', 'db');
  run(`${root}/db`, 'backup', 'sync-url', url);
  assert.match(run(`${root}/db`, 'backup', 'verify', url), /no problems found/);
  run(root, 'backup', 'restore', url, 'restored');
  assert.match(run(`${root}/restored`, 'sql', '-q', 'select id from t'), /7/);
});

test('az:// works the same against Azurite', async (t) => {
  const azurite = await startServer('scripts/azurite.sh');
  t.after(azurite.stop);
  const made = runIn('.', ['bash', new URL('../../scripts/azurite.sh', import.meta.url).pathname], ['container', azurite.dir, 'node-az']);
  assert.equal(made.status, 0, made.stderr);
  Object.assign(process.env, azurite.env);
  const url = `az://node-az/store?endpoint=${azurite.env.AZURITE_ENDPOINT}`;
  const passed = await runConformance(objectStore(url), objectStore(url));
  assert.ok(passed.length > 5, `${passed}`);
});
