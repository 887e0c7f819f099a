// file:// database folders after a process died while creating one (docs/FORMAT.md, "Database
// folders"): the states it can leave, built by hand, and what opening the folder recovers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Repo } from '../src/node.js';
import { tempDir } from './helpers.mjs';

// No process has this pid (Linux's largest is 2^22).
const DEAD = 99999999;

/** A new database in `root/name`; resolves to its `.cairn` folder and its id. */
async function database(root, name) {
  const repo = await Repo.init(`file://${join(root, name)}`);
  const id = repo.id;
  repo.close();
  return { meta: join(root, name, '.cairn'), id };
}

/** `dir`, with the old database moved aside and a new one built beside it, as `create` leaves them. */
async function diedReplacing(root, { newComplete }) {
  const dir = join(root, 'db');
  const [old, fresh] = [await database(root, 'db'), await database(root, 'fresh')];
  await rename(old.meta, join(dir, `.cairn-old-${DEAD}`));
  await rename(fresh.meta, join(dir, `.cairn-new-${DEAD}`));
  if (!newComplete) await rm(join(dir, `.cairn-new-${DEAD}`, 'config'));
  return { dir, old, fresh };
}

/** Opens `dir`; resolves to the database's id and what the folder then holds. */
async function reopen(dir) {
  const repo = await Repo.open(`file://${dir}`);
  const id = repo.id;
  repo.close();
  return { id, entries: await readdir(dir) };
}

test('killed between the two renames: opening recovers the new database', async (t) => {
  const { dir, fresh } = await diedReplacing(await tempDir(t), { newComplete: true });
  assert.deepEqual(await reopen(dir), { id: fresh.id, entries: ['.cairn'] });
});

test('killed while building the new database, the old moved aside: opening recovers the old', async (t) => {
  const { dir, old } = await diedReplacing(await tempDir(t), { newComplete: false });
  assert.deepEqual(await reopen(dir), { id: old.id, entries: ['.cairn'] });
});

test('leftovers beside a database are deleted, those of a running process kept', async (t) => {
  const root = await tempDir(t);
  const { id } = await database(root, 'db');
  const dir = join(root, 'db');
  await mkdir(join(dir, `.cairn-new-${DEAD}`, 'store'), { recursive: true });
  await mkdir(join(dir, `.cairn-old-${DEAD}`));
  await mkdir(join(dir, `.cairn-new-${process.ppid}`));
  const { id: opened, entries } = await reopen(dir);
  assert.equal(opened, id);
  assert.deepEqual(entries.sort(), ['.cairn', `.cairn-new-${process.ppid}`], 'the parent process still runs');
});

test('a create first recovers: init where a killed restore left a complete database', async (t) => {
  const { dir } = await diedReplacing(await tempDir(t), { newComplete: true });
  await assert.rejects(Repo.init(`file://${dir}`), { code: 'ALREADY_EXISTS' });
  assert.deepEqual(await readdir(dir), ['.cairn']);
});

/** A `.cairnbak` file of a backup of a table of 300 rows. */
async function backupFile(name) {
  const repo = await Repo.init(`mem://${name}-db`);
  await repo.sql('create table t (id int primary key)');
  await repo.sql(`insert into t values ${Array.from({ length: 300 }, (_, i) => `(${i})`).join(',')}`);
  await repo.commit({ message: 'rows', all: true });
  await repo.backupSyncUrl(`mem://${name}`);
  repo.close();
  return new Uint8Array(Buffer.concat(await (await Repo.backupExport(`mem://${name}`)).toArray()));
}

test('a backup file is unpacked beside the folder it is restored into; what a killed one left is deleted', async (t) => {
  const root = await tempDir(t);
  const file = await backupFile('unpack-beside');
  const [own, abandoned, live] = [process.pid, DEAD, process.ppid].map((pid) => `.r.unpacked-${pid}`);
  await mkdir(join(root, abandoned, 'store'), { recursive: true });
  await mkdir(join(root, live));
  // The stream holds its last byte until the rest is unpacked and looked at.
  let during;
  const stream = (async function* () {
    yield file.subarray(0, file.length - 1);
    during = { entries: (await readdir(root)).sort(), unpacked: await readdir(join(root, own)) };
    yield file.subarray(file.length - 1);
  })();
  const { repo } = await Repo.backupRestoreFile(stream, `file://${join(root, 'r')}`);
  const [{ rows }] = await repo.sql('select count(*) from t');
  repo.close();
  assert.equal(rows[0][0], 300);
  assert.deepEqual(during.entries, [own, live].sort(), 'the abandoned unpack is deleted first');
  assert.ok(during.unpacked.length > 0, 'the table files are unpacked there');
  assert.deepEqual((await readdir(root)).sort(), [live, 'r'].sort(), 'the parent process still runs');

  // A restore that fails midway leaves neither the unpack nor the database.
  const failing = (async function* () {
    yield file.subarray(0, file.length / 2);
    throw new Error('the network went away');
  })();
  await assert.rejects(Repo.backupRestoreFile(failing, `file://${join(root, 's')}`), /the network went away/);
  assert.deepEqual((await readdir(root)).sort(), [live, 'r'].sort());
});
