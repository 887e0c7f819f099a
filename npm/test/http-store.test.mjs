// http:// from Node: the wasm core's client of `cairn serve` (the native CLI's HttpStorage,
// sending through `fetch`) against a real `cairn serve` process on 127.0.0.1, started per test
// file and stopped by its PID.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { addToken, startCairnServe } from '../../web-demo/cairn-serve.mjs';
import { httpStore, isCairnError, Repo, runConformance, verify } from '../src/node.js';
import { NODE_CAIRN, nativeCairn, runIn, tempDir } from './helpers.mjs';

let server;
let served;
const tokens = {};
before(async () => {
  served = await mkdtemp(join(tmpdir(), 'cairn-served-'));
  for (const scope of ['read', 'write', 'admin']) tokens[scope] = addToken(nativeCairn(), served, scope);
  tokens.other = addToken(nativeCairn(), served, 'admin', 'elsewhere/*');
  server = await startCairnServe(nativeCairn(), served);
});
after(async () => {
  await server?.stop();
  await rm(served, { recursive: true, force: true });
});

const at = (path) => `${server.url}/${path}`;

async function newDatabase(root) {
  const repo = await Repo.init(`file://${root}/db`);
  await repo.sql('create table t (id int primary key, name varchar(20))');
  await repo.sql("insert into t values (1, 'one'), (2, 'two')");
  await repo.commit({ message: 'rows', all: true });
  await repo.sql("insert into t values (3, 'uncommitted')");
  return repo;
}

test('the storage conformance suite passes through the server, the CAS race included', async () => {
  const open = () => httpStore(at('conformance'), { token: tokens.admin });
  const passed = await runConformance(open(), open());
  assert.ok(passed.includes('of writers swapping from one version exactly one wins'), `the CAS race ran: ${passed}`);
});

test('a backup over http:// carries everything and restores with the native CLI; a remote pushes and clones', async (t) => {
  const root = await tempDir(t);
  const repo = await newDatabase(root);
  const token = tokens.write;
  await repo.addBackup('offsite', at('team/backup'));
  const events = [];
  const sync = await repo.backupSync('offsite', { token, onProgress: (e) => events.push(e) });
  assert.equal(sync.synced, true);
  assert.equal(events.at(-1).chunksDone, events.at(-1).chunksTotal, 'the totals are what was done');
  assert.equal((await repo.backupSync('offsite', { token })).synced, false);
  assert.deepEqual((await repo.backupSnapshots('offsite', { token })).map((s) => s.id), [sync.snapshot.id]);
  assert.deepEqual((await Repo.verify(at('team/backup'), { token: tokens.read })).problems, []);
  // An Authorization header is a token too.
  const headers = { Authorization: `Bearer ${tokens.read}` };
  assert.deepEqual((await verify(httpStore(at('team/backup'), { headers }))).problems, []);
  // Another spelling of the same place is the same backup.
  const again = `${server.url.replace('http://', 'HTTP://')}//team//backup/`;
  await assert.rejects(repo.addBackup('again', again), (e) => e.code === 'ADDRESS_CONFLICT');

  // The native CLI restores what Node backed up, uncommitted row included.
  const restored = runIn(root, [nativeCairn()], ['backup', 'restore', at('team/backup'), 'native'], { CAIRN_TOKEN: tokens.read });
  assert.equal(restored.status, 0, restored.stderr);
  const rows = runIn(join(root, 'native'), [nativeCairn()], ['sql', '-q', 'select name from t order by id', '-r', 'csv']);
  assert.equal(rows.stdout, 'name\none\ntwo\nuncommitted\n');

  // A remote: push from Node, clone in Node, and a clone of the backup is refused.
  await repo.addRemote('origin', at('team/remote'));
  await repo.push('origin', 'main', { token });
  const clone = await Repo.clone(at('team/remote'), `file://${root}/clone`, { token: tokens.read });
  assert.deepEqual((await clone.sql('select count(*) from t'))[0].rows, [[2]], 'commits only');
  await assert.rejects(Repo.clone(at('team/backup'), `file://${root}/clone2`, { token: tokens.read }), (e) => isCairnError(e));
  repo.close();
  clone.close();
});

test('refusals: no token, a wrong one, a read token writing, a token for another path, headers the client sets', async (t) => {
  const root = await tempDir(t);
  const repo = await newDatabase(root);
  const url = at('refusals/backup');
  const refused = async (options, why) => {
    const error = await repo.backupSyncUrl(url, options).then(
      () => assert.fail(`a sync with ${JSON.stringify(options)} succeeded`),
      (e) => e,
    );
    assert.ok(isCairnError(error), `${error}`);
    assert.match(error.message, why);
    assert.doesNotMatch(error.message, /\n/, 'one line');
  };
  await refused({}, /needs a token/);
  await refused({ token: 'not-a-token' }, /does not know this token/);
  await refused({ token: tokens.read }, /403/);
  await refused({ token: tokens.other }, /403/);
  assert.deepEqual(await Repo.backupSnapshots(url, { token: tokens.read }).catch((e) => e.code), 'NO_SNAPSHOTS', 'nothing was written');

  assert.throws(() => httpStore(url, { headers: { Range: 'bytes=0-1' } }), (e) => e.code === 'INVALID_ARGUMENT' && /set by the client/.test(e.message));
  assert.throws(() => httpStore(url, { token: 1 }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => httpStore(url, { headers: { 'X-A': 1 } }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => httpStore('http://cairn.example/db', { token: 'x' }), (e) => e.code === 'INVALID_ARGUMENT' && /plain http/.test(e.message));
  assert.throws(() => httpStore('http://user:pw@127.0.0.1/db'), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => httpStore('http://127.0.0.1:1/a/../b'), (e) => e.code === 'INVALID_ARGUMENT');
  repo.close();
});

test('the Node bin backs up to and restores from http:// with CAIRN_TOKEN', async (t) => {
  const root = await tempDir(t);
  const repo = await newDatabase(root);
  repo.close();
  const env = { CAIRN_TOKEN: tokens.write };
  const synced = runIn(join(root, 'db'), NODE_CAIRN, ['backup', 'sync-url', at('bin/backup')], env);
  assert.equal(synced.status, 0, synced.stderr);
  const restored = runIn(root, NODE_CAIRN, ['backup', 'restore', at('bin/backup'), 'back'], env);
  assert.equal(restored.status, 0, restored.stderr);
  const rows = runIn(join(root, 'back'), [nativeCairn()], ['sql', '-q', 'select count(*) from t', '-r', 'csv']);
  assert.match(rows.stdout, /\n3\n$/);
});
