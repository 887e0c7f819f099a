// Encrypted backups between the native CLI and Node: each restores what the other sealed,
// with { password } in JS and CAIRN_PASSWORD natively; the sealing is the wasm core's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isCairnError, Repo } from '../src/node.js';
import { NODE_CAIRN, nativeCairn, runIn, tempDir } from './helpers.mjs';

const PASSWORD = 'correct horse';
const ENV = { CAIRN_USER_NAME: 'Ada', CAIRN_USER_EMAIL: 'ada@example.com' };

function native(cwd, args, env = {}) {
  const out = runIn(cwd, [nativeCairn()], ['--quiet', ...args], { ...ENV, ...env });
  assert.equal(out.status, 0, `cairn ${args.join(' ')}: ${out.stderr}`);
  return out.stdout;
}

/** Whether any file under `dir` holds `marker`. */
async function holds(dir, marker) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const e of entries.filter((e) => e.isFile())) {
    const bytes = await readFile(join(e.parentPath ?? e.path, e.name));
    if (bytes.includes(marker)) return true;
  }
  return false;
}

test('an encrypted backup made natively restores in Node with { password } only', async (t) => {
  const root = await tempDir(t);
  const db = join(root, 'db');
  await mkdir(db);
  native(db, ['init']);
  native(db, ['sql', '-q', "create table t (id int primary key, v text); insert into t values (1, 'zqxmarker')"]);
  native(db, ['commit', '-a', '-m', 'rows']);
  native(db, ['backup', 'add', 'enc', 'file://../enc', '--encrypt'], { CAIRN_PASSWORD: PASSWORD });
  native(db, ['backup', 'sync', 'enc'], { CAIRN_PASSWORD: PASSWORD });
  assert.equal(await holds(join(root, 'enc'), 'zqxmarker'), false);

  const url = `file://${root}/enc`;
  for (const [options, code] of [
    [{}, 'PASSWORD_NEEDED'],
    [{ password: 'wrong' }, 'WRONG_PASSWORD'],
  ]) {
    await assert.rejects(Repo.backupSnapshots(url, options), (e) => isCairnError(e, code));
    await assert.rejects(Repo.backupRestore(url, `file://${root}/nope`, options), (e) => isCairnError(e, code));
  }
  await assert.rejects(readdir(join(root, 'nope')), { code: 'ENOENT' });

  assert.equal((await Repo.backupSnapshots(url, { password: PASSWORD })).length, 1);
  assert.equal((await Repo.verify(url, { password: PASSWORD })).problems.length, 0);
  const { repo } = await Repo.backupRestore(url, `file://${root}/back`, { password: PASSWORD });
  const [rows] = await repo.sql('select v from t');
  assert.deepEqual(rows.rows, [['zqxmarker']]);
  repo.close();

  // The Node bin (the same CLI through wasm) recognises it too, and words the hint for itself.
  const out = runIn(db, NODE_CAIRN, ['backup', 'snapshots', 'enc'], ENV);
  assert.equal(out.status, 1);
  assert.equal(out.stderr, 'error: the backup is encrypted: it needs its password; set CAIRN_PASSWORD or use --password-file FILE\n');
});

test('an encrypted backup and backup file made in Node restore with the native CLI', async (t) => {
  const root = await tempDir(t);
  const repo = await Repo.init(`file://${root}/db`, { author: { name: 'Ada', email: 'ada@example.com' } });
  await repo.sql("create table t (id int primary key, v text); insert into t values (1, 'zqxmarker')");
  await repo.commit({ message: 'rows', all: true });
  await repo.createBranch('branch-zqxmarker');
  const url = `file://${root}/enc`;
  await assert.rejects(repo.backupSyncUrl(url, { encrypt: true }), (e) => isCairnError(e, 'PASSWORD_NEEDED'));
  await repo.backupSyncUrl(url, { password: PASSWORD, encrypt: true });
  await repo.sql("insert into t values (2, 'two')");
  await repo.backupSyncUrl(url, { password: PASSWORD });
  // A password for a backup that is not encrypted is refused.
  await repo.backupSyncUrl(`file://${root}/plain`);
  await assert.rejects(repo.backupSyncUrl(`file://${root}/plain`, { password: PASSWORD }), (e) => isCairnError(e, 'NOT_ENCRYPTED'));
  const file = new Uint8Array(Buffer.concat(await (await Repo.backupExport(url, { password: PASSWORD })).toArray()));
  assert.equal(new TextDecoder().decode(file.subarray(0, 8)), 'CAIRNSBK');
  assert.equal(file.includes('zqxmarker'), false);
  await writeFile(join(root, 'enc.cairnbak'), file);
  repo.close();
  assert.equal(await holds(join(root, 'enc'), 'zqxmarker'), false);
  assert.equal(await holds(join(root, 'plain'), 'zqxmarker'), true);

  const env = { CAIRN_PASSWORD: PASSWORD };
  assert.equal(native(root, ['backup', 'snapshots', 'file://enc'], env).split('\n').length, 4);
  for (const [source, target] of [['file://enc', 'r1'], ['enc.cairnbak', 'r2']]) {
    native(root, ['backup', 'restore', source, target], env);
    assert.equal(native(join(root, target), ['sql', '-q', 'select v from t', '-r', 'csv']), 'v\nzqxmarker\ntwo\n');
  }
  const { repo: fromFile } = await Repo.backupRestoreFile(file, `file://${root}/r3`, { password: PASSWORD });
  assert.deepEqual((await fromFile.branches()).map((b) => b.name).sort(), ['branch-zqxmarker', 'main']);
  fromFile.close();
  await assert.rejects(Repo.backupRestoreFile(file, `file://${root}/r4`), (e) => isCairnError(e, 'PASSWORD_NEEDED'));
});
